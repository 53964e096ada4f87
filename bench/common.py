"""What the browser benches share: Debian's Chromium, a Streamlit server on a free port."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(script: Path, port: int) -> subprocess.Popen:
    """``streamlit run script`` on 127.0.0.1:port, returned once it answers its health check."""
    cmd = [sys.executable, "-m", "streamlit", "run", str(script), "--server.headless=true",
           f"--server.port={port}", "--server.address=127.0.0.1",
           "--browser.gatherUsageStats=false", "--server.fileWatcherType=none"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(600):
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode} for {script}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1) as r:
                if r.read() == b"ok":
                    return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError(f"streamlit did not start for {script}")


def wait_idle(page, timeout: float = 30000) -> None:
    page.wait_for_timeout(150)
    page.wait_for_selector(IDLE, timeout=timeout)
