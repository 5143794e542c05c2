"""The bad-input corpus: odd bodies, numbers, sizes, ids and live-stream messages. Each gets a
4xx with a JSON ``message`` (or, on a live stream, an ``error`` reply or a close with a reason),
and the session still trains normally afterwards."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.testclient import WebSocketTestSession
from starlette.websockets import WebSocketDisconnect

from app.limits import COMMAND_BURST
from app.main import create_app
from app.settings import Settings
from tests.app.helpers import JSON, body, create_session, strict_json

pytestmark = pytest.mark.timeout(60)

S = "{session}"  # replaced by the test's session id

# (method, path, body: bytes sent as JSON, a JSON-able value, or None for no body, status)
Request = tuple[str, str, Any, int]

MALFORMED_JSON: list[Request] = [
    ("POST", f"/api/sessions/{S}/step", raw, 422)
    for raw in [b"{", b"not json", b'{"n": 1,}', b"\xff\xfe", b'{"n": 1}}', b"[", b"'n'", b'"']
] + [
    ("POST", "/api/sessions", b'{"dataset": "xor"', 422),
    ("POST", f"/api/sessions/{S}/reset", b"{dataset: xor}", 422),
    ("PATCH", f"/api/sessions/{S}", b'{"learning_rate": 0.1', 422),
    ("POST", "/api/sessions", b"[" * 50_000, 422),  # too deep for Python's parser
    ("POST", f"/api/sessions/{S}/step", b"[" * 50_000, 422),
    ("POST", "/api/sessions", b'{"seed": 1' + b"0" * 5_000 + b"}", 422),  # too many digits
    ("POST", "/api/sessions", b'{"dataset": "\xce\x58"}', 422),  # not UTF-8
    ("POST", f"/api/sessions/{S}/step", b'{"n": 1' + b"0" * 5_000 + b"}", 422),
]
WRONG_TYPES: list[Request] = (
    [
        ("POST", f"/api/sessions/{S}/step", {"n": value}, 422)
        for value in ["10", 1.5, [1], {"n": 1}, True, None]
    ]
    + [("POST", "/api/sessions", value, 422) for value in [[], "iris", 3, True]]
    + [
        ("POST", "/api/sessions", {"learning_rate": "0.1"}, 422),
        ("POST", "/api/sessions", {"learning_rate": [0.1]}, 422),
        ("POST", "/api/sessions", {"hidden": "4"}, 422),
        ("POST", "/api/sessions", {"hidden": {"0": 4}}, 422),
        ("POST", "/api/sessions", {"hidden": [[4]]}, 422),
        ("POST", "/api/sessions", {"dataset": 7}, 422),
        ("POST", "/api/sessions", {"seed": "1"}, 422),
        ("POST", "/api/sessions", {"sampling": None}, 422),
        ("POST", f"/api/sessions/{S}/reset", {"max_weight": "big"}, 422),
        ("PATCH", f"/api/sessions/{S}", {"learning_rate": False}, 422),
        ("GET", f"/api/sessions/{S}/regions?resolution=abc", None, 422),
        ("GET", f"/api/sessions/{S}/regions?resolution=1.5", None, 422),
    ]
)
NON_FINITE_AND_HUGE_NUMBERS: list[Request] = (
    [
        ("POST", "/api/sessions", f'{{"learning_rate": {v}}}'.encode(), 422)
        for v in ["NaN", "Infinity", "-Infinity", "1e308", "1e999", "-1e308", "-0.0", "0e0"]
    ]
    + [
        ("POST", "/api/sessions", f'{{"max_weight": {v}}}'.encode(), 422)
        for v in ["NaN", "Infinity", "1e308"]
    ]
    + [
        ("POST", f"/api/sessions/{S}/step", f'{{"n": {v}}}'.encode(), 422)
        for v in ["NaN", "Infinity", "1e308", "1e2"]
    ]
    + [
        ("PATCH", f"/api/sessions/{S}", f'{{"learning_rate": {v}}}'.encode(), 422)
        for v in ["NaN", "-Infinity", "1e308"]
    ]
    + [
        ("POST", "/api/sessions", b'{"seed": 1e308}', 422),
        ("POST", "/api/sessions", b'{"hidden": [1e308]}', 422),
    ]
)
SIZES: list[Request] = (
    [
        ("POST", "/api/sessions", {"hidden": hidden}, 422)
        for hidden in [[-1], [0], [65], [10**9], [2**64], [4] * 5, [1] * 1_000]
    ]
    + [
        ("POST", f"/api/sessions/{S}/step", {"n": n}, 422)
        for n in [-1, 0, 100_001, 10**9, 2**64, -(2**63)]
    ]
    + [("POST", "/api/sessions", {"seed": seed}, 422) for seed in [-1, 2**63, 2**200]]
    + [
        ("POST", "/api/sessions", {"max_weight": -0.5}, 422),
        ("GET", f"/api/sessions/{S}/regions?resolution=-1", None, 422),
        ("GET", f"/api/sessions/{S}/regions?resolution=1000000000", None, 422),
    ]
)
UNKNOWN_FIELDS_AND_ENUMS: list[Request] = [
    ("POST", "/api/sessions", {"speed": 3}, 422),
    ("POST", "/api/sessions", {"dataset": "mnist"}, 422),
    ("POST", "/api/sessions", {"dataset": "IRIS"}, 422),
    ("POST", "/api/sessions", {"activation": "softmax"}, 422),
    ("POST", "/api/sessions", {"sampling": "shuffle"}, 422),
    ("POST", "/api/sessions", {"dataset": "../iris"}, 422),
    ("POST", f"/api/sessions/{S}/reset", {"activation": ""}, 422),
    ("POST", f"/api/sessions/{S}/step", {"n": 1, "m": 2}, 422),
    ("PATCH", f"/api/sessions/{S}", {"learning_rate": 0.1, "seed": 1}, 422),
    ("POST", "/api/sessions", {"snapshot": {"format": "something else"}}, 422),
    ("POST", "/api/sessions", {"snapshot": []}, 422),
    ("GET", "/api/datasets/mnist/samples", None, 404),
    ("GET", "/api/datasets/%2e%2e%2fetc/samples", None, 404),
]
EMPTY_AND_OVERSIZED_BODIES: list[Request] = [
    ("PATCH", f"/api/sessions/{S}", None, 422),  # a body is required
    ("PATCH", f"/api/sessions/{S}", b"", 422),
    ("POST", f"/api/sessions/{S}/step", b"[" + b"1," * 40_000 + b"1]", 413),
    ("POST", f"/api/sessions/{S}/reset", b" " * 70_000, 413),
    ("POST", "/api/sessions", b'{"hidden": [' + b"1," * 2_100_000 + b"1]}", 413),
    ("POST", "/api/reset", {"dataset": "x" * 60_000}, 422),  # within the limit: just invalid
]
SESSION_IDS: list[Request] = [
    ("GET", f"/api/sessions/{session_id}", None, 404)
    for session_id in [
        "nope",
        "x" * 10_000,
        "s%C3%A9ance-%E2%98%83",
        "%F0%9F%98%80",
        "%00",
        "..%2F..%2Fetc%2Fpasswd",
        "%2e%2e",
        "default%2F..%2Fother",
        "%27%20OR%201%3D1%20--",
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    ]
] + [
    ("POST", "/api/sessions/nope/step", None, 404),
    ("POST", "/api/sessions/nope/reset", None, 404),
    ("PATCH", "/api/sessions/nope", {"learning_rate": 0.1}, 404),
    ("DELETE", "/api/sessions/nope", None, 404),
    ("DELETE", "/api/sessions/default", None, 409),
    ("GET", "/api/sessions/nope/history", None, 404),
    ("GET", "/api/sessions/nope/snapshot", None, 404),
    ("GET", "/api/sessions/nope/regions", None, 404),
    ("POST", "/api/sessions//step", None, 404),
    ("GET", "/api/sessions/../../etc/passwd", None, 404),
]
CONTENT_TYPES: list[tuple[str, int]] = [
    ("text/plain", 422),
    ("application/x-www-form-urlencoded", 422),
    ("multipart/form-data; boundary=x", 422),
    ("application/xml", 422),
]

REST_CASES = {
    "malformed JSON": MALFORMED_JSON,
    "wrong types": WRONG_TYPES,
    "NaN, Infinity, huge numbers": NON_FINITE_AND_HUGE_NUMBERS,
    "negative and huge sizes": SIZES,
    "unknown fields and enum values": UNKNOWN_FIELDS_AND_ENUMS,
    "empty and oversized bodies": EMPTY_AND_OVERSIZED_BODIES,
    "unknown and malformed session ids": SESSION_IDS,
}


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """One server for the whole corpus (each case makes its own session): a fresh app per case
    would cost more than the cases."""
    settings = Settings(
        persist=False,
        data_dir=tmp_path_factory.mktemp("data"),
        max_sessions=64,
        allowed_hosts=[
            "testserver"
        ],  # TestClient's name: conftest's per-test setting comes too late
    )
    with TestClient(create_app(settings)) as client:
        yield client


def _cases() -> list[Any]:
    return [
        pytest.param(*case, id=f"{kind}-{i}")
        for kind, cases in REST_CASES.items()
        for i, case in enumerate(cases)
    ]


def _still_trains(client: TestClient, session_id: str, step: int) -> None:
    """The session answers a normal step, one step further on."""
    response = client.post(f"/api/sessions/{session_id}/step")
    assert response.status_code == 200, response.text
    assert body(response)["step"] == step + 1


def _is_error(response: Any, status: int) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    error = body(response)
    assert isinstance(error["message"], str)
    assert error["message"]


@pytest.mark.parametrize(("method", "path", "payload", "status"), _cases())
def test_bad_request_answers_4xx_with_a_message_and_the_session_still_trains(
    shared: TestClient, method: str, path: str, payload: Any, status: int
) -> None:
    client = shared
    session_id = create_session(client)
    client.post(f"/api/sessions/{session_id}/step", json={"n": 5})
    url = path.replace(S, session_id)
    if payload is None:
        response = client.request(method, url)
    elif isinstance(payload, bytes):
        response = client.request(method, url, content=payload, headers=JSON)
    else:
        response = client.request(method, url, json=payload)
    _is_error(response, status)
    _still_trains(client, session_id, 5)
    assert body(client.get("/api/state"))["step"] == 0  # and nothing touched another session


@pytest.mark.parametrize(("content_type", "status"), CONTENT_TYPES)
def test_a_body_that_is_not_json_answers_422(
    client: TestClient, content_type: str, status: int
) -> None:
    session_id = create_session(client)
    for path in ("/api/sessions", f"/api/sessions/{session_id}/reset"):
        response = client.post(path, content=b"dataset=xor", headers={"content-type": content_type})
        _is_error(response, status)
    _still_trains(client, session_id, 0)


def test_a_chunked_body_over_the_limit_answers_413(client: TestClient) -> None:
    session_id = create_session(client)

    def chunks() -> Any:  # no Content-Length: counted as it is read
        for _ in range(100):
            yield b" " * 1_000

    response = client.post(f"/api/sessions/{session_id}/reset", content=chunks(), headers=JSON)
    _is_error(response, 413)
    assert "over the limit of 65536 bytes" in body(response)["message"]
    _still_trains(client, session_id, 0)


# live streams: each message gets an `error` reply naming what is wrong; the stream goes on
WS_ERRORS: list[tuple[str | bytes, str]] = [
    (b"\x00\x01binary", "not binary"),
    ("hello", "invalid JSON"),
    ("", "invalid JSON"),
    ("[1, 2]", "type"),
    ("42", "type"),
    ('"play"', "type"),
    ("null", "type"),
    ("{}", "type"),
    ('{"type": "dance"}', "unknown command"),
    ('{"type": "PLAY", "steps_per_second": 10}', "unknown command"),
    ('{"type": 7}', "type"),
    ('{"type": "pause", "now": true}', "now"),
    ('{"type": "play"}', "steps_per_second"),
    ('{"type": "play", "steps_per_second": NaN}', "steps_per_second"),
    ('{"type": "play", "steps_per_second": Infinity}', "steps_per_second"),
    ('{"type": "play", "steps_per_second": 1e308}', "steps_per_second"),
    ('{"type": "play", "steps_per_second": 0}', "steps_per_second=0"),
    ('{"type": "play", "steps_per_second": -5}', "steps_per_second=-5"),
    ('{"type": "play", "steps_per_second": "fast"}', "steps_per_second='fast'"),
    ('{"type": "set_speed", "steps_per_second": 1000000}', "steps_per_second=1000000"),
    ('{"type": "step", "n": 0}', "n=0"),
    ('{"type": "step", "n": -1}', "n=-1"),
    ('{"type": "step", "n": 1000000000}', "n=1000000000"),
    ('{"type": "step", "n": 1.5}', "n=1.5"),
    ('{"type": "step", "n": "3"}', "n='3'"),
    ('{"type": "step", "n": 1' + "0" * 5_000 + "}", "n"),
    ('{"type": "set_learning_rate", "learning_rate": NaN}', "learning_rate"),
    ('{"type": "set_learning_rate", "learning_rate": 0}', "learning_rate=0"),
    ('{"type": "set_learning_rate", "learning_rate": 1e308}', "learning_rate"),
    ('{"type": "step", "n": ' + "[" * 10_000 + "]" * 10_000 + "}", "invalid JSON"),
]


def _receive(ws: WebSocketTestSession) -> dict[str, Any]:
    message: dict[str, Any] = strict_json(ws.receive_text())
    return message


def _steps_once(ws: WebSocketTestSession, step: int) -> None:
    ws.send_json({"type": "step", "n": 1})
    frame = _receive(ws)
    assert frame["type"] == "frame"
    assert frame["step"] == step + 1


@pytest.mark.parametrize(("message", "named"), WS_ERRORS)
def test_a_bad_live_command_gets_an_error_and_the_stream_goes_on(
    shared: TestClient, message: str | bytes, named: str
) -> None:
    client = shared
    session_id = create_session(client)
    with client.websocket_connect(f"/api/sessions/{session_id}/live") as ws:
        assert _receive(ws)["type"] == "status"
        if isinstance(message, bytes):
            ws.send_bytes(message)
        else:
            ws.send_text(message)
        reply = _receive(ws)
        assert reply["type"] == "error"
        assert named in reply["message"]
        _steps_once(ws, 0)
    _still_trains(client, session_id, 1)


def _closed(ws: WebSocketTestSession) -> tuple[int, str]:
    """Reads up to the close; its code and reason."""
    with pytest.raises(WebSocketDisconnect) as closed:  # noqa: PT012
        while True:
            ws.receive_text()
    return closed.value.code, closed.value.reason


def test_a_message_over_the_size_limit_closes_the_stream_with_1009(client: TestClient) -> None:
    session_id = create_session(client)
    with client.websocket_connect(f"/api/sessions/{session_id}/live") as ws:
        _receive(ws)
        ws.send_text(json.dumps({"type": "pause", "pad": "x" * 70_000}))
        code, reason = _closed(ws)
    assert code == 1009
    assert reason == "message too big: at most 65536 bytes"
    _still_trains(client, session_id, 0)


def test_a_flood_of_commands_closes_the_stream_with_1008(client: TestClient) -> None:
    """2,000 commands sent without reading: the first ones are answered, then the stream is
    closed (the server does not queue work without bound)."""
    session_id = create_session(client)
    with client.websocket_connect(f"/api/sessions/{session_id}/live") as ws:
        _receive(ws)
        for _ in range(2_000):
            ws.send_text('{"type": "step", "n": 1}')
        frames = 0
        with pytest.raises(WebSocketDisconnect) as closed:  # noqa: PT012
            while True:
                assert _receive(ws)["type"] == "frame"
                frames += 1
    assert closed.value.code == 1008
    # the commands' rate plus one ready a frame (the app's max_frame_rate, 60)
    assert closed.value.reason == "too many commands: at most 160 a second (bursts of 260)"
    assert COMMAND_BURST <= frames < 2_000
    _still_trains(client, session_id, frames)


def test_a_live_stream_on_a_malformed_session_id_closes_with_4404(client: TestClient) -> None:
    for session_id in ("x" * 5_000, "%E2%98%83", "%00", "%27%20OR%201%3D1"):
        with client.websocket_connect(f"/api/sessions/{session_id}/live") as ws:
            code, reason = _closed(ws)
        assert code == 4404
        assert "session not found" in reason


def test_a_live_stream_on_a_path_outside_the_api_is_refused(client: TestClient) -> None:
    with pytest.raises(WebSocketDisconnect):  # no route: refused before the handshake
        client.websocket_connect("/api/sessions/..%2F..%2F/live").__enter__()
