"""``POST /api/datasets``: one's own data, uploaded as CSV, trained on by name like a built-in set;
bad files refused with their row and column, nothing stored; the uploads capped."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.settings import Settings
from core import Trainer, TrainerConfig
from core.csv_data import read_csv
from tests.app.helpers import body, create_session

CSV = {"content-type": "text/csv"}
# classes b then a (first appearance); within each class, rank mod 4: 1 validation, 3 test
SMALL = "x,y,label\n0,10,b\n2,10,a\n4,20,b\n1,30,a\n3,40,b\n5,50,a\n8,50,b\n6,60,a\n7,20,b\n"


def _upload(client: TestClient, text: str, **params: str) -> dict[str, Any]:
    response = client.post("/api/datasets", content=text.encode(), headers=CSV, params=params)
    assert response.status_code == 201, response.text
    descriptor: dict[str, Any] = body(response)
    return descriptor


def test_an_upload_answers_201_with_the_descriptor(client: TestClient) -> None:
    descriptor = _upload(client, SMALL)
    assert descriptor == {
        "name": descriptor["name"],
        "description": "your data: 2 features, 2 classes of 'label', 9 rows",
        "task": "classification",
        "plane": False,
        "feature_names": ["x", "y"],
        "class_names": ["b", "a"],
        "output_names": ["a"],
        "input_count": 2,
        "output_count": 1,
        "train_size": 5,
        "validation_size": 2,
        "test_size": 2,
    }
    assert descriptor["name"].startswith("csv-")
    assert descriptor["name"] not in [d["name"] for d in body(client.get("/api/datasets"))]
    response = client.get(f"/api/datasets/{descriptor['name']}")  # read back by name only
    assert response.status_code == 200
    assert body(response) == descriptor
    assert body(client.get("/api/datasets/xor"))["plane"] is True
    assert client.get("/api/datasets/csv-0123456789abcdef").status_code == 404
    assert client.get("/api/datasets/mnist").status_code == 404


def test_a_csv_round_trip_trains_and_serves_the_scaled_samples(client: TestClient) -> None:
    name = _upload(client, SMALL)["name"]
    samples = body(client.get(f"/api/datasets/{name}/samples"))
    # x / 8 and (y - 10) / 50, worked by hand; class b (0) is rows 0, 2, 4, 6, 8, a (1) 1, 3, 5, 7
    assert samples["train"] == {
        "x": [[0, 0], [0.25, 0], [0.375, 0.6], [0.625, 0.8], [0.875, 0.2]],
        "label": [0, 1, 0, 1, 0],
        "target": [[0], [1], [0], [1], [0]],
        "plane": None,
    }
    assert samples["validation"]["x"] == [[0.5, 0.2], [0.125, 0.4]]
    assert samples["test"]["x"] == [[1.0, 0.8], [0.75, 1.0]]
    assert samples["test"]["label"] == [0, 1]
    session_id = create_session(client, dataset=name, hidden=[3], seed=2)
    state = body(client.post(f"/api/sessions/{session_id}/step", json={"n": 500}))
    assert state["config"]["dataset"] == name
    assert [np.shape(layer["weights"]) for layer in state["layers"]] == [(3, 3), (1, 4)]
    trainer = Trainer(TrainerConfig(dataset=name, hidden=(3,), seed=2), dataset=read_csv(SMALL))
    trainer.run(500)
    assert [layer["weights"] for layer in state["layers"]] == [w.tolist() for w in trainer.weights]
    assert body(client.post(f"/api/sessions/{session_id}/reset"))["step"] == 0


def test_the_same_file_twice_gives_one_name(client: TestClient, app: Any) -> None:
    first = _upload(client, SMALL)
    assert _upload(client, SMALL) == first
    assert _upload(client, SMALL, label="label") == first  # the default label, named
    assert len(app.state.store.datasets) == 1
    other = _upload(client, SMALL.replace("7,20,b", "7,21,b"))
    assert other["name"] != first["name"]


def test_a_regression_upload_has_no_classification_error(client: TestClient) -> None:
    text = "a,b,value\n" + "".join(f"{i},{i * i % 7},{i / 3}\n" for i in range(12))
    descriptor = _upload(client, text, task="regression")
    assert descriptor["task"] == "regression"
    assert descriptor["class_names"] == []
    assert descriptor["output_names"] == ["value"]
    session_id = create_session(client, dataset=descriptor["name"])
    state = body(client.post(f"/api/sessions/{session_id}/step", json={"n": 20}))
    for metrics in state["metrics"].values():
        assert metrics["classification_error"] is None
        assert metrics["error"] >= 0
    history = body(client.get(f"/api/sessions/{session_id}/history"))
    assert history["test"]["classification_error"] == [None, None, None]  # steps 0, 10, 20
    assert len(history["test"]["error"]) == 3


ROWS = "1,2,x\n3,4,y\n5,6,x\n7,8,y\n"
BAD_FILES = [
    ("missing cell", "a,b,k\n1,2,x\n3,,y\n5,6,x\n7,8,y\n", 3, "2 ('b')"),
    ("not a number", "a,b,k\n1,2,x\n3,4,y\n5,six,x\n7,8,y\n", 4, "2 ('b')"),
    ("not finite", "a,b,k\n1,2,x\n3,4,y\n5,6,x\nnan,8,y\n", 5, "1 ('a')"),
    ("overflows", "a,b,k\n1,2,x\n3,1e400,y\n5,6,x\n7,8,y\n", 3, "2 ('b')"),
    ("duplicate name", "a,a,k\n" + ROWS, 1, "2 ('a')"),
    ("empty name", "a,,k\n" + ROWS, 1, "2"),
    ("short row", "a,b,k\n1,2,x\n3,4\n5,6,x\n7,8,y\n", 3, "3 ('k')"),
    ("long row", "a,b,k\n1,2,x\n3,4,y,9\n5,6,x\n7,8,y\n", 3, "4"),
    ("missing label", "a,b,k\n1,2,x\n3,4,\n5,6,x\n7,8,y\n", 3, "3 ('k')"),
]


@pytest.mark.parametrize(("case", "text", "row", "column"), BAD_FILES)
def test_a_bad_file_answers_422_naming_row_and_column_and_stores_nothing(
    client: TestClient, app: Any, case: str, text: str, row: int, column: str
) -> None:
    response = client.post("/api/datasets", content=text.encode(), headers=CSV)
    assert response.status_code == 422, case
    error = body(response)
    assert error["message"].startswith(f"row {row}, column {column}: "), error
    assert error["detail"][0]["loc"] == ["body", "row", row, "column", column]
    assert len(app.state.store.datasets) == 0


def test_a_constant_label_answers_422_naming_its_column_and_rows(
    client: TestClient, app: Any
) -> None:
    response = client.post("/api/datasets", content=b"a,b,k\n" + b"1,2,x\n" * 5, headers=CSV)
    assert response.status_code == 422
    assert body(response)["message"] == (
        "column 3 ('k'): rows 2 to 6: every label is 'x'; at least 2 classes"
    )
    regression = b"a,b,k\n" + b"1,2,3\n" * 5
    response = client.post("/api/datasets?task=regression", content=regression, headers=CSV)
    assert response.status_code == 422
    assert "column 3 ('k'): rows 2 to 6: every value is 3" in body(response)["message"]
    assert len(app.state.store.datasets) == 0


def test_other_bad_uploads_answer_clear_errors(client: TestClient) -> None:
    def post(content: bytes, headers: dict[str, str] = CSV, **params: str) -> tuple[int, str]:
        response = client.post("/api/datasets", content=content, headers=headers, params=params)
        return response.status_code, body(response)["message"]

    assert post(SMALL.encode(), {"content-type": "application/json"}) == (
        415,
        "Content-Type 'application/json': send the data set as text/csv",
    )
    assert post(b"a,k\n1,x\n\xff,y\n") == (422, "row 3: not UTF-8 text (byte 9)")
    assert post(SMALL.encode(), label="z")[0] == 422
    assert post(SMALL.encode(), task="clustering")[0] == 422
    assert post(b"")[1] == "row 1: empty: the first row must name the columns"


def test_limits_are_settings(settings: Settings) -> None:
    limited = settings.model_copy(update={"max_upload_size": 2048, "max_rows": 8})
    with TestClient(create_app(limited)) as client:
        big = "a,k\n" + "1.5,x\n" * 400  # 2404 bytes
        response = client.post("/api/datasets", content=big.encode(), headers=CSV)
        assert response.status_code == 413
        assert body(response)["message"] == "the request body is over the limit of 2048 bytes"
        response = client.post("/api/datasets", content=SMALL.encode(), headers=CSV)  # 9 rows
        assert response.status_code == 422
        assert body(response)["message"] == "row 10: more than 8 rows of data"


def test_the_least_recently_used_set_no_session_uses_is_evicted(settings: Settings) -> None:
    texts = [SMALL.replace("7,20,b", f"7,{20 + i},b") for i in range(3)]
    with TestClient(create_app(settings.model_copy(update={"max_datasets": 2}))) as client:
        first, second = (_upload(client, t)["name"] for t in texts[:2])
        create_session(client, dataset=first)  # first is used; second is not
        third = _upload(client, texts[2])["name"]
        assert client.get(f"/api/datasets/{first}/samples").status_code == 200
        assert client.get(f"/api/datasets/{third}/samples").status_code == 200
        response = client.get(f"/api/datasets/{second}/samples")
        assert response.status_code == 404
        assert "was evicted when no session used it" in body(response)["message"]
        response = client.post("/api/sessions", json={"dataset": second})
        assert response.status_code == 422
        assert body(response)["message"].startswith(f"dataset={second!r}: no uploaded data set")


def test_an_upload_when_sessions_use_every_slot_answers_503(settings: Settings) -> None:
    with TestClient(create_app(settings.model_copy(update={"max_datasets": 1}))) as client:
        create_session(client, dataset=_upload(client, SMALL)["name"])
        response = client.post(
            "/api/datasets", content=SMALL.replace("7,20", "7,21").encode(), headers=CSV
        )
        assert response.status_code == 503
        assert "sessions use them all" in body(response)["message"]


def test_a_snapshot_on_an_uploaded_set_restores_on_a_server_that_never_saw_it(
    settings: Settings,
) -> None:
    with TestClient(create_app(settings.model_copy(update={"persist": False}))) as client:
        name = _upload(client, SMALL)["name"]
        session_id = create_session(client, dataset=name, hidden=[4], seed=3)
        client.post(f"/api/sessions/{session_id}/step", json={"n": 321})
        snapshot = client.get(f"/api/sessions/{session_id}/snapshot").text
        later = body(client.post(f"/api/sessions/{session_id}/step", json={"n": 100}))
    assert '"dataset":{"csv":' in snapshot
    with TestClient(create_app(settings.model_copy(update={"persist": False}))) as fresh:
        assert fresh.get(f"/api/datasets/{name}/samples").status_code == 404
        raw = b'{"snapshot": ' + snapshot.encode() + b"}"
        response = fresh.post(
            "/api/sessions", content=raw, headers={"content-type": "application/json"}
        )
        assert response.status_code == 201, response.text
        restored = body(response)["id"]
        assert fresh.get(f"/api/datasets/{name}/samples").status_code == 200
        again = body(fresh.post(f"/api/sessions/{restored}/step", json={"n": 100}))
    assert again["step"] == later["step"] == 421
    assert again["layers"] == later["layers"]
    assert again["metrics"] == later["metrics"]


def test_a_snapshot_whose_set_does_not_match_its_name_is_refused(client: TestClient) -> None:
    name = _upload(client, SMALL)["name"]
    session_id = create_session(client, dataset=name)
    snapshot = body(client.get(f"/api/sessions/{session_id}/snapshot"))
    client.delete(f"/api/sessions/{session_id}")
    snapshot["dataset"]["csv"] = SMALL.replace("7,20,b", "7,99,b")
    fresh = TestClient(create_app(Settings(persist=False)))
    response = fresh.post("/api/sessions", json={"snapshot": snapshot})
    assert response.status_code == 422
    assert body(response)["message"].startswith("snapshot.dataset: is the set 'csv-")
    snapshot["dataset"]["csv"] = "a,b\n1,2\n"
    response = fresh.post("/api/sessions", json={"snapshot": snapshot})
    assert response.status_code == 422
    assert body(response)["message"].startswith("snapshot.dataset.csv: ")


def test_a_snapshot_without_its_set_restores_only_where_the_set_is(client: TestClient) -> None:
    name = _upload(client, SMALL)["name"]
    session_id = create_session(client, dataset=name)
    snapshot = body(client.get(f"/api/sessions/{session_id}/snapshot"))
    del snapshot["dataset"]
    response = client.post("/api/sessions", json={"snapshot": snapshot})
    assert response.status_code == 201, response.text
    fresh = TestClient(create_app(Settings(persist=False)))
    response = fresh.post("/api/sessions", json={"snapshot": snapshot})
    assert response.status_code == 422
    assert body(response)["message"].startswith(f"snapshot.dataset: {name!r}: no uploaded")
