"""Snapshots on the server's side: a session's document, and a trainer restored from one.

The engine (``core.snapshot``) writes the document and checks one it is given, raising
``SnapshotError`` with the place in the document that is wrong. Restoring a large net takes long
enough to hold up other requests (docs/benchmarks.md), so it runs in a worker thread.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from anyio import to_thread

from app.sessions import Session
from core import Dataset, Trainer
from core.csv_data import CsvLimits
from core.snapshot import SnapshotError, restore_snapshot, take_snapshot

Known = Callable[[str], Dataset | None]  # an uploaded set held here, by name

# what the engine may raise on a document its checks did not catch (numbers too large for the
# generator's state, say): still the document's fault, so still a 422 and never a 500
_UNCHECKED = (ValueError, TypeError, KeyError, OverflowError)


def snapshot_of(session: Session) -> dict[str, Any]:
    """The session's snapshot, a JSON-ready document (call it holding the session's lock)."""
    return take_snapshot(session.trainer)


def restore_trainer(
    document: Mapping[str, Any], limits: CsvLimits | None = None, known: Known | None = None
) -> Trainer:
    """The trainer ``document`` describes; ``SnapshotError`` for any it cannot restore. An
    uploaded set it carries is read within ``limits``, unless ``known`` holds it."""
    try:
        return restore_snapshot(dict(document), limits, known)
    except SnapshotError:
        raise
    except _UNCHECKED as e:
        raise SnapshotError("", f"cannot be restored: {e}") from None


async def restore_trainer_in_thread(
    document: Mapping[str, Any], limits: CsvLimits | None = None, known: Known | None = None
) -> Trainer:
    """``restore_trainer`` in a worker thread, so the event loop goes on serving meanwhile."""
    return await to_thread.run_sync(restore_trainer, document, limits, known)
