"""Loss surface: the cost over a 2-D slice of parameter space around the run, with the
path training took, and SGD, Momentum and Adam from one start, drawn on it."""

import numpy as np
import streamlit as st

import backprop_core as bc
from ui import panel, session, surface_view
from ui.page_previews import Previews
from ui.stepping import in_fragment
from ui.stepping_bar import stepping_bar
from viz.surface import PATH_NAMES, surface_figure

INTRO = ("A network's cost depends on every weight at once; here it is drawn over a plane "
         "through that space: through the current weights along two parameters, two random "
         "directions or the run's own two main directions, or through three saved weights. "
         "The cost is computed exactly at every grid point. Paths are projected onto the "
         "plane, so a path that leaves it is shown at its nearest point; hover a path for "
         "its own cost and how far it is from the plane.")


def cost_caption(tr: bc.Trainer) -> str:
    """What is plotted, in words: the number the optimizer minimises."""
    how = "averaged over" if tr.reduction == "mean" else "summed over"
    what = f"data loss ({tr.loss}) {how} the {len(tr.X)} training points"
    if tr.regularization != "none" and tr.reg_rate > 0:
        what += f" + {tr.regularization.upper()} penalty (rate {tr.reg_rate:g})"
    return (f"Plotted: the cost = {what}, the number the optimizer minimises (the "
            "Playground's train loss).")


def path_caption(result: surface_view.Result) -> str:
    """How far each path is from the plane: 0 means it lies in it."""
    parts = []
    for p in result.paths:
        name = PATH_NAMES.get(p.name, p.name)
        parts.append(f"{name}: {len(p.steps)} points, steps {p.steps[0]}–{p.steps[-1]}, "
                     f"at most {np.max(p.residual):.3g} from the plane "
                     f"(median {np.median(p.residual):.3g})" + (f"; {p.note}" if p.note else ""))
    return "  \n".join(parts)


def grid_caption(result: surface_view.Result) -> str:
    r = len(result.surface.alphas)
    text = f"Grid {r}×{r} = {r * r:,} weight settings, evaluated in {result.seconds:.2f} s."
    if r < result.wanted_resolution:
        text += (f" ({result.wanted_resolution}×{result.wanted_resolution} would cost too "
                 "much for this network and data: coarsened.)")
    return text


def outcome(tr: bc.Trainer, settings: surface_view.Settings, run: bc.Trainer,
            ) -> surface_view.Result | str:
    """The surface for ``tr`` (``run`` itself, or a fork of it for a preview), or why
    there is none."""
    try:
        return surface_view.result(tr, settings, surface_view.saved(tr.net),
                                   run=None if tr is run else run)
    except ValueError as exc:
        return str(exc)


def figure(tr: bc.Trainer, result, settings: surface_view.Settings) -> dict | None:
    if isinstance(result, str):
        return None
    return surface_figure(result.surface, result.plane, result.paths, result.points,
                          result.point_costs, kind=settings.kind, log=settings.log,
                          title=f"Cost over the plane, step {tr.step}")


def captions(tr: bc.Trainer, result) -> list[dict]:
    if isinstance(result, str):
        return [panel.alert("info", result)]
    parts = [panel.caption(cost_caption(tr) + " " + result.plane.description)]
    if result.paths:
        parts.append(panel.caption(path_caption(result)))
    parts.append(panel.caption(grid_caption(result)))
    return parts


def stepped(settings: surface_view.Settings | None) -> None:
    """What a Step changes (a fragment: a Step reruns only it, not the sidebar). A click
    shows the next surface at once (``ui.page_previews``)."""
    tr = session.trainer()
    with Previews(tr, lambda t: (t, outcome(t, settings, tr))) as ahead:
        stepping_bar(tr, playing=False)  # step here and watch the path grow
        if tr.diverged is None and settings is None:
            st.rerun(scope="app")  # Undo took back a divergence: the settings need the page
        if tr.diverged is None:  # else the bar says so
            if figure(*ahead.now(), settings) is not None:
                ahead.chart("surface_chart", lambda t, r: figure(t, r, settings))
            ahead.panel("surface_captions", captions)
        ahead.finish()


def main() -> None:
    session.set_playing(False)  # Play lives on the Playground: leaving it pauses
    st.markdown("## Loss surface")
    st.markdown(INTRO)
    tr = session.trainer()
    settings = None
    if tr.diverged is None:
        with st.sidebar:  # the settings beside the page, so the chart gets its whole width
            st.markdown("#### Surface settings")
            settings = surface_view.controls(tr)
    in_fragment(stepped, settings)


main()
