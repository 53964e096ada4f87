#!/bin/sh
# One app replica. The image's CMD and deploy/local_cluster.py both run exactly this.
#   PORT     port to listen on (8501)
#   ADDRESS  address to bind (0.0.0.0; local_cluster.py uses 127.0.0.1)
#   PYTHON   interpreter (python)
# Extra arguments go to `streamlit run`, e.g. --server.enableWebsocketCompression=true.
#
# XSRF and CORS protection stay on (Streamlit's defaults): behind the balancer the page,
# its uploads and its websocket share one origin, and Streamlit's XSRF check compares the
# cookie with the header (no per-server secret), so it works on any replica.
# Websocket compression stays off: the live view's frames are already zlib-compressed
# pictures plus float arrays, and server CPU (not bandwidth) is what limits a replica.
set -eu
cd "$(dirname "$0")/.."
exec "${PYTHON:-python}" -m streamlit run app.py \
    --server.headless=true \
    --server.port="${PORT:-8501}" \
    --server.address="${ADDRESS:-0.0.0.0}" \
    --browser.gatherUsageStats=false \
    --server.fileWatcherType=none \
    --server.runOnSave=false \
    --server.enableXsrfProtection=true \
    --server.enableCORS=true \
    "$@"
