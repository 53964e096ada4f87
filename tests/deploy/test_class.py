"""A live class in three browsers behind HAProxy: the teacher on one replica, two students
on the other and on the teacher's, the class's state in Redis. Follow, explore, back to
the teacher; a question answered by both and revealed; Redis stopped mid-class (the class
pauses, nobody loses anything) and started again (it resumes)."""

from __future__ import annotations

import re

import pytest

from deploy.local_cluster import LocalCluster, find_haproxy
from tests.browser.helpers import format_errors, go_to_page, open_app, wait_for_idle

pytestmark = pytest.mark.browser

VIEWPORT = {"width": 1400, "height": 1000}
WAIT_MS = 30000
STEP = ".bp-metric-value[data-label='Step']"
BAR = ".st-key-class_bar"


@pytest.fixture(scope="module")
def class_cluster(tmp_path_factory):
    try:
        find_haproxy()
    except RuntimeError as exc:
        pytest.fail(f"{exc} (scripts/test.sh installs it)")
    with LocalCluster(replicas=2, redis=True, log_dir=tmp_path_factory.mktemp("class"),
                      start_timeout=60) as c:
        yield c


def user(browser, cluster: LocalCluster, replica: str):
    """A browser pinned to ``replica`` (HAProxy's sticky cookie set before the first
    request), with the errors it saw."""
    context = browser.new_context(viewport=VIEWPORT)
    context.add_cookies([{"name": cluster.cookie_name, "value": replica, "url": cluster.url}])
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(f"pageerror: {exc}"))
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    return page


def step_of(page) -> int:
    return int(page.locator(STEP).inner_text().replace(",", ""))


def wait_step(page, n: int) -> None:
    page.wait_for_function(f"n => document.querySelector(\"{STEP}\")?.textContent"
                           ".replace(/,/g, '') === String(n)", arg=n, timeout=WAIT_MS)


def click(page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).first.click()
    wait_for_idle(page, timeout=WAIT_MS)


def join(page, url: str, code: str) -> None:
    open_app(page, f"{url}/?class={code}", timeout=90000, charts=3)
    page.get_by_label("Your name (optional)").fill("Student")
    page.get_by_label("Your name (optional)").press("Enter")
    wait_for_idle(page)
    click(page, "Join")
    page.locator(BAR, has_text="following the teacher").wait_for(timeout=WAIT_MS)


def test_a_class_across_replicas_with_redis(class_cluster, browser):
    c = class_cluster
    teacher, ada, bob = (user(browser, c, r) for r in ("r1", "r2", "r1"))
    open_app(teacher, c.url, timeout=90000, charts=3)
    teacher.get_by_text("Live class", exact=True).click()
    wait_for_idle(teacher)
    click(teacher, "Start a class")
    bar = teacher.locator(BAR)
    bar.wait_for(timeout=WAIT_MS)
    code = re.search(r"Live class ([A-Z0-9]{6})", bar.inner_text()).group(1)
    join(ada, c.url, code)
    join(bob, c.url, code)
    assert {p.context.cookies(c.url)[0]["value"] for p in (ada, bob)} == {"r1", "r2"}

    # Follow: the teacher's Steps reach both, on either replica.
    for _ in range(3):
        click(teacher, "Step")
    wait_step(teacher, 3)
    wait_step(ada, 3)
    wait_step(bob, 3)

    # Explore: Ada steps on her own; the teacher's run and Bob's do not move with her.
    click(ada, "Explore on my own")
    for k in range(2):
        click(ada, "Step")
        wait_step(ada, 4 + k)
    click(teacher, "Step")
    wait_step(bob, 4)
    assert step_of(teacher) == 4 and step_of(ada) == 5
    click(ada, "Back to the teacher")
    wait_step(ada, 4)

    # The teacher plays: both pages move on with it while it plays (the teacher hands its
    # state over), then stop on the very step the teacher paused on, and follow a Step.
    click(teacher, "Play")
    seen = {ada: [], bob: []}
    for _ in range(12):
        teacher.wait_for_timeout(400)
        for page, steps in seen.items():
            steps.append(step_of(page))
    click(teacher, "Pause")
    paused = step_of(teacher)
    for page, steps in seen.items():
        moves = sorted(set(steps))
        assert len(moves) >= 4 and moves[-1] > 100, steps  # moving while it plays
        wait_step(page, paused)
    click(teacher, "Step")
    wait_step(ada, paused + 1)
    wait_step(bob, paused + 1)
    click(teacher, "Reset")
    wait_step(ada, 0)
    wait_step(bob, 0)

    # A question asked of the class: the lesson's stop 2 asks which way a weight moves.
    go_to_page(teacher, "Lessons")
    teacher.locator(".st-key-b_start_why_depth button").click()
    wait_for_idle(teacher, timeout=WAIT_MS)
    teacher.locator(".st-key-lesson_player").get_by_role("button", name="Next").click()
    wait_for_idle(teacher, timeout=WAIT_MS)
    wait_step(ada, 300)
    wait_step(bob, 300)
    click(teacher, "Ask the class")
    for page, choice in ((ada, "up"), (bob, "down")):
        page.locator(BAR, has_text="The teacher asks").wait_for(timeout=WAIT_MS)
        page.locator(f"{BAR} [data-testid='stRadio'] [role='radiogroup'] label",
                     has_text=choice).click()
        wait_for_idle(page)
        click(page, "Send my answer")
        page.locator(BAR, has_text="Sent:").wait_for(timeout=WAIT_MS)
    teacher.wait_for_function(  # the answers as they arrive: one each way
        f"() => {{ const t = document.querySelector('{BAR}').innerText;"
        " return t.includes('up: 1') && t.includes('down: 1'); }", timeout=WAIT_MS)
    click(teacher, "Reveal the engine's answer")
    wait_step(teacher, 301)
    for page in (ada, bob):
        page.locator(f"{BAR} [data-testid='stAlert']", has_text="The engine").wait_for(
            timeout=WAIT_MS)
        wait_step(page, 301)
    verdicts = [p.locator(f"{BAR} [data-testid='stAlert']").inner_text() for p in (ada, bob)]
    assert sorted(v.split(".")[0] for v in verdicts) == ["Not this time", "Right"]

    # Redis goes away: everyone keeps what they have, the class says it is paused.
    c.redis.stop()
    click(teacher, "Step")
    wait_step(teacher, 302)
    teacher.locator(BAR, has_text="Class paused").wait_for(timeout=WAIT_MS)
    ada.locator(BAR, has_text="Class paused").wait_for(timeout=WAIT_MS)
    assert step_of(ada) == 301 and step_of(bob) == 301
    c.redis.start()  # back (empty): the teacher's session brings the class back
    click(teacher, "Step")
    wait_step(ada, 303)
    wait_step(bob, 303)
    assert "Class paused" not in teacher.locator(BAR).inner_text()
    for page in (teacher, ada, bob):
        assert page.locator("[data-testid='stException']").count() == 0
        real = [e for e in page.errors if "favicon" not in e]
        assert not real, format_errors(real)
