"""End to end: the Hidden space page in headless Chromium. Spiral data with a 6-wide net:
step, Play here (the charts redraw while it trains), Pause, both kinds of axes, the
confusion matrices; a three-class set; uploaded data with three inputs (points only)."""

from __future__ import annotations

import pytest

from .helpers import (
    format_errors,
    go_to_page,
    open_app,
    train_on_csv,
    wait_for_idle,
    wait_for_render,
)
from .test_playground import click, step_value

pytestmark = pytest.mark.browser

# What Plotly drew in the chart whose layout has ``meta`` (decoded arrays: _fullData).
CHART_JS = """meta => {
    const gd = [...document.querySelectorAll('.js-plotly-plot')]
        .find(g => g.layout && g.layout.meta === meta);
    if (!gd) return null;
    const traces = gd._fullData.map(t => ({
        name: t.name, type: t.type,
        finite: t.x ? Array.from(t.x).filter(v => v !== null && Number.isFinite(v)).length : 0,
        first: t.x ? Number(t.x[0]) : null,
        text: t.text || null}));
    return {traces, xtitle: gd._fullLayout.xaxis.title.text,
            annotations: (gd._fullLayout.annotations || []).map(a => a.text)};
}"""


def chart(page, meta: str) -> dict:
    drawn = page.evaluate(CHART_JS, meta)
    assert drawn is not None, f"no chart {meta!r} on the page"
    return drawn


def opened(page, app_server: str, link: str) -> None:
    """The app from a share link (the settings), then the Hidden space page. (Opening a
    page's own address, /hidden_space, fails for every page but the Playground: the
    session is not initialised; see the report.)"""
    open_app(page, app_server + "/" + link, charts=3)
    go_to_page(page, "Hidden space")
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot .main-svg')"
                           ".length >= 4", timeout=30000)


def clean(page) -> None:
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.console_errors == [], format_errors(page.console_errors)
    assert page.external_requests == [], format_errors(page.external_requests)


def test_spiral_hidden_space_live_play_pause_and_pca(page, app_server, artifacts_dir):
    # Adam with sin features untangles the spiral in a few hundred steps.
    opened(page, app_server, "?v=1&ds=spiral&feat=x1,x2,sin_x1,sin_x2&h=6,6&opt=adam")
    page.get_by_role("heading", name="Hidden space").wait_for()
    assert step_value(page) == 0
    for _ in range(3):
        click(page, "Step")
    assert step_value(page) == 3
    hidden = chart(page, "hidden")
    names = [t["name"] for t in hidden["traces"]]
    assert names == ["x₂ constant", "x₁ constant", "border", "train"]
    lines = hidden["traces"][0]["finite"]
    assert lines >= 30 * 100, lines  # ≥ 30 lines, ≥ 100 points each
    assert hidden["traces"][3]["finite"] == 125  # the spiral's training points
    assert hidden["xtitle"] == "neuron 0"
    assert [t["name"] for t in chart(page, "boundary")["traces"]][:3] == names[:3]
    before = hidden["traces"][3]["first"]

    page.get_by_role("slider").first.press("End")  # 50 steps per redraw
    wait_for_idle(page)
    page.get_by_role("button", name="Play here", exact=True).click()
    page.get_by_role("button", name="Pause", exact=True).wait_for(timeout=15000)
    # Many redraws while it plays (50 steps each, a few a second).
    page.wait_for_function(
        """() => Number(document.querySelector(".bp-panel-metric-value[data-label='Step']")
            .innerText.replace(/,/g, '')) >= 400""",
        timeout=90000)
    # the picture moved (polled: a redraw may be replacing the chart at any one instant)
    page.wait_for_function(
        "([js, before]) => { const c = eval(js)('hidden');"
        " return c !== null && c.traces[3].first !== before; }",
        arg=[CHART_JS, before], timeout=15000)
    page.get_by_role("button", name="Pause", exact=True).click()
    page.get_by_role("button", name="Play here", exact=True).wait_for(timeout=15000)
    wait_for_idle(page)
    wait_for_render(page)
    paused = step_value(page)
    page.mouse.move(5, 5)  # no tooltip over the page in the screenshot
    page.wait_for_timeout(1000)
    assert step_value(page) == paused >= 400, "training went on after Pause"
    page.screenshot(path=str(artifacts_dir / "hidden_neurons.png"), full_page=True)

    page.get_by_text("principal components", exact=True).click()
    wait_for_idle(page)
    wait_for_render(page)
    page.wait_for_function(f"() => ({CHART_JS})('hidden').xtitle === 'PC 1'", timeout=10000)
    page.get_by_text("PC 1 holds", exact=False).wait_for()
    confusion = chart(page, "confusion")
    assert [t["type"] for t in confusion["traces"]] == ["heatmap", "heatmap"]
    assert confusion["annotations"][0].startswith("<b>train</b><br>accuracy")
    assert confusion["annotations"][1].startswith("<b>test</b><br>accuracy")
    accuracy = chart(page, "accuracy")
    assert [t["name"] for t in accuracy["traces"]] == ["train accuracy", "test accuracy"]
    page.screenshot(path=str(artifacts_dir / "hidden_pca.png"), full_page=True)
    page.locator(".bp-figure").nth(2).scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    page.screenshot(path=str(artifacts_dir / "hidden_confusion.png"))
    assert step_value(page) == paused  # choosing the axes trains nothing
    clean(page)


def test_three_classes_confusion_three_by_three(page, app_server, artifacts_dir):
    opened(page, app_server, "?v=1&ds=spiral_multi&h=8,8,8")
    click(page, "Epoch")
    click(page, "Epoch")
    confusion = chart(page, "confusion")
    assert len(confusion["traces"][0]["text"]) == 3
    page.get_by_label("Hidden layer").click()
    page.get_by_role("option", name="hidden 1: 8 × tanh").click()
    wait_for_idle(page)
    wait_for_render(page)
    assert chart(page, "hidden")["traces"][-1]["finite"] > 0
    page.screenshot(path=str(artifacts_dir / "hidden_multiclass.png"), full_page=True)
    clean(page)


def test_uploaded_data_with_three_inputs_shows_points_only(page, app_server, artifacts_dir,
                                                           tmp_path):
    csv = tmp_path / "three.csv"
    csv.write_text("a,b,c,t\n" + "".join(f"{i % 7},{i % 3},{(i * i) % 5},{i % 2}\n"
                                          for i in range(80)))
    open_app(page, app_server, charts=3)
    train_on_csv(page, csv)
    wait_for_idle(page)
    page.get_by_text("Now training on three.csv", exact=False).first.wait_for(timeout=15000)
    go_to_page(page, "Hidden space")
    page.get_by_text("only the points are shown", exact=False).wait_for()
    hidden = chart(page, "hidden")
    assert [t["name"] for t in hidden["traces"]] == ["train"]
    page.screenshot(path=str(artifacts_dir / "hidden_uploaded.png"), full_page=True)
    clean(page)


def test_regression_points_coloured_by_target(page, app_server, artifacts_dir):
    open_app(page, app_server + "/?v=1&ds=plane&h=4,4", charts=3)
    go_to_page(page, "Hidden space")
    page.get_by_text("Regression data has no classes", exact=False).wait_for()
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot .main-svg')"
                           ".length >= 2", timeout=30000)
    marker = page.evaluate("""() => {
        const gd = [...document.querySelectorAll('.js-plotly-plot')]
            .find(g => g.layout && g.layout.meta === 'hidden');
        const t = gd._fullData.find(t => t.name === 'train');
        return {n: t.marker.color.length, cmin: t.marker.cmin, cmax: t.marker.cmax,
                scale: t.marker.showscale};
    }""")
    assert marker == {"n": 125, "cmin": -1, "cmax": 1, "scale": True}
    page.screenshot(path=str(artifacts_dir / "hidden_regression.png"), full_page=True)
    clean(page)
