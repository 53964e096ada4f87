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
