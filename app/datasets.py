"""Where uploaded data sets live: a registry by name, capped, least recently used first.

A set stays while a session uses it (``in_use``, the session store's answer); when the registry
is full, a new set evicts the least recently used set that no session uses. The registry holds
prepared ``core.Dataset`` objects; reading a CSV into one is the engine's work
(``core.csv_data``), and so is carrying a set inside a snapshot. No operation lists the sets: a
set's name is known to those who uploaded it or were given it.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable

from core import ConfigError, Dataset, TrainerConfig
from core.csv_data import is_upload_name


class DatasetNotFoundError(LookupError):
    """No uploaded set has this name here: never uploaded to this server, or evicted."""

    def __init__(self, name: str) -> None:
        shown = name if len(name) <= 64 else name[:64] + "…"
        super().__init__(
            f"no uploaded data set {shown!r} here: it was never uploaded to this server, or "
            "was evicted when no session used it (upload it again)"
        )


class DatasetLimitError(RuntimeError):
    """The registry is full and every set in it is used by a session."""


class DatasetRegistry:
    """Uploaded sets by name, at most ``max_datasets``, least recently used first."""

    def __init__(self, max_datasets: int, in_use: Callable[[], set[str]] = set) -> None:
        if max_datasets < 1:
            raise ValueError(f"max_datasets={max_datasets!r}: must be at least 1")
        self.max_datasets = max_datasets
        self.in_use = in_use  # the names of the sets sessions use now
        self._sets: OrderedDict[str, Dataset] = OrderedDict()

    def __len__(self) -> int:
        return len(self._sets)

    def __contains__(self, name: object) -> bool:
        return name in self._sets

    def put(self, dataset: Dataset) -> Dataset:
        """Keeps ``dataset`` as the most recently used, evicting the least recently used set no
        session uses when full; ``DatasetLimitError`` when every set is in use. A set already
        held (the same name: the same content) is kept as it is and returned."""
        held = self._sets.get(dataset.name)
        if held is not None:
            self._sets.move_to_end(dataset.name)
            return held
        if len(self._sets) >= self.max_datasets:
            self.evict()
        self._sets[dataset.name] = dataset
        return dataset

    def held(self, name: str) -> Dataset | None:
        """The set if it is here, leaving the order of use as it is (for a worker thread
        restoring a snapshot: a lookup, no change)."""
        return self._sets.get(name)

    def get(self, name: str) -> Dataset:
        """The set, now the most recently used; ``DatasetNotFoundError`` if there is none."""
        dataset = self._sets.get(name)
        if dataset is None:
            raise DatasetNotFoundError(name)
        self._sets.move_to_end(name)
        return dataset

    def evict(self) -> None:
        """Drops the least recently used set that no session uses; ``DatasetLimitError`` if
        every set is in use."""
        used = self.in_use()
        for name in self._sets:  # least recently used first
            if name not in used:
                del self._sets[name]
                return
        raise DatasetLimitError(
            f"the server holds its maximum of {self.max_datasets} uploaded data sets and "
            "sessions use them all; delete a session or try again later"
        )

    def dataset_for(self, config: TrainerConfig) -> Dataset | None:
        """The uploaded set ``config`` trains on, or ``None`` for a built-in set (the trainer
        loads those); ``core.ConfigError`` on ``dataset`` if there is no such upload."""
        if not is_upload_name(config.dataset):
            return None
        try:
            return self.get(config.dataset)
        except DatasetNotFoundError as e:
            raise ConfigError("dataset", config.dataset, str(e)) from None
