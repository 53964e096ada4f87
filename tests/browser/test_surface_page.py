"""End to end: the Loss surface page under ``streamlit run`` draws its contours with the
run's path and the three optimizers, then the same as a 3-D surface."""

from __future__ import annotations

import pytest

from .helpers import format_errors, go_to_page, open_app, wait_for_idle, wait_for_render
from .test_playground import click

pytestmark = pytest.mark.browser

# What Plotly drew: each trace's type, name and number of points, read from the chart.
TRACES_JS = """() => {
    const gd = document.querySelector(".bp-figure");
    return gd.data.map(t => ({type: t.type, name: t.name || "",
                              n: t.x ? t.x.length : 0, rows: t.z ? t.z.length : 0}));
}"""


# Where Adam's path ends on screen (Plotly's own axes map data to pixels).
HOVER_JS = """() => {
    const gd = document.querySelector(".bp-figure");
    const t = gd.data.find(t => t.name === "Adam");
    const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
    const box = gd.getBoundingClientRect(), i = t.x.length - 1;
    return {x: box.left + xa._offset + xa.l2p(t.x[i]), y: box.top + ya._offset + ya.l2p(t.y[i])};
}"""


def test_loss_surface_contours_paths_and_3d(page, app_server, artifacts_dir):
    open_app(page, app_server, charts=3)
    for _ in range(4):
        click(page, "Step")
    go_to_page(page, "Loss surface")
    page.locator(".bp-figure .contourlayer path").first.wait_for(
        timeout=30000)
    drawn = page.evaluate(TRACES_JS)
    assert drawn[0] == {"type": "contour", "name": "cost", "n": 41, "rows": 41}
    by_name = {t["name"]: t for t in drawn}
    assert by_name["the run so far"]["n"] == 5  # steps 0..4
    for name in ("SGD", "Momentum", "Adam"):
        assert by_name[name]["n"] == 51
    legend = page.locator(".bp-figure .legend").text_content()
    for name in ("the run so far", "SGD", "Momentum", "Adam"):
        assert name in legend
    assert page.get_by_text("Grid 41×41", exact=False).count() == 1
    chart = page.locator(".bp-figure")
    page.screenshot(path=str(artifacts_dir / "loss_surface_page.png"))
    chart.screenshot(path=str(artifacts_dir / "loss_surface_contour.png"))

    # Hovering the end of Adam's path tells its step, its cost and its distance from the plane.
    point = page.evaluate(HOVER_JS)
    page.mouse.move(point["x"], point["y"])
    tip = page.locator(".bp-figure .hovertext").first
    tip.wait_for(state="attached", timeout=5000)
    text = tip.text_content()
    assert "Adam" in text and "step 54" in text and "distance from the plane" in text

    page.get_by_text("3-D surface", exact=True).click()
    wait_for_idle(page)
    wait_for_render(page)
    page.wait_for_function(
        "() => document.querySelector(\".bp-figure\")"
        "?.data?.[0]?.type === 'surface'", timeout=30000)
    page.locator(".bp-figure .gl-container canvas").first.wait_for(
        timeout=30000)
    page.wait_for_timeout(500)  # WebGL paints on the next frames
    assert page.evaluate(TRACES_JS)[0]["type"] == "surface"
    chart.screenshot(path=str(artifacts_dir / "loss_surface_3d.png"))

    assert page.locator("[data-testid='stException']").count() == 0
    assert page.console_errors == [], format_errors(page.console_errors)
    assert page.external_requests == [], format_errors(page.external_requests)


def test_the_runs_own_plane_after_three_epochs(page, app_server, artifacts_dir):
    open_app(page, app_server, charts=3)
    for _ in range(3):
        click(page, "Epoch")
    go_to_page(page, "Loss surface")
    page.get_by_text("The run's two main directions (PCA of its path)", exact=True).click()
    wait_for_idle(page)
    wait_for_render(page)
    page.wait_for_function(
        "() => document.querySelector(\".bp-figure\")"
        "?.layout?.xaxis?.title?.text === 'main direction 1'", timeout=30000)
    by_name = {t["name"]: t for t in page.evaluate(TRACES_JS)}
    assert by_name["the run so far"]["n"] == 3 * 13 + 1  # 125 points in batches of 10
    assert page.get_by_text("of the path's spread lies in this plane", exact=False).count() == 1
    page.locator(".bp-figure").screenshot(
        path=str(artifacts_dir / "loss_surface_pca.png"))
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.console_errors == [], format_errors(page.console_errors)
