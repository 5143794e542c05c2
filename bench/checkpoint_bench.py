"""What checkpointing costs the serving path: ``POST /api/sessions/{id}/step`` (N = 1) spread
over many sessions, every one of them changing between checkpoints, with the SQLite checkpoints
on (``make run``'s default, every ``PLAYGROUND_CHECKPOINT_INTERVAL``) against the same server
with persistence off, both under the same closed-loop load (wrk). Short rounds alternate the two,
each in a new order; the median of the rounds' throughput ratios (on / off) is reported.

The sessions are the worst case the interval allows: each has a long history (its snapshot is
the largest a session of its net makes) and each is stepped within every interval, so every
checkpoint copies and writes all of them. Run: ``python -m bench.checkpoint_bench`` (needs wrk).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import tempfile
from pathlib import Path

import httpx

from bench.api_bench import server

REQUEST_SCRIPT = """
local paths = {%s}
wrk.method = "POST"
wrk.body   = '{"n": 1}'
wrk.headers["Content-Type"] = "application/json"
request = function()
  return wrk.format(nil, paths[math.random(#paths)])
end
"""


def wrk(url: str, paths: list[str], seconds: int, connections: int) -> float:
    """Requests/s of a closed-loop POST load spread at random over ``paths``."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write(REQUEST_SCRIPT % ", ".join(f'"{p}"' for p in paths))
        script.flush()
        command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "-s", script.name, url]
        out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    if "Non-2xx" in out:
        raise RuntimeError(f"errors under load:\n{out}")
    line = next(line for line in out.splitlines() if line.startswith("Requests/sec:"))
    return float(line.split()[1])


def sessions(url: str, count: int, history_steps: int) -> list[str]:
    """``count`` iris sessions, each ``history_steps`` into training: their step paths."""
    paths = []
    for _ in range(count):
        session_id = httpx.post(f"{url}/api/sessions", json={"dataset": "iris"}).json()["id"]
        path = f"/api/sessions/{session_id}/step"
        httpx.post(f"{url}{path}", json={"n": history_steps}, timeout=60).raise_for_status()
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=11)
    parser.add_argument("--seconds", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--sessions", type=int, default=64)
    parser.add_argument("--history-steps", type=int, default=5_000)
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()

    runs: dict[str, list[float]] = {"checkpoints on": [], "persistence off": []}
    with (
        tempfile.TemporaryDirectory() as data_dir,
        server("app", "warning", PERSIST="true", DATA_DIR=data_dir) as on_url,
        server("app", "warning") as off_url,
    ):
        urls = {"checkpoints on": on_url, "persistence off": off_url}
        paths = {
            name: sessions(url, args.sessions, args.history_steps) for name, url in urls.items()
        }
        for name, url in urls.items():  # warm-up
            wrk(url, paths[name], 2, args.connections)
        names = list(urls)
        for round_ in range(args.rounds):  # each round in a new order: no place is favoured
            for name in names[round_ % 2 :] + names[: round_ % 2]:
                runs[name].append(wrk(urls[name], paths[name], args.seconds, args.connections))
        saved = (Path(data_dir) / "sessions.sqlite3").stat().st_size
    ratios = [
        on / off for on, off in zip(runs["checkpoints on"], runs["persistence off"], strict=True)
    ]
    results = {
        "rounds": args.rounds,
        "seconds": args.seconds,
        "connections": args.connections,
        "sessions": args.sessions,
        "history_steps": args.history_steps,
        "file_bytes": saved,
        **{f"{name} requests/s": statistics.median(rs) for name, rs in runs.items()},
        "on / off throughput": statistics.median(ratios),
        "quartiles of the rounds' ratios": statistics.quantiles(ratios, n=4),
    }
    print(json.dumps(results, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
