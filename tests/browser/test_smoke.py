"""Smoke test: the app loads in headless Chromium without errors."""

from __future__ import annotations

import pytest

from .helpers import format_errors, open_app, wait_for_idle, wait_for_render

pytestmark = pytest.mark.browser


def test_app_loads_without_errors(page, app_server, artifacts_dir):
    open_app(page, app_server, charts=3)
    wait_for_idle(page)
    wait_for_render(page)
    page.screenshot(path=str(artifacts_dir / "smoke.png"), full_page=True)

    exceptions = page.locator("[data-testid='stException']")
    assert exceptions.count() == 0, "App shows an exception:\n" + "\n".join(
        exceptions.all_inner_texts()
    )
    assert page.console_errors == [], "Browser console errors:\n" + format_errors(
        page.console_errors
    )
    assert page.external_requests == [], "App fetched from the internet:\n" + format_errors(
        page.external_requests
    )


@pytest.mark.parametrize("path, title", [("gradients", "Gradients"),
                                         ("hidden_space", "Hidden space"),
                                         ("loss_surface", "Loss surface")])
def test_a_page_address_opened_first_on_a_fresh_server(browser, fresh_server, path, title):
    """A student refreshing /gradients right after the server (re)started: the page, not
    a KeyError (Streamlit ran files of a folder named pages/ without app.py)."""
    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    page = context.new_page()
    page.goto(f"{fresh_server}/{path}", wait_until="domcontentloaded")
    page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for(
        state="attached", timeout=60000)
    page.wait_for_timeout(1500)
    page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for(
        state="attached", timeout=60000)
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.locator("[data-testid='stSidebarNavLink']", has_text=title).count() == 1
    assert page.get_by_text("Playground").count() >= 1  # the app's navigation, all pages
    context.close()
