#!/usr/bin/env bash
# Run the whole test suite (lint + unit + property + AppTest + browser).
# Installs what it needs itself. Extra arguments are passed to pytest.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Use `python` (venv / pyenv); fall back to `python3` where only that exists (plain Debian).
if command -v python >/dev/null 2>&1; then
    PYTHON=python
else
    PYTHON=python3
fi

PIP_ROOT_USER_ACTION=ignore "$PYTHON" -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt

# apt_need PACKAGE PATH: install Debian's PACKAGE unless PATH (its program) is there.
apt_need() {
    if command -v "$(basename "$2")" >/dev/null 2>&1 || [ -x "$2" ]; then
        return
    fi
    if [ "$(id -u)" -eq 0 ]; then
        SUDO=""
    elif command -v sudo >/dev/null 2>&1; then
        SUDO="sudo"
    else
        echo "error: $2 is missing and neither root nor sudo is available;" >&2
        echo "       install it with: apt-get install -y $1" >&2
        exit 1
    fi
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y "$1"
}

# Browser tests use Debian's chromium (apt), never a downloaded browser.
apt_need chromium /usr/bin/chromium
# The deployment tests (tests/deploy) put Debian's HAProxy in front of the app's replicas.
apt_need haproxy /usr/sbin/haproxy
# A live class across replicas keeps its state in Redis (Debian's redis-server); the
# tests start their own servers on free ports.
apt_need redis-server /usr/bin/redis-server

"$PYTHON" -m ruff check .

status=0
"$PYTHON" -m pytest "$@" || status=$?
if [ "$status" -eq 5 ]; then
    # pytest exits 5 when no tests were collected: that is a failure too.
    echo "error: pytest collected no tests" >&2
fi
exit "$status"
