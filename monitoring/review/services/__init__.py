"""Review-queue writes, one module per job; callers import the submodule they need."""
