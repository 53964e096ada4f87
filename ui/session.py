"""The one module that reads and writes Streamlit session state: one key per concept.

Pages and widgets call these functions; nothing else touches ``st.session_state`` except
widget keys (``w_...``), which Streamlit itself owns.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import streamlit as st

import backprop_core as bc
from backprop_core.config import apply_live_settings, needs_rebuild

# Session keys, one per concept.
CONFIG, DATA, TRAINER = "config", "dataset", "trainer"
PLAYING, VIEW, NOTICE = "playing", "view", "notice"
SELECTED, WALK, LESSON = "selected_param", "walk", "lesson"
SNAPSHOTS = "snapshots"


@dataclass
class View:
    """How things are shown (never changes the run)."""

    edge_mode: str = "weights"  # weights | gradients | updates
    show_test: bool = True
    discretize: bool = False
    log_scale: bool = False
    steps_per_frame: int = 25
    presenter: bool = False
    hidden_panels: set = field(default_factory=set)


def init(config: bc.RunConfig | None = None) -> None:
    """Create the session's run once (each browser session gets its own)."""
    if CONFIG not in st.session_state:
        _rebuild(config or bc.RunConfig())
        st.session_state[PLAYING] = False
        st.session_state[VIEW] = View()
        st.session_state[NOTICE] = None


def config() -> bc.RunConfig:
    return st.session_state[CONFIG]


def trainer() -> bc.Trainer:
    return st.session_state[TRAINER]


def dataset() -> bc.Dataset:
    return st.session_state[DATA]


def view() -> View:
    return st.session_state[VIEW]


def playing() -> bool:
    return st.session_state[PLAYING]


def set_playing(value: bool) -> None:
    st.session_state[PLAYING] = bool(value)


def selected() -> tuple[int, int | None, int]:
    """The parameter under inspection: (weight layer, from-neuron or None for a bias, to)."""
    layer, k, j = st.session_state.get(SELECTED, (0, 0, 0))
    net = trainer().net
    if layer >= net.n_layers or j >= net.layer_sizes[layer + 1] or (
            k is not None and k >= net.layer_sizes[layer]):
        return (0, 0, 0)
    return layer, k, j


def set_selected(layer: int, k: int | None, j: int) -> None:
    st.session_state[SELECTED] = (int(layer), None if k is None else int(k), int(j))


def walk() -> dict:
    """Single-sample walk: which sample, how many layers done forward and backward."""
    return st.session_state.setdefault(WALK, {"sample": 0, "position": 0})


def lesson() -> dict | None:
    return st.session_state.get(LESSON)


def set_lesson(value: dict) -> None:
    st.session_state[LESSON] = value


def snapshots() -> list[dict]:
    """Kept runs for comparison: name, steps and train losses (copies)."""
    return st.session_state.setdefault(SNAPSHOTS, [])


def keep_snapshot(name: str) -> None:
    cols = trainer().history.columns
    snapshots().append({"name": name, "step": list(cols["step"]),
                        "train_loss": list(cols["train_loss"])})


def clear_snapshots() -> None:
    st.session_state[SNAPSHOTS] = []


def notice() -> str | None:
    return st.session_state.get(NOTICE)


def set_notice(text: str | None) -> None:
    st.session_state[NOTICE] = text


def _rebuild(c: bc.RunConfig, data: bc.Dataset | None = None) -> None:
    data, tr = bc.build(c, data)
    st.session_state[CONFIG] = c
    st.session_state[DATA] = data
    st.session_state[TRAINER] = tr


DATA_FIELDS = ("dataset", "noise", "n_samples", "train_fraction", "n_classes", "data_seed")


def apply_config(new: bc.RunConfig) -> None:
    """Take new settings: live ones go into the running trainer, others rebuild and say so."""
    old = config()
    if new == old:
        return
    if needs_rebuild(old, new):
        same_data = all(getattr(old, f) == getattr(new, f) for f in DATA_FIELDS)
        _rebuild(new, dataset() if same_data else None)
        st.session_state[PLAYING] = False
        what = "Architecture" if same_data else "Data"
        set_notice(f"{what} changed: the network was re-initialised (seed {new.seed}), "
                   "training starts again from step 0.")
        return
    apply_live_settings(trainer(), old, new)
    st.session_state[CONFIG] = new


def after_rewind() -> None:
    """A rewind restored the settings in effect at that step: show them in the widgets.
    Called from button callbacks, before any widget is drawn."""
    from backprop_core.config import with_trainer_settings

    from .controls import seed_widgets  # controls imports this module

    c = with_trainer_settings(config(), trainer())
    st.session_state[CONFIG] = c
    seed_widgets(c)


def restart_with_current_settings() -> None:
    """Reset: the same initial weights, trained from now on with the settings on screen."""
    from backprop_core.config import apply_live_settings, with_trainer_settings

    tr = trainer()
    tr.reset()
    apply_live_settings(tr, with_trainer_settings(config(), tr), config())
