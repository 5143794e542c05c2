"""``GET /`` (the page's template and its context), ``/static`` and Plotly.js: compressed and
cacheable."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import jinja2
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import ValidationError

from app.main import create_app
from app.schemas import COMMAND, MAX_STEPS_PER_SECOND, MIN_STEPS_PER_SECOND
from app.settings import Settings
from app.static import plotly_path
from core import ACTIVATIONS, LOSSES, Sampling, dataset_names, max_slope
from core.config import MAX_HIDDEN_LAYERS, MAX_HIDDEN_UNITS, MAX_LEARNING_RATE, MAX_WEIGHT_LIMIT
from core.features import FEATURES, MAX_NOISE
from core.snapshot import FORMAT
from tests.app.conftest import STATIC_JS
from tests.app.helpers import strict_json

GZIP = {"accept-encoding": "gzip"}


def page_context(client: TestClient) -> dict[str, Any]:
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    match = re.search(
        r'<script id="context" type="application/json">(.*)</script>', response.text, re.S
    )
    assert match is not None
    context: dict[str, Any] = strict_json(match.group(1))
    return context


def test_page_is_rendered_with_datasets_activations_defaults_and_limits(
    client: TestClient,
) -> None:
    context = page_context(client)
    assert [d["name"] for d in context["datasets"]] == dataset_names()
    assert {"feature_names", "class_names", "output_names"} <= set(context["datasets"][0])
    assert [a["name"] for a in context["activations"]] == list(ACTIVATIONS)
    assert context["defaults"]["dataset"] == "iris"
    assert context["defaults"]["learning_rate"] == 0.1
    assert context["plotly_url"].startswith("/static/vendor/plotly.min.js")


def test_the_page_gets_the_servers_facts_not_copies(client: TestClient, settings: Settings) -> None:
    """What static/js would otherwise copy: each value is the one the server checks against."""
    context = page_context(client)
    assert {a["name"]: a["max_slope"] for a in context["activations"]} == {
        name: max_slope(a) for name, a in ACTIVATIONS.items()
    }
    assert context["sampling_modes"] == [s.value for s in Sampling]
    assert [loss["name"] for loss in context["losses"]] == list(LOSSES)
    assert context["limits"] == {
        "max_hidden_layers": MAX_HIDDEN_LAYERS,
        "max_hidden_units": MAX_HIDDEN_UNITS,
        "max_learning_rate": MAX_LEARNING_RATE,
        "max_weight": MAX_WEIGHT_LIMIT,
        "max_snapshot_size": settings.max_snapshot_size,
        "max_noise": MAX_NOISE,
    }
    assert context["features"] == list(FEATURES)
    assert context["snapshot_format"] == FORMAT
    speed = context["speed"]
    assert speed["min"] == MIN_STEPS_PER_SECOND
    assert speed["min"] <= speed["default"] <= speed["max"] <= MAX_STEPS_PER_SECOND


def test_the_pages_slowest_speed_is_the_slowest_a_live_stream_plays_at(
    client: TestClient,
) -> None:
    speed = page_context(client)["speed"]
    for steps_per_second in (speed["min"], speed["max"]):
        COMMAND.validate_python({"type": "play", "steps_per_second": float(steps_per_second)})
    with pytest.raises(ValidationError):
        COMMAND.validate_python({"type": "play", "steps_per_second": speed["min"] - 0.5})


def test_the_page_preloads_every_module_main_first(settings: Settings) -> None:
    for name in ("zeta", "main", "alpha"):
        (settings.static_dir / "js" / f"{name}.js").write_text("")
    with TestClient(create_app(settings)) as client:
        assert page_context(client)["modules"] == ["main", "alpha", "app", "zeta"]


def test_page_without_its_template_answers_503(tmp_path: Path) -> None:
    app = create_app(Settings(templates_dir=tmp_path, static_dir=tmp_path))
    with TestClient(app) as client:
        response = client.get("/")
    assert response.status_code == 503
    assert "index.html" in response.text


def test_static_files_are_gzipped_and_cacheable(client: TestClient) -> None:
    response = client.get("/static/js/app.js", headers=GZIP)
    assert response.status_code == 200
    assert response.headers["content-encoding"] == "gzip"
    assert response.text == STATIC_JS  # the client decompresses
    assert response.headers["cache-control"] == "public, max-age=600"
    assert response.headers["etag"]
    assert response.headers["last-modified"]
    again = client.get("/static/js/app.js", headers={"if-none-match": response.headers["etag"]})
    assert again.status_code == 304


def test_a_missing_static_file_answers_404(client: TestClient) -> None:
    assert client.get("/static/js/nope.js").status_code == 404
    assert client.get("/static/../app/main.py").status_code == 404


def test_plotly_is_served_from_the_plotly_package_gzipped_once(client: TestClient) -> None:
    url = page_context(client)["plotly_url"]
    response = client.get(url, headers=GZIP)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert response.headers["content-encoding"] == "gzip"
    assert response.headers["vary"] == "Accept-Encoding"
    assert "max-age=" in response.headers["cache-control"]
    assert response.content == plotly_path().read_bytes()
    assert int(response.headers["content-length"]) < len(response.content) / 2


def test_plotly_answers_304_when_the_browser_has_it(client: TestClient) -> None:
    first = client.get("/static/vendor/plotly.min.js", headers=GZIP)
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert (
        client.get("/static/vendor/plotly.min.js", headers={"if-none-match": etag}).status_code
        == 304
    )
    since = client.get("/static/vendor/plotly.min.js", headers={"if-modified-since": modified})
    assert since.status_code == 304
    other = client.get("/static/vendor/plotly.min.js", headers={"if-none-match": '"other"'})
    assert other.status_code == 200


def test_plotly_is_sent_plain_to_a_client_without_gzip(client: TestClient) -> None:
    response = client.get("/static/vendor/plotly.min.js", headers={"accept-encoding": "identity"})
    assert response.status_code == 200
    assert "content-encoding" not in response.headers
    assert response.content == plotly_path().read_bytes()


def test_responses_over_1000_bytes_are_gzipped(client: TestClient) -> None:
    small = client.get("/healthz", headers=GZIP)
    assert "content-encoding" not in small.headers
    big = client.get("/openapi.json", headers=GZIP)
    assert big.headers["content-encoding"] == "gzip"
    assert "paths" in big.json()


def real_app() -> FastAPI:
    """The app on the page's own template (tests/browser drive it)."""
    settings = Settings()
    if not (settings.templates_dir / "index.html").is_file():
        pytest.skip("templates/index.html is not there yet")
    return create_app(settings)


def test_the_real_page_renders_with_the_apps_context() -> None:
    """The page's own template gets every value it asks for."""
    app = real_app()
    settings: Settings = app.state.settings
    app.state.templates.env.undefined = jinja2.StrictUndefined  # a missing value fails here
    with TestClient(app) as client:
        response = client.get("/")
    assert response.status_code == 200
    assert "/static/vendor/plotly.min.js" in response.text
    preloaded = re.findall(r'<link rel="modulepreload" href="/static/js/(\w+)\.js">', response.text)
    assert sorted(preloaded) == sorted(p.stem for p in (settings.static_dir / "js").glob("*.js"))


def test_the_real_page_asks_for_plotly_first_and_at_high_priority() -> None:
    """An async script is of low priority: the browser held Plotly's request back until the
    modules had come. The biggest file the first live views wait for is asked for before them."""
    with TestClient(real_app()) as client:
        head = client.get("/").text.split("</head>")[0]
    fetched = re.findall(r'<(?:script|link rel="modulepreload")[^>]*>', head)
    plotly = (
        r'<script id="plotly" src="/static/vendor/plotly\.min\.js[^"]*" async fetchpriority="high">'
    )
    assert re.fullmatch(plotly, fetched[0])
    assert len(fetched) > 2
    assert all("modulepreload" in tag for tag in fetched[1:-1])
    assert fetched[-1] == '<script type="module" src="/static/js/main.js">'
