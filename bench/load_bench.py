"""Load: many sessions, each with a live stream playing, against a real server.

Starts the server (``python -m app``, as ``make run`` does) on a free port, creates ``--sessions``
sessions over REST, opens one WebSocket stream per session from this process and plays each at
``--rate`` steps per second (one step per frame at such speeds, so ``--rate`` frames per second),
for ``--seconds``. Reports:

- delivered frames per second, in all and per session (the least served session too);
- frame lag p50/p99: a frame covering the session's step ``s`` is due at
  ``t_play + (s - s_0) / rate``; its lag is when it arrived minus that (target p99 < 200 ms);
- the server's CPU (user + system seconds over the wall-clock seconds: 2.0 = both cores);
- the server's memory per session: resident memory after creating the sessions and after the run,
  minus before, over the session count (target < 256 KB at default settings).

The client runs in this process on the same 2-core machine, so it competes with the server for the
CPU: the figures are a lower bound of what the server can do on its own.

Figures: docs/benchmarks.md. Run: ``make load-bench`` (the full form: 200 sessions, 10 frames/s,
30 s), or ``python -m bench.load_bench --sessions 20 --seconds 5`` (a quick check).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import statistics
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import httpx
from websockets.asyncio.client import ClientConnection, connect

from bench.servers import running_server

PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class StreamStats:
    frames: int = 0
    lags: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@dataclass
class LoadResult:
    sessions: int
    rate: float
    seconds: float
    frames: int
    frames_per_second: float
    frames_per_second_per_session: float
    least_frames_per_second: float
    sessions_without_frames: int
    lag_p50_ms: float
    lag_p99_ms: float
    lag_max_ms: float
    server_cpu: float
    memory_per_session_kb_created: float
    memory_per_session_kb_after_run: float
    errors: list[str]

    def targets(self) -> list[tuple[str, bool]]:
        return [
            ("every session kept receiving frames", self.sessions_without_frames == 0),
            ("lag p99 < 200 ms", self.lag_p99_ms < 200),
            ("memory per session < 256 KB", self.memory_per_session_kb_after_run < 256),
        ]


def _rss_bytes(pid: int) -> int:
    with open(f"/proc/{pid}/statm") as f:
        return int(f.read().split()[1]) * PAGE_SIZE


def _cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime


def playground(sessions: int) -> contextlib.AbstractContextManager[tuple[str, int]]:
    """The server as ``make run`` starts it (``python -m app``), allowed ``sessions`` sessions."""
    env = {"PLAYGROUND_MAX_SESSIONS": str(max(sessions, 1)), "PLAYGROUND_LOG_LEVEL": "warning"}
    return running_server("app", ("GET", "/healthz"), env)


async def _stream(
    ws: ClientConnection, rate: float, seconds: float, stats: StreamStats, start: asyncio.Event
) -> None:
    await start.wait()
    await ws.send(json.dumps({"type": "play", "steps_per_second": rate}))
    played = time.monotonic()
    first_step: int | None = None
    end = played + seconds
    while (left := end - time.monotonic()) > 0:
        try:
            message = json.loads(await asyncio.wait_for(ws.recv(), timeout=left))
        except TimeoutError:
            break
        now = time.monotonic()
        if message["type"] == "frame":
            step = message["step"]
            if first_step is None:
                first_step = step - message["steps"]
            stats.frames += 1
            stats.lags.append(now - (played + (step - first_step) / rate))
        elif message["type"] in {"error", "diverged"}:
            stats.errors.append(message["message"])
    await ws.send(json.dumps({"type": "pause"}))


async def run_load(url: str, pid: int, sessions: int, rate: float, seconds: float) -> LoadResult:
    rss_before = _rss_bytes(pid)
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        ids = []
        for _ in range(sessions):
            response = await client.post("/api/sessions", json={})
            response.raise_for_status()
            ids.append(response.json()["id"])
    rss_created = _rss_bytes(pid)
    ws_url = url.replace("http://", "ws://")
    stats = [StreamStats() for _ in ids]
    start = asyncio.Event()
    async with contextlib.AsyncExitStack() as stack:
        sockets = []
        for session_id in ids:
            ws = await stack.enter_async_context(
                connect(f"{ws_url}/api/sessions/{session_id}/live", max_size=2**22)
            )
            json.loads(await ws.recv())  # the status message on connecting
            sockets.append(ws)
        cpu_before, wall_before = _cpu_seconds(pid), time.monotonic()
        tasks = [
            asyncio.create_task(_stream(ws, rate, seconds, s, start))
            for ws, s in zip(sockets, stats, strict=True)
        ]
        start.set()
        await asyncio.gather(*tasks)
        cpu = (_cpu_seconds(pid) - cpu_before) / (time.monotonic() - wall_before)
    rss_after = _rss_bytes(pid)
    lags = sorted(lag for s in stats for lag in s.lags)
    frames = sum(s.frames for s in stats)

    def quantile(q: float) -> float:
        return lags[min(len(lags) - 1, int(q * len(lags)))] * 1000 if lags else float("nan")

    return LoadResult(
        sessions=sessions,
        rate=rate,
        seconds=seconds,
        frames=frames,
        frames_per_second=frames / seconds,
        frames_per_second_per_session=frames / seconds / sessions,
        least_frames_per_second=min(s.frames for s in stats) / seconds,
        sessions_without_frames=sum(1 for s in stats if s.frames == 0),
        lag_p50_ms=statistics.median(lags) * 1000 if lags else float("nan"),
        lag_p99_ms=quantile(0.99),
        lag_max_ms=lags[-1] * 1000 if lags else float("nan"),
        server_cpu=cpu,
        memory_per_session_kb_created=(rss_created - rss_before) / sessions / 1024,
        memory_per_session_kb_after_run=(rss_after - rss_before) / sessions / 1024,
        errors=sorted({e for s in stats for e in s.errors}),
    )


def measure(sessions: int, rate: float, seconds: float) -> LoadResult:
    """Starts a server, runs the load against it, stops it."""
    with playground(sessions) as (url, pid):
        return asyncio.run(run_load(url, pid, sessions, rate, seconds))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=200)
    parser.add_argument("--rate", type=float, default=10.0, help="steps (= frames) per second")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()
    result = measure(args.sessions, args.rate, args.seconds)
    print(json.dumps(asdict(result), indent=2))
    for label, ok in result.targets():
        print(f"{'MET ' if ok else 'MISSED'} {label}")
    if args.json:
        Path(args.json).write_text(json.dumps(asdict(result), indent=2) + "\n")


if __name__ == "__main__":
    main()
