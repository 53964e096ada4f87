# Backprop Playground: one app replica on port 8501 (see deploy/README.md).
#   docker build -t backprop-playground .
#   docker run --rm -p 8501:8501 backprop-playground
FROM python:3.11.16-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PORT=8501 \
    ADDRESS=0.0.0.0

WORKDIR /app

# Dependencies first (pinned in requirements.txt): this layer survives code changes.
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt

# The code stays root's and read-only to the app; the app writes only static/, where it
# copies plotly.js and its view's script at start (.dockerignore leaves the local one out).
COPY . .
RUN useradd --no-log-init --system --uid 10001 --user-group --create-home app \
    && mkdir -p static \
    && chown 10001:10001 static

USER 10001:10001
EXPOSE 8501
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "deploy/healthcheck.py"]
# The same command deploy/local_cluster.py runs; it execs Streamlit, which ends on SIGTERM.
CMD ["deploy/serve.sh"]
