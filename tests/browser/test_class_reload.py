"""Reloads in a live class: the teacher's reload keeps the class (the browser hands the
class back, the store checks its secret), a forged secret does not make a teacher, and a
student's reload has the class's code ready to join again."""

from __future__ import annotations

import json
import re

import pytest

from .helpers import format_errors, open_app, wait_for_idle

pytestmark = pytest.mark.browser

BAR = ".st-key-class_bar"
WAIT_MS = 30000


def start_class(page, url: str) -> str:
    open_app(page, url, timeout=90000, charts=3)
    page.get_by_text("Live class", exact=True).click()
    wait_for_idle(page)
    page.get_by_role("button", name="Start a class").click()
    wait_for_idle(page)
    page.locator(BAR).wait_for(timeout=WAIT_MS)
    return re.search(r"Live class ([A-Z0-9]{6})", page.locator(BAR).inner_text()).group(1)


def test_a_teachers_reload_keeps_the_class(page, app_server):
    code = start_class(page, app_server)
    page.get_by_role("button", name="Step", exact=True).click()
    wait_for_idle(page)
    page.reload()  # a new session: the browser hands the class back
    page.locator(BAR, has_text=f"Live class {code}").wait_for(timeout=WAIT_MS)
    assert "step=1" in page.url  # and the run, from the address
    page.get_by_text("Live class", exact=True).click()
    wait_for_idle(page)
    page.get_by_role("button", name="End the class").click()
    wait_for_idle(page)
    assert page.locator(BAR).count() == 0
    page.reload()
    open_app(page, page.url, timeout=90000, charts=3)
    assert page.locator(BAR).count() == 0  # ended: forgotten by the browser too
    forged = json.dumps({"code": code, "secret": "guessed"})
    page.evaluate(f"localStorage.setItem('bp-class-teacher', {forged!r})")
    page.reload()
    open_app(page, page.url, timeout=90000, charts=3)
    page.wait_for_timeout(1000)
    assert page.locator(BAR).count() == 0  # a secret the store does not know: no teacher
    assert not page.console_errors, format_errors(page.console_errors)


def test_a_students_reload_has_the_code_ready(browser, app_server, page):
    code = start_class(page, app_server)
    student = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    open_app(student, f"{app_server}/?class={code}", timeout=90000, charts=3)
    student.get_by_role("button", name="Join", exact=True).click()
    student.locator(BAR, has_text="following the teacher").wait_for(timeout=WAIT_MS)
    assert f"class={code}" in student.url
    student.reload()
    open_app(student, student.url, timeout=90000, charts=3)
    assert student.get_by_label("Class code").input_value() == code
    student.get_by_role("button", name="Join", exact=True).click()
    student.locator(BAR, has_text="following the teacher").wait_for(timeout=WAIT_MS)
