"""Waiting on a condition, the tests' one way: poll it until it holds. The guard only stops a
hang (a test that waits forever): no test asserts how long anything took."""

from __future__ import annotations

import time
from collections.abc import Callable


def wait_until(condition: Callable[[], bool], what: str, *, guard: float, every: float) -> None:
    """Polls ``condition`` every ``every`` seconds until it is true; fails with ``what`` if it
    is still false after ``guard`` seconds. ``condition`` may raise to fail at once (a process
    that exited)."""
    deadline = time.monotonic() + guard
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} (after a {guard:g} s guard against a hang)")
        time.sleep(every)
