"""``/api/datasets`` and ``/api/activations``."""

from __future__ import annotations

from fastapi.testclient import TestClient

from core import ACTIVATIONS, dataset_names, load_dataset, max_slope
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
            "task": str(dataset.task),
            "plane": dataset.features is not None,
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
        {"name": a.name, "description": a.description, "max_slope": max_slope(a)}
        for a in ACTIVATIONS.values()
    ]


def test_samples_are_the_engines_sets(client: TestClient) -> None:
    response = client.get("/api/datasets/iris/samples", headers={"accept-encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["content-encoding"] == "gzip"
    samples = body(response)
    dataset = load_dataset("iris")
    for name, part in dataset.parts().items():
        assert samples[name] == {
            "x": part.x.tolist(),
            "label": part.label.tolist(),
            "target": part.target.tolist(),
            "plane": None,
        }


def test_samples_of_every_data_set_have_one_label_per_row(client: TestClient) -> None:
    for name in dataset_names():
        samples = body(client.get(f"/api/datasets/{name}/samples"))
        dataset = load_dataset(name)
        assert len(samples["train"]["x"]) == len(samples["train"]["label"]) == dataset.train.size
        assert len(samples["test"]["x"][0]) == dataset.input_count


def test_samples_of_an_unknown_data_set_answer_404_naming_the_known_ones(
    client: TestClient,
) -> None:
    response = client.get("/api/datasets/mnist/samples")
    assert response.status_code == 404
    message = body(response)["message"]
    assert "unknown dataset 'mnist'" in message
    assert all(name in message for name in dataset_names())
