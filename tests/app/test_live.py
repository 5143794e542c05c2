"""``WS /api/sessions/{id}/live`` through Starlette's test client: commands, frames, errors."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.testclient import WebSocketTestSession
from starlette.websockets import WebSocketDisconnect

from core import Trainer, TrainerConfig
from tests.app.helpers import body, create_session, strict_json, weights_of
from tests.waiting import wait_until

pytestmark = pytest.mark.timeout(60)


def receive(ws: WebSocketTestSession) -> dict[str, Any]:
    message: dict[str, Any] = strict_json(ws.receive_text())  # fails on NaN or Infinity
    return message


def command(ws: WebSocketTestSession, **message: Any) -> dict[str, Any]:
    """Sends a command and returns its reply."""
    ws.send_json(message)
    return receive(ws)


def connect(client: TestClient, session_id: str) -> Any:
    return client.websocket_connect(f"/api/sessions/{session_id}/live")


def play_then_pause(ws: WebSocketTestSession, count: int) -> list[dict[str, Any]]:
    """Reads ``count`` frames of a playing stream and pauses; returns the frames, up to the
    pause's status."""
    frames = []
    for _ in range(count):
        message = receive(ws)
        assert message["type"] == "frame", message
        frames.append(message)
    ws.send_json({"type": "pause"})
    while (message := receive(ws))["type"] == "frame":
        frames.append(message)
    assert message == {**message, "type": "status", "state": "paused"}
    return frames


def test_connecting_to_an_unknown_session_closes_with_4404(client: TestClient) -> None:
    with connect(client, "no-such-session") as ws, pytest.raises(WebSocketDisconnect) as closed:
        ws.receive_text()
    assert closed.value.code == 4404
    assert "session not found" in closed.value.reason


def test_the_stream_starts_paused_with_a_status(client: TestClient) -> None:
    session_id = create_session(client)
    with connect(client, session_id) as ws:
        assert receive(ws) == {
            "type": "status",
            "state": "paused",
            "steps_per_second": 10.0,
            "step": 0,
            "learning_rate": 0.1,
        }


def test_step_command_sends_one_frame_with_the_state_and_trace(client: TestClient) -> None:
    session_id = create_session(client, dataset="xor", hidden=[2], seed=3)
    with connect(client, session_id) as ws:
        receive(ws)
        frame = command(ws, type="step", n=40)
        assert frame["type"] == "frame"
        assert frame["steps"] == 40
        assert frame["step"] == frame["trace"]["step"] == 40
        assert frame["id"] == session_id
        assert {"config", "layers", "metrics", "diverged"} <= set(frame)
        frame = command(ws, type="step")  # n defaults to 1
        assert frame["steps"] == 1
    trainer = Trainer(TrainerConfig(dataset="xor", hidden=(2,), seed=3))
    trainer.run(41)
    assert [layer["weights"] for layer in frame["layers"]] == weights_of(trainer)


def test_play_sends_frames_until_pause(client: TestClient) -> None:
    session_id = create_session(client)
    with connect(client, session_id) as ws:
        receive(ws)
        status = command(ws, type="play", steps_per_second=2000)
        assert status["type"] == "status"
        assert status["state"] == "playing"
        assert status["steps_per_second"] == 2000  # the setting echoed, not a measured rate
        frames = play_then_pause(ws, 5)
        assert len(frames) >= 5
        assert all(frame["steps"] >= 1 for frame in frames)
        steps = [frame["step"] for frame in frames]
        assert steps == sorted(steps)
        # after the pause's status no frame comes: the next message answers the next command
        frame = command(ws, type="step")
        assert frame["steps"] == 1
        assert frame["step"] == steps[-1] + 1
    assert body(client.get(f"/api/sessions/{session_id}"))["step"] == steps[-1] + 1


def test_frames_cover_every_step_taken(client: TestClient) -> None:
    session_id = create_session(client)
    with connect(client, session_id) as ws:
        receive(ws)
        command(ws, type="play", steps_per_second=5000)
        frames = play_then_pause(ws, 10)
    assert sum(frame["steps"] for frame in frames) == frames[-1]["step"]


def test_set_speed_changes_the_speed_while_playing(client: TestClient) -> None:
    session_id = create_session(client)
    with connect(client, session_id) as ws:
        receive(ws)
        command(ws, type="play", steps_per_second=100)
        ws.send_json({"type": "set_speed", "steps_per_second": 3000})
        while (message := receive(ws))["type"] == "frame":
            pass
        assert message["type"] == "status"
        assert message["state"] == "playing"
        assert message["steps_per_second"] == 3000  # the setting echoed, not a rate
        frames = play_then_pause(ws, 10)
        assert max(frame["steps"] for frame in frames) > 10  # 3000/s at most 60 frames/s


def test_set_speed_while_paused_stays_paused(client: TestClient) -> None:
    session_id = create_session(client)
    with connect(client, session_id) as ws:
        receive(ws)
        status = command(ws, type="set_speed", steps_per_second=50)
        assert status["state"] == "paused"
        assert status["steps_per_second"] == 50  # the setting echoed, not a measured rate
        assert command(ws, type="step")["step"] == 1  # nothing was played meanwhile


def test_set_learning_rate_takes_effect_while_playing(client: TestClient) -> None:
    session_id = create_session(client)
    with connect(client, session_id) as ws:
        receive(ws)
        command(ws, type="play", steps_per_second=1000)
        ws.send_json({"type": "set_learning_rate", "learning_rate": 0.25})
        while (message := receive(ws))["type"] == "frame":
            pass
        assert message["type"] == "status"
        assert message["learning_rate"] == 0.25
        frames = play_then_pause(ws, 6)
        assert frames[-1]["trace"]["learning_rate"] == 0.25
        assert frames[-1]["config"]["learning_rate"] == 0.25
    assert body(client.get(f"/api/sessions/{session_id}"))["config"]["learning_rate"] == 0.25


def test_rest_patch_changes_the_learning_rate_of_a_playing_stream(client: TestClient) -> None:
    session_id = create_session(client)
    with connect(client, session_id) as ws:
        receive(ws)
        command(ws, type="play", steps_per_second=1000)
        receive(ws)
        response = client.patch(f"/api/sessions/{session_id}", json={"learning_rate": 0.05})
        assert response.status_code == 200
        patched_at = body(response)["step"]
        frames = play_then_pause(ws, 6)
        later = [f for f in frames if f["step"] > patched_at]
        assert later
        assert all(frame["trace"]["learning_rate"] == 0.05 for frame in later)


@pytest.mark.parametrize(
    ("raw", "named"),
    [
        ("not json", "command: invalid JSON"),
        ("[1, 2]", "type: a command is a JSON object"),
        ("{}", "type: a command is a JSON object"),
        ('{"type": "jump"}', "type='jump': unknown command"),
        ('{"type": "play"}', "steps_per_second: Field required"),
        ('{"type": "play", "steps_per_second": 0}', "steps_per_second=0"),
        ('{"type": "play", "steps_per_second": 1e9}', "steps_per_second=1000000000.0"),
        ('{"type": "play", "steps_per_second": NaN}', "steps_per_second=nan"),
        ('{"type": "set_speed", "steps_per_second": "fast"}', "steps_per_second='fast'"),
        ('{"type": "step", "n": 0}', "n=0"),
        ('{"type": "step", "n": 100001}', "n=100001"),
        ('{"type": "set_learning_rate", "learning_rate": -1}', "learning_rate=-1"),
        ('{"type": "pause", "now": true}', "now=True"),
    ],
)
def test_a_bad_command_gets_an_error_and_the_stream_goes_on(
    client: TestClient, raw: str, named: str
) -> None:
    session_id = create_session(client)
    with connect(client, session_id) as ws:
        receive(ws)
        ws.send_text(raw)
        error = receive(ws)
        assert error["type"] == "error"
        assert named in error["message"]
        assert command(ws, type="step")["step"] == 1


def test_a_binary_message_gets_an_error(client: TestClient) -> None:
    session_id = create_session(client)
    with connect(client, session_id) as ws:
        receive(ws)
        ws.send_bytes(b'{"type": "step"}')
        error = receive(ws)
        assert error["type"] == "error"
        assert "not binary" in error["message"]
        assert command(ws, type="step")["step"] == 1


def test_divergence_while_playing_pauses_with_a_message(client: TestClient) -> None:
    session_id = create_session(client, activation="linear", learning_rate=1e5)
    with connect(client, session_id) as ws:
        receive(ws)
        command(ws, type="play", steps_per_second=5000)
        while (message := receive(ws))["type"] == "frame":
            last_frame = message
        assert message["type"] == "diverged"
        assert "diverged" in message["message"]
        assert "reset" in message["message"]
        assert last_frame["diverged"] is True
        assert last_frame["trace"]["diverged"] is True
        assert message["step"] == last_frame["step"]
        # paused: the next message answers the next command
        again = command(ws, type="play", steps_per_second=10)
        assert again["type"] == "diverged"
        assert command(ws, type="step")["type"] == "diverged"
        assert client.post(f"/api/sessions/{session_id}/reset").status_code == 200
        assert command(ws, type="step")["step"] == 1


def test_rest_and_stream_steps_add_up_exactly(client: TestClient) -> None:
    session_id = create_session(client, seed=8)
    rest_steps = 0
    with connect(client, session_id) as ws:
        receive(ws)
        command(ws, type="play", steps_per_second=20_000)
        for n in (1, 500, 3, 2000, 1):
            response = client.post(f"/api/sessions/{session_id}/step", json={"n": n})
            assert response.status_code == 200
            rest_steps += n
        frames = play_then_pause(ws, 6)
    stream_steps = sum(frame["steps"] for frame in frames)
    state = body(client.get(f"/api/sessions/{session_id}"))
    assert state["step"] == stream_steps + rest_steps
    trainer = Trainer(TrainerConfig(seed=8))
    trainer.run(state["step"], record_last=False)
    assert [layer["weights"] for layer in state["layers"]] == weights_of(trainer)


def test_disconnecting_stops_the_training(client: TestClient) -> None:
    session_id = create_session(client)
    with connect(client, session_id) as ws:
        receive(ws)
        command(ws, type="play", steps_per_second=5000)
        receive(ws)
    session = client.app.state.store.get(session_id)  # type: ignore[attr-defined]
    # (until the server has seen the disconnect)
    wait_until(lambda: not session.streams, "the stream is still serving", guard=30, every=0.01)
    step = body(client.get(f"/api/sessions/{session_id}"))["step"]
    assert not session.lock.locked()  # nothing trains it
    assert body(client.post(f"/api/sessions/{session_id}/step"))["step"] == step + 1


def test_deleting_the_session_closes_its_stream_with_4404(client: TestClient) -> None:
    session_id = create_session(client)
    with connect(client, session_id) as ws:
        receive(ws)
        assert client.delete(f"/api/sessions/{session_id}").status_code == 204
        ws.send_json({"type": "step"})
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_text()
    assert closed.value.code == 4404


def test_a_session_with_a_stream_is_not_evicted(client: TestClient) -> None:
    session_id = create_session(client)
    with connect(client, session_id) as ws:
        receive(ws)
        for _ in range(20):  # more than max_sessions (8): every other session is evicted
            assert client.post("/api/sessions").status_code == 201
        assert command(ws, type="step")["step"] == 1
    assert client.get(f"/api/sessions/{session_id}").status_code == 200


def test_two_streams_on_one_session_take_turns(client: TestClient) -> None:
    session_id = create_session(client)
    with connect(client, session_id) as first, connect(client, session_id) as second:
        receive(first)
        receive(second)
        command(first, type="play", steps_per_second=3000)
        command(second, type="play", steps_per_second=3000)
        first_frames = play_then_pause(first, 3)
        second_frames = play_then_pause(second, 3)
    total = sum(f["steps"] for f in first_frames) + sum(f["steps"] for f in second_frames)
    assert body(client.get(f"/api/sessions/{session_id}"))["step"] == total
