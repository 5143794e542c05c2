"""The garbage collector tuned for serving: the heap the app starts with set aside, and young
objects collected in larger batches.

CPython collects reference cycles when the objects allocated since the last collection outnumber
those freed by 700 (its default first threshold), and every tenth collection of a generation
collects the next one too, up to the whole heap. A request that waits for Redis holds its task,
coroutines and frames across the round trip, so with a few dozen such requests in flight the
count passes 700 every few requests: on the Redis store a one-step request paid about 25 µs of
collections, most of it in full collections walking the hundreds of thousands of objects that
imports and the app's assembly left, which never become garbage (the in-memory store's request
finishes before the next begins, and almost never triggers one). Measured in docs/benchmarks.md.
"""

from __future__ import annotations

import gc

YOUNG_THRESHOLD = 10_000  # allocations (net of frees) between collections of the young objects
_settled = False


def settle() -> None:
    """Once a process (the first app's start): the objects alive now moved out of the
    collector's sight for good (``gc.freeze``: they are still freed when their last reference
    goes, only never scanned for cycles), and the young generation's threshold raised."""
    global _settled
    if _settled:
        return
    _settled = True
    gc.collect()  # what the start left as garbage goes now, not frozen with the rest
    gc.freeze()
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, older, oldest)
