"""What the pages compute from a run: chain-rule breakdowns, gradient checks, hidden spaces,
loss surfaces, paths, confusion, distributions, computation graphs."""
