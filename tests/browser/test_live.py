"""End to end: the live view while playing, on Pause and on Step, agrees with the trainer;
its numbers are formatted as the engine's; its PNGs contain what is on screen."""

from __future__ import annotations

import io
import math
import random

import pytest
from PIL import Image

from ui.live_component import live_version

from .helpers import (
    format_errors,
    go_to_page,
    metric_value,
    open_app,
    open_link,
    open_panel,
    train_on_csv,
    wait_for_idle,
    wait_for_render,
)
from .test_playground import click, step_value

pytestmark = pytest.mark.browser

FRAMES = "() => Number(document.querySelector('.bp-live').dataset.frames)"
EDGE_POINT = """(i) => {
    const gd = document.querySelector('.bp-network');
    const trace = gd.data.findIndex(t => t.name === 'weights');
    const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
    const box = gd.getBoundingClientRect();
    return {x: box.left + xa._offset + xa.l2p(gd.data[trace].x[i]),
            y: box.top + ya._offset + ya.l2p(gd.data[trace].y[i])};
}"""


def hover_weight(page, i: int = 13) -> str:
    """The tooltip of the i-th weight, as the diagram shows it now."""
    point = page.evaluate(EDGE_POINT, i)
    page.mouse.move(point["x"] - 40, point["y"] - 40)
    page.mouse.move(point["x"], point["y"])
    tip = page.locator(".bp-cell-network .bp-tip")
    tip.wait_for(state="visible", timeout=5000)
    text = tip.inner_text()
    assert " of layer " in text and ": w = " in text, text  # "w₁,₁ of layer 2: w = …"
    return text


def history_value(page) -> int:
    return int(page.locator(".bp-history-slider").input_value())


def share_link(page) -> str:
    open_panel(page, "Share · save · export")
    click(page, "Share link")
    return page.locator("[data-testid='stCode'] code").first.inner_text().strip()


def test_play_pause_and_step_agree_with_the_trainer(page, browser, app_server, artifacts_dir):
    open_app(page, app_server, charts=3)
    page.get_by_role("button", name="Play", exact=True).click()
    samples = []
    for _ in range(5):  # frames keep arriving, each a later step
        page.wait_for_timeout(700)
        samples.append((page.evaluate(FRAMES), step_value(page)))
    pairs = zip(samples, samples[1:], strict=False)
    assert all(b[0] > a[0] and b[1] > a[1] for a, b in pairs), samples
    page.screenshot(path=str(artifacts_dir / "playing.png"))
    # The bar is not redrawn per frame: its history names no (lagging) step while playing.
    assert page.locator(".bp-history-text").first.text_content() == (
        "History: Pause to go back or forward to any step.")

    page.get_by_role("button", name="Pause", exact=True).click()
    shown = step_value(page)  # the frame on screen when Pause was clicked
    page.get_by_role("button", name="Play", exact=True).wait_for(timeout=15000)
    wait_for_idle(page)
    wait_for_render(page)
    page.wait_for_timeout(500)
    assert step_value(page) == shown, "Pause did not land on the frame on screen"
    assert history_value(page) == shown
    paused_tip = hover_weight(page)

    # Step: the next state is on screen at once, and the rerun brings the same numbers.
    page.get_by_role("button", name="Step", exact=True).click()
    assert step_value(page) == shown + 1
    wait_for_idle(page)
    wait_for_render(page)
    assert step_value(page) == shown + 1 and history_value(page) == shown + 1
    stepped_tip = hover_weight(page)
    assert stepped_tip != paused_tip

    # A link replays the run from scratch on the server: the same numbers in a fresh
    # browser show that the trainer held exactly the step on screen.
    link = share_link(page)
    assert f"step={shown + 1}" in link
    fresh = browser.new_context(viewport={"width": 1600, "height": 1000})
    other = fresh.new_page()
    open_link(other, link, shown + 1)
    assert step_value(other) == shown + 1
    assert hover_weight(other) == stepped_tip
    fresh.close()

    go_to_page(page, "Step-through")
    assert int(metric_value(page, "Step")) == shown + 1
    assert page.console_errors == [], format_errors(page.console_errors)
    assert page.external_requests == [], format_errors(page.external_requests)


def test_numbers_are_written_as_python_writes_them(page, app_server):
    open_app(page, app_server, charts=3)
    rng = random.Random(4)
    values = [0.0, -0.0, 1.0, -1.0, 1e-5, 9.9995e-5, 0.00012345, -3.48e-9, -4.72e-8,
              123456.0, 99999.5, 1e16, 5e-324, 0.5, 2.5, 1234.5, float("nan"), float("inf"),
              float("-inf")]
    values += [rng.uniform(-1, 1) * 10 ** rng.randint(-12, 12) for _ in range(400)]
    got = page.evaluate("""async ([values, folder]) => {
        const m = await import(new URL('app/static/' + folder + '/numbers.js',
                                       document.baseURI).href);
        return values.map(v => [m.fmtG(v, 4), m.fmtG(v, 2)]);
    }""", [[v if math.isfinite(v) else str(v) for v in values], live_version()])
    for v, (four, two) in zip(values, got, strict=True):
        if not math.isfinite(v):
            continue  # JSON cannot carry them; the formatter's branches for them are trivial
        assert (four, two) == (format(v, ".4g"), format(v, ".2g")), v


def test_chart_png_holds_the_picture_on_screen(page, app_server, tmp_path):
    open_app(page, app_server, charts=3)
    click(page, "Step")
    chart = page.locator(".bp-boundary")
    chart.hover()
    button = page.locator(".bp-boundary .modebar-btn[data-title^='Download as PNG']")
    with page.expect_download(timeout=15000) as download:
        button.click()
    assert download.value.suggested_filename == "backprop-playground-boundary-step1.png"
    path = tmp_path / "boundary.png"
    download.value.save_as(path)
    image = Image.open(io.BytesIO(path.read_bytes())).convert("RGB")
    size = page.evaluate("() => { const L = document.querySelector('.bp-boundary')"
                         "._fullLayout; return [L.width, L.height]; }")
    assert image.size == (int(size[0] * 2), int(size[1] * 2))  # at twice the screen's size
    layout = page.evaluate("""() => { const L = document.querySelector('.bp-boundary')
        ._fullLayout; return [L.xaxis._offset + L.xaxis._length / 2,
                              L.yaxis._offset + L.yaxis._length / 2]; }""")
    centre = image.getpixel((int(layout[0] * 2), int(layout[1] * 2)))
    assert centre != (255, 255, 255), "the boundary picture is missing from the PNG"
    assert page.console_errors == [], format_errors(page.console_errors)


def test_a_long_link_shows_progress_and_pause_stops_it(page, app_server):
    page.goto(f"{app_server}/?v=1&step=100000", wait_until="domcontentloaded")
    progress = page.locator(".bp-progress")
    progress.wait_for(state="visible", timeout=60000)
    page.wait_for_function("() => /step [0-9,]+ of 100,000/.test("
                           "document.querySelector('.bp-progress').textContent)", timeout=30000)
    page.wait_for_timeout(1500)
    page.get_by_role("button", name="Pause", exact=True).click()
    stopped = step_value(page)
    page.get_by_role("button", name="Play", exact=True).wait_for(timeout=15000)
    wait_for_idle(page)
    page.get_by_text("Stopped at step").first.wait_for(timeout=10000)
    assert 0 < stopped < 100000 and step_value(page) == stopped
    assert not progress.is_visible()
    page.wait_for_timeout(1000)
    assert step_value(page) == stopped  # nothing trains on
    click(page, "Step")
    assert step_value(page) == stopped + 1
    assert page.console_errors == [], format_errors(page.console_errors)


def test_the_live_view_loads_plotlys_basic_bundle_and_the_full_one_only_when_needed(
        page, app_server, tmp_path):
    """plotly.js's basic bundle draws the usual view (the full one would take ~1.4 s more
    to load); an upload of 4,000 rows (WebGL markers, not in it) brings the full one, and
    every chart is drawn again with it, Play included."""
    loaded = "() => [window.__bpPlotlyKind, Object.keys(window.__bpPlotly || {}).sort()]"
    open_app(page, app_server, charts=3)
    assert page.evaluate(loaded) == ["basic", ["basic"]]
    csv = tmp_path / "big.csv"
    rng = random.Random(0)
    rows = [(rng.uniform(-1, 1), rng.uniform(-1, 1)) for _ in range(4000)]
    csv.write_text("a,b,t\n" + "".join(f"{a:.4f},{b:.4f},{int(a * b > 0)}\n" for a, b in rows))
    train_on_csv(page, csv)
    page.wait_for_function("() => window.__bpPlotlyKind === 'full'", timeout=30000)
    wait_for_idle(page)
    page.wait_for_function(
        "() => [...document.querySelectorAll('.bp-live .js-plotly-plot')]"
        ".filter(g => g.querySelector('.main-svg')).length === 3"
        " && document.querySelector('.bp-boundary').data.some(t => t.type === 'scattergl')"
        " && document.querySelector('.bp-loss').data.length > 0", timeout=30000)
    assert page.evaluate(loaded) == ["full", ["basic", "full"]]
    before = step_value(page)
    page.locator(".bp-play").click()
    page.wait_for_function("n => Number(document.querySelector(\".bp-metric-value"
                           "[data-label='Step']\").textContent.replace(/,/g, '')) > n + 30",
                           arg=before, timeout=30000)
    page.locator(".bp-play").click()
    wait_for_idle(page)
