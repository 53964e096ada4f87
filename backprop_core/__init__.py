"""backprop_core: an exact, steppable NumPy engine for small fully connected networks.

Pure NumPy: nothing here imports Streamlit, Plotly or any I/O library.

    import backprop_core as bc
    net = bc.Network([3, 5, 4, 2], activations=["relu", "tanh", "sigmoid"], seed=1)
    cache = net.forward(X)
    grads = net.backward(cache, Y, loss="mse", reduction="mean")
    bc.SGD(lr=0.1).step(net, grads)
"""

from .analyses.gradcheck import ParamCheck, grad_check
from .analyses.grid import Grid, evaluate_grid
from .data.datasets import DATASETS, Dataset, dataset_extent, make_dataset
from .data.features import DEFAULT_FEATURES, FEATURES, apply_features
from .network.activations import ACTIVATIONS, Activation, get_activation
from .network.initializers import INITIALIZERS
from .network.losses import LOSSES, loss_value, per_sample_cost
from .network.network import ForwardCache, Gradients, Network
from .network.optimizers import OPTIMIZERS, SGD, Adam, Momentum, Optimizer, Update, make_optimizer
from .network.regularization import REGULARIZERS, penalty
from .policy.config import OUTPUT_PAIRINGS, RunConfig, build
from .policy.presets import PRESETS, Preset, get_preset
from .training.history import History, StepRecord
from .training.keyframes import Keyframes
from .training.serialize import StateError, trainer_from_dict, trainer_to_dict
from .training.snapshot import Snapshot
from .training.trainer import PHASES, Divergence, Trainer, TrainerDiverged

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
