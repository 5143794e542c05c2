"""Where a benchmark window's CPU went, from the kernel's own counts (Linux's /proc and the
load generators' resource usage): each server process, redis-server, the load generator (the
bench's own process and the children it waited for in the window, wrk), everything else on the
machine, and what stayed idle; in cores (CPU seconds a wall second).

A process's count includes its threads' and the kernel's work on its behalf (system time: for
a loopback client or server, most of its TCP); interrupts the kernel serves for nobody in
particular count as "other". On a virtual machine the hypervisor may run other guests on this
one's cores while its processes wait to run: that time, "stolen", is neither busy nor idle here.
"""

from __future__ import annotations

import os
import resource
import time
from dataclasses import dataclass
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")  # /proc's unit of CPU time, per second


def process_seconds(pid: int) -> float:
    """The CPU seconds (user and system) ``pid`` has used, its threads' included."""
    return _stat_seconds(Path(f"/proc/{pid}/stat"))


def thread_seconds(pid: int, tid: int) -> float:
    """The CPU seconds (user and system) thread ``tid`` of process ``pid`` has used."""
    return _stat_seconds(Path(f"/proc/{pid}/task/{tid}/stat"))


def _stat_seconds(stat: Path) -> float:
    # the fields after the name (which may hold spaces and parentheses): utime, stime 12th, 13th
    fields = stat.read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def machine_seconds() -> tuple[float, float, float]:
    """All cores' CPU seconds since boot: (busy, idle, stolen) (see ``cpu_line_seconds``)."""
    return cpu_line_seconds(Path("/proc/stat").read_text().split("\n", 1)[0])


def cpu_line_seconds(line: str) -> tuple[float, float, float]:
    """/proc/stat's ``cpu`` line as (busy, idle, stolen) seconds: waiting on the disk counts as
    idle; a guest of this machine's own is in user time already (its two fields are not added
    again); steal is the time the hypervisor gave this machine's cores to others."""
    user, nice, system, idle, iowait, irq, softirq, steal = (int(v) for v in line.split()[1:9])
    busy = user + nice + system + irq + softirq
    return busy / TICKS, (idle + iowait) / TICKS, steal / TICKS


def load_generator_seconds() -> float:
    """The CPU seconds of this process and of the children it has waited for (wrk, once ended)."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


@dataclass(frozen=True)
class CpuSplit:
    """A window's CPU, in cores: ``apps`` each server process's (in the order given), and the
    machine's ``cores`` (the most the others could add up to)."""

    seconds: float  # the window's wall time
    apps: tuple[float, ...]
    redis: float  # 0 without a redis-server
    load: float
    other: float  # busy, but none of the above (another user's programs, the kernel's own)
    idle: float
    stolen: float  # taken by the hypervisor for other machines (a virtual machine's steal time)
    cores: int

    def per_request(self, cores: float, requests: int) -> float:
        """``cores`` of this window as µs of CPU a request, for ``requests`` served in it."""
        return cores * self.seconds / requests * 1e6


# a reading: the monotonic time, the apps', redis-server's and the load generator's CPU seconds,
# and the machine's (busy, idle, stolen)
_Counts = tuple[float, list[float], float, float, tuple[float, float, float]]


class CpuWindow:
    """Reads the counts at ``start`` and at ``stop``; ``stop`` gives the ``CpuSplit`` between.
    ``apps`` and ``redis``: process ids (a server's worker processes are not followed: one
    ``python -m app`` is one process)."""

    def __init__(self, apps: list[int], redis: int | None) -> None:
        self.apps, self.redis = apps, redis
        self._start: _Counts | None = None

    def _read(self) -> _Counts:
        redis = process_seconds(self.redis) if self.redis is not None else 0.0
        apps = [process_seconds(pid) for pid in self.apps]
        return time.monotonic(), apps, redis, load_generator_seconds(), machine_seconds()

    def start(self) -> None:
        self._start = self._read()

    def stop(self) -> CpuSplit:
        assert self._start is not None, "start the window first"
        (t0, apps0, redis0, load0, (busy0, idle0, stolen0)) = self._start
        (t1, apps1, redis1, load1, (busy1, idle1, stolen1)) = self._read()
        wall = t1 - t0
        apps = tuple((b - a) / wall for a, b in zip(apps0, apps1, strict=True))
        redis, load = (redis1 - redis0) / wall, (load1 - load0) / wall
        busy = (busy1 - busy0) / wall
        return CpuSplit(
            seconds=wall,
            apps=apps,
            redis=redis,
            load=load,
            other=busy - sum(apps) - redis - load,
            idle=(idle1 - idle0) / wall,
            stolen=(stolen1 - stolen0) / wall,
            cores=os.cpu_count() or 1,
        )
