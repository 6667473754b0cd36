"""The training loop and everything around it: checkpoints, run directories, EMA, health, hooks."""
