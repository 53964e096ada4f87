"""Two browsers behind HAProxy with two replicas: sticky, websockets stay put, and when one
replica dies its user is moved to the other and told so, while the other user carries on.
"""

from __future__ import annotations

import time
import urllib.request

import pytest
from playwright.sync_api import BrowserContext, Page

from deploy.local_cluster import LocalCluster
from tests.browser.helpers import format_errors, metric_value, open_app, wait_for_idle

pytestmark = pytest.mark.browser

VIEWPORT = {"width": 1280, "height": 900}
NOTICE = "Reconnected to another server"
STREAMLIT_DIALOG = "Connection error"  # Streamlit's own modal when it cannot reconnect
WAIT_MS = 30000


class User:
    """One browser context (its own cookies) on the balancer, with what it saw."""

    def __init__(self, context: BrowserContext, cluster: LocalCluster) -> None:
        self.context, self.cluster = context, cluster
        self.page: Page = context.new_page()
        self.errors: list[str] = []
        self.sockets: list = []
        self.page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        self.page.on("websocket", self._on_websocket)

    def _on_websocket(self, ws) -> None:
        if "/_stcore/stream" in ws.url:
            self.sockets.append(ws)

    def cookie(self) -> str | None:
        """The replica HAProxy's sticky cookie names for this browser."""
        values = [c["value"] for c in self.context.cookies(self.cluster.url)
                  if c["name"] == self.cluster.cookie_name]
        return values[0] if values else None

    def open_sockets(self) -> int:
        return sum(not ws.is_closed() for ws in self.sockets)

    def step(self) -> int:
        return int(metric_value(self.page, "Step").replace(",", ""))

    def click_step(self, expect: int) -> None:
        self.page.get_by_role("button", name="Step", exact=True).click()
        self.page.wait_for_function(
            "n => document.querySelector(\".bp-metric-value[data-label='Step']\")"
            "?.textContent.replace(/,/g, '') === String(n)", arg=expect, timeout=WAIT_MS)
        wait_for_idle(self.page, timeout=WAIT_MS)

    def upload_csv(self, path) -> int:
        """Load a CSV through the sidebar; the upload's HTTP status."""
        self.page.get_by_text("Your own data (CSV)").click()
        uploader = self.page.locator("[data-testid='stFileUploader']", has_text="CSV file")
        with self.page.expect_response(lambda r: "/_stcore/upload_file/" in r.url,
                                       timeout=WAIT_MS) as response:
            uploader.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(
                str(path))
        wait_for_idle(self.page, timeout=WAIT_MS)
        return response.value.status

    def exceptions(self) -> int:
        return self.page.locator("[data-testid='stException']").count()


def _counts_are(cluster: LocalCluster, expected: dict[str, int]) -> bool:
    return cluster.server_session_counts() == expected


def test_sticky_websockets_and_failover(cluster: LocalCluster, browser, artifacts_dir,
                                        tmp_path):
    csv = tmp_path / "tiny.csv"
    csv.write_text("x1,x2,label\n0.1,0.2,a\n0.3,0.1,b\n0.5,0.9,a\n0.7,0.4,b\n")
    users: list[User] = []
    try:
        # One user after the other: `leastconn` sends the second to the replica without a
        # websocket open, and the sticky cookie keeps each where it landed.
        for _ in range(2):
            user = User(browser.new_context(viewport=VIEWPORT), cluster)
            users.append(user)
            open_app(user.page, cluster.url, timeout=60000, charts=3)
        a, b = users
        names = [a.cookie(), b.cookie()]
        assert sorted(names) == sorted(cluster.replica_names), (
            f"the two browsers should be on different replicas, cookies {names}")
        one_each = {name: 1 for name in cluster.replica_names}
        cluster.wait_until(lambda: _counts_are(cluster, one_each), 10,
                           lambda: f"one connection per replica: {cluster.server_session_counts()}")
        assert a.open_sockets() == b.open_sockets() == 1

        # Clicks travel over each page's websocket, which stays on its replica.
        for n in (1, 2, 3):
            for user, name in zip(users, names, strict=True):
                user.click_step(expect=n)
                assert user.cookie() == name
                # (waited for briefly: a click may fetch something over HTTP too)
                cluster.wait_until(lambda: _counts_are(cluster, one_each), 5,
                                   "the same one connection per replica")
        assert len(a.sockets) == len(b.sockets) == 1, "a websocket was reopened"

        # User A's replica crashes.
        dead, survivor = names
        cluster.kill(dead)
        killed_at = time.monotonic()

        # A request that still names the dead replica is redispatched and re-stuck.
        request = urllib.request.Request(cluster.url + "/",
                                         headers={"Cookie": f"{cluster.cookie_name}={dead}"})
        with urllib.request.urlopen(request, timeout=10) as resp:
            assert resp.status == 200
            assert f"{cluster.cookie_name}={survivor}" in (resp.headers["Set-Cookie"] or "")

        # User B's session goes on unharmed, on the same replica, same websocket.
        b.click_step(expect=4)
        assert b.cookie() == survivor
        assert len(b.sockets) == 1 and b.open_sockets() == 1
        assert b.exceptions() == 0 and not b.errors, format_errors(b.errors)
        assert NOTICE not in b.page.inner_text("body")
        # An upload (HTTP, XSRF-checked) reaches the replica that holds B's session.
        assert b.upload_csv(csv) == 204
        assert b.cookie() == survivor and "Not loaded" not in b.page.inner_text("body")

        # User A: Streamlit reconnects by itself; HAProxy redispatches the websocket to the
        # live replica and re-sticks the browser there; the app says what happened.
        notice = a.page.get_by_text(NOTICE)
        dialog = a.page.get_by_text(STREAMLIT_DIALOG)
        a.page.wait_for_function(
            "([n, d]) => document.body.innerText.includes(n)"
            " || document.body.innerText.includes(d)",
            arg=[NOTICE, STREAMLIT_DIALOG], timeout=WAIT_MS)
        a.page.screenshot(path=str(artifacts_dir / "after_kill_moved_user.png"), full_page=True)
        b.page.screenshot(path=str(artifacts_dir / "after_kill_other_user.png"), full_page=True)
        seen = "notice" if notice.count() else "streamlit-dialog" if dialog.count() else "?"
        print(f"after the kill, the moved user saw: {seen} "
              f"({time.monotonic() - killed_at:.1f} s after it)")
        assert notice.count() == 1, (
            f"expected the in-app notice {NOTICE!r}; saw {seen}:\n"
            + a.page.inner_text("body")[:2000])

        # ...and is on the live replica now, with its run back: the address bar holds the
        # run (its step and log), and the new session replays it from there.
        cluster.wait_until(lambda: a.cookie() == survivor, 10,
                           lambda: f"the cookie to name {survivor}: it is {a.cookie()}")
        assert a.open_sockets() == 1 and len(a.sockets) >= 2
        a.page.wait_for_function(
            "() => document.querySelector(\".bp-metric-value[data-label='Step']\")"
            "?.textContent === '3' && document.querySelector('.bp-play')?.textContent"
            " === 'Play'", timeout=WAIT_MS)
        wait_for_idle(a.page, timeout=WAIT_MS)
        a.click_step(expect=4)
        assert a.exceptions() == 0
        assert dialog.count() == 0 and b.page.get_by_text(STREAMLIT_DIALOG).count() == 0
        cluster.wait_until(lambda: _counts_are(cluster, {dead: 0, survivor: 2}), 10,
                           lambda: f"both on {survivor}: {cluster.server_session_counts()}")
        cluster.wait_until(lambda: cluster.server_status()[dead] == "DOWN", 10,
                           lambda: f"{dead} marked DOWN: {cluster.server_status()}")
    finally:
        for user in users:
            user.context.close()
