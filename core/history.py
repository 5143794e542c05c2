"""Set-level errors against the step count, bounded in memory however long training runs.

Points are recorded every ``interval`` steps. When ``capacity`` points are held, every other one is
dropped and the interval doubles, so the curves keep their shape over the whole run with at most
``capacity`` points per curve.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

from core.datasets import SET_NAMES

DEFAULT_CAPACITY = 512
DEFAULT_INTERVAL = 10


@dataclass
class Curve:
    """The errors of one set at the recorded steps: four equal-length lists."""

    step: list[int] = field(default_factory=list)
    error: list[float] = field(default_factory=list)
    classification_error: list[float] = field(default_factory=list)
    loss: list[float] = field(default_factory=list)

    def copy(self) -> Curve:
        """An independent copy (the lists copied; their numbers are immutable, so this is a deep
        copy at a fraction of ``copy.deepcopy``'s cost)."""
        return Curve(
            list(self.step), list(self.error), list(self.classification_error), list(self.loss)
        )


@dataclass(frozen=True)
class SetErrors:
    """The tutorial's network error, the classification error (NaN for a regression set, which
    has no classes: the API sends it as ``null``) and the mean loss ``E`` of one set."""

    error: float
    classification_error: float
    loss: float


class History:
    """The learning curves of the training, validation and test sets."""

    def __init__(self, capacity: int = DEFAULT_CAPACITY, interval: int = DEFAULT_INTERVAL) -> None:
        if capacity < 2 or interval < 1:
            raise ValueError(f"capacity must be >= 2 and interval >= 1, got {capacity}, {interval}")
        self.capacity = capacity
        self.interval = interval
        self.curves: dict[str, Curve] = {name: Curve() for name in SET_NAMES}

    def record(self, step: int, errors: dict[str, SetErrors]) -> None:
        """Adds the errors after ``step`` steps, unless thinning has since dropped its step."""
        if step % self.interval:
            return
        for name, curve in self.curves.items():
            curve.step.append(step)
            curve.error.append(errors[name].error)
            curve.classification_error.append(errors[name].classification_error)
            curve.loss.append(errors[name].loss)
        if len(self.curves[SET_NAMES[0]].step) >= self.capacity:
            self._thin()

    def restore(self, interval: int, curves: dict[str, Curve], step_count: int) -> None:
        """Puts back curves saved from ``curves``; ``ValueError`` naming what does not fit."""
        if interval < 1:
            raise ValueError(f"history: interval={interval} must be a positive integer")
        if set(curves) != set(SET_NAMES):
            raise ValueError(f"history: needs exactly the sets {', '.join(SET_NAMES)}")
        steps = curves[SET_NAMES[0]].step
        if len(steps) > self.capacity:
            raise ValueError(f"history: at most {self.capacity} points")
        if any(b <= a for a, b in itertools.pairwise(steps)) or (
            steps and not 0 <= steps[0] <= steps[-1] <= step_count
        ):
            raise ValueError("history: steps must increase from 0 up to step_count")
        if any(s % interval for s in steps):
            raise ValueError(f"history: every step must be a multiple of interval={interval}")
        for name, curve in curves.items():
            lengths = {
                len(curve.step),
                len(curve.error),
                len(curve.classification_error),
                len(curve.loss),
            }
            if curve.step != steps or len(lengths) != 1:
                raise ValueError(
                    f"history.{name}: step, error, classification_error and loss must "
                    "be equally long and share their steps"
                )
            if not all(isinstance(v, float) and not v < 0 for v in curve.error):
                raise ValueError(f"history.{name}: network errors must be numbers >= 0")
            if not all(0 <= v <= 1 or math.isnan(v) for v in curve.classification_error):
                raise ValueError(
                    f"history.{name}: classification errors must be in [0, 1] (or null)"
                )
            if not all(isinstance(v, float) and not v < 0 for v in curve.loss):
                raise ValueError(f"history.{name}: losses must be numbers >= 0")
        self.interval = interval
        self.curves = {
            name: Curve(list(c.step), list(c.error), list(c.classification_error), list(c.loss))
            for name, c in curves.items()
        }

    def _thin(self) -> None:
        self.interval *= 2
        for curve in self.curves.values():
            keep = [i for i, s in enumerate(curve.step) if s % self.interval == 0]
            curve.step = [curve.step[i] for i in keep]
            curve.error = [curve.error[i] for i in keep]
            curve.classification_error = [curve.classification_error[i] for i in keep]
            curve.loss = [curve.loss[i] for i in keep]
