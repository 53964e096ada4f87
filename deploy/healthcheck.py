"""Exit 0 when this container's app answers its health check, 1 otherwise (the image's
HEALTHCHECK; slim images have no curl). Uses $PORT like deploy/serve.sh (8501)."""

import os
import sys
import urllib.request

URL = f"http://127.0.0.1:{os.environ.get('PORT') or '8501'}/_stcore/health"

try:
    with urllib.request.urlopen(URL, timeout=4) as resp:
        ok = resp.status == 200 and resp.read().strip() == b"ok"
except OSError:
    ok = False
sys.exit(0 if ok else 1)
