"""What the live view's colours and widths mean, in words, for the legend under the charts
and the note a first-time visitor sees on the diagram (as TF Playground has)."""

from __future__ import annotations

from .colors import DEFAULT, NEUTRAL_HEX, Palette

EDGE_WORDS = {"weights": "weights w", "gradients": "gradients ∂C/∂w", "updates": "updates Δw"}
BIAS_WORDS = {"weights": "its bias b", "gradients": "δ summed = ∂C/∂b",
              "updates": "its update Δb"}

NOTE = ("Each box is a neuron: its picture is what it outputs at every point of the input "
        "plane (the boundary chart's axes). Each line is a weight carrying one neuron's "
        "output to the next layer. Hover over a line or box for its exact numbers; click one "
        "to inspect it on Step-through.")


def _boxes(activations: list[str]) -> str:
    """How a neuron's picture maps its output to the scale, for the activations in use."""
    used = set(activations)
    parts = []
    if "tanh" in used:
        parts.append("tanh −1…+1")
    if "sigmoid" in used:
        parts.append("sigmoid 0…1")
    if used & {"relu", "leaky_relu", "linear"}:
        parts.append("ReLU/linear: its own range")
    return ", ".join(parts)


def legend(task: str, edge_mode: str, activations: list[str], n_classes: int,
           frozen: bool = False, palette: Palette = DEFAULT, shapes: bool = False) -> dict:
    """The scale bar's colours and the lines of text beside it in ``palette``'s words
    (``frozen``: some parameter is frozen, drawn dashed; ``shapes``: sign and class have a
    shape too)."""
    neg, pos = palette.negative_name, palette.positive_name
    lines = (f"{EDGE_WORDS[edge_mode]}: {pos} +, {neg} −"
             + (" (dashed)" if shapes else "") + ", thicker = larger.")
    if frozen:
        lines += " Dashed black: frozen (never updated)."
    items = [
        ("Boxes", f"a neuron's output over the plane ({_boxes(activations)}); below it, "
                  f"{BIAS_WORDS[edge_mode]}."),
        ("Lines", lines),
    ]
    if task == "multiclass":
        items.append(("Boundary", "the likeliest class, paler where unsure:"))
    elif task == "binary":
        items.append(("Boundary", f"{neg} class 0, {pos} class 1, grey unsure."))
    else:
        items.append(("Boundary", f"the output, {neg} −1 to {pos} +1."))
    what = f"their target, {neg} −1, grey 0, {pos} +1" if task == "regression" \
        else "their class's colour"
    kinds = ("a shape per class (● class 0, ■ class 1, ▲ class 2…), with a dot: test"
             if shapes and task != "regression" else "● training, ◆ test")
    items.append(("Points", f"in {what}, over the paler boundary: {kinds}."))
    classes = palette.class_hex[:n_classes] if task == "multiclass" else []
    return {"bar": [palette.negative, NEUTRAL_HEX, palette.positive], "ticks": ["−1", "0", "+1"],
            "items": items, "classes": classes, "note": NOTE}
