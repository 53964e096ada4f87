"""The Hidden space page: the input plane and a hidden layer's view of it (its points and
the warped grid), live while training here, then the confusion matrices and accuracy.

The Playground's Play is its own custom view; here "Play here" is a fragment that reruns
every ``REDRAW_S`` while playing, trains a few steps and redraws, each rerun kept cheap.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import partial

import numpy as np
import streamlit as st

import backprop_core as bc
from backprop_core.analyses.confusion import confusion_matrix
from backprop_core.analyses.grid import grid_points
from backprop_core.analyses.hidden import (
    N_LINES,
    PER_GAP,
    HiddenSpace,
    Projection,
    hidden_space,
    neuron_axes,
    principal_axes,
)
from backprop_core.data.datasets import dataset_extent
from backprop_core.policy.budget import trainer_step_seconds
from backprop_core.policy.config import inputs
from viz.boundary import boundary_figure
from viz.colors import PALETTES
from viz.confusion import accuracy_figure, confusion_figure
from viz.hidden import hidden_figure, input_figure

from . import fairness, panel, session
from .page_previews import Previews
from .planes import boundary_view
from .stepping import in_fragment, metrics
from .stepping_bar import stepping_bar

# This page's view state (session.page_state("hidden")):
PLAYING = "playing"  # None | "start" (Play clicked) | "on" (playing)
PCA_SHOWN = "pca"  # {layer: principal components last drawn}: their signs stay

SPEEDS = [1, 2, 5, 10, 20, 50]
REDRAW_S = 0.25  # a redraw while playing here: a few a second is enough to watch
TRAIN_BUDGET_S = 0.04  # training per redraw at most about this long (measured)
BOUNDED = {"tanh": (-1.05, 1.05), "sigmoid": (-0.05, 1.05)}  # fixed axes: no jumping
AXES = {"neurons": "two neurons", "pca": "principal components"}


def _state() -> dict:
    return session.page_state("hidden")


# --- playing here -----------------------------------------------------------------------
@session.exclusive
def _play() -> None:
    _state()[PLAYING] = "start"


@session.exclusive
def _pause() -> None:
    _state()[PLAYING] = None


def playing_here() -> bool:
    """For a full run of the page: play when its Play button asked for this run; any other
    full run while playing (arriving from another page, a click outside the fragment)
    stops, as leaving the Playground pauses its Play."""
    started = _state().get(PLAYING) == "start"
    _state()[PLAYING] = "on" if started else None
    return started


def _wants_play() -> bool:
    return _state().get(PLAYING) in ("start", "on")


def train_a_little(tr: bc.Trainer) -> None:
    """The steps of one redraw: the chosen number, but no more than fit in TRAIN_BUDGET_S
    of time (measured: a busy server is slower than any estimate), one at least; at
    divergence, stop and redraw the page (the stepping bar shows it and offers Undo)."""
    speed = st.session_state.get("w_hidden_speed", 10)
    deadline = time.perf_counter() + TRAIN_BUDGET_S
    for _ in range(speed):
        tr.run_steps(1)
        if tr.diverged is not None or time.perf_counter() > deadline:
            break
    if tr.diverged is not None:
        _state()[PLAYING] = None
        st.rerun(scope="app")


def live_part(declared_playing: bool, token: str) -> None:
    """The fragment: with ``run_every`` only while playing, which a full run decides, so
    Play and Pause (buttons in here) rerun the whole page. ``token``: the stepping bar's
    (drawn outside this fragment), which this fragment's previews answer to."""
    if _wants_play() != declared_playing:
        st.rerun(scope="app")
    if declared_playing:
        with fairness.frame_turn():  # after others' clicks, one session's frame at a time
            train_a_little(session.trainer())
            draw(token, playing=True)
    else:
        with fairness.interactive():
            draw(token)


def play_row(tr: bc.Trainer) -> None:
    playing = _state().get(PLAYING) == "on"
    with st.container(horizontal=True, vertical_alignment="bottom", gap="small", wrap=True):
        if playing:
            st.button("Pause", key="b_hidden_pause", on_click=_pause, type="primary")
        else:
            st.button("Play here", key="b_hidden_play", on_click=_play,
                      help="Train and redraw a few times a second, on this page.")
        st.select_slider("Steps per redraw", SPEEDS, value=10, key="w_hidden_speed",
                         width=260)
        if playing and st.session_state["w_hidden_speed"] * trainer_step_seconds(tr) > (
                TRAIN_BUDGET_S):
            st.caption("A redraw trains only as many of these steps as fit in "
                       f"{TRAIN_BUDGET_S * 1000:.0f} ms on this network.")


# --- what is drawn ----------------------------------------------------------------------
def draw(token: str, playing: bool = False) -> None:
    """Everything a step changes, as blocks a Step click shows at once (ui.page_previews);
    none while playing here."""
    tr, data, c = session.trainer(), session.dataset(), session.config()
    play_row(tr)
    seen: dict = {}  # hidden spaces by weights: a phase that moves none reuses it
    choice: list = []  # the axes picked below the metrics, which the context needs
    with Previews(tr, lambda t: (t, layer_view(t, data, c, choice[0], seen, keep=t is tr)),
                  token=token) as ahead:
        ahead.panel("metrics", metrics, of_trainer=True)
        choice.append(pick_axes(tr.net) if tr.net.n_layers >= 2 else None)
        layer_section(ahead, data, c, choice[0])
        confusion_section(ahead)
        ahead.finish(playing=playing)


def input_plane(tr: bc.Trainer, data: bc.Dataset, c: bc.RunConfig):
    """(raw rows -> network inputs, the grid's box or None, why there is no grid)."""
    to_inputs = partial(inputs, c)
    if not c.is_custom or tr.X.shape[1] == 2:  # a 2-D plane: the data's own, or two columns
        return to_inputs, dataset_extent(data.X_all), None
    return to_inputs, None, (
        f"The uploaded data has {tr.X.shape[1]} inputs, so there is no 2-D input plane "
        "whose grid the network could warp: only the points are shown. The input view is "
        "the Playground's plane through the inputs.")


def _fresh(key: str, options) -> None:
    """Forget a choice the current network no longer offers (say, after a smaller net)."""
    if key in st.session_state and st.session_state[key] not in options:
        del st.session_state[key]


def pick_axes(net: bc.Network) -> tuple[int, str, int, int | None]:
    layers = list(range(1, net.n_layers))
    _fresh("w_hidden_layer", layers)
    cols = st.columns([1.4, 1.5, 0.8, 0.8], vertical_alignment="bottom")
    layer = cols[0].selectbox(
        "Hidden layer", layers, index=len(layers) - 1, key="w_hidden_layer",
        format_func=lambda k: f"hidden {k}: {net.layer_sizes[k]} × "
                              f"{net.activation_names[k - 1]}")
    size = net.layer_sizes[layer]
    axes = cols[1].radio("Axes", list(AXES), format_func=AXES.get, horizontal=True,
                         key="w_hidden_axes")
    i = j = None
    if axes == "neurons":
        _fresh("w_hidden_nx", range(size))
        _fresh("w_hidden_ny", range(size))
        i = cols[2].selectbox("x: neuron", range(size), key="w_hidden_nx")
        if size > 1:
            j = cols[3].selectbox("y: neuron", range(size), index=1, key="w_hidden_ny")
    return layer, axes, i, j


def projection(space: HiddenSpace, layer: int, axes: str, i, j, keep: bool = True,
               ) -> Projection:
    """The axes to draw ``layer`` on; principal components keep the signs of the ones
    last kept (``keep``: these are kept in turn)."""
    A = space.points[layer]
    if axes == "neurons":
        return neuron_axes(A.shape[1], i, j)
    shown = _state().setdefault(PCA_SHOWN, {})
    p = principal_axes(A, reference=shown.get(layer))
    if keep:
        shown[layer] = p.components
    return p


@dataclass
class LayerView:
    """What the page draws of one state of the run: the hidden space and its projection
    (None and why not, when there is none)."""

    space: HiddenSpace | None = None
    proj: Projection | None = None
    to_inputs: object = None
    extent: tuple | None = None
    why: str | None = None  # a note under the charts (uploaded data: no input grid)
    problem: str | None = None  # no picture at all, and why


def layer_view(tr: bc.Trainer, data: bc.Dataset, c: bc.RunConfig, choice, seen: dict,
               keep: bool) -> LayerView:
    """The view of ``tr`` for the axes ``choice`` (``pick_axes``'s, None: no hidden
    layer). ``keep``: the state shown now, whose principal components the next redraw's
    signs follow (a preview's follow them too, and keep nothing)."""
    if choice is None:
        return LayerView(problem="none")
    layer, axes, i, j = choice
    to_inputs, extent, why = input_plane(tr, data, c)
    key = b"".join(w.tobytes() for w in tr.net.weights + tr.net.biases)
    if key not in seen:
        with np.errstate(all="ignore"):  # a far grid point may overflow: a gap, no warning
            seen[key] = hidden_space(tr.net, to_inputs, data.X_train, extent)
    space = seen[key]
    try:
        proj = projection(space, layer, axes, i, j, keep)
    except ValueError:
        return LayerView(problem="not finite")
    return LayerView(space, proj, to_inputs, extent, why)


NO_LAYER = ("This network has no hidden layer: add one on the Playground (sidebar, Network) "
            "to see the space it maps the data to.")
NOT_FINITE = "Some activations are not finite numbers: there is no projection to draw."


def layer_section(ahead: Previews, data: bc.Dataset, c: bc.RunConfig, choice) -> None:
    tr, now = ahead.now()
    if now.problem == "none":
        st.info(NO_LAYER)
        return
    layer, axes, i, j = choice
    ahead.panel("hidden_problem", lambda t, v: [panel.alert("warning", NOT_FINITE)]
                if v.problem else [])
    left, right = st.columns(2)
    left.markdown("**Input space** (the network's output behind it)")
    ahead.chart("hidden_input", lambda t, v: None if v.problem else
                input_view(t, data, c, v.space, v.to_inputs, v.extent), left)
    right.markdown(f"**Hidden layer {layer}** as it sees the input space")
    rng = BOUNDED.get(tr.net.activation_names[layer - 1]) if axes == "neurons" else None

    palette = session.look()["palette"]

    def hidden(t, v):
        if v.problem:
            return None
        lines = None if v.space.lines is None else v.proj.coords(v.space.lines[layer])
        return hidden_figure(v.proj.coords(v.space.points[layer]), data.Y_train, data.task,
                             lines, v.proj.labels, rng, revision=f"{layer}-{axes}-{i}-{j}",
                             palette=palette)
    ahead.chart("hidden_layer", hidden, right)
    ahead.panel("hidden_caption", lambda t, v: [] if v.problem else [
        panel.caption(caption(v.proj, layer, t.net.layer_sizes[layer], len(data.X_train),
                              v.extent)), *([panel.caption(v.why)] if v.why else [])])


def input_view(tr, data, c, space: HiddenSpace, to_inputs, extent) -> dict:
    """The input plane: the network's output, the grid and the training points."""
    palette = session.look()["palette"]
    none = (data.X_train[:0], data.Y_train[:0])  # the points come with the grid, on top
    if extent is None:  # uploaded data with other than two inputs: the Playground's plane
        view = session.view()
        bv = boundary_view(tr, data, c, view.plane, view.plane_features,
                           session.feature_names(), 100)
        plane = boundary_figure(bv.grid.output, bv.extent, data.task, *none, height=420,
                                axis_titles=bv.titles, palette=palette)
        return input_figure(plane, None, bv.to_2d(data.X_train), data.Y_train,
                            data.task, palette)
    _, _, points = grid_points(extent, 100)
    with np.errstate(all="ignore"):
        output = tr.net.forward(to_inputs(points)).output.reshape(100, 100, -1)
    titles = tuple(session.feature_names()[:2]) if c.is_custom else ("x₁", "x₂")
    plane = boundary_figure(output, extent, data.task, *none, height=420, axis_titles=titles,
                            palette=palette)
    straight = space.grid[:, :, ::PER_GAP]  # in the input plane a line needs no samples
    return input_figure(plane, straight, data.X_train, data.Y_train, data.task, palette)


def caption(p: Projection, layer: int, size: int, n: int, extent) -> str:
    grid = ("" if extent is None else
            f" Grey lines: the input box's grid ({N_LINES} lines each way, "
            f"{(N_LINES - 1) * PER_GAP + 1} points a line, each point run through the network "
            "exactly); dark: the box's edge.")
    if p.neurons is None:
        r = p.ratio
        return (f"Principal components of hidden layer {layer}'s {size} activations over the "
                f"{n} training points: PC 1 holds {r[0]:.0%} of their variance, PC 2 "
                f"{r[1]:.0%}. Their signs are kept from one redraw to the next.{grid}")
    i, j = p.neurons
    which = f"neurons {i} and {j}" if j is not None else f"its one neuron ({i})"
    return f"Each training point where hidden layer {layer}'s {which} put it.{grid}"


def class_names(tr: bc.Trainer) -> list[str]:
    k = 2 if tr.task == "binary" else tr.Y.shape[1]
    meta = session.custom_meta() or {}
    named = meta.get("class_names") or []
    colours = PALETTES[session.view().palette].class_names
    return [str(named[m]) if m < len(named) else f"{m} ({colours[m % len(colours)]})"
            for m in range(k)]


def matrices(tr: bc.Trainer) -> dict[str, np.ndarray]:
    """Train (and test) confusion matrices, in one forward pass as the trainer evaluates
    them: the same numbers bit for bit, so the accuracy here is the history's."""
    X = tr.X if tr.X_test is None else np.vstack([tr.X, tr.X_test])
    with np.errstate(all="ignore"):
        output = tr.net.forward(X).output
    n = len(tr.X)
    out = {"train": confusion_matrix(tr.Y, output[:n], tr.task)}
    if tr.X_test is not None:
        out["test"] = confusion_matrix(tr.Y_test, output[n:], tr.task)
    return out


def confusion_section(ahead: Previews) -> None:
    tr, _ = ahead.now()
    st.markdown("#### Confusion matrix and accuracy")
    if tr.task == "regression":
        st.info("Regression data has no classes, so no confusion matrix or accuracy: the "
                "Playground's loss curve shows how well it fits.")
        return
    names = class_names(tr)
    left, right = st.columns([1.3, 1])
    ahead.chart("hidden_confusion", lambda t, _v: confusion_figure(matrices(t), names), left)
    ahead.chart("hidden_accuracy", lambda t, _v: accuracy_figure(t.history.columns, t.step),
                right)
    st.caption("Rows: the true class; columns: the class the network predicts. Each cell "
               "shows its count; its colour, the share of that row.")


# --- the page ---------------------------------------------------------------------------
def main() -> None:
    # Play lives on the Playground: leaving it pauses (on the step the trainer holds).
    session.set_playing(False)
    playing = playing_here()
    st.markdown("## Hidden space")
    st.markdown(
        "Each hidden layer maps the input plane to a space of its own. Left, the data and "
        "a grid over the inputs; right, where the chosen layer puts them, computed exactly. "
        "Step or press **Play here** and watch the layers pull the classes apart: once the "
        "last hidden layer has untangled them, the output only has to cut straight.")
    in_fragment(stepped, playing)


def stepped(playing: bool) -> None:
    """The stepping bar and the page below it, one fragment (a Step reruns only it); in it
    the part that Play here redraws, a fragment of its own."""
    tr = session.trainer()
    with Previews(tr) as bar:  # the token the inner fragment's previews answer to
        stepping_bar(tr, playing=playing)
    if tr.diverged is not None:  # the bar says so
        return
    st.fragment(session.exclusive(live_part), run_every=REDRAW_S if playing else None)(
        playing, bar.token)
