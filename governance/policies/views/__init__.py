"""Policy pages, one module per page family; urls.py names the module of each view."""
