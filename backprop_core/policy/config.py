"""One typed list of settings that fully determines a run, and the builder that runs it.

``RunConfig`` is what widgets write, what share links encode and what ``build`` turns into a
dataset and a trainer: same config, same data, same initial weights, same run.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace

import numpy as np

from ..data.datasets import DATASETS, Dataset, check_dataset_args, make_dataset
from ..data.features import FEATURES, apply_features
from ..network.network import Network
from ..network.optimizers import make_optimizer
from ..network.schedules import SCHEDULES, Schedule
from ..training.trainer import Trainer
from .offered import MAX_HIDDEN_LAYERS, MAX_NEURONS, MAX_POINT_COORD, SCHEDULE_FIELDS

# Output activation and loss, paired so that the output delta is the simple, exact y - t.
OUTPUT_PAIRINGS: dict[str, tuple[str, str]] = {
    "sigmoid+bce": ("sigmoid", "bce"),
    "softmax+cross_entropy": ("softmax", "cross_entropy"),
    "linear+mse": ("linear", "mse"),
    "sigmoid+mse": ("sigmoid", "mse"),  # the seed article's choice
    "tanh+mse": ("tanh", "mse"),
}
AUTO_PAIRING = {"binary": "sigmoid+bce", "multiclass": "softmax+cross_entropy",
                "regression": "linear+mse"}
# The pairs that fit each task: BCE needs targets in [0, 1] (regression targets are in
# [-1, 1], where BCE goes negative), a sigmoid cannot reach them either, softmax needs
# classes.
TASK_PAIRINGS = {
    "binary": ("sigmoid+bce", "sigmoid+mse", "tanh+mse", "linear+mse"),
    "multiclass": ("softmax+cross_entropy",),
    "regression": ("linear+mse", "tanh+mse"),
}
HIDDEN_ACTIVATIONS = ("tanh", "relu", "leaky_relu", "sigmoid", "linear")
CUSTOM = "custom"


def _lists(v):
    return [_lists(x) for x in v] if isinstance(v, tuple) else v


def _tuples(v):
    return tuple(_tuples(x) for x in v) if isinstance(v, list) else v


MAX_EXTRA_POINTS = 200
MAX_RATE = 100.0  # learning and regularisation rates beyond this only overflow


@dataclass(frozen=True)
class RunConfig:
    """Everything that defines a run. Tuples keep it hashable (usable as a cache key)."""

    dataset: str = "circle"
    noise: float = 0.0
    n_samples: int = 250
    train_fraction: float = 0.5
    n_classes: int = 3
    data_seed: int = 0
    features: tuple[str, ...] = ("x1", "x2")
    hidden: tuple[int, ...] = (4, 4)
    activations: tuple[str, ...] = ("tanh", "tanh")
    output: str = "auto"
    init: str = "xavier"
    seed: int = 0
    optimizer: str = "sgd"
    lr: float = 0.03
    momentum: float = 0.9
    beta1: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-8
    batch_size: int = 10
    regularization: str = "none"
    reg_rate: float = 0.0
    reduction: str = "mean"
    # Learning-rate schedule (backprop_core.network.schedules): it scales ``lr`` per update.
    schedule: str = "constant"
    sched_step: int = 100  # step decay: every this many updates...
    sched_gamma: float = 0.5  # ...times this (exponential: every update)
    sched_tmax: int = 1000  # cosine: updates to reach sched_min
    sched_min: float = 0.0
    sched_warmup: int = 100  # warm-up: updates from sched_start × lr to lr
    sched_start: float = 0.1
    # dataset "custom": the data come from outside (an upload), not from a generator;
    # then ``custom_task`` says what they are and ``features`` is ignored (raw columns).
    custom_task: str = "binary"
    # Points drawn on the boundary plot, added to the training set: (x₁, x₂, label) with
    # label a class index, or a target in [-1, 1] for regression.
    extra_points: tuple[tuple[float, float, float], ...] = ()

    def __post_init__(self):
        check(self)

    def to_dict(self) -> dict:
        return {k: _lists(v) for k, v in asdict(self).items()}

    @classmethod
    def from_dict(cls, d: dict) -> RunConfig:
        names = {f.name for f in fields(cls)}
        unknown = set(d) - names
        if unknown:
            raise ValueError(f"unknown settings: {sorted(unknown)}")
        values = {k: _tuples(v) for k, v in d.items()}
        return cls(**values)

    def with_(self, **changes) -> RunConfig:
        return replace(self, **changes)

    @property
    def task(self) -> str:
        return self.custom_task if self.is_custom else DATASETS[self.dataset].task

    @property
    def is_custom(self) -> bool:
        return self.dataset == CUSTOM

    @property
    def pairing(self) -> str:
        return AUTO_PAIRING[self.task] if self.output == "auto" else self.output

    def lr_schedule(self) -> Schedule:
        return Schedule(self.schedule, step_size=self.sched_step, gamma=self.sched_gamma,
                        t_max=self.sched_tmax, eta_min=self.sched_min,
                        warmup_steps=self.sched_warmup, start_factor=self.sched_start)

    def optimizer_hyperparams(self) -> dict[str, float]:
        if self.optimizer == "momentum":
            return {"lr": self.lr, "momentum": self.momentum}
        if self.optimizer == "adam":
            return {"lr": self.lr, "beta1": self.beta1, "beta2": self.beta2, "eps": self.eps}
        return {"lr": self.lr}


def check(c: RunConfig) -> None:
    """Raise ValueError naming the first invalid setting."""
    if c.dataset not in DATASETS and c.dataset != CUSTOM:
        raise ValueError(f"dataset: unknown {c.dataset!r}")
    if c.dataset != CUSTOM:  # settings that would make the generator refuse, refused here
        check_dataset_args(c.dataset, c.n_samples, c.noise, c.train_fraction, c.n_classes)
    for name in ("data_seed", "seed"):
        value = getattr(c, name)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**63:
            raise ValueError(f"{name}: a whole number from 0 to 2^63 - 1")
    if c.custom_task not in ("binary", "multiclass", "regression"):
        raise ValueError("custom_task: binary, multiclass or regression")
    bad = [f for f in c.features if f not in FEATURES]
    if not c.features or bad or len(set(c.features)) != len(c.features):
        raise ValueError(f"features: need distinct names from {list(FEATURES)}")
    if len(c.hidden) > MAX_HIDDEN_LAYERS or any(not 1 <= n <= MAX_NEURONS for n in c.hidden):
        raise ValueError(f"hidden: up to {MAX_HIDDEN_LAYERS} layers of 1..{MAX_NEURONS} neurons")
    if len(c.activations) != len(c.hidden) or any(
        a not in HIDDEN_ACTIVATIONS for a in c.activations
    ):
        raise ValueError(f"activations: one of {HIDDEN_ACTIVATIONS} per hidden layer")
    if c.output != "auto" and c.output not in OUTPUT_PAIRINGS:
        raise ValueError(f"output: one of {['auto', *OUTPUT_PAIRINGS]}")
    if c.pairing not in TASK_PAIRINGS[c.task]:
        raise ValueError(f"output: {c.pairing} does not fit {c.task} data; one of "
                         f"{', '.join(TASK_PAIRINGS[c.task])}")
    if c.batch_size < 1:
        raise ValueError("batch_size: must be >= 1")
    if not 0 <= c.reg_rate <= MAX_RATE or not 0 < c.lr <= MAX_RATE:
        raise ValueError(f"lr and reg_rate: at most {MAX_RATE:g} (lr above 0)")
    if len(c.extra_points) > MAX_EXTRA_POINTS or not all(
            len(p) == 3 and all(isinstance(v, int | float) and np.isfinite(v) for v in p)
            and max(abs(p[0]), abs(p[1])) <= MAX_POINT_COORD for p in c.extra_points):
        raise ValueError(f"extra_points: up to {MAX_EXTRA_POINTS} (x₁, x₂, label) with x₁, "
                         f"x₂ within ±{MAX_POINT_COORD:g} (the data's plane)")
    if c.extra_points and c.is_custom:
        raise ValueError("extra_points: drawing points is for the built-in 2-D data sets")
    if c.extra_points and not _labels_fit(c):
        raise ValueError("extra_points: labels must be classes of the data set (or targets "
                         "in [-1, 1] for regression)")
    if c.reduction not in ("mean", "sum"):
        raise ValueError("reduction: 'mean' or 'sum'")
    if c.schedule not in SCHEDULES:
        raise ValueError(f"schedule: one of {SCHEDULES}")
    try:
        c.lr_schedule()
    except (TypeError, ValueError) as exc:
        raise ValueError(f"schedule settings: {exc}") from None


def _labels_fit(c: RunConfig) -> bool:
    return all(_label_fits(c, float(p[2])) for p in c.extra_points)


def _label_fits(c: RunConfig, label: float) -> bool:
    """A class index of the data set, or a target in [-1, 1] for regression."""
    if not np.isfinite(label):
        return False
    if c.task == "regression":
        return abs(label) <= 1
    k = c.n_classes if c.task == "multiclass" else 2
    return label == round(label) and 0 <= label < k


def _targets(task: str, n_outputs: int, labels: np.ndarray) -> np.ndarray:
    """Target rows (m, n_outputs) for drawn points' labels (m,): the regression target,
    the 0/1 class of a one-output net, or a one-hot row."""
    if task == "regression":
        return np.clip(labels[:, None], -1.0, 1.0)
    classes = labels.astype(int)
    if np.any(classes < 0) or np.any(classes >= max(n_outputs, 2)):
        raise ValueError(f"extra_points: class labels must be 0..{max(n_outputs, 2) - 1}")
    return classes[:, None].astype(float) if n_outputs == 1 else np.eye(n_outputs)[classes]


def make_data(c: RunConfig) -> Dataset:
    if c.is_custom:
        raise ValueError("dataset 'custom' has no generator: pass the uploaded data")
    data = make_dataset(c.dataset, c.n_samples, c.noise, c.train_fraction, c.data_seed,
                        c.n_classes)
    return with_points(data, c.extra_points) if c.extra_points else data


def with_points(data: Dataset, points) -> Dataset:
    """The data set with drawn points (x₁, x₂, label) appended to its training part."""
    P = np.array(points, dtype=float).reshape(-1, 3)
    Y = _targets(data.task, data.Y_train.shape[1], P[:, 2])
    return Dataset(data.name, data.task, np.vstack([data.X_train, P[:, :2]]),
                   np.vstack([data.Y_train, Y]), data.X_test, data.Y_test, data.n_classes)


def point_sample(c: RunConfig, raw, label: float) -> tuple[np.ndarray, np.ndarray]:
    """A point drawn at ``raw`` = (x₁, x₂) with ``label`` (a class index, or a target in
    [-1, 1] for regression) as a training sample: (network inputs, target row)."""
    if c.is_custom:
        raise ValueError("points are drawn on the built-in 2-D data sets only")
    if not _label_fits(c, float(label)):
        raise ValueError(f"label {label!r} is not a class of this data set (or a target "
                         "in [-1, 1] for regression)")
    x = inputs(c, np.array([[float(raw[0]), float(raw[1])]]))[0]
    n_outputs = c.n_classes if c.task == "multiclass" else 1
    return x, _targets(c.task, n_outputs, np.array([float(label)]))[0]


def label_of(y_row) -> float:
    """A target row as a drawn point's label: its class (one-hot or 0/1) or its target."""
    y = [float(v) for v in y_row]
    return float(y.index(max(y))) if len(y) > 1 else y[0]


def build(c: RunConfig, data: Dataset | None = None) -> tuple[Dataset, Trainer]:
    """The dataset and a fresh trainer for ``c`` (pass ``data`` to reuse a generated set)."""
    data = data if data is not None else make_data(c)
    out_act, loss = OUTPUT_PAIRINGS[c.pairing]
    X_train, X_test = inputs(c, data.X_train), inputs(c, data.X_test)
    sizes = [X_train.shape[1], *c.hidden, data.Y_train.shape[1]]
    net = Network(sizes, [*c.activations, out_act], seed=c.seed, init=c.init)
    trainer = Trainer(
        net,
        X_train,
        data.Y_train,
        X_test=X_test,
        Y_test=data.Y_test,
        loss=loss,
        optimizer=make_optimizer(c.optimizer, **c.optimizer_hyperparams()),
        batch_size=min(c.batch_size, len(data.X_train)),
        seed=c.seed,
        reduction=c.reduction,
        regularization=c.regularization,
        reg_rate=c.reg_rate,
        task=data.task,
        schedule=c.lr_schedule(),
        # Points can be drawn on (and removed from) the built-in data sets' plane.
        X_raw=None if c.is_custom else data.X_train,
    )
    return data, trainer


def inputs(c: RunConfig, X: np.ndarray) -> np.ndarray:
    """The network's inputs for raw data X: feature transforms of 2-D data, or an uploaded
    data set's columns as they are."""
    return np.asarray(X, dtype=float) if c.is_custom else apply_features(X, c.features)


def needs_rebuild(old: RunConfig, new: RunConfig) -> bool:
    """True when data or architecture changed; settings a trainer can take live are not."""
    live = {"optimizer", "lr", "momentum", "beta1", "beta2", "eps", "regularization",
            "reg_rate", *SCHEDULE_FIELDS}
    return any(getattr(old, f.name) != getattr(new, f.name)
               for f in fields(RunConfig) if f.name not in live)


def apply_live_settings(trainer: Trainer, old: RunConfig, new: RunConfig) -> None:
    """Push optimizer and regularisation changes into a running trainer (no reset)."""
    if new.optimizer != old.optimizer:
        trainer.set_optimizer(new.optimizer, **new.optimizer_hyperparams())
    elif new.optimizer_hyperparams() != old.optimizer_hyperparams():
        trainer.set_hyperparams(**new.optimizer_hyperparams())
    if (new.regularization, new.reg_rate) != (old.regularization, old.reg_rate):
        trainer.set_regularization(new.regularization, new.reg_rate)
    if new.lr_schedule() != old.lr_schedule():
        trainer.set_schedule(new.lr_schedule())



def with_start_settings(c: RunConfig, trainer: Trainer) -> RunConfig:
    """``c`` with the optimizer, regularisation and schedule the trainer started with
    (step 0's keyframe, before any change in its settings log)."""
    first = trainer.keyframes[0]
    return _with_settings(c, first.optimizer, first.hyperparams, first.regularization,
                          first.reg_rate, first.schedule)


def _with_settings(c: RunConfig, name: str, hp: dict, reg: str, rate: float,
                   schedule: dict) -> RunConfig:
    changes = {"optimizer": name, "lr": hp["lr"], "regularization": reg, "reg_rate": rate}
    sched = Schedule.from_dict(schedule).to_dict()
    changes.update({field: sched[key] for field, key in SCHEDULE_FIELDS.items()})
    for key in ("momentum", "beta1", "beta2", "eps"):
        if key in hp:
            changes[key] = hp[key]
    return c.with_(**changes)


def with_trainer_settings(c: RunConfig, trainer: Trainer) -> RunConfig:
    """``c`` with the optimizer and regularisation the trainer is using now (after a rewind
    they are the ones that were in effect at that step)."""
    return _with_settings(c, trainer.optimizer.name, trainer.optimizer.hyperparams(),
                          trainer.regularization, trainer.reg_rate,
                          trainer.schedule.to_dict())
