"""Widget values from settings: what the sidebar's widgets show is written here, so the
settings in effect (after a rewind, a loaded file, a hidden panel) are what is on screen."""

from __future__ import annotations

import streamlit as st

import backprop_core as bc
from backprop_core.data.features import FEATURES
from backprop_core.policy.offered import MAX_HIDDEN_LAYERS


def seed_widgets(c: bc.RunConfig, only_missing: bool = False) -> None:
    """Give widgets their values from ``c``: all of them (after a load), or only those
    whose state Streamlit dropped because they were not drawn (another page, a hidden
    panel), so that drawing them again cannot silently change the run."""
    values = {
        "w_dataset": c.dataset, "w_classes": c.n_classes, "w_noise": round(c.noise * 100),
        "w_samples": c.n_samples, "w_train_pct": round(c.train_fraction * 100),
        "w_layers": len(c.hidden), "w_same_act": len(set(c.activations)) <= 1,
        "w_act_all": c.activations[0] if c.activations else "tanh",
        "w_output": c.output, "w_init": c.init, "w_seed": c.seed,
        "w_optimizer": c.optimizer, "w_lr": c.lr, "w_momentum": c.momentum,
        "w_beta1": c.beta1, "w_beta2": c.beta2, "w_batch": c.batch_size,
        "w_reg": c.regularization, "w_reg_rate": c.reg_rate, "w_reduction": c.reduction,
        "w_schedule": c.schedule, "w_sched_step": c.sched_step,
        "w_sched_gamma": c.sched_gamma, "w_sched_tmax": c.sched_tmax,
        "w_sched_min": c.sched_min, "w_sched_warmup": c.sched_warmup,
        "w_sched_start": c.sched_start,
    }
    for name in FEATURES:
        values[f"w_feat_{name}"] = name in c.features
    for i in range(MAX_HIDDEN_LAYERS):
        values[f"w_neurons_{i}"] = c.hidden[i] if i < len(c.hidden) else 4
        values[f"w_act_{i}"] = c.activations[i] if i < len(c.activations) else "tanh"
    for key, value in values.items():
        if not only_missing or key not in st.session_state:
            st.session_state[key] = value
