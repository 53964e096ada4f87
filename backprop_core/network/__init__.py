"""The network and its maths: activations, losses, layers, initialisers, penalties, optimizers,
schedules."""
