"""Set-level errors against the step count, bounded in memory however long training runs.

Points are recorded every ``interval`` steps. When ``capacity`` points are held, every other one is
dropped and the interval doubles, so the curves keep their shape over the whole run with at most
``capacity`` points per curve.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from core.datasets import SET_NAMES

DEFAULT_CAPACITY = 512
DEFAULT_INTERVAL = 10


@dataclass
class Curve:
    """The errors of one set at the recorded steps: three equal-length lists."""

    step: list[int] = field(default_factory=list)
    error: list[float] = field(default_factory=list)
    classification_error: list[float] = field(default_factory=list)


@dataclass(frozen=True)
class SetErrors:
    """The tutorial's network error and the classification error of one set."""

    error: float
    classification_error: float


class History:
    """The learning curves of the training, validation and test sets."""

    def __init__(self, capacity: int = DEFAULT_CAPACITY, interval: int = DEFAULT_INTERVAL) -> None:
        if capacity < 2 or interval < 1:
            raise ValueError(f"capacity must be >= 2 and interval >= 1, got {capacity}, {interval}")
        self.capacity = capacity
        self.interval = interval
        self.curves: dict[str, Curve] = {name: Curve() for name in SET_NAMES}

    @property
    def last_step(self) -> int | None:
        steps = self.curves[SET_NAMES[0]].step
        return steps[-1] if steps else None

    def is_due(self, step: int) -> bool:
        """Whether the errors after ``step`` steps should be recorded."""
        return step % self.interval == 0 and step != self.last_step

    def record(self, step: int, errors: dict[str, SetErrors]) -> None:
        """Adds the errors after ``step`` steps, unless thinning has since dropped its step."""
        if step % self.interval:
            return
        for name, curve in self.curves.items():
            curve.step.append(step)
            curve.error.append(errors[name].error)
            curve.classification_error.append(errors[name].classification_error)
        if len(self.curves[SET_NAMES[0]].step) >= self.capacity:
            self._thin()

    def _thin(self) -> None:
        self.interval *= 2
        for curve in self.curves.values():
            keep = [i for i, s in enumerate(curve.step) if s % self.interval == 0]
            curve.step = [curve.step[i] for i in keep]
            curve.error = [curve.error[i] for i in keep]
            curve.classification_error = [curve.classification_error[i] for i in keep]
