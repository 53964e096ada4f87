"""End to end: colours chosen for sign and class, and shapes as a second cue, survive a
share link and the run's steps (the address keeps them), and the live view paints with
them: the legend names the palette's colours, the diagram's negative edges are dashed."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from viz.colors import PALETTES

from .helpers import format_errors, open_link, wait_for_idle

pytestmark = pytest.mark.browser

# What the live view was given to paint with (its scene, as the browser holds it).
SCENE_COLOURS = """() => {
  const g = window.__bpLive.scene.network.geometry;
  return [g.colours.negative, g.colours.positive, g.sign_cue];
}"""


def test_colours_and_shapes_survive_a_link_and_steps(page, app_server, artifacts_dir):
    palette = PALETTES["vermillion"]
    open_link(page, f"{app_server}/?v=1&pal=vermillion&shape=1&step=3", step=3)
    legend = page.locator(".bp-legend").inner_text()
    assert "vermillion" in legend and "(dashed)" in legend, legend
    assert "orange" not in legend, legend
    assert page.evaluate(SCENE_COLOURS) == [palette.negative, palette.positive, True]
    page.get_by_role("button", name="Step", exact=True).first.click()
    wait_for_idle(page)
    query = parse_qs(urlsplit(page.url).query)
    assert query["pal"] == ["vermillion"] and query["shape"] == ["1"], page.url
    page.locator(".bp-cell-network").screenshot(path=str(artifacts_dir / "palette_net.png"))
    page.locator(".bp-cell-boundary").screenshot(
        path=str(artifacts_dir / "palette_boundary.png"))
    assert page.console_errors == [], format_errors(page.console_errors)
