"""Training one phase at a time: the trainer, its history and rewinds, the log of changes and
its checks, divergence, session files."""
