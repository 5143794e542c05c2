# The playground in a container. It installs the pinned runtime requirements (requirements.txt,
# which `make run` installs too, as part of requirements-dev.txt) and starts the server with the
# same command as `make run`: `python -m app`, here without a virtual environment (the image is
# the environment). Settings come from PLAYGROUND_* variables, as outside (see app/settings.py).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /srv/playground

# dependencies first: this layer is rebuilt only when requirements.txt changes
COPY requirements.txt ./
RUN python -m pip install -r requirements.txt

COPY core ./core
COPY app ./app
COPY templates ./templates
COPY static ./static

# sessions are checkpointed here while serving and on shutdown, and restored on start
# (PLAYGROUND_DATA_DIR): a volume the non-root user owns, so that they outlive the container
# (unused with PLAYGROUND_REDIS_URL, as in compose.yaml: Redis holds the sessions)
RUN useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin playground \
    && mkdir -p /srv/playground/data \
    && chown playground /srv/playground/data
VOLUME ["/srv/playground/data"]
USER playground

ENV PLAYGROUND_HOST=0.0.0.0 \
    PLAYGROUND_PORT=8000 \
    PLAYGROUND_DATA_DIR=/srv/playground/data
EXPOSE 8000
# the server answers only the Host names in PLAYGROUND_ALLOWED_HOSTS (default: the loopback
# names), so set it to the names the container is reached by, as a JSON list, keeping 127.0.0.1
# for the health check: PLAYGROUND_ALLOWED_HOSTS='["playground.example.org", "127.0.0.1"]'

# the slim image has no curl: ask /healthz with Python's standard library
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]

CMD ["python", "-m", "app"]
