"""What each failure of the cluster loses, measured on the real topology (tests/cluster.py:
redis-server, two ``python -m app`` processes on it, nginx in front).

1. **A process killed** (``kill -9``) while it serves a live stream playing at the page's speed
   and REST steps come through the other: the REST-acknowledged steps kept (all, or a step was
   lost), the steps the stream had shown that Redis does not hold, and how long the other process
   took to serve the session (the dead one's lease has to expire: ``lease_ttl``).
2. **Redis killed** (``kill -9``) and restarted on its append-only file (``appendfsync
   everysec``, as compose.yaml runs it) while a client steps: the acknowledged steps Redis still
   holds after the restart, and how long requests answered 503.
3. **nginx restarted** (a graceful stop and a start): sessions kept, and how long requests
   through it failed.

Figures: docs/deploy.md. Run: ``python -m bench.failover_bench`` (needs redis-server, nginx).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx
from websockets.sync.client import connect

from tests.cluster import cluster

AOF = ("--appendonly", "yes", "--appendfsync", "everysec")


def step(client: httpx.Client, url: str, session_id: str) -> int | None:
    """The step count a one-step request answered, or ``None`` if it was refused or failed."""
    try:
        response = client.post(f"{url}/api/sessions/{session_id}/step", timeout=10)
    except httpx.HTTPError:
        return None
    return int(response.json()["step"]) if response.status_code == 200 else None


def step_count(url: str, session_id: str) -> int:
    return int(httpx.get(f"{url}/api/sessions/{session_id}", timeout=10).json()["step"])


def process_killed(directory: Path) -> dict[str, Any]:
    with cluster(directory) as running, httpx.Client() as client:
        streaming, other = running.apps
        session_id = client.post(f"{other.url}/api/sessions", json={}).json()["id"]
        shown = 0
        ws_url = streaming.url.replace("http", "ws") + f"/api/sessions/{session_id}/live"
        with connect(ws_url) as ws:
            ws.recv(timeout=10)
            ws.send(json.dumps({"type": "play", "steps_per_second": 100}))
            acknowledged = [step(client, other.url, session_id) for _ in range(20)]
            deadline = time.monotonic() + 1.0  # a second of play
            while time.monotonic() < deadline:
                message = json.loads(ws.recv(timeout=10))
                if message["type"] == "frame":
                    shown = message["step"]
            streaming.kill()
            killed = time.monotonic()
        answered = None
        while answered is None:
            answered = step(client, other.url, session_id)
        taken_over = time.monotonic() - killed
        held = step_count(other.url, session_id) - 1  # before the step that answered
        last = max(a for a in acknowledged if a is not None)
        return {
            "acknowledged REST steps kept": held >= last,
            "steps shown by the stream and not in Redis": max(0, shown - held),
            "seconds until the other process served the session": taken_over,
        }


def redis_killed(directory: Path) -> dict[str, Any]:
    with cluster(directory, redis_args=AOF) as running, httpx.Client() as client:
        url = running.apps[0].url
        session_id = client.post(f"{url}/api/sessions", json={}).json()["id"]
        acknowledged = 0
        stop = threading.Event()

        def stepping() -> None:
            nonlocal acknowledged
            while not stop.is_set():
                answer = step(client, url, session_id)
                if answer is not None:
                    acknowledged = max(acknowledged, answer)

        thread = threading.Thread(target=stepping)
        thread.start()
        time.sleep(2.0)  # steps acknowledged and appended to the file
        running.redis.kill()
        at_kill = acknowledged
        down = time.monotonic()
        running.redis.start()
        while step(client, url, session_id) is None:
            time.sleep(0.01)
        outage = time.monotonic() - down
        stop.set()
        thread.join()
        # the steps Redis holds from before the kill (the probe above took one more)
        kept = step_count(url, session_id) - 1
        return {
            "acknowledged steps before the kill": at_kill,
            "acknowledged steps lost": max(0, at_kill - kept),
            "seconds of 503 (kill to the first step served)": outage,
        }


def nginx_restarted(directory: Path) -> dict[str, Any]:
    with cluster(directory) as running, httpx.Client() as client:
        url = running.nginx.url
        session_id = client.post(f"{url}/api/sessions", json={}).json()["id"]
        for _ in range(50):
            step(client, url, session_id)
        stopped = time.monotonic()
        running.nginx.stop()
        running.nginx.start()
        while step(client, url, session_id) is None:
            time.sleep(0.01)
        return {
            "steps kept of 50": step_count(url, session_id) - 1,
            "seconds without service (stop to the first step served)": time.monotonic() - stopped,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, measure in [
            ("a process killed", process_killed),
            ("Redis killed and restarted", redis_killed),
            ("nginx restarted", nginx_restarted),
        ]:
            results[name] = measure(Path(tmp) / name.replace(" ", "-"))
            print(name, json.dumps(results[name]), flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
