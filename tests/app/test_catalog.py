"""``/api/datasets`` and ``/api/activations``."""

from __future__ import annotations

from fastapi.testclient import TestClient

from core import ACTIVATIONS, dataset_names, load_dataset
from tests.app.helpers import body


def test_datasets_lists_every_data_set_with_names_and_sizes(client: TestClient) -> None:
    response = client.get("/api/datasets")
    assert response.status_code == 200
    datasets = body(response)
    assert [d["name"] for d in datasets] == dataset_names()
    for entry in datasets:
        dataset = load_dataset(entry["name"])
        assert entry == {
            "name": dataset.name,
            "description": dataset.description,
            "feature_names": list(dataset.feature_names),
            "class_names": list(dataset.class_names),
            "output_names": list(dataset.output_names),
            "input_count": dataset.input_count,
            "output_count": dataset.output_count,
            "train_size": dataset.train.size,
            "validation_size": dataset.validation.size,
            "test_size": dataset.test.size,
        }


def test_iris_has_the_tutorials_names(client: TestClient) -> None:
    iris = next(d for d in body(client.get("/api/datasets")) if d["name"] == "iris")
    assert iris["class_names"] == ["setosa", "versicolor", "virginica"]
    assert "petal length" in iris["feature_names"]
    assert iris["train_size"] + iris["validation_size"] + iris["test_size"] == 150


def test_activations_lists_every_activation(client: TestClient) -> None:
    response = client.get("/api/activations")
    assert response.status_code == 200
    assert body(response) == [
        {"name": a.name, "description": a.description} for a in ACTIVATIONS.values()
    ]
