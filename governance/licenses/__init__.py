"""The license catalog's writes: expressions and Legal's overrides. Callers import submodules."""
