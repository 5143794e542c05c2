"""bench.cpu against real processes: a busy one's CPU counted, an idle one's not, the load
generator's (this process and the children it waited for) apart; and the scale bench's bound."""

from __future__ import annotations

import contextlib
import subprocess
import sys
from collections.abc import Iterator

import pytest

from bench.cpu import (
    TICKS,
    CpuSplit,
    CpuWindow,
    cpu_line_seconds,
    process_seconds,
    thread_seconds,
)
from bench.scale_bench import two_over_one_bound
from tests.waiting import wait_until

WAIT = 30.0  # seconds: a guard against hanging, never a measurement
BUSY = "print('ready', flush=True)\nwhile True: pass"
IDLE = "import sys\nprint('ready', flush=True)\nsys.stdin.read()"  # blocked until closed
SPIN = "import time\nwhile time.process_time() < {cpu}: pass"  # until it used ``cpu`` seconds


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[str]]]:
    """A busy process and an idle one, both past their start (``ready``)."""
    with contextlib.ExitStack() as stack:
        started = []
        for code in (BUSY, IDLE):
            command = [sys.executable, "-c", code]
            pipe = subprocess.PIPE
            process = stack.enter_context(
                subprocess.Popen(command, stdin=pipe, stdout=pipe, text=True)
            )
            stack.callback(process.kill)  # before its pipes are closed and it is waited for
            started.append(process)
            assert process.stdout is not None
            assert process.stdout.readline() == "ready\n"
        yield started


def test_a_busy_process_counts_its_cpu_and_an_idle_one_none(
    processes: list[subprocess.Popen[str]],
) -> None:
    busy, idle = processes
    window = CpuWindow([busy.pid, idle.pid], None)
    window.start()
    since = process_seconds(busy.pid)
    wait_until(lambda: process_seconds(busy.pid) >= since + 0.3, "busy", guard=WAIT, every=0.05)
    split = window.stop()
    assert split.apps[0] * split.seconds >= 0.3 - 1 / TICKS
    assert split.apps[1] * split.seconds <= 1 / TICKS  # at most a tick's rounding
    assert split.redis == 0
    assert split.cores >= 1


def test_a_process_main_thread_counts_its_own_cpu(
    processes: list[subprocess.Popen[str]],
) -> None:
    busy, idle = processes  # one thread each: the main thread's CPU is the process's
    since = thread_seconds(busy.pid, busy.pid)
    wait_until(
        lambda: thread_seconds(busy.pid, busy.pid) >= since + 0.3, "busy", guard=WAIT, every=0.05
    )
    assert process_seconds(busy.pid) >= thread_seconds(busy.pid, busy.pid) - 1 / TICKS
    assert thread_seconds(idle.pid, idle.pid) <= process_seconds(idle.pid) + 1 / TICKS


def test_the_load_generator_is_this_process_and_the_children_it_waited_for() -> None:
    window = CpuWindow([], None)
    window.start()
    subprocess.run([sys.executable, "-c", SPIN.format(cpu=0.3)], check=True)  # as a wrk
    split = window.stop()
    assert split.load * split.seconds >= 0.3 - 1 / TICKS
    assert split.apps == ()


def test_steal_is_neither_busy_nor_idle_and_a_guest_is_not_counted_twice() -> None:
    # user nice system idle iowait irq softirq steal guest guest_nice, in ticks; the guest's
    # 7 ticks are in user's 100 already
    line = "cpu  100 20 30 400 50 6 4 90 7 0"
    busy, idle, stolen = cpu_line_seconds(line)
    assert busy * TICKS == pytest.approx(100 + 20 + 30 + 6 + 4)
    assert idle * TICKS == pytest.approx(400 + 50)
    assert stolen * TICKS == pytest.approx(90)


def test_cores_become_microseconds_a_request() -> None:
    split = CpuSplit(
        seconds=4.0, apps=(0.5,), redis=0.1, load=0.2, other=0, idle=1.2, stolen=0, cores=2
    )
    assert split.per_request(0.5, 8000) == pytest.approx(250.0)  # 2 CPU seconds, 8,000 requests


def test_the_bound_on_two_processes_over_one() -> None:
    figures = {
        "app µs/req redis x1": 250.0,
        "load generator µs/req redis x1": 50.0,
        "redis-server µs/req redis x1": 25.0,
    }
    # two processes' requests need 2 x (250 + 75) µs of the machine's 2 cores a 250 µs
    assert two_over_one_bound(figures, cores=2) == pytest.approx(2 / 1.3)
    assert two_over_one_bound(figures, cores=8) == 2.0  # cores to spare: one core each, twice
