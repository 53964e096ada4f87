"""End to end: what a link cannot do is said, and stays said. A link's warnings (a value no
widget offers, a change the run cannot take) used to vanish when its replay arrived; and a
change sgd does not have made the live area a column of tracebacks."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from .helpers import format_errors, open_link, wait_for_idle

pytestmark = pytest.mark.browser


def warnings_text(page) -> str:
    return " ".join(page.locator("[data-testid='stAlertContentWarning']").all_inner_texts())


def test_a_links_warnings_stay_until_dismissed_and_a_bad_change_stops_it(page, app_server,
                                                                         artifacts_dir):
    query = urlencode({"v": "1", "lr": "0.05", "step": "40",
                       "ev": "2:hp:lr=0.3;5:opt:name=sgd,lr=0.3,momentum=0.9"})
    url = f"{app_server}/?{query}"
    open_link(page, url, step=5)  # the run opens before the change it cannot take
    page.wait_for_timeout(1500)  # reruns after the replay arrived must not drop them
    text = warnings_text(page)
    assert "lr: 0.05 is not offered" in text, text
    assert "change 2 of 2" in text and "momentum" in text and "not a setting of sgd" in text
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.get_by_role("button", name="Play").count() >= 1  # the live area is whole
    page.screenshot(path=str(artifacts_dir / "link-warnings.png"), full_page=True)
    while page.get_by_role("button", name="Dismiss").count():
        page.get_by_role("button", name="Dismiss").first.click()
        wait_for_idle(page)
    assert warnings_text(page) == ""
    assert page.console_errors == [], format_errors(page.console_errors)
