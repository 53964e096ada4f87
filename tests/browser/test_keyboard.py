"""End to end in headless Chromium: a whole run by keyboard alone on the Playground (the
stepping bar's shortcuts, ui/stepping_bar.js; the diagram's cursor, ui/live/cursor.js), the
help dialog and its off-switch, and the live view's text alternatives (ui/live/summary.js)."""

from __future__ import annotations

import re

import pytest

from .helpers import format_errors, open_app, wait_for_idle, wait_for_render
from .test_playground import step_value

pytestmark = pytest.mark.browser

PLAY = ".bp-play"
NEXT_PHASE = "() => document.querySelector('.bp-bar-button.bp-primary')?.dataset.kind"
LABELS = ("() => ['network', 'boundary', 'loss'].map((n) => "
          "document.querySelector('.bp-plot.bp-' + n).getAttribute('aria-label'))")

# When each frame was shown (the live view counts them in data-frames).
WATCH_FRAMES = """() => {
  window.__shownAt = [];
  new MutationObserver(() => window.__shownAt.push(performance.now())).observe(
    document.querySelector('.bp-live'), {attributes: true, attributeFilter: ['data-frames']});
}"""


def settle(page) -> None:
    wait_for_idle(page)
    wait_for_render(page)


def press(page, key: str, times: int = 1) -> None:
    """``key`` pressed ``times`` times with the page's focus where it is, 60 ms apart."""
    for _ in range(times):
        page.keyboard.press(key)
        page.wait_for_timeout(60)


def wait_step(page, n: int) -> None:
    page.wait_for_function(
        "n => document.querySelector(\".bp-metric-value[data-label='Step']\")"
        "?.textContent.replace(/,/g, '') === String(n)", arg=n, timeout=20000)
    settle(page)


def tab_to(page, key: str, test: str, most: int = 150) -> None:
    """Press ``key`` (Tab or Shift+Tab) until the focused element passes ``test`` (JS)."""
    for _ in range(most):
        page.keyboard.press(key)
        if page.evaluate(f"() => document.activeElement && ({test})(document.activeElement)"):
            return
    raise AssertionError(f"{key} never reached {test}")


def test_a_run_by_keyboard_alone(page, app_server, artifacts_dir):
    open_app(page, app_server, charts=3)
    page.evaluate("() => document.activeElement?.blur()")  # on the page, on no control
    assert step_value(page) == 0

    # Play and Pause with Space: the steps go up, then stop. The browser asks for reduced
    # motion: a few pictures a second (ui/live/motion.js), and the progress line says so.
    page.emulate_media(reduced_motion="reduce")
    page.evaluate(WATCH_FRAMES)
    press(page, " ")
    page.locator(PLAY, has_text="Pause").wait_for(timeout=10000)
    page.wait_for_function("() => Number(document.querySelector(\".bp-metric-value"
                           "[data-label='Step']\").textContent.replace(/,/g, '')) > 2",
                           timeout=20000)
    page.wait_for_timeout(1500)
    assert "Motion reduced" in page.locator(".bp-progress").inner_text()
    page.screenshot(path=str(artifacts_dir / "keyboard_reduced_motion.png"))
    shown = page.evaluate("() => window.__shownAt")
    gaps = [b - a for a, b in zip(shown[1:], shown[2:], strict=False)]  # from the 2nd on
    assert len(gaps) >= 2 and sum(gaps) / len(gaps) > 300, gaps  # normal: ~30 ms
    press(page, " ")
    page.locator(PLAY, has_text="Play").wait_for(timeout=15000)
    settle(page)
    paused = step_value(page)
    assert paused > 2 and not page.locator(".bp-progress").is_visible()
    page.emulate_media(reduced_motion="no-preference")

    # Step with →, once, then three times quickly: every press counts.
    labels = page.evaluate(LABELS)
    press(page, "ArrowRight")
    wait_step(page, paused + 1)
    after = page.evaluate(LABELS)
    assert all(a != b for a, b in zip(labels, after, strict=True)), (labels, after)
    press(page, "ArrowRight", 3)
    wait_step(page, paused + 4)

    # The phases: F, B, U, each only when it is next.
    assert page.evaluate(NEXT_PHASE) == "forward"
    press(page, "b")  # not next: nothing
    press(page, "f")
    page.wait_for_function(f"() => ({NEXT_PHASE})() === 'backward'", timeout=10000)
    press(page, "b")
    page.wait_for_function(f"() => ({NEXT_PHASE})() === 'update'", timeout=10000)
    press(page, "u")
    wait_step(page, paused + 5)

    # Undo (Z) and Redo (Shift+Z).
    press(page, "z")
    wait_step(page, paused + 4)
    press(page, "Shift+Z")
    wait_step(page, paused + 5)

    labels = page.evaluate(LABELS)
    assert re.fullmatch(r"Network 2-4-4-1, step \d+, largest weight w\S+ of layer \d = \S+",
                        labels[0]), labels[0]
    assert re.fullmatch(r"Decision boundary: step \d+, train accuracy [\d.]+ %", labels[1])
    assert re.fullmatch(r"Loss curve: step \d+, train loss \S+, test loss \S+", labels[2])
    assert page.locator(".bp-plot.bp-boundary[role='figure'], .bp-plot.bp-loss[role='figure'],"
                        " .bp-plot.bp-network[role='application']").count() == 3
    step = step_value(page)
    page.locator(".bp-bar").first.screenshot(path=str(artifacts_dir / "keyboard_bar.png"))

    # Tab to the diagram; arrows to a weight, whose numbers are said as its hover shows them.
    diagram = page.locator(".bp-plot.bp-network")
    tab_to(page, "Tab", "el => el.matches('.bp-plot.bp-network')")
    press(page, "ArrowRight")  # the first input
    press(page, "ArrowRight")  # layer 1, neuron 0
    press(page, "Shift+ArrowDown")  # its first incoming weight
    press(page, "ArrowDown")  # the next one: from input 1
    said = page.locator(".bp-cell-network [aria-live='polite']")
    tip = page.locator(".bp-cell-network .bp-tip")
    assert said.inner_text().startswith("w₁,₀ of layer 1: w = "), said.inner_text()
    assert said.inner_text() == tip.inner_text().replace("\n", ". ")
    assert step_value(page) == step  # the arrows moved the cursor, not the run
    diagram.screenshot(path=str(artifacts_dir / "keyboard_diagram.png"))
    press(page, "Enter")
    page.locator(".bp-caption", has_text="w₁,₀ of layer 1").wait_for(timeout=15000)
    settle(page)
    assert diagram.evaluate("el => el === document.activeElement")  # kept through the rerun

    # Edit it in the popover by keyboard; shortcuts do not fire while typing in its box.
    tab_to(page, "Shift+Tab", "el => el.textContent.includes('Edit a weight')")
    press(page, "Enter")
    tab_to(page, "Tab", "el => el.getAttribute('aria-label') === 'Type a value'")
    press(page, "ArrowRight")
    press(page, "f")
    press(page, " ")
    page.wait_for_timeout(800)
    assert step_value(page) == step and page.evaluate(NEXT_PHASE) == "forward"
    press(page, "Control+a")
    page.keyboard.type("1.5")
    press(page, "Enter")
    settle(page)
    press(page, "Escape")  # the popover closes
    settle(page)
    tab_to(page, "Tab", "el => el.matches('.bp-plot.bp-network')")
    tip.wait_for(timeout=5000)
    assert tip.inner_text().startswith("w₁,₀ of layer 1: w = 1.5\n"), tip.inner_text()

    # "?" opens the help; its switch turns the shortcuts off; Esc goes back to the diagram.
    press(page, "?")
    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    dialog.wait_for(timeout=5000)
    assert dialog.get_attribute("aria-modal") == "true"
    assert "Shift+Z" in dialog.inner_text() and "Network diagram keys" in dialog.inner_text()
    page.screenshot(path=str(artifacts_dir / "keyboard_help.png"))
    tab_to(page, "Tab", "el => el.type === 'checkbox'")
    press(page, " ")
    press(page, "Escape")
    assert dialog.count() == 0 or not dialog.is_visible()
    assert diagram.evaluate("el => el === document.activeElement")
    press(page, "ArrowLeft")  # off the weight, onto its neuron: the diagram's own keys stay
    press(page, " ")
    press(page, "z")
    page.wait_for_timeout(800)
    assert step_value(page) == step and page.locator(PLAY).inner_text() == "Play"
    assert page.locator(".bp-bar-button.bp-bar-step").get_attribute("title").endswith(
        "(key: → Right arrow)")
    page.screenshot(path=str(artifacts_dir / "keyboard_run.png"))
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.console_errors == [], format_errors(page.console_errors)
