"""Rapport's benchmarks: `make bench` (python -m bench). Each figure is printed with its ratio to
a baseline measured side by side in the same run, since these machines are noisy."""
