"""Helpers for driving the Streamlit app in headless Chromium (see /work/shared/TESTING.md)."""

from __future__ import annotations

from playwright.sync_api import Page

APP_SELECTOR = "[data-testid='stApp']"
IDLE_SELECTOR = "[data-testid='stApp'][data-test-script-state='notRunning']"
CONNECTED_SELECTOR = "[data-testid='stApp'][data-test-connection-state='CONNECTED']"


def wait_for_idle(page: Page, timeout: float = 30000) -> None:
    """Wait until the current rerun has finished.

    Streamlit flips ``data-test-script-state`` to ``running`` shortly after an interaction,
    so wait ~150 ms first, then for ``notRunning``. While a long-running fragment (Play)
    is active, wait on the text you expect instead.
    """
    page.wait_for_timeout(150)
    page.locator(IDLE_SELECTOR).wait_for(state="attached", timeout=timeout)


# True once lazily loaded element code has arrived (Streamlit shows `stSkeleton` until then),
# every Plotly chart (a page's chart, ui/plot.js's ``.bp-figure``, or the live-charts
# component's) has drawn its SVG
# and the web fonts are loaded.
_RENDERED_JS = """() =>
    !document.querySelector("[data-testid='stSkeleton']")
    && [...document.querySelectorAll(".bp-figure, .bp-chart")]
        .every((el) => el.querySelector(".main-svg"))
    && document.fonts.status === "loaded"
"""


def wait_for_render(page: Page, timeout: float = 30000) -> None:
    """Wait until the elements on screen have finished drawing.

    ``notRunning`` only means the script finished: element types not seen before
    (Plotly, code, ...) are still placeholders (``stSkeleton``) for ~1 s while their
    JavaScript loads, and Plotly draws asynchronously after that.
    """
    page.wait_for_function(_RENDERED_JS, timeout=timeout)


def open_app(page: Page, url: str, timeout: float = 60000, charts: int = 0) -> None:
    """Navigate to ``url`` and wait for the first full render of the app, including at
    least ``charts`` drawn Plotly charts (the "every chart drew" check alone passes while
    a custom component has not mounted its charts yet)."""
    page.goto(url, wait_until="domcontentloaded", timeout=timeout)
    page.locator(APP_SELECTOR).wait_for(state="attached", timeout=timeout)
    page.locator(CONNECTED_SELECTOR).wait_for(state="attached", timeout=timeout)
    wait_for_idle(page, timeout=timeout)
    if charts:
        page.wait_for_function(
            "n => document.querySelectorAll('.js-plotly-plot .main-svg').length >= n",
            arg=charts, timeout=timeout)
    wait_for_render(page, timeout=timeout)


def format_errors(errors: list[str]) -> str:
    """Format collected console/page errors for an assertion message."""
    return "\n".join(f"  - {e}" for e in errors) or "  (none)"


# A metric's value: the Playground's live view's, or an inspection page's panel's.
METRIC = ".bp-metric-value[data-label='{0}'], .bp-panel-metric-value[data-label='{0}']"


def metric_value(page: Page, label: str) -> str:
    """A metric's text: the Playground's live view draws its own metrics row; the other
    pages' is a panel (ui/panel.js)."""
    return page.locator(METRIC.format(label)).first.inner_text()


def open_link(page: Page, url: str, step: int, timeout: float = 90000) -> None:
    """Open a share link and wait until the run has been played up to its step (the live
    view trains a link's steps in slices, with progress) and the page is idle again."""
    open_app(page, url, timeout=timeout, charts=3)
    page.wait_for_function(
        "n => document.querySelector(\".bp-metric-value[data-label='Step']\")"
        "?.textContent.replace(/,/g, '') === String(n)"
        " && document.querySelector('.bp-play')?.textContent === 'Play'",
        arg=step, timeout=timeout)
    wait_for_idle(page, timeout=timeout)
    wait_for_render(page, timeout=timeout)


def go_to_page(page: Page, title: str) -> None:
    """Open another page with the navigation on screen: the sidebar's, or (presenting,
    sidebar collapsed) the one at the top; then wait for it to draw."""
    page.locator("[data-testid='stSidebarNavLink']:visible, [data-testid='stTopNavLink']:visible",
                 has_text=title).first.click()
    wait_for_idle(page)
    wait_for_render(page)


def type_weight(page: Page, value: str) -> None:
    """Edit the selected weight by hand in the stepping bar's "Edit a weight" popover."""
    page.get_by_role("button", name="Edit a weight").click()
    box = page.locator("[data-testid='stPopoverBody'] [data-testid='stNumberInputField']")
    box.fill(value)
    box.press("Enter")
    wait_for_idle(page)
    page.keyboard.press("Escape")  # close the popover
    wait_for_idle(page)
