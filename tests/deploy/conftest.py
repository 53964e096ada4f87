"""Fixtures for the deployment tests: HAProxy + two replicas on loopback, headless Chromium.

Chromium is Debian's (``apt-get install -y chromium``), never one ``playwright install``
downloads; HAProxy is Debian's (``apt-get install -y haproxy``). scripts/test.sh installs both.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from deploy.local_cluster import LocalCluster, find_haproxy

ARTIFACTS_DIR = Path(__file__).resolve().parent / "artifacts"
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
def artifacts_dir() -> Path:
    """Screenshots (git-ignored)."""
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS_DIR


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalCluster]:
    """HAProxy in front of two replicas (deploy/serve.sh each), all on free loopback ports;
    every process is ended afterwards, also when a test fails."""
    try:
        find_haproxy()
    except RuntimeError as exc:
        pytest.fail(f"{exc} (scripts/test.sh installs it)")
    with LocalCluster(replicas=2, log_dir=tmp_path_factory.mktemp("cluster"),
                      start_timeout=60) as c:
        yield c


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (never "
                    "`playwright install`)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
