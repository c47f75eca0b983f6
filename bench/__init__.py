"""Benchmarks of the main paths, each side by side with its lower bound, measured as ratios in one run."""
