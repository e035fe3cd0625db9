"""The Llama Guard scanner: prompt-prefix caching engine, answer parsing, per-process runtime."""
