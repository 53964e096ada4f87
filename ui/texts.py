"""Plain-language descriptions of where training is, for the page to show."""

from __future__ import annotations

import re

import numpy as np

import backprop_core as bc

RULES = {
    "sgd": "Δw = −η·∂C/∂w",
    "momentum": "v ← μv + ∂C/∂w, Δw = −η·v",
    "adam": "Δw = −η·m̂/(√v̂ + ε)",
}


def _largest(arrays: list[np.ndarray]) -> tuple[float, int]:
    tops = [float(np.max(np.abs(a))) for a in arrays]
    layer = int(np.argmax(tops))
    return tops[layer], layer + 1


def next_batch(tr: bc.Trainer) -> str:
    size = min(tr.batch_size, len(tr.X) - tr.batch_index * tr.batch_size)
    return (f"mini-batch {tr.batch_index + 1} of {tr.n_batches} in epoch {tr.epoch + 1} "
            f"({size} samples)")


def _scheduled(tr) -> str:
    """Where η comes from when a schedule sets it."""
    if tr.schedule.name == "constant":
        return ""
    return f" ({tr.schedule.describe()} of η = {tr.optimizer.lr:g}, update {tr.step + 1})"


def phase_message(tr: bc.Trainer) -> str:
    """What the last phase computed and which phase comes next, in words."""
    opt = tr.optimizer
    if tr.next_phase == "backward":
        return (f"**Forward** computed z = a·W + b and a = f(z), layer by layer, for the "
                f"{len(tr.batch_idx)} samples ringed in red; their loss is "
                f"{tr.batch_loss:.4g}. Next: **Backward** computes δ = ∂C/∂z from the output "
                f"back to the first layer, and from it every ∂C/∂w.")
    if tr.next_phase == "update":
        top, layer = _largest(tr.grads.weights)
        return (f"**Backward** computed δ for every neuron and ∂C/∂w for every weight "
                f"(largest |∂C/∂w| = {top:.3g}, in layer {layer}). Next: **Update**: "
                f"{opt.name.upper() if opt.name == 'sgd' else opt.name.capitalize()} with "
                f"η = {tr.current_lr():.4g}{_scheduled(tr)} applies {RULES[opt.name]}.")
    if tr.step == 0 or tr.last_update is None:
        return f"Next: **Forward** pushes {next_batch(tr)} through the network."
    top, layer = _largest(tr.last_update.weights)
    return (f"**Update** changed every weight (largest |Δw| = {top:.3g}, in layer {layer}); "
            f"step {tr.step} is done. Next: **Forward** on {next_batch(tr)}.")


def walk_phase(position: int, L: int) -> tuple[str, int]:
    """Single-sample walk: what was just computed, and the diagram column to box (0 = the
    inputs, i = layer i). Positions 1..L go forward, L+1..2L come back."""
    if position == 0:
        return "Press Next layer to compute layer 1's z and a.", 0
    if position <= L:
        return f"Forward: computed layer {position} (z = a·W + b, a = f(z)).", position
    layer = 2 * L - position + 1  # the layer whose δ was just computed
    done = " — δ has reached layer 1, next to the inputs." if layer == 1 else "."
    return f"Backward: computed δ of layer {layer}{done}", layer


_MARKDOWN = set("\\`*_{}[]()#+-.!|<>~$:=&")
# GitHub-flavoured markdown makes links of URLs (http://…), www. addresses and e-mail
# addresses even when every character is escaped; an invisible word joiner (U+2060: no
# line break either) inside each pattern keeps them text.
_AUTOLINK = re.compile(r"(?=://)|(?<=www)(?=\.)|(?=@)", re.IGNORECASE)
WORD_JOINER = "\u2060"


def plain(text: str) -> str:
    """User-given text (a file's name, its columns and classes, a link's values) as literal
    text inside Streamlit markdown: every character markdown could read as syntax (links,
    images, emphasis, ``:colour[…]`` directives, math) is escaped, URLs and e-mail addresses
    are not made links, and line breaks become spaces. Streamlit escapes HTML already."""
    out = []
    for ch in _AUTOLINK.sub(WORD_JOINER, str(text)):
        if ch in "\r\n":
            out.append(" ")
        elif ch in _MARKDOWN:
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out)


RECONNECTED = (
    "**Reconnected to another server.** The server this page was on went away (stopped, "
    "restarted, or replaced), so the page started again here from its address, which "
    "holds the run: it is replayed up to the step on screen. (A run on uploaded data, or "
    "with more changes than a link carries, starts afresh: a session file reproduces any "
    "run exactly.)")
