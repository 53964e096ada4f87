"""The Gradients page's distributions over time: per layer, percentile bands of the
weights, gradients, activations or pre-activations, replayed on a fork of the trainer."""

from __future__ import annotations

import hashlib

import streamlit as st

import backprop_core as bc
from backprop_core.analyses import distributions as dist_core
from backprop_core.analyses.distributions import KINDS, MAX_SAMPLES, WINDOW
from viz.distributions import distribution_figure

from .charts import chart


def run_key(tr: bc.Trainer) -> str:
    """What the replayed steps depend on: this trainer, its step and history, the settings
    changed on the way, and the weights it holds now (two runs reaching the same step and
    history length, e.g. after Undo and a new learning rate, differ there)."""
    digest = hashlib.blake2b(digest_size=16)
    for array in tr.net.weights + tr.net.biases:
        digest.update(array.tobytes())
    digest.update(repr((id(tr), tr.step, len(tr.history), tr.history.last_step, tr.events,
                        tr.optimizer.t)).encode())
    return digest.hexdigest()


@st.cache_data(max_entries=8, show_spinner="Replaying the run on a copy of the trainer…")
def _replay(_tr: bc.Trainer, key: str, window: int, max_samples: int
            ) -> dist_core.Distributions:
    """Cached by ``key`` (``run_key``): the trainer itself is not hashed."""
    return dist_core.replay_distributions(_tr, window, max_samples)


def layer_names(tr: bc.Trainer) -> list[str]:
    """As the health charts name them, the output said."""
    last = tr.net.n_layers - 1
    return [f"layer {i + 1}" + (" (output)" if i == last else "") for i in range(last + 1)]


def distributions_section(tr: bc.Trainer) -> None:
    on = st.toggle("Show distributions over time", key="w_dist_on",
                   help=f"Replays up to the last {WINDOW:,} steps on a copy of the trainer "
                        f"(a second or two for a long run) and records {MAX_SAMPLES} of them.")
    if not on:
        st.caption("Percentile bands per layer and step, as TensorBoard draws them: weights, "
                   "gradients, activations and pre-activations.")
        return
    if tr.step == 0:
        st.info("Distributions appear once a step has finished.")
        return
    kind = st.radio("Distribution of", list(KINDS), format_func=KINDS.get, horizontal=True,
                    key="w_dist_kind")
    dist = _replay(tr, run_key(tr), WINDOW, MAX_SAMPLES)
    first, last = dist.window
    chart(distribution_figure(dist.steps, dist.values[kind], dist.percentiles,
                              layer_names(tr), f"Distribution of the {KINDS[kind]} per layer"),
          "dist_chart")
    every = "every step" if dist.stride == 1 else f"every {dist.stride}th step"
    st.caption(
        f"Steps {first:,}–{last:,} ({every}, {len(dist.steps)} recorded: at most "
        f"{MAX_SAMPLES} out of the last {WINDOW:,} finished steps), replayed on a copy of the "
        "trainer. At step s: that step's mini-batch's activations and pre-activations (all "
        "samples × neurons of the layer), its gradient ∂C/∂W, and the weights W it was "
        "computed at (before step s's update). Bands, outermost first: percentiles 0–100, "
        "6.68–93.32, 15.87–84.13, 30.85–69.15 (a normal distribution's ±∞, ±1.5σ, ±σ, "
        "±σ/2); the line is the median.")
