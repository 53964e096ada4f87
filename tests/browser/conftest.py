"""Fixtures for end-to-end tests: a Streamlit server and headless Debian Chromium.

Browser tests use Debian's chromium (``apt-get install -y chromium``), never a browser
downloaded by ``playwright install``.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page

REPO_ROOT = Path(__file__).resolve().parents[2]
APP_SCRIPT = REPO_ROOT / "app.py"
ARTIFACTS_DIR = Path(__file__).resolve().parent / "artifacts"


SERVER_START_TIMEOUT_S = 60.0
VIEWPORT = {"width": 1600, "height": 1000}


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _read_log(path: Path) -> str:
    try:
        return path.read_text(errors="replace")
    except OSError as exc:  # pragma: no cover - diagnostics only
        return f"<could not read {path}: {exc}>"


def _health_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as resp:
            return resp.status == 200 and resp.read().decode().strip() == "ok"
    except (urllib.error.URLError, OSError):
        return False


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    """Directory for screenshots (git-ignored)."""
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS_DIR


@contextmanager
def serve_app(log_dir: Path) -> Iterator[str]:
    """``streamlit run app.py`` from the repo root on a free port; yields its base URL."""
    # BACKPROP_TEST_APP is only for developing these fixtures against another script.
    script = Path(os.environ.get("BACKPROP_TEST_APP", APP_SCRIPT))
    if not script.is_file():
        pytest.fail(f"Streamlit app script not found: {script}")
    port = _free_port()
    log_path = log_dir / "server.log"
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(script),
        "--server.headless=true",
        f"--server.port={port}",
        "--server.address=127.0.0.1",
        "--browser.gatherUsageStats=false",
        "--server.fileWatcherType=none",
    ]  # fmt: skip
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            cmd, cwd=REPO_ROOT, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
    base_url = f"http://127.0.0.1:{port}"
    health_url = f"{base_url}/_stcore/health"
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while not _health_ok(health_url):
            if proc.poll() is not None:
                pytest.fail(
                    f"Streamlit exited early (code {proc.returncode}).\n"
                    f"Command: {' '.join(cmd)}\nLog ({log_path}):\n{_read_log(log_path)}"
                )
            if time.monotonic() > deadline:
                pytest.fail(
                    f"Streamlit not healthy at {health_url} after {SERVER_START_TIMEOUT_S:.0f} s."
                    f"\nCommand: {' '.join(cmd)}\nLog ({log_path}):\n{_read_log(log_path)}"
                )
            time.sleep(0.2)
        yield base_url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@pytest.fixture(scope="session")
def app_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One server for the whole run."""
    with serve_app(tmp_path_factory.mktemp("streamlit")) as url:
        yield url


@pytest.fixture
def fresh_server(tmp_path: Path) -> Iterator[str]:
    """A server of its own that nobody has opened yet (for what happens on a first visit)."""
    with serve_app(tmp_path) as url:
        yield url



@pytest.fixture
def page(browser: Browser, app_server: str) -> Iterator[Page]:
    """A fresh 1600x1000 page in its own context.

    Attached lists: ``page.console_errors`` (console errors and uncaught page errors) and
    ``page.external_requests`` (requests to any host other than the local server).
    """
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    console_errors: list[str] = []
    external_requests: list[str] = []
    local_netloc = urlsplit(app_server).netloc

    def on_console(msg) -> None:
        if msg.type == "error":
            loc = msg.location or {}
            where = f" ({loc.get('url', '')}:{loc.get('lineNumber', '')})" if loc else ""
            console_errors.append(f"console.error: {msg.text}{where}")

    def on_pageerror(exc) -> None:
        console_errors.append(f"pageerror: {exc}")

    def on_request(req) -> None:
        parts = urlsplit(req.url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.netloc != local_netloc:
            external_requests.append(req.url)

    page.on("console", on_console)
    page.on("pageerror", on_pageerror)
    page.on("request", on_request)
    page.console_errors = console_errors
    page.external_requests = external_requests
    try:
        yield page
    finally:
        context.close()
