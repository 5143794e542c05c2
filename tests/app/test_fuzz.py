"""The API fuzzed from its own OpenAPI schema by Schemathesis, an independent client: every
operation, valid and invalid requests; no 5xx, and every answer as the schema documents it
(status code and body). The live stream is not in the OpenAPI schema: see test_bad_input.

Two runs: one as Schemathesis generates the requests (session ids at random: the 404 paths),
and one with every ``{session_id}`` the default session's (the session operations' real work).
Fixed seed and derandomized generation, so CI runs the same cases every time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import schemathesis
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


Test = Callable[[Any], None]


def _parametrize(schema: BaseSchema) -> Callable[[Test], Test]:
    """``schema.parametrize()``, typed (Schemathesis's decorator is untyped)."""
    decorator: Callable[[Test], Test] = schema.parametrize()
    return decorator


def _schema(phases: list[str]) -> BaseSchema:
    app = create_app(Settings(persist=False, max_sessions=64))
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
