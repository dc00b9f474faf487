"""Benchmarks for the complaint desk: `python -m bench` (see bench/README.md)."""
