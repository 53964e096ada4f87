"""Global pytest configuration: Hypothesis profiles, and the one headless Chromium that
every browser test of a run shares (tests/browser/, tests/deploy/: Playwright's sync API
allows one instance per thread, so two folders each starting their own would clash).

CI (the environment variable CI is set) runs a fixed sequence of examples, so a run is
reproducible and only a change of code can turn it red; developers' runs explore new examples
each time (and keep failures in .hypothesis/). ``HYPOTHESIS_PROFILE=deep`` explores much more.
"""

import os

import pytest
from hypothesis import settings

settings.register_profile("dev", deadline=None, print_blob=True)
settings.register_profile("ci", deadline=None, print_blob=True, derandomize=True)
settings.register_profile("deep", deadline=None, print_blob=True, max_examples=3000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI")
                                     else "dev"))


@pytest.fixture
def at():
    """The app under Streamlit's AppTest, after its first run."""
    from tests.app_helpers import started_app

    return started_app()


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium driven by Playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"{CHROMIUM} is missing. Install Debian's Chromium with "
            "`apt-get install -y chromium` (scripts/test.sh does this). "
            "Do not use `playwright install`."
        )
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(autouse=True, scope="session")
def _no_frames_made_ahead():
    """AppTest's runs end where they end: no thread goes on making Play's frames after
    them (ui.play_ahead). Browser tests run the app in its own server, where it is on."""
    from ui import play_ahead

    play_ahead.ENABLED = False
    yield
