"""Benchmarks at a million tickets: ``python -m bench run`` (see bench/__main__.py)."""
