"""A trainer's complete state as plain values, from which it resumes bit for bit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from core.config import TrainerConfig
from core.history import Curve

Array = NDArray[np.float64]


@dataclass(frozen=True)
class TrainerState:
    """Everything a trainer needs to go on exactly where it was.

    ``rng`` is the ``bit_generator.state`` dict of the session's generator; ``sampler_queue`` and
    ``sampler_position`` the indices drawn ahead and how many of them are used; ``history_*`` the
    evaluated learning curves and their current recording interval.
    """

    config: TrainerConfig
    learning_rate: float
    step_count: int
    diverged: bool
    weights: tuple[Array, ...]
    rng: dict[str, Any]
    sampler_queue: tuple[int, ...]
    sampler_position: int
    history_capacity: int
    history_interval: int
    history: dict[str, Curve]
