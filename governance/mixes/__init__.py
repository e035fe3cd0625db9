"""Training mixes: the weight rule, records and legal review. Callers import submodules."""
