"""The API's speed against the framework's floor, measured in the same run (the API's targets).

1. ``POST /api/sessions/{id}/step`` (N = 1) on the playground (``python -m app``, as ``make run``
   starts it) against the floor (``bench/floor_app.py``: an empty ``async def`` POST endpoint with
   a small JSON answer, served with the same uvicorn settings), all under the same closed-loop
   load: wrk, 16 connections. There are two floors: FastAPI as it comes (the target's), and the
   same endpoint with the playground's FastAPI setting (its OpenTelemetry hook off), a stricter
   reference. Short rounds alternate the three, each in a new order (a shared machine's speed
   moves a lot from one few-second window to the next, see docs/benchmarks.md); the ratio of each
   round is taken and the median reported, with the ratio of all rounds pooled, the quartiles,
   requests/s and p50/p99 latency. Target: step >= 0.5x the floor.
2. The live stream at 20, 1,000 and 20,000 requested steps/s: delivered frames/s (target: the
   server's ``max_frame_rate``, 60; at 20 steps/s a frame a step) and achieved steps/s, as ratios
   of the requested figures; and how long ``GET /healthz`` takes while another connection floods
   its stream with commands (the stream is cut off; the server must stay responsive).

Figures: docs/benchmarks.md. Run: ``make api-bench`` (needs ``wrk``: Debian's package ``wrk``).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import re
import statistics
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
from websockets.asyncio.client import connect

from app.settings import Settings
from bench.servers import running_server

MAX_FRAME_RATE = Settings().max_frame_rate  # the server's default, as make run starts it
POST_SCRIPT = """
wrk.method = "POST"
wrk.body   = '{"n": 1}'
wrk.headers["Content-Type"] = "application/json"
"""


def server(module: str, log_level: str, **env: str) -> contextlib.AbstractContextManager[str]:
    """The playground (``app``) or the floor (``bench.floor_app``), with ``log_level``."""
    health = ("POST", "/floor") if module == "bench.floor_app" else ("GET", "/healthz")
    return _url_of(running_server(module, health, env | {"PLAYGROUND_LOG_LEVEL": log_level}))


@contextlib.contextmanager
def _url_of(server: contextlib.AbstractContextManager[tuple[str, int]]) -> Iterator[str]:
    with server as (url, _):
        yield url


def wrk(url: str, seconds: int, connections: int) -> dict[str, float]:
    """Requests/s and latency percentiles (ms) of a closed-loop POST load."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write(POST_SCRIPT)
        script.flush()
        out = subprocess.run(
            [
                "wrk",
                "-t2",
                f"-c{connections}",
                f"-d{seconds}s",
                "--latency",
                "-s",
                script.name,
                url,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    if "Non-2xx" in out:
        raise RuntimeError(f"errors under load:\n{out}")

    def ms(label: str) -> float:
        match = re.search(rf"^\s+{label}\s+([\d.]+)(us|ms|s)\s*$", out, re.MULTILINE)
        assert match, out
        scale = {"us": 1e-3, "ms": 1.0, "s": 1e3}[match.group(2)]
        return float(match.group(1)) * scale

    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    assert rps, out
    return {"requests_per_second": float(rps.group(1)), "p50_ms": ms("50%"), "p99_ms": ms("99%")}


async def live_rate(url: str, steps_per_second: float, seconds: float) -> dict[str, float]:
    async with httpx.AsyncClient(base_url=url) as client:
        session_id = (await client.post("/api/sessions", json={})).json()["id"]
    ws_url = url.replace("http://", "ws://") + f"/api/sessions/{session_id}/live"
    frames = steps = 0
    async with connect(ws_url, max_size=2**22) as ws:
        await ws.recv()
        await ws.send(json.dumps({"type": "play", "steps_per_second": steps_per_second}))
        start = time.monotonic()
        while (left := start + seconds - time.monotonic()) > 0:
            with contextlib.suppress(TimeoutError):
                message = json.loads(await asyncio.wait_for(ws.recv(), timeout=left))
                if message["type"] == "frame":
                    frames += 1
                    steps += message["steps"]
        elapsed = time.monotonic() - start
        await ws.send(json.dumps({"type": "pause"}))
    return {
        "requested_steps_per_second": steps_per_second,
        "frames_per_second": frames / elapsed,
        "steps_per_second": steps / elapsed,
        "frames / max_frame_rate": frames / elapsed / MAX_FRAME_RATE,
        "steps / requested": steps / elapsed / steps_per_second,
        "steps per frame": steps / max(frames, 1),
    }


async def health_during_flood(url: str, commands: int = 2_000) -> dict[str, float]:
    """Milliseconds of ``GET /healthz`` just after a stream was sent ``commands`` step commands
    without reading the answers, and on a quiet server (the reference)."""
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        start = time.perf_counter()
        await client.get("/healthz")
        quiet = time.perf_counter() - start
        session_id = (await client.post("/api/sessions", json={})).json()["id"]
        ws_url = url.replace("http://", "ws://") + f"/api/sessions/{session_id}/live"
        async with connect(ws_url, max_size=2**22) as ws:
            await ws.recv()
            for _ in range(commands):
                await ws.send('{"type": "step", "n": 1}')
            start = time.perf_counter()
            await client.get("/healthz")
            flooded = time.perf_counter() - start
    return {
        "quiet_ms": quiet * 1e3,
        "flooded_ms": flooded * 1e3,
        "flooded / quiet": flooded / quiet,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=21)
    parser.add_argument("--seconds", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--log-level", default="info", help="both servers' uvicorn log level")
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()

    runs: dict[str, list[dict[str, float]]] = {"step": [], "floor": [], "lean floor": []}
    with (
        server("app", args.log_level) as app_url,
        server("bench.floor_app", args.log_level) as floor_url,
        server("bench.floor_app", args.log_level, FLOOR_TELEMETRY="off") as lean_floor_url,
    ):
        session_id = httpx.post(f"{app_url}/api/sessions", json={}).json()["id"]
        urls = {
            "step": f"{app_url}/api/sessions/{session_id}/step",
            "floor": f"{floor_url}/floor",
            "lean floor": f"{lean_floor_url}/floor",
        }
        for url in urls.values():  # warm-up
            wrk(url, 2, args.connections)
        names = list(urls)
        for round_ in range(args.rounds):  # each round in a new order: no place is favoured
            for name in names[round_ % 3 :] + names[: round_ % 3]:
                runs[name].append(wrk(urls[name], args.seconds, args.connections))
        live = [asyncio.run(live_rate(app_url, rate, 5.0)) for rate in (20, 1_000, 20_000)]
        flood = asyncio.run(health_during_flood(app_url))

    def round_ratios(floor: str) -> list[float]:
        return [
            s["requests_per_second"] / f["requests_per_second"]
            for s, f in zip(runs["step"], runs[floor], strict=True)
        ]

    def pooled(floor: str) -> float:  # all rounds' requests together
        def total(name: str) -> float:
            return sum(r["requests_per_second"] for r in runs[name])

        return total("step") / total(floor)

    ratios = {floor: statistics.median(round_ratios(floor)) for floor in ("floor", "lean floor")}
    results = {
        "log_level": args.log_level,
        "connections": args.connections,
        "rounds": args.rounds,
        "seconds": args.seconds,
        **{
            name: {k: statistics.median(r[k] for r in rs) for k in rs[0]}
            for name, rs in runs.items()
        },
        "step / floor throughput": ratios["floor"],
        "step / lean floor throughput": ratios["lean floor"],
        "pooled over the rounds": {
            "step / floor": pooled("floor"),
            "step / lean floor": pooled("lean floor"),
        },
        "quartiles of the rounds' ratios": {
            "step / floor": statistics.quantiles(round_ratios("floor"), n=4),
            "step / lean floor": statistics.quantiles(round_ratios("lean floor"), n=4),
        },
        "live": live,
        "GET /healthz during a command flood": flood,
    }
    print(json.dumps(results, indent=2))
    for floor, value in ratios.items():
        verdict = "MET " if value >= 0.5 else "MISSED"
        print(f"{verdict} step throughput >= 0.5x {floor}: {value:.2f}")
    for run in live:
        requested = run["requested_steps_per_second"]
        expected = min(MAX_FRAME_RATE, requested)  # at low speeds a frame a step
        ok = run["frames_per_second"] >= 0.9 * expected
        print(
            f"{'MET ' if ok else 'MISSED'} >= 0.9 x {expected:.0f} frames/s at {requested:.0f} "
            f"steps/s requested: {run['frames_per_second']:.1f} frames/s, "
            f"{run['steps / requested']:.2f} of the steps"
        )
    print(
        f"GET /healthz during a command flood: {flood['flooded_ms']:.1f} ms "
        f"({flood['flooded / quiet']:.1f}x a quiet server's)"
    )
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
