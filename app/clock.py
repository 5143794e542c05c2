"""The live stream's time: now, and waiting for something at most so long.

The server uses ``MONOTONIC`` (``time.monotonic`` and asyncio's waits); a test gives the stream a
clock it moves by hand, so the pacing is checked step by step instead of against the machine's
speed.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any, Protocol


class Clock(Protocol):
    def now(self) -> float:
        """Seconds since an arbitrary start, never going back."""
        ...

    async def wait(self, future: asyncio.Future[Any], timeout: float | None) -> bool:
        """Waits until ``future`` is done or ``timeout`` seconds have passed (``None``: no limit);
        whether it is done."""
        ...


class MonotonicClock:
    """The real time."""

    def now(self) -> float:
        return time.monotonic()

    async def wait(self, future: asyncio.Future[Any], timeout: float | None) -> bool:
        done, _ = await asyncio.wait({future}, timeout=timeout)
        return bool(done)


MONOTONIC = MonotonicClock()
