"""app.heap: a started app's process has its start's heap set aside and collects young objects
in larger batches, and still collects the cycles made while serving."""

from __future__ import annotations

import gc
import weakref

from fastapi.testclient import TestClient

from app import heap


class Node:
    def __init__(self) -> None:
        self.other: Node | None = None


def test_a_started_app_sets_its_heap_aside(client: TestClient) -> None:
    assert client.get("/healthz").status_code == 200
    assert gc.get_freeze_count() > 0
    assert gc.get_threshold()[0] == heap.YOUNG_THRESHOLD


def test_settling_again_freezes_nothing_more(client: TestClient) -> None:
    frozen = gc.get_freeze_count()
    made = [Node() for _ in range(100)]  # since the start: left to the collector
    heap.settle()
    assert gc.get_freeze_count() == frozen
    del made


def test_a_cycle_made_while_serving_is_still_collected(client: TestClient) -> None:
    a, b = Node(), Node()
    a.other, b.other = b, a
    gone = weakref.ref(a)
    del a, b
    gc.collect()
    assert gone() is None
