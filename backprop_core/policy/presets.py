"""The two background texts' worked examples, as fixed presets.

The seed article trains a 5-10-1 sigmoid network on 10 samples of 5 binary inputs; the seed
notebook a 3-4-1 sigmoid network on 2 samples of 3 inputs. Both sum the ½·Σ(t−y)² cost
over samples and use plain gradient descent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..network.network import Network
from ..network.optimizers import SGD
from ..training.trainer import Trainer


@dataclass(frozen=True, eq=False)
class Preset:
    """A fixed worked example: data plus the network and training set-up to run on it.

    X (n, d) float64 and Y (n, 1) float64; ``layer_sizes`` starts with d and ends with 1;
    ``activations`` has one entry per layer after the input.
    """

    X: np.ndarray
    Y: np.ndarray
    layer_sizes: list[int]
    activations: list[str]
    loss: str
    reduction: str
    learning_rate: float
    batch_size: int
    epochs: int
    description: str

    def trainer(self, seed: int = 0) -> Trainer:
        """A fresh run of this example: its network (initialised from ``seed``), its data
        in order (no shuffling, as the texts do), its loss, reduction and learning rate."""
        net = Network(self.layer_sizes, self.activations, seed=seed)
        return Trainer(net, self.X, self.Y, loss=self.loss, reduction=self.reduction,
                       optimizer=SGD(self.learning_rate), batch_size=self.batch_size,
                       shuffle=False)


def article_preset() -> Preset:
    """The article's example: 10 five-bit patterns, a 5-10-1 sigmoid net, full batch."""
    X = np.array(
        [
            [0, 0, 1, 0, 1],
            [1, 1, 1, 0, 0],
            [1, 0, 1, 1, 1],
            [0, 1, 1, 1, 0],
            [1, 0, 0, 1, 1],
            [0, 1, 0, 0, 1],
            [1, 1, 0, 1, 0],
            [0, 0, 0, 1, 0],
            [1, 0, 0, 0, 1],
            [0, 1, 1, 0, 1],
        ],
        dtype=np.float64,
    )
    Y = np.array([[0], [1], [1], [0], [1], [0], [1], [0], [1], [1]], dtype=np.float64)
    return Preset(
        X=X,
        Y=Y,
        layer_sizes=[5, 10, 1],
        activations=["sigmoid", "sigmoid"],
        loss="mse",
        reduction="sum",
        learning_rate=0.1,
        batch_size=10,
        epochs=1000,
        description=(
            "Article example: ten 5-bit input patterns with 0/1 targets, a 5-10-1 network "
            "with sigmoid layers, summed squared error, learning rate 0.1, full-batch "
            "gradient descent for 1000 epochs."
        ),
    )


def notebook_preset() -> Preset:
    """The notebook's example: two 3-bit patterns, a 3-4-1 sigmoid net, one step."""
    X = np.array([[0, 0, 1], [1, 1, 1]], dtype=np.float64)
    Y = np.array([[0], [1]], dtype=np.float64)
    return Preset(
        X=X,
        Y=Y,
        layer_sizes=[3, 4, 1],
        activations=["sigmoid", "sigmoid"],
        loss="mse",
        reduction="sum",
        # The notebook subtracts the raw gradient, i.e. a step size of exactly 1.
        learning_rate=1.0,
        batch_size=2,
        epochs=1,
        description=(
            "Notebook example: two 3-bit input patterns with targets 0 and 1, a 3-4-1 "
            "network with sigmoid layers, summed squared error and a single full-batch "
            "update that subtracts the raw gradient (learning rate 1)."
        ),
    )


PRESETS: dict[str, Callable[[], Preset]] = {
    "article": article_preset,
    "notebook": notebook_preset,
}


def get_preset(name: str) -> Preset:
    """A fresh ``Preset`` for ``name`` (so callers may mutate its arrays and lists)."""
    if name not in PRESETS:
        raise ValueError(f"unknown preset {name!r}; valid names: {', '.join(PRESETS)}")
    return PRESETS[name]()
