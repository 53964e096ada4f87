"""Fixtures for the deployment tests: HAProxy + two replicas on loopback, headless Chromium.

Chromium is Debian's (``apt-get install -y chromium``), never one ``playwright install``
downloads; HAProxy is Debian's (``apt-get install -y haproxy``). scripts/test.sh installs both.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from deploy.local_cluster import LocalCluster, find_haproxy

ARTIFACTS_DIR = Path(__file__).resolve().parent / "artifacts"


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

