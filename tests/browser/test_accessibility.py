"""End to end: axe-core (WCAG 2.0/2.1/2.2 A and AA) finds no serious or critical violation on
any page, in normal and presenter view, on the Playground after Play and Pause and after a
Step, and in a lesson; the app's own focusable elements show a focus ring of >= 3:1; on a
768x1024 tablet nothing scrolls sideways and nothing hides under Streamlit's header (each
page's screenshots are kept as artifacts to look at)."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from ui.navigation import PAGES

from .helpers import PLAYER, go_to_page, open_app, wait_for_idle, wait_for_render
from .test_playground import click
from .test_presenter_live import switch_presenter

pytestmark = pytest.mark.browser

AXE = Axe()  # axe-core's script comes with the package: nothing is downloaded
AXE_OPTIONS = {"runOnly": {"type": "tag",
                           "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
               "resultTypes": ["violations"]}
BLOCKING = ("serious", "critical")
TABLET = {"width": 768, "height": 1024}


def violations(page, where: str) -> list[str]:
    """axe's serious and critical violations on the page as it is now, one line each: rule,
    impact, what it asks and the first elements it names."""
    found = []
    for v in AXE.run(page, options=AXE_OPTIONS).response["violations"]:
        if v["impact"] in BLOCKING:
            targets = [" ".join(map(str, n["target"])) for n in v["nodes"]]
            found.append(f"{where}: {v['id']} ({v['impact']}) {v['help']}: {targets[:3]}")
    return found


# For each selector, its first element on screen, focused as by the keyboard: its outline
# (style, width) and the contrast of the outline's colour with the background around it.
RING_JS = """(selectors) => {
  const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map((v) => v / 255)
    .map((v) => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4)
    .reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
  const behind = (el) => {  // the first opaque background among its ancestors
    for (let e = el.parentElement; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length === 3 || c[3] > 0.5) return c;
    }
    return [255, 255, 255];
  };
  return selectors.map((sel) => {
    const el = [...document.querySelectorAll(sel)].find((e) => e.offsetParent && !e.disabled);
    if (!el) return { sel, missing: true };
    el.focus();
    const s = getComputedStyle(el), [a, b] = [lum(rgb(s.outlineColor)), lum(behind(el))];
    return { sel, visible: el.matches(":focus-visible"), style: s.outlineStyle,
             width: parseFloat(s.outlineWidth),
             contrast: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05) };
  });
}"""


def ring_problems(page, selectors: list[str]) -> list[str]:
    """The selectors whose focused element shows no solid ring of >= 2 px at >= 3:1."""
    page.keyboard.press("Shift")  # the keyboard was used last: focus() then shows a ring
    rings = page.evaluate(RING_JS, selectors)
    page.evaluate("() => document.activeElement.blur()")
    return [str(r) for r in rings if r.get("missing") or not r["visible"]
            or r["style"] != "solid" or r["width"] < 2 or r["contrast"] < 3]


def walk(page, where: str) -> list[str]:
    """Every page's violations, from the Playground on through the menu and back to it."""
    found = violations(page, f"Playground ({where})")
    for title in list(PAGES)[1:]:
        go_to_page(page, title)
        found += violations(page, f"{title} ({where})")
    go_to_page(page, "Playground")
    return found


def start_lesson(page) -> None:
    """Start the first lesson from the Lessons page: its player then stands above the page."""
    go_to_page(page, "Lessons")
    page.get_by_role("button", name="Start").first.click()
    page.locator(PLAYER).wait_for(timeout=30000)
    wait_for_idle(page)
    wait_for_render(page)


def test_no_serious_or_critical_violations_and_a_focus_ring(page, app_server):
    open_app(page, app_server, charts=3)
    found = walk(page, "normal")
    page.get_by_role("button", name="Play", exact=True).click()
    page.wait_for_timeout(2000)
    page.get_by_role("button", name="Pause", exact=True).click()
    page.get_by_role("button", name="Play", exact=True).wait_for(timeout=15000)
    wait_for_idle(page)
    wait_for_render(page)
    found += violations(page, "Playground after Play and Pause")
    click(page, "Step")
    found += violations(page, "Playground after Step")
    rings = ring_problems(page, [".bp-bar-button", ".bp-history-slider", ".bp-play",
                                 ".bp-focusable"])
    switch_presenter(page)
    found += walk(page, "presenter")
    start_lesson(page)
    found += violations(page, "a lesson's stop (presenter)")
    rings += ring_problems(page, [f"{PLAYER} .bp-bar-button"])
    assert found == [], "\n".join(found)
    assert rings == [], "no visible focus ring:\n" + "\n".join(rings)
    assert page.locator("[data-testid='stException']").count() == 0


# Sideways overflow: of the document and of Streamlit's scrolling main area.
WIDE_JS = """() => [document.scrollingElement, document.querySelector("[data-testid='stMain']")]
    .filter((e) => e.scrollWidth > e.clientWidth)
    .map((e) => `${e.tagName} ${e.dataset.testid || ''}: ${e.scrollWidth} > ${e.clientWidth}`)"""
# The page's first drawn element, from the top of the page: below the header (opaque while
# the sidebar is collapsed), or the header hides it.
UNDER_HEADER_JS = """() => {
  const main = document.querySelector("[data-testid='stMain']");
  main.scrollTop = 0;
  const first = [...document.querySelectorAll(
      "[data-testid='stMainBlockContainer'] [data-testid='stElementContainer']")]
    .find((e) => e.getBoundingClientRect().height > 0);
  const header = document.querySelector("[data-testid='stHeader']").getBoundingClientRect();
  return first.getBoundingClientRect().top - header.bottom;
}"""


def tablet_go_to(page, title: str) -> None:
    """The sidebar's menu, as on a tablet: open the collapsed sidebar, choose the page, then
    collapse the sidebar again (at 768 px it stays open, pushing the page aside)."""
    page.locator("[data-testid='stExpandSidebarButton']").click()
    page.locator("[data-testid='stSidebarNavLink']", has_text=title).first.click()
    wait_for_idle(page)
    wait_for_render(page)
    page.locator("[data-testid='stSidebarCollapseButton'] button").click(force=True)
    page.locator("[data-testid='stExpandSidebarButton']").wait_for()
    page.wait_for_timeout(300)  # the main area widens; the live view refits its charts


def screenshots(page, path) -> None:
    """The page screenful by screenful (Streamlit scrolls its main area, not the document,
    so a full-page screenshot holds the first screen only); at most three."""
    height, screen = page.evaluate("""() => { const m = document.querySelector(
        "[data-testid='stMain']"); return [m.scrollHeight, m.clientHeight]; }""")
    for k in range(min(3, -(-height // screen))):
        page.evaluate("y => { document.querySelector(\"[data-testid='stMain']\").scrollTop = y; }",
                      k * screen)
        page.wait_for_timeout(100)
        page.screenshot(path=f"{path}-{k}.png")


def test_a_tablet_scrolls_nothing_sideways(browser, app_server, artifacts_dir):
    context = browser.new_context(viewport=TABLET, has_touch=True)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        open_app(page, app_server, charts=3)
        found = []
        for title in PAGES:
            if title != "Playground":
                tablet_go_to(page, title)
            wide = page.evaluate(WIDE_JS)
            found += [f"{title}: scrolls sideways: {w}" for w in wide]
            gap = page.evaluate(UNDER_HEADER_JS)
            if gap < 0:
                found.append(f"{title}: its top is {-gap:.0f} px under Streamlit's header")
            found += violations(page, f"{title} (768x1024)")
            screenshots(page, artifacts_dir / f"tablet-{title.lower().replace(' ', '-')}")
        assert found == [], "\n".join(found)
        assert errors == [], errors
    finally:
        context.close()
