"""Monitoring writes: `ingest` (pushed outputs) and `scans` (the guard); import the submodule."""
