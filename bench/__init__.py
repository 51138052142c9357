"""Benchmarks (run with ``.venv/bin/python bench/run.py``); not part of the test suite."""
