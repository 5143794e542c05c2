"""The API fuzzed from its own OpenAPI schema by Schemathesis, an independent client: every
operation, valid and invalid requests; no 5xx, and every answer as the schema documents it
(status code and body). The live stream is not in the OpenAPI schema: see test_bad_input.

``POST /api/datasets`` takes a CSV body: Schemathesis draws it from ``csv_bodies``, mostly files
that are data sets (answered 201), some with a bad cell, and some text at random (422).

Two runs: one as Schemathesis generates the requests (session ids at random: the 404 paths),
and one with every ``{session_id}`` the default session's (the session operations' real work).
Fixed seed and derandomized generation, so CI runs the same cases every time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import schemathesis
from hypothesis import strategies as st
from schemathesis import BaseSchema
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.main import create_app
from app.settings import Settings

MAX_EXAMPLES = 25  # per operation and run, for the fuzzing phase (examples and coverage add theirs)
SEED = 20_261_129
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

pytestmark = pytest.mark.timeout(300)

_CELL = st.floats(-1e6, 1e6, allow_nan=False).map(repr) | st.integers(-99, 99).map(str)
_BAD_CELL = st.sampled_from(["", "nan", "inf", "x", "1e999", '"'])


@st.composite
def _data_set_csv(draw: st.DrawFn) -> bytes:
    """A CSV of 1 to 4 features and a label of 2 to 3 classes, 8 to 40 rows; now and then one
    cell bad or one row short."""
    width = draw(st.integers(1, 4))
    header = [f"f{i}" for i in range(width)] + ["label"]
    rows = [
        [
            *draw(st.lists(_CELL, min_size=width, max_size=width)),
            "abc"[i % draw(st.sampled_from([2, 3]))],
        ]
        for i in range(draw(st.integers(8, 40)))
    ]
    if draw(st.booleans()) and draw(st.booleans()):
        row, column = draw(st.integers(0, len(rows) - 1)), draw(st.integers(0, width))
        rows[row][column] = draw(_BAD_CELL)
    if draw(st.integers(0, 7)) == 0:
        rows[draw(st.integers(0, len(rows) - 1))].pop()
    return "\n".join(",".join(cells) for cells in [header, *rows]).encode()


csv_bodies = _data_set_csv() | st.text(max_size=200).map(str.encode)
schemathesis.openapi.media_type("text/csv", csv_bodies)


Test = Callable[[Any], None]


def _parametrize(schema: BaseSchema) -> Callable[[Test], Test]:
    """``schema.parametrize()``, typed (Schemathesis's decorator is untyped)."""
    decorator: Callable[[Test], Test] = schema.parametrize()
    return decorator


def _schema(phases: list[str]) -> BaseSchema:
    # Schemathesis sends the Host of its ASGI client, testserver
    settings = Settings(persist=False, max_sessions=64, allowed_hosts=["testserver"])
    app = create_app(settings)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    schema.config.seed = SEED
    schema.config.generation.update(max_examples=MAX_EXAMPLES, deterministic=True)
    schema.config.phases.update(phases=phases)
    return schema


# at random; the coverage phase's boundary and invalid values (for every field of every
# operation) are sent once, on the real session, where they reach the engine
generated = _schema(["examples", "fuzzing"])
on_default = _schema(["examples", "coverage", "fuzzing"])
on_default.config.parameters = {"session_id": "default"}
CASES: dict[str, int] = {}


def _count(run: str, case: Any) -> None:
    """Counts the cases run, by run and by Schemathesis's phase (reported at the end of the
    test session: see conftest.pytest_terminal_summary)."""
    phase = getattr(case.meta.phase, "name", "?") if case.meta is not None else "?"
    for key in ("all", run, f"{run}, {phase}"):
        CASES[key] = CASES.get(key, 0) + 1


@_parametrize(generated)
def test_generated_requests_get_documented_answers(case: Any) -> None:
    _count("generated", case)
    case.call_and_validate(checks=CHECKS)


@_parametrize(on_default)
def test_requests_on_a_real_session_get_documented_answers(case: Any) -> None:
    _count("on the default session", case)
    case.call_and_validate(checks=CHECKS)
