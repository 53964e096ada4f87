"""The Loss surface page's pieces: its settings, the weights saved as points, and the
computation behind the figure (``compute`` is plain Python, testable without Streamlit).

Its view state is ``session.page_state("surface")``: the saved points and the last result
(so redrawing as contours or 3-D costs nothing).
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass, replace

import numpy as np
import streamlit as st

import backprop_core as bc
from backprop_core.analyses import paths as sp
from backprop_core.analyses import surface as sf
from backprop_core.policy.offered import LEARNING_RATES

from . import session
from .choices import choose_many

SAVED_KEY, CACHE_KEY = "saved", "cache"  # in session.page_state("surface")
GRID_KEY = "grid"  # the last grids evaluated: {grid_key: (Surface, seconds)}
# Results and grids kept: the run now, and after its next phase and Step (the previews).
KEEP = 3
MAX_SAVED = 6
RESOLUTIONS = (21, 31, 41, 51, 61, 71, 81)
SPANS = (0.01, 0.03, 0.1, 0.3, 0.5, 1.0, 2.0, 5.0, 10.0)
COMPARE_STEPS = (10, 25, 50, 100, 200, 300)
DIRECTIONS = {"random": "Two random directions (filter-normalised)",
              "params": "Two parameters",
              "points": "The plane through three saved points",
              "path": "The run's two main directions (PCA of its path)"}
KINDS = {"contour": "Contours", "surface": "3-D surface"}
EXTENTS = {"span": "± span around the origin", "fit": "Fit the paths and points"}
STARTS = {"now": "the current weights", "zero": "step 0"}
BATCHES = {False: "the run's mini-batches", True: "full batch (gradient descent)"}


@dataclass(frozen=True)
class SavedPoint:
    """Weights saved to span a plane: θ (P,) of a network of ``layer_sizes`` at ``step``."""

    label: str
    step: int
    layer_sizes: tuple[int, ...]
    params: np.ndarray
    id: int = 0  # in saving order: the choice of points keys on it (indices shift)


@dataclass(frozen=True)
class Settings:
    """Everything the figure depends on besides the run (hashable: part of the cache key)."""

    directions: str = "random"
    param_i: int = 0
    param_j: int = 1
    seed: int = 0
    points: tuple[int, ...] = ()  # indices into the saved points, for "points"
    resolution: int = 41
    extent: str = "span"
    span: float = 1.0
    kind: str = "contour"
    log: bool = False
    show_training: bool = True
    compare: bool = True
    compare_steps: int = 50
    compare_from: str = "now"
    full_batch: bool = False
    lrs: tuple[float, float, float] = (0.03, 0.03, 0.03)  # SGD, Momentum, Adam
    momentum: float = 0.9


@dataclass(frozen=True)
class Result:
    plane: sf.ParamPlane
    surface: sf.Surface
    paths: list[sp.ProjectedPath]
    points: list[tuple[str, np.ndarray]]  # (label, plane coords (2,))
    point_costs: list[float]
    wanted_resolution: int
    seconds: float  # the grid's evaluation alone


# --- saved points ---------------------------------------------------------------------------
def saved(net: bc.Network) -> list[SavedPoint]:
    """The points saved for this architecture (others cannot lie in its parameter space)."""
    sizes = tuple(net.layer_sizes)
    saved = session.page_state("surface").get(SAVED_KEY, [])
    return [p for p in saved if p.layer_sizes == sizes]


@session.exclusive
def save_point(tr: bc.Trainer) -> None:
    """Keep the current weights (the last MAX_SAVED are kept; the same weights once)."""
    theta = sf.param_vector(tr.net)
    stored = session.page_state("surface").get(SAVED_KEY, [])
    new_id = 1 + max((p.id for p in stored), default=-1)  # never one still chosen
    points = [p for p in stored if not (p.layer_sizes == tuple(tr.net.layer_sizes)
                                        and np.array_equal(p.params, theta))]
    label = f"step {tr.step}"
    if any(p.label == label for p in points):  # same step, other weights (another run)
        label = f"step {tr.step} ({len(points) + 1})"
    points.append(SavedPoint(label, tr.step, tuple(tr.net.layer_sizes), theta, new_id))
    session.page_state("surface")[SAVED_KEY] = points[-MAX_SAVED:]


@session.exclusive
def clear_points() -> None:
    session.page_state("surface")[SAVED_KEY] = []


# --- the computation ------------------------------------------------------------------------
def compared_hyperparams(s: Settings) -> dict[str, dict[str, float]]:
    sgd, momentum, adam = s.lrs
    return {"sgd": {"lr": sgd}, "momentum": {"lr": momentum, "momentum": s.momentum},
            "adam": {"lr": adam}}


def make_plane(tr: bc.Trainer, s: Settings, points: list[SavedPoint],
               run: sp.Path | None = None) -> sf.ParamPlane:
    """The plane the settings ask for (ValueError, said on the page, if it cannot be)."""
    if s.directions == "path":
        return sf.path_plane(run.params, sf.param_vector(tr.net))
    if s.directions == "params":
        return sf.parameter_plane(tr.net, s.param_i, s.param_j)
    if s.directions == "random":
        return sf.random_plane(tr.net, np.random.default_rng(s.seed))
    chosen = [points[i] for i in s.points if i < len(points)]
    if len(chosen) != 3:
        raise ValueError("Choose three saved points: save the weights at three steps "
                         "(Save weights), then pick three of them here.")
    return sf.three_point_plane([p.params for p in chosen], [p.label for p in chosen])


def grid_key(cost: sf.CostFunction, plane: sf.ParamPlane,
             extent: tuple[float, float, float, float], resolution: int) -> tuple:
    """Everything the grid's numbers depend on: the cost (architecture, data, loss,
    penalty), the plane's origin and directions, the box and the resolution."""
    h = hashlib.blake2b(digest_size=16)
    for array in (plane.origin, plane.basis, cost.X, cost.Y):
        a = np.ascontiguousarray(array)
        h.update(repr((a.dtype.str, a.shape)).encode() + a.tobytes())
    return (h.hexdigest(), cost.layer_sizes, tuple(a.name for a in cost.acts), cost.loss,
            cost.reduction, cost.regularization, cost.reg_rate,
            tuple(float(v) for v in extent), int(resolution))


def grid(cost: sf.CostFunction, plane: sf.ParamPlane, extent: tuple[float, float, float, float],
         resolution: int, kept: dict | None = None) -> tuple[sf.Surface, float]:
    """The cost over the grid and the seconds its evaluation took: the one in ``kept``
    (a dict holding the last grid) when its plane, box, resolution and cost are these,
    else evaluated (and kept there)."""
    key = grid_key(cost, plane, extent, resolution)
    grids = kept.setdefault(GRID_KEY, {}) if kept is not None else {}
    if key in grids:
        return grids[key]
    started = time.perf_counter()
    surface = sf.evaluate_surface(cost, plane, extent, resolution)
    keep(grids, key, (surface, time.perf_counter() - started))
    return grids[key]


def keep(store: dict, key, value) -> None:
    """``store[key] = value``, the newest last, at most ``KEEP`` entries."""
    store.pop(key, None)
    store[key] = value
    while len(store) > KEEP:
        del store[next(iter(store))]


def compute(tr: bc.Trainer, s: Settings, points: list[SavedPoint],
            kept: dict | None = None) -> Result:
    """Plane, paths projected onto it, markers, then the cost over the grid (the last one
    again, from ``kept``, when its plane and box have not moved)."""
    cost = sf.CostFunction.of(tr)
    run = sp.training_path(tr) if s.show_training or s.directions == "path" else None
    plane = make_plane(tr, s, points, run)
    paths = [run] if s.show_training else []
    if s.compare:
        start = 0 if s.compare_from == "zero" else None
        paths += sp.optimizer_paths(tr, s.compare_steps, compared_hyperparams(s), start,
                                    s.full_batch)
    projected = [sp.project_path(cost, plane, p) for p in paths]
    now = sf.param_vector(tr.net)
    marks = [(points[i].label + (" (now)" if np.array_equal(points[i].params, now) else ""),
              points[i].params) for i in s.points] if s.directions == "points" else []
    if not any(label.endswith("(now)") for label, _ in marks):
        marks.insert(0, (f"now (step {tr.step})", now))
    coords, _ = plane.project(np.array([theta for _, theta in marks]))
    point_costs = list(sum(cost(plane.params(coords))))
    labelled = [(label, c) for (label, _), c in zip(marks, coords, strict=True)]
    extent = choose_extent(s, coords, projected, plane, run)
    resolution = sf.affordable_resolution(cost, s.resolution)
    surface, seconds = grid(cost, plane, extent, resolution, kept)
    return Result(plane, surface, projected, labelled, point_costs, s.resolution, seconds)


def choose_extent(s: Settings, marks: np.ndarray, paths: list[sp.ProjectedPath],
                  plane: sf.ParamPlane, run: sp.Path | None):
    """± span around the origin; or a box around the paths and points. A plane through
    saved points always holds those three points, the run's own plane the whole run."""
    if s.extent == "fit":
        return sf.fit_extent(np.vstack([marks, *[p.coords for p in paths]]))
    if s.directions == "points":
        return sf.fit_extent(marks, margin=0.3)
    if s.directions == "path":
        return sf.fit_extent(np.vstack([marks, plane.project(run.params)[0]]), margin=0.3)
    return sf.square_extent(s.span)


def cache_key(tr: bc.Trainer, s: Settings, points: list[SavedPoint], run: int) -> tuple:
    """What the result depends on: the run (``run`` names it: a fork of it for a preview
    is the same run; its weights, step, cost, settings log), the settings, and the saved
    points used. Not the phase: Forward and Backward move no weight, and the paths start
    from the step's beginning (Update moves the weights)."""
    digest = hashlib.blake2b(sf.param_vector(tr.net).tobytes(), digest_size=16).hexdigest()
    used = tuple(points[i].label for i in s.points if i < len(points)) \
        if s.directions == "points" else ()
    computed = replace(s, kind="contour", log=False)  # how it is shown costs nothing
    return (run, tr.step, digest, tr.loss, tr.reduction,
            tr.regularization, tr.reg_rate, len(tr.events), len(tr.X), computed, used)


def result(tr: bc.Trainer, s: Settings, points: list[SavedPoint],
           run: bc.Trainer | None = None) -> Result:
    """The result for these settings: a kept one when nothing changed, else computed (with
    a spinner: replaying the run and the grid take up to a few seconds). ``run``: the
    session's trainer when ``tr`` is a fork of it (a preview, computed without a spinner:
    the page is drawn by then; the click's rerun then finds the very same result)."""
    state = session.page_state("surface")
    key = cache_key(tr, s, points, id(run if run is not None else tr))
    results = state.setdefault(CACHE_KEY, {})
    if key in results:
        return results[key]
    if run is None:
        with st.spinner(f"Evaluating the cost on {s.resolution}×{s.resolution} points and "
                        "replaying the paths…"):
            value = compute(tr, s, points, state)
    else:
        value = compute(tr, s, points, state)
    keep(results, key, value)
    return value


# --- widgets --------------------------------------------------------------------------------
def nearest_lr(lr: float) -> float:
    return min(LEARNING_RATES, key=lambda v: abs(math.log(v) - math.log(lr)))


def plane_controls(tr: bc.Trainer, points: list[SavedPoint]) -> dict:
    """The directions and what each needs: two parameters, a seed, or three saved points."""
    directions = st.radio("Directions", list(DIRECTIONS), format_func=DIRECTIONS.get,
                          key="w_surface_dirs")
    out = {"directions": directions}
    if directions == "params":
        names = sf.param_labels(tr.net.layer_sizes)
        out["param_i"] = st.selectbox("First parameter (x)", range(len(names)),
                                      format_func=names.__getitem__, index=0,
                                      key="w_surface_pi")
        out["param_j"] = st.selectbox("Second parameter (y)", range(len(names)),
                                      format_func=names.__getitem__, index=1,
                                      key="w_surface_pj")
    elif directions == "random":
        out["seed"] = int(st.number_input("Seed of the directions", 0, 10_000, 0,
                                          key="w_surface_seed"))
    elif directions == "points":
        out["points"] = point_controls(tr, points)
    return out


def point_controls(tr: bc.Trainer, points: list[SavedPoint]) -> tuple[int, ...]:
    """Save / clear buttons and the choice of three saved points (pills: whole labels
    in a narrow column, wrapping)."""
    st.button("Save weights", key="b_surface_save", on_click=save_point, args=(tr,),
              width="stretch", help=f"Keep the weights on screen as a point, named by their "
              f"step (the last {MAX_SAVED} are kept). Step, save again.")
    st.button("Clear saved", key="b_surface_clear", on_click=clear_points,
              disabled=not points, width="stretch")
    # Chosen by id, not index: a seventh point drops the first and shifts every index.
    ids, labels = [p.id for p in points], {p.id: p.label for p in points}
    chosen = choose_many(st.pills, "Three saved points", ids, selection_mode="multi",
                         default=ids[-3:], format_func=labels.__getitem__,
                         key=f"w_surface_points_{len(points)}", width="stretch")
    return tuple(sorted(ids.index(i) for i in chosen))


def view_controls(directions: str) -> dict:
    out = {"resolution": st.select_slider("Grid", RESOLUTIONS, value=41,
                                          format_func=lambda r: f"{r}×{r}",
                                          key="w_surface_res")}
    out["extent"] = st.radio("Extent", list(EXTENTS), format_func=EXTENTS.get,
                             key="w_surface_extent")
    out["span"] = st.select_slider(
        "Span", SPANS, value=1.0, key="w_surface_span",
        disabled=out["extent"] == "fit" or directions in ("points", "path"),
        help="How far the grid reaches from the origin along each direction. Random "
             "directions: 1 = every neuron moved by its own norm. Parameters: in their units.")
    cols = st.columns(2, vertical_alignment="center")
    out["kind"] = cols[0].radio("Show as", list(KINDS), format_func=KINDS.get,
                                key="w_surface_kind", label_visibility="collapsed")
    out["log"] = cols[1].checkbox("log scale", key="w_surface_log",
                                  help="Colour (and height) by log₁₀ of the cost: shows the "
                                       "shape of a deep valley next to steep walls.")
    return out


def path_controls(tr: bc.Trainer) -> dict:
    out = {"show_training": st.checkbox("The path training took (step 0 → now)", value=True,
                                        key="w_surface_training"),
           "compare": st.checkbox("SGD, Momentum and Adam from the same start", value=True,
                                  key="w_surface_compare")}
    off = not out["compare"]
    with st.expander("Their settings"):
        out["compare_steps"] = st.select_slider("Steps each", COMPARE_STEPS, value=50,
                                                key="w_surface_steps", disabled=off)
        out["compare_from"] = st.radio("Starting from", list(STARTS), format_func=STARTS.get,
                                       horizontal=True, key="w_surface_from", disabled=off)
        out["full_batch"] = st.radio(
            "Each step on", list(BATCHES), format_func=BATCHES.get, key="w_surface_batch",
            disabled=off, help="The run's mini-batches, in the run's order (all three see the "
            "same ones), or the whole training set at every step: then only the optimizers "
            "differ, as in Distill's “Why Momentum Really Works”.")
        lr = nearest_lr(tr.optimizer.lr)
        out["lrs"] = tuple(float(st.select_slider(f"{name} learning rate", LEARNING_RATES,
                                                  value=lr, key=f"w_surface_lr_{key}",
                                                  disabled=off))
                           for key, name in (("sgd", "SGD"), ("momentum", "Momentum"),
                                             ("adam", "Adam")))
        out["momentum"] = float(st.select_slider(
            "Momentum μ", (0.0, 0.5, 0.8, 0.9, 0.95, 0.99), value=0.9, key="w_surface_mu",
            disabled=off))
    return out


def controls(tr: bc.Trainer) -> Settings:
    """Every widget of the page (for the sidebar), read into one Settings."""
    points = saved(tr.net)
    values = plane_controls(tr, points)
    values |= view_controls(values["directions"])
    values |= path_controls(tr)
    return Settings(**values)
