"""Helpers for driving the Streamlit app in headless Chromium (see /work/shared/TESTING.md)."""

from __future__ import annotations

import re

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
# every custom component has drawn its content (a component's code loads after its host
# element appears; the invisible preloader draws nothing), every Plotly chart (a page's
# chart, ui/plot.js's ``.bp-figure``, or the live-charts component's) has drawn its SVG
# and the web fonts are loaded.
_RENDERED_JS = """() =>
    !document.querySelector("[data-testid='stSkeleton']")
    && [...document.querySelectorAll("[data-testid^='stBidiComponent']")]
        .every((el) => el.closest(".st-key-bp_preload") || el.querySelector("[class*='bp-']"))
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


# True once ``el``'s box has stayed put for ``ms`` with no expander animating its height.
# An expander animates its height for 0.5 s when it opens and whenever its content grows
# (a rerun drawing more of a panel), moving everything below it, and starts 10 ms after
# the resize: a click whose mouse-down and mouse-up straddle such a move is lost (its
# ``click`` goes to the elements' common parent), which Playwright's own check of a
# steady box over two frames does not rule out.
_STEADY_JS = """([el, ms]) => {
  const r = el.getBoundingClientRect();
  const box = [r.x, r.y, r.width, r.height].join();
  const now = performance.now();
  const moving = document.getAnimations().some((a) => a.playState === "running"
    && a.effect && a.effect.target && a.effect.target.tagName === "DETAILS");
  if (moving || el.__bpBox !== box) {
    el.__bpBox = box;
    el.__bpSince = now;
    return false;
  }
  return now - el.__bpSince >= ms;
}"""


def wait_until_steady(page: Page, locator, ms: int = 300, timeout: float = 15000) -> None:
    """Wait until the page is idle and ``locator``'s element has stopped moving."""
    wait_for_idle(page)
    handle = locator.element_handle(timeout=timeout)
    page.wait_for_function(_STEADY_JS, arg=[handle, ms], polling=50, timeout=timeout)


def click_steady(page: Page, locator) -> None:
    """Click ``locator`` once it has stopped moving (see ``_STEADY_JS``); then wait for the
    rerun the click starts."""
    wait_until_steady(page, locator)
    locator.click()
    wait_for_idle(page)


def open_panel(page: Page, label: str) -> None:
    """Open the sidebar's expander ``label`` ("Your own data (CSV)", "Share · save · export",
    "Compare runs"): its body is drawn only while it is open (ui/lazy.py), so the click
    reruns the page; wait for that rerun to draw the body and for the panel to stop
    growing."""
    summary = page.locator("[data-testid='stExpander'] summary", has_text=label)
    panel = summary.locator("xpath=..")  # its <details> ("Data" holds "Your own data")
    click_steady(page, summary)
    panel.locator("[data-testid='stExpanderDetails'] [data-testid='stElementContainer']"
                  ).first.wait_for(timeout=30000)
    wait_until_steady(page, panel)


def train_on_csv(page: Page, path) -> None:
    """Open "Your own data (CSV)", choose the file at ``path`` and click "Train on this
    data" once the panel has drawn its choices (the run's new data then draw: wait on
    what the test expects)."""
    open_panel(page, "Your own data (CSV)")
    uploader = page.locator("[data-testid='stFileUploader']", has_text="CSV file")
    uploader.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(path))
    wait_for_idle(page)
    click_steady(page, page.get_by_role("button", name="Train on this data"))


PLAYER = ".st-key-lesson_player"  # the lesson player above every page
WHERE = re.compile(r"stop (\d+) of (\d+)")


def where(page) -> tuple[int, int]:
    """The lesson player's stop, as (k, of n), 1-based."""
    m = WHERE.search(page.locator(PLAYER).inner_text())
    return int(m.group(1)), int(m.group(2))
