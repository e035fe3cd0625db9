"""Governance pages, one module per kind of record; thin views over services and selectors."""
