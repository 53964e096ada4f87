"""End to end: an uploaded CSV whose column is named ``http://example.com "quoted" <b>x</b>``
and whose class has a 200-character name. Its names show as text (no link, no &quot;, no
markup) and a long name's tooltip stays on the page (issue 17, §5)."""

from __future__ import annotations

import pytest

from tests.test_app_user_text import COLUMN, hostile_csv

from .helpers import (
    format_errors,
    go_to_page,
    open_app,
    train_on_csv,
    wait_for_idle,
    wait_for_render,
)

pytestmark = pytest.mark.browser

LINKS = """() => [...document.querySelectorAll(
  "[data-testid='stMain'] a, [data-testid='stSidebar'] [data-testid='stMarkdownContainer'] a,"
  + " [data-testid='stToast'] a")].map((a) => a.href)
  .filter((href) => !href.startsWith(location.origin))"""  # not headings' own anchors
CHART_TEXT = """() => [...document.querySelectorAll('.js-plotly-plot text')]
  .map((t) => t.textContent).filter((t) => t.trim())"""
# Where the diagram's first input box is on screen (the live view's hover markers).
FIRST_INPUT = """() => {
  const gd = document.querySelector('.bp-network');
  const trace = gd.data.findIndex((t) => t.name === 'neurons');
  const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
  const box = gd.getBoundingClientRect();
  return {x: box.left + xa._offset + xa.l2p(gd.data[trace].x[0]),
          y: box.top + ya._offset + ya.l2p(gd.data[trace].y[0])};
}"""


def test_an_uploads_names_are_text_and_stay_on_the_page(page, app_server, artifacts_dir,
                                                          tmp_path):
    csv = tmp_path / "hostile.csv"
    csv.write_bytes(hostile_csv())
    page.set_viewport_size({"width": 1280, "height": 720})
    open_app(page, app_server, charts=3)
    train_on_csv(page, csv)
    wait_for_idle(page)
    wait_for_render(page)
    page.get_by_text("Boundary view: Plane of").wait_for(timeout=15000)
    assert page.evaluate(LINKS) == []  # before: http://example.com/ was a link
    texts = page.evaluate(CHART_TEXT)
    assert not [t for t in texts if "&quot;" in t or "&lt;" in t], texts
    assert 'http://example.com "quoted" <b>x</b>' in texts  # the axis title, as typed
    assert "http://exam…" in texts  # beside the diagram, short

    page.locator(".bp-network").evaluate("e => e.scrollIntoView({block: 'center'})")
    page.wait_for_timeout(300)
    point = page.evaluate(FIRST_INPUT)
    page.mouse.move(point["x"] - 5, point["y"] - 5)
    page.mouse.move(point["x"], point["y"], steps=3)
    page.wait_for_timeout(300)
    tip = page.locator(".bp-cell-network .bp-tip")
    tip.wait_for(state="visible", timeout=5000)
    assert tip.inner_text().replace("\n", " ") == f"input {COLUMN}"
    box, width = tip.bounding_box(), page.viewport_size["width"]
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, box
    page.screenshot(path=str(artifacts_dir / "user_text_playground.png"))

    go_to_page(page, "Hidden space")
    page.locator(".js-plotly-plot").last.scroll_into_view_if_needed()
    texts = page.evaluate(CHART_TEXT)
    assert any(t.startswith("A class whose") and t.endswith("…") for t in texts)
    assert max(len(t) for t in texts) <= 60, max(texts, key=len)
    assert page.evaluate(LINKS) == []
    page.screenshot(path=str(artifacts_dir / "user_text_hidden.png"), full_page=True)
    assert page.console_errors == [], format_errors(page.console_errors)
