"""Sessions survive a restart: saved on a graceful shutdown (SIGTERM), restored on start with the
same ids, steps, weights and order of use; a bad saved row or file never stops the server."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from app.checkpoint import Checkpointer
from app.main import create_app
from app.persistence import FILE_NAME, SessionArchive
from app.sessions import SessionStore
from app.settings import Settings
from core import Sampling, Trainer, TrainerConfig
from core.csv_data import read_csv
from tests.app.helpers import body, create_session, server_process, weights_of
from tests.servers import free_port

CSV = {"content-type": "text/csv"}


def _restarted(settings: Settings) -> TestClient:
    return TestClient(create_app(settings))


def _state(client: TestClient, session_id: str) -> dict[str, object]:
    response = client.get(f"/api/sessions/{session_id}")
    assert response.status_code == 200, response.text
    state: dict[str, object] = body(response)
    return state


def test_sessions_come_back_after_a_restart(settings: Settings) -> None:
    with _restarted(settings) as client:
        first = create_session(client, dataset="xor", hidden=[3], sampling="epoch", seed=5)
        second = create_session(client, dataset="spiral", hidden=[6, 6])
        client.post(f"/api/sessions/{first}/step", json={"n": 2_345})
        client.patch(f"/api/sessions/{first}", json={"learning_rate": 0.4})
        client.post(f"/api/sessions/{second}/step", json={"n": 10})
        client.post("/api/step", json={"n": 77})
        before = {i: _state(client, i) for i in (first, second, "default")}
        history = body(client.get(f"/api/sessions/{first}/history"))
    assert (settings.data_dir / FILE_NAME).stat().st_mode & 0o077 == 0  # owner only
    with _restarted(settings) as client:
        assert {i: _state(client, i) for i in (first, second, "default")} == before
        assert body(client.get(f"/api/sessions/{first}/history")) == history
        after = body(client.post(f"/api/sessions/{first}/step", json={"n": 500}))
    trainer = Trainer(TrainerConfig(dataset="xor", hidden=(3,), sampling=Sampling.EPOCH, seed=5))
    trainer.run(2_345, record_last=False)
    trainer.learning_rate = 0.4
    trainer.run(500, record_last=False)
    assert [layer["weights"] for layer in after["layers"]] == weights_of(trainer)


def test_the_order_of_use_is_kept_for_eviction(settings: Settings) -> None:
    with _restarted(settings) as client:
        ids = [create_session(client) for _ in range(settings.max_sessions)]
        client.get(f"/api/sessions/{ids[0]}")  # now the most recently used
    with _restarted(settings) as client:
        create_session(client)  # the store is full: the least recently used goes
        assert client.get(f"/api/sessions/{ids[1]}").status_code == 404
        assert client.get(f"/api/sessions/{ids[0]}").status_code == 200


def test_a_deleted_session_stays_deleted(settings: Settings) -> None:
    with _restarted(settings) as client:
        session_id = create_session(client)
        client.delete(f"/api/sessions/{session_id}")
    with _restarted(settings) as client:
        assert client.get(f"/api/sessions/{session_id}").status_code == 404


def test_a_row_that_cannot_be_restored_is_skipped(settings: Settings) -> None:
    with _restarted(settings) as client:
        good, bad, garbled = (create_session(client) for _ in range(3))
        client.post(f"/api/sessions/{good}/step", json={"n": 9})
    with sqlite3.connect(settings.data_dir / FILE_NAME) as connection:
        connection.execute(
            "UPDATE sessions SET snapshot = replace(snapshot, '\"version\":1', '\"version\":7')"
            " WHERE id = ?",
            (bad,),
        )
        connection.execute("UPDATE sessions SET snapshot = '{' WHERE id = ?", (garbled,))
    connection.close()
    with _restarted(settings) as client:
        assert _state(client, good)["step"] == 9
        assert client.get(f"/api/sessions/{bad}").status_code == 404
        assert client.get(f"/api/sessions/{garbled}").status_code == 404


def test_an_unreadable_file_is_moved_aside_and_the_server_starts(settings: Settings) -> None:
    settings.data_dir.mkdir()
    (settings.data_dir / FILE_NAME).write_bytes(b"not a database" * 100)
    with _restarted(settings) as client:
        assert _state(client, "default")["step"] == 0
        session_id = create_session(client)
    assert any(p.name.startswith(f"{FILE_NAME}.unreadable-") for p in settings.data_dir.iterdir())
    with _restarted(settings) as client:  # saved afresh on that shutdown
        assert client.get(f"/api/sessions/{session_id}").status_code == 200


def test_a_data_dir_that_cannot_be_made_does_not_stop_the_server(
    settings: Settings, tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    unusable = settings.model_copy(update={"data_dir": blocker / "data"})
    with _restarted(unusable) as client:
        assert client.post("/api/step").status_code == 200


def test_without_persistence_nothing_is_written(settings: Settings) -> None:
    off = settings.model_copy(update={"persist": False})
    with _restarted(off) as client:
        create_session(client)
    assert not settings.data_dir.exists()


def _stop(process: subprocess.Popen[bytes]) -> str:
    process.send_signal(signal.SIGTERM)
    output, _ = process.communicate(timeout=30)
    # uvicorn shuts down gracefully, then re-raises the signal: the exit is SIGTERM's
    assert process.returncode in (0, -signal.SIGTERM), output.decode()
    return output.decode()


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_a_real_server_stopped_by_sigterm_comes_back_with_its_sessions(tmp_path: Path) -> None:
    config = {"dataset": "circle", "hidden": [5], "sampling": "epoch", "seed": 21}
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with server_process(port, DATA_DIR=str(tmp_path), LOG_LEVEL="info") as process:
        session_id = body(httpx.post(f"{base}/api/sessions", json=config))["id"]
        httpx.post(f"{base}/api/sessions/{session_id}/step", json={"n": 4_321}, timeout=30)
        httpx.post(f"{base}/api/step", json={"n": 12})
        before = body(httpx.get(f"{base}/api/sessions/{session_id}"))
        log = _stop(process)
    assert "saved 2 sessions" in log
    with server_process(port, DATA_DIR=str(tmp_path), LOG_LEVEL="info") as process:
        after = body(httpx.get(f"{base}/api/sessions/{session_id}"))
        assert after == before  # same id, step, weights, metrics
        assert body(httpx.get(f"{base}/api/state"))["step"] == 12
        stepped = body(httpx.post(f"{base}/api/sessions/{session_id}/step", json={"n": 1_000}))
        log = _stop(process)
    assert "restored 2 saved sessions" in log
    trainer = Trainer(
        TrainerConfig(dataset="circle", hidden=(5,), sampling=Sampling.EPOCH, seed=21)
    )
    trainer.run(4_321 + 1_000, record_last=False)  # the same steps, uninterrupted
    assert stepped["step"] == 5_321
    assert [layer["weights"] for layer in stepped["layers"]] == weights_of(trainer)


@pytest.mark.anyio
async def test_a_session_busy_past_the_timeout_is_left_out_and_the_others_saved(
    tmp_path: Path,
) -> None:
    store = SessionStore(4)
    busy, idle = await store.create(TrainerConfig()), await store.create(TrainerConfig(seed=2))
    archive = SessionArchive(tmp_path / FILE_NAME)
    async with busy.lock:  # a run of steps that does not end in time
        final = await Checkpointer(archive, store.sessions, 1.0).checkpoint(wait=0.2)
    assert (final.written, final.busy) == (2, 1)
    saved = [session_id for session_id, _ in archive.load()]
    assert saved == ["default", idle.id]


def test_a_session_on_an_uploaded_set_goes_on_after_a_restart(settings: Settings) -> None:
    text = "a,b,k\n" + "".join(f"{i % 5},{i * 7 % 11},{'pq'[i % 3 == 0]}\n" for i in range(24))
    with _restarted(settings) as client:
        upload = client.post("/api/datasets", content=text.encode(), headers=CSV)
        assert upload.status_code == 201, upload.text
        name = body(upload)["name"]
        first = create_session(client, dataset=name, hidden=[3], seed=4)
        second = create_session(client, dataset=name)  # the set is read once for both
        client.post(f"/api/sessions/{first}/step", json={"n": 600})
        before = _state(client, first)
    with _restarted(settings) as client:
        assert _state(client, first) == before
        assert body(client.get(f"/api/sessions/{second}"))["config"]["dataset"] == name
        assert client.get(f"/api/datasets/{name}/samples").status_code == 200
        after = body(client.post(f"/api/sessions/{first}/step", json={"n": 400}))
        store = client.app.state.store  # type: ignore[attr-defined]
        sessions = {s.id: s for s in store.sessions()}
        assert sessions[first].trainer.dataset is sessions[second].trainer.dataset
    trainer = Trainer(TrainerConfig(dataset=name, hidden=(3,), seed=4), dataset=read_csv(text))
    trainer.run(1_000)
    assert after["step"] == 1_000
    assert [layer["weights"] for layer in after["layers"]] == weights_of(trainer)
