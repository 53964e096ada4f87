"""Sidebar controls: widgets -> a RunConfig. Widgets only *read* into a new config; the
session module decides whether it is a live change or a reset."""

from __future__ import annotations

import streamlit as st

import backprop_core as bc
from backprop_core.data.datasets import DATASETS
from backprop_core.data.features import FEATURES
from backprop_core.network.activations import label as activation_label
from backprop_core.network.schedules import LABELS as SCHEDULE_LABELS
from backprop_core.network.schedules import SCHEDULES
from backprop_core.policy.config import (
    CUSTOM,
    HIDDEN_ACTIVATIONS,
    TASK_PAIRINGS,
)
from backprop_core.policy.offered import MAX_HIDDEN_LAYERS, MAX_NEURONS, OFFERED, SCHEDULE_FIELDS
from viz.colors import PALETTES

from . import session, share_io
from .choices import choose
from .classroom import presenter_controls, shown
from .upload import upload_section
from .widget_values import seed_widgets

# Every widget's range comes from the one table links and session files are checked
# against, so a value they bring is always one the widget can show.
NOISE, TRAIN, SEED = OFFERED["noise"], OFFERED["train_fraction"], OFFERED["seed"]
MOMENTUM, BETA1, BATCH = OFFERED["momentum"], OFFERED["beta1"], OFFERED["batch_size"]
STEPS, START = OFFERED["sched_step"], OFFERED["sched_start"]


@session.exclusive
def _regenerate() -> None:
    session.apply_config(session.config().with_(data_seed=session.config().data_seed + 1))


def data_controls(c: bc.RunConfig) -> dict:
    ss = st.session_state
    meta = session.custom_meta()
    options = list(DATASETS) + ([CUSTOM] if meta else [])
    # The CSV's label holds its file's name: a label sent back from before a new file
    # reads as the data in effect, never as the first data set (ui/choices.py).
    choose(st.selectbox, "Dataset", options, key="w_dataset", default=c.dataset,
           format_func=lambda k: f"Your CSV: {meta['file']}" if k == CUSTOM
           else DATASETS[k].label)
    upload_section()
    if ss.w_dataset == CUSTOM:
        plane_controls(meta)
        return {"dataset": CUSTOM}
    spec = DATASETS[ss.w_dataset]
    if spec.takes_n_classes:
        lo, hi = spec.n_classes_range
        st.slider("Classes", lo, hi, key="w_classes")
    st.slider("Noise (%)", round(NOISE.lo * 100), round(NOISE.hi * 100),
              step=round(NOISE.step * 100), key="w_noise")
    st.select_slider("Samples", OFFERED["n_samples"].values, key="w_samples")
    st.slider("Training data (%)", round(TRAIN.lo * 100), round(TRAIN.hi * 100),
              step=round(TRAIN.step * 100), key="w_train_pct")
    st.button("Regenerate data", on_click=_regenerate, width="stretch",
              help="Draw a new sample of the same dataset (new data seed).")
    draw_controls(spec.task, ss.w_classes if spec.takes_n_classes else 2)
    return {"dataset": ss.w_dataset, "n_classes": ss.w_classes, "noise": ss.w_noise / 100,
            "n_samples": ss.w_samples, "train_fraction": ss.w_train_pct / 100}


@session.exclusive
def _clear_points() -> None:
    session.apply_config(session.config().with_(extra_points=()))


def _points_help() -> str:
    return ("A click on empty space adds a point with this label to the training data; a "
            "click on a training point removes it. Training goes on (no restart): each "
            "change is a step of the history, undone by Undo and carried by share links.")


def draw_controls(task: str, n_classes: int) -> None:
    """Draw data (as ConvNetJS): a click on the boundary plot adds a point of this label."""
    view = session.view()
    # "off" is an option of its own: a None option reads as "nothing chosen" to the
    # selectbox, which then offers to clear it to "Choose an option".
    palette = PALETTES[view.palette]
    if task == "regression":
        options = {"off": "off", 1.0: f"target +1 ({palette.positive_name})", 0.0: "target 0",
                   -1.0: f"target −1 ({palette.negative_name})"}
    else:
        names = palette.class_names
        options = {"off": "off", **{float(k): f"class {k} ({names[k % len(names)]})"
                                    for k in range(n_classes)}}
    current = view.draw_label if view.draw_label in options else "off"
    # Its labels change with the colours chosen: settled before drawn (ui/choices.py).
    chosen = choose(st.selectbox, "Click the boundary plot to add or remove", list(options),
                    format_func=options.get, key="w_draw", default=current,
                    help=_points_help())
    view.draw_label = None if chosen in (None, "off") else chosen
    drawn = len(session.config().extra_points)
    if drawn:  # points of a link made before drawing joined training (its "pts")
        st.button(f"Remove the link's {drawn} drawn point(s)", on_click=_clear_points,
                  width="stretch", key="b_clear_points")


def plane_controls(meta: dict) -> None:
    """Which plane of a many-input data set the boundary view shows."""
    view = session.view()
    names = meta["feature_names"]
    if len(names) < 2:
        st.caption("One input: the boundary view shows it against a constant.")
        view.plane = "pca"
        return
    view.plane = st.radio("Boundary view", ["features", "pca"], horizontal=True,
                          format_func={"features": "two inputs",
                                       "pca": "PCA projection"}.get,
                          index=["features", "pca"].index(view.plane), key="w_plane")
    if view.plane == "features":
        cols = st.columns(2)
        tag = abs(hash(tuple(names))) % 10**8  # new columns, new widgets (no stale labels)
        i = cols[0].selectbox("Horizontal", range(len(names)), format_func=names.__getitem__,
                              index=min(view.plane_features[0], len(names) - 1),
                              key=f"w_plane_i_{tag}")
        j = cols[1].selectbox("Vertical", range(len(names)), format_func=names.__getitem__,
                              index=min(view.plane_features[1], len(names) - 1),
                              key=f"w_plane_j_{tag}")
        view.plane_features = (i, j) if i != j else view.plane_features
        if i == j:
            st.caption("Pick two different inputs.")


def feature_controls(current: tuple[str, ...]) -> tuple[str, ...]:
    """The checked features. The run's own order is kept while the same ones are checked:
    a link or file may list them in another order than the boxes (the network's inputs
    are in that order), and the same features must not restart the run."""
    cols = st.columns(2)
    for k, (name, feat) in enumerate(FEATURES.items()):
        cols[k % 2].checkbox(feat.label, key=f"w_feat_{name}")
    chosen = tuple(n for n in FEATURES if st.session_state[f"w_feat_{n}"])
    if not chosen:
        st.warning("Pick at least one input feature; using x₁, x₂.")
        chosen = ("x1", "x2")
    return current if set(chosen) == set(current) else chosen


def network_controls(task: str) -> dict:
    ss = st.session_state
    n_layers = st.number_input("Hidden layers", 0, MAX_HIDDEN_LAYERS, key="w_layers")
    same = st.toggle("One activation for all layers", key="w_same_act")
    if same and n_layers:
        st.selectbox("Activation", HIDDEN_ACTIVATIONS, key="w_act_all",
                     format_func=activation_label)
    hidden, acts = [], []
    for i in range(n_layers):
        cols = st.columns([1, 1]) if not same else [st, None]
        hidden.append(cols[0].number_input(f"Neurons in layer {i + 1}", 1, MAX_NEURONS,
                                           key=f"w_neurons_{i}"))
        if not same:
            cols[1].selectbox(f"Activation {i + 1}", HIDDEN_ACTIVATIONS, key=f"w_act_{i}",
                              format_func=activation_label)
        acts.append(ss.w_act_all if same else ss[f"w_act_{i}"])
    auto = bc.policy.config.AUTO_PAIRING[task]
    valid = list(TASK_PAIRINGS[task])
    if ss.w_output not in ["auto", *valid]:
        ss.w_output = "auto"
    st.selectbox("Output + loss", ["auto", *valid], key="w_output",
                 format_func=lambda p: f"auto ({auto})" if p == "auto" else p,
                 help="Paired so that the output delta is y − t; sigmoid+mse is the "
                      "article's choice.")
    st.selectbox("Initialiser", list(bc.INITIALIZERS), key="w_init")
    st.number_input("Seed", SEED.lo, SEED.hi, key="w_seed",
                    help="Same seed, same initial weights and batch order.")
    return {"hidden": tuple(hidden), "activations": tuple(acts), "output": ss.w_output,
            "init": ss.w_init, "seed": int(ss.w_seed)}


def training_controls() -> dict:
    ss = st.session_state
    st.selectbox("Optimizer", ["sgd", "momentum", "adam"], key="w_optimizer",
                 format_func={"sgd": "SGD", "momentum": "Momentum", "adam": "Adam"}.get)
    st.select_slider("Learning rate", OFFERED["lr"].values, key="w_lr")
    if ss.w_optimizer == "momentum":
        st.slider("Momentum μ", MOMENTUM.lo, MOMENTUM.hi, step=MOMENTUM.step, key="w_momentum")
    if ss.w_optimizer == "adam":
        st.slider("β₁", BETA1.lo, BETA1.hi, step=BETA1.step, key="w_beta1")
        st.select_slider("β₂", OFFERED["beta2"].values, key="w_beta2")
    st.slider("Batch size", BATCH.lo, BATCH.hi, key="w_batch")
    cols = st.columns(2)
    cols[0].selectbox("Regularisation", ["none", "l1", "l2"], key="w_reg",
                      format_func={"none": "none", "l1": "L1", "l2": "L2"}.get)
    cols[1].select_slider("Rate", OFFERED["reg_rate"].values, key="w_reg_rate",
                          disabled=ss.w_reg == "none")
    st.radio("Loss over the batch", ["mean", "sum"], key="w_reduction", horizontal=True)
    return {"optimizer": ss.w_optimizer, "lr": ss.w_lr, "momentum": ss.w_momentum,
            "beta1": ss.w_beta1, "beta2": ss.w_beta2, "batch_size": ss.w_batch,
            "regularization": ss.w_reg, "reg_rate": ss.w_reg_rate if ss.w_reg != "none"
            else 0.0, "reduction": ss.w_reduction, **schedule_controls()}


def schedule_controls() -> dict:
    """The learning-rate schedule: it scales the learning rate above per update (the
    loss chart shows the rate it gives)."""
    ss = st.session_state
    st.selectbox("Learning-rate schedule", SCHEDULES, key="w_schedule",
                 format_func=SCHEDULE_LABELS.get,
                 help="As torch.optim.lr_scheduler, stepped once per update: step decay "
                      "(StepLR), exponential (ExponentialLR), cosine (CosineAnnealingLR), "
                      "linear warm-up (LinearLR).")
    name = ss.w_schedule
    cols = st.columns(2)
    if name == "step":
        cols[0].number_input("Every (updates)", STEPS.lo, STEPS.hi, key="w_sched_step")
    if name in ("step", "exponential"):
        cols[1].select_slider("× factor γ", OFFERED["sched_gamma"].values,
                              key="w_sched_gamma")
    if name == "cosine":
        cols[0].number_input("Over (updates)", STEPS.lo, STEPS.hi, key="w_sched_tmax")
        cols[1].select_slider("Down to", OFFERED["sched_min"].values, key="w_sched_min")
    if name == "warmup":
        cols[0].number_input("Over (updates)", STEPS.lo, STEPS.hi, key="w_sched_warmup")
        cols[1].slider("From × rate", START.lo, START.hi, step=START.step,
                       key="w_sched_start")
    return {"schedule": name, "sched_step": int(ss.w_sched_step),
            "sched_gamma": ss.w_sched_gamma, "sched_tmax": int(ss.w_sched_tmax),
            "sched_min": ss.w_sched_min, "sched_warmup": int(ss.w_sched_warmup),
            "sched_start": ss.w_sched_start}


DATA_FIELDS = ("dataset", "n_classes", "noise", "n_samples", "train_fraction")
NETWORK_FIELDS = ("hidden", "activations", "output", "init", "seed")
TRAINING_FIELDS = ("optimizer", "lr", "momentum", "beta1", "beta2", "batch_size",
                   "regularization", "reg_rate", "reduction", *SCHEDULE_FIELDS)


def _panel(panel, title, expanded, draw, c: bc.RunConfig, fields):
    """Draw a sidebar panel, or, when the presenter hid it, keep the current settings."""
    if shown(panel):
        with st.expander(title, expanded=expanded):
            return draw()
    return c.features if fields is None else {f: getattr(c, f) for f in fields}


def sidebar() -> bc.RunConfig:
    """Draw every control in the sidebar and return the config they describe."""
    c = session.config()
    seed_widgets(c, only_missing=not session.take_reseed())
    with st.sidebar:
        presenter_controls()
        data = _panel("data", "Data", True, lambda: data_controls(c), c, DATA_FIELDS)
        custom = data["dataset"] == CUSTOM
        features = (c.features if custom else
                    _panel("features", "Features", False, lambda: feature_controls(c.features),
                           c, None))
        task = c.custom_task if custom else DATASETS[data["dataset"]].task
        network = _panel("network", "Network", True, lambda: network_controls(task), c,
                         NETWORK_FIELDS)
        training = _panel("training", "Training", True, training_controls, c,
                          TRAINING_FIELDS)
        share_io.panel()
    try:
        return c.with_(**data, features=features, **network, **training)
    except ValueError as exc:  # e.g. an output pairing that does not fit the new task
        st.sidebar.error(f"Settings not applied: {exc}")
        return c
