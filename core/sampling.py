"""The order in which training samples are drawn, one index per step.

Random draws come in fixed blocks from the session's generator, so the sequence of indices is the
same however the steps are split into calls (one call of N steps or N calls of one step).
"""

from __future__ import annotations

import enum

import numpy as np

RANDOM_BLOCK = 256


class Sampling(enum.StrEnum):
    RANDOM = "random"  # uniformly at random with replacement, as the tutorial
    EPOCH = "epoch"  # a fresh random permutation every pass over the set
    SEQUENTIAL = "sequential"  # 0, 1, 2, ... in order, over and over


class Sampler:
    """Yields training-sample indices in ``[0, size)`` in the order ``sampling`` says."""

    def __init__(self, sampling: Sampling, size: int, rng: np.random.Generator) -> None:
        if size < 1:
            raise ValueError(f"cannot sample from an empty set (size={size})")
        self.sampling = Sampling(sampling)
        self.size = size
        self._rng = rng
        self._queue: list[int] = []
        self._position = 0

    def _refill(self) -> None:
        if self.sampling is Sampling.RANDOM:
            self._queue = self._rng.integers(0, self.size, size=RANDOM_BLOCK).tolist()
        elif self.sampling is Sampling.EPOCH:
            self._queue = self._rng.permutation(self.size).tolist()
        else:
            self._queue = list(range(self.size))
        self._position = 0

    def next_index(self) -> int:
        if self._position >= len(self._queue):
            self._refill()
        index = self._queue[self._position]
        self._position += 1
        return index

    @property
    def queue(self) -> tuple[tuple[int, ...], int]:
        """The drawn indices not all used yet, and how many of them are used (for snapshots)."""
        return tuple(self._queue), self._position

    def restore_queue(self, queue: list[int], position: int) -> None:
        """Puts back a queue saved from ``queue``; ``ValueError`` if it cannot be this set's."""
        if not all(isinstance(i, int) and 0 <= i < self.size for i in queue):
            raise ValueError(f"sampler queue holds an index outside [0, {self.size})")
        if not 0 <= position <= len(queue):
            raise ValueError(f"sampler position {position} is outside [0, {len(queue)}]")
        self._queue, self._position = list(queue), position
