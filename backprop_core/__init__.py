"""backprop_core: an exact, steppable NumPy engine for small fully connected networks.

Pure NumPy: nothing here imports Streamlit, Plotly or any I/O library.

    import backprop_core as bc
    net = bc.Network([3, 5, 4, 2], activations=["relu", "tanh", "sigmoid"], seed=1)
    cache = net.forward(X)
    grads = net.backward(cache, Y, loss="mse", reduction="mean")
    bc.SGD(lr=0.1).step(net, grads)
"""

from .activations import ACTIVATIONS, Activation, get_activation
from .config import OUTPUT_PAIRINGS, RunConfig, build
from .datasets import DATASETS, Dataset, dataset_extent, make_dataset
from .features import DEFAULT_FEATURES, FEATURES, apply_features
from .gradcheck import ParamCheck, grad_check
from .grid import Grid, evaluate_grid
from .history import History, StepRecord
from .initializers import INITIALIZERS
from .losses import LOSSES, loss_value, per_sample_cost
from .network import ForwardCache, Gradients, Network
from .optimizers import OPTIMIZERS, SGD, Adam, Momentum, Optimizer, Update, make_optimizer
from .presets import PRESETS, Preset, get_preset
from .regularization import REGULARIZERS, penalty
from .rewind import Keyframes, Snapshot
from .serialize import StateError, trainer_from_dict, trainer_to_dict
from .trainer import PHASES, Divergence, Trainer, TrainerDiverged

__all__ = [
    "ACTIVATIONS", "Activation", "get_activation",
    "OUTPUT_PAIRINGS", "RunConfig", "build",
    "DATASETS", "PRESETS", "Dataset", "Preset", "dataset_extent", "get_preset", "make_dataset",
    "DEFAULT_FEATURES", "FEATURES", "apply_features",
    "ParamCheck", "grad_check",
    "Grid", "evaluate_grid",
    "History", "StepRecord",
    "INITIALIZERS",
    "LOSSES", "loss_value", "per_sample_cost",
    "ForwardCache", "Gradients", "Network",
    "OPTIMIZERS", "SGD", "Adam", "Momentum", "Optimizer", "Update", "make_optimizer",
    "REGULARIZERS", "penalty",
    "Keyframes", "Snapshot",
    "StateError", "trainer_from_dict", "trainer_to_dict",
    "PHASES", "Divergence", "Trainer", "TrainerDiverged",
]
