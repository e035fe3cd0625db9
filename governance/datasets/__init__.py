"""The dataset inventory: fields, records, legal review, imports. Callers import submodules."""
