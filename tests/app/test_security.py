"""Isolation and headers: a strict CSP, nosniff and no-referrer on every answer, no CORS, live
streams and changes only from the page's own origin, no endpoint that lists sessions, unguessable
ids."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from app.security import CONTENT_SECURITY_POLICY
from app.sessions import ID_BYTES
from tests.app.helpers import JSON, body, create_session

EVIL = "http://evil.example"


def _requests(client: TestClient) -> list[tuple[str, Any]]:
    """One of each kind of answer: the page, its files, the docs, JSON, errors of each kind."""
    session_id = create_session(client)
    return [
        ("page", client.get("/")),
        ("static file", client.get("/static/js/app.js")),
        ("plotly", client.get("/static/vendor/plotly.min.js")),
        ("docs", client.get("/docs")),
        ("docs script", client.get("/docs/swagger-init.js")),
        ("openapi", client.get("/openapi.json")),
        ("state", client.get(f"/api/sessions/{session_id}")),
        ("step", client.post(f"/api/sessions/{session_id}/step")),
        ("snapshot", client.get(f"/api/sessions/{session_id}/snapshot")),
        ("no content", client.delete(f"/api/sessions/{session_id}")),
        ("404", client.get(f"/api/sessions/{session_id}")),
        ("404 path", client.get("/nowhere")),
        ("405", client.put("/api/sessions")),
        ("422", client.post("/api/sessions", json={"seed": -1})),
        ("413", client.post("/api/reset", content=b"[" + b"1," * 40_000 + b"1]", headers=JSON)),
        ("403", client.post("/api/step", headers={"origin": EVIL})),
        ("health", client.get("/healthz")),
    ]


def test_every_answer_carries_the_security_headers(client: TestClient) -> None:
    for kind, response in _requests(client):
        headers = response.headers
        assert headers["content-security-policy"] == CONTENT_SECURITY_POLICY, kind
        assert headers["x-content-type-options"] == "nosniff", kind
        assert headers["referrer-policy"] == "no-referrer", kind
        assert "access-control-allow-origin" not in headers, kind


def test_the_policy_forbids_inline_scripts_and_other_origins() -> None:
    directives = dict(d.split(" ", 1) for d in CONTENT_SECURITY_POLICY.split("; "))
    assert directives["script-src"] == "'self'"  # no 'unsafe-inline', no 'unsafe-eval', no CDN
    assert directives["default-src"] == "'self'"
    assert directives["connect-src"] == "'self'"
    assert directives["style-src"] == "'self' 'unsafe-inline'"  # Plotly's and Swagger UI's
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "http" not in CONTENT_SECURITY_POLICY


def test_the_docs_page_has_no_inline_script_and_nothing_from_elsewhere(client: TestClient) -> None:
    page = client.get("/docs").text
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, re.DOTALL)
    assert scripts, "no script on the docs page"
    assert all('src="/docs/' in attributes and not inline for attributes, inline in scripts)
    assert "http" not in page
    for path in re.findall(r'(?:src|href)="([^"]+)"', page):
        response = client.get(path, headers={"accept-encoding": "gzip"})
        assert response.status_code == 200, path
    assert "SwaggerUIBundle" in client.get("/docs/swagger-ui-bundle.js").text
    assert "validatorUrl: null" in client.get("/docs/swagger-init.js").text  # no foreign badge


def test_unknown_docs_files_answer_404(client: TestClient) -> None:
    response = client.get("/docs/../../etc/passwd")
    assert response.status_code == 404
    response = client.get("/docs/swagger-ui.js.map")
    assert response.status_code == 404
    assert "no file" in body(response)["message"]


def test_redoc_and_the_oauth_redirect_page_are_not_served(client: TestClient) -> None:
    assert client.get("/redoc").status_code == 404
    assert client.get("/docs/oauth2-redirect").status_code == 404


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/api/state"), ("POST", "/api/step"), ("GET", "/api/datasets")],
)
def test_a_cross_origin_request_gets_no_cors_header(
    client: TestClient, method: str, path: str
) -> None:
    response = client.request(method, path, headers={"origin": EVIL})
    assert "access-control-allow-origin" not in response.headers
    assert "access-control-allow-credentials" not in response.headers


def test_a_cors_preflight_is_not_granted(client: TestClient) -> None:
    headers = {
        "origin": EVIL,
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type",
    }
    response = client.options("/api/sessions", headers=headers)
    assert response.status_code == 405  # no CORS middleware answers it
    assert not any(name.startswith("access-control-") for name in response.headers)


def test_a_live_stream_from_another_origin_is_refused(client: TestClient) -> None:
    session_id = create_session(client)
    path = f"/api/sessions/{session_id}/live"
    with pytest.raises(WebSocketDisconnect) as refused:  # at the handshake (a real server: 403)
        client.websocket_connect(path, headers={"origin": EVIL}).__enter__()
    assert refused.value.code == 1008
    # the page's own origin, and scripts that send none, are let in
    for headers in ({"origin": "http://testserver"}, {}):
        with client.websocket_connect(path, headers=headers) as ws:
            assert ws.receive_json()["type"] == "status"


def _changes(client: TestClient, session_id: str) -> list[tuple[str, str, dict[str, Any]]]:
    """A request of each kind that changes something: step, reset, create, patch, delete."""
    return [
        (
            "POST",
            "/api/step",
            {"content": b'{"n": 100000}', "headers": {"content-type": "text/plain"}},
        ),
        ("POST", "/api/reset", {}),
        ("POST", f"/api/sessions/{session_id}/step", {}),
        ("POST", "/api/sessions", {"json": {}}),
        ("PATCH", f"/api/sessions/{session_id}", {"json": {"learning_rate": 9.0}}),
        ("DELETE", f"/api/sessions/{session_id}", {}),
    ]


@pytest.mark.parametrize("origin", [EVIL, "null", "http://testserver.evil.example"])
def test_a_change_sent_from_another_site_is_refused(client: TestClient, origin: str) -> None:
    session_id = create_session(client)
    client.post("/api/step")
    before = [body(client.get(path)) for path in ("/api/state", f"/api/sessions/{session_id}")]
    for method, path, kwargs in _changes(client, session_id):
        kwargs = {**kwargs, "headers": {**kwargs.get("headers", {}), "origin": origin}}
        response = client.request(method, path, **kwargs)
        assert response.status_code == 403, (method, path)
        assert body(response)["message"].startswith("cross-site request refused"), (method, path)
        assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    after = [body(client.get(path)) for path in ("/api/state", f"/api/sessions/{session_id}")]
    assert after == before  # nothing stepped, reset, changed or deleted
    assert len(client.app.state.store) == 1  # type: ignore[attr-defined]  # nothing created


@pytest.mark.parametrize("headers", [{"origin": "http://testserver"}, {}])
def test_changes_from_the_page_itself_or_without_an_origin_are_let_in(
    client: TestClient, headers: dict[str, str]
) -> None:
    session_id = create_session(client)
    expected = [200, 200, 200, 201, 200, 204]
    for (method, path, kwargs), status in zip(_changes(client, session_id), expected, strict=True):
        kwargs = {**kwargs, "headers": {**kwargs.get("headers", {}), **headers}}
        assert client.request(method, path, **kwargs).status_code == status, (method, path)


def test_reads_from_another_site_are_answered_without_cors(client: TestClient) -> None:
    # a page elsewhere may send them, but without a CORS header its script cannot read the answer
    response = client.get("/api/state", headers={"origin": EVIL})
    assert response.status_code == 200
    assert "access-control-allow-origin" not in response.headers


def test_no_endpoint_lists_sessions_or_uploaded_sets(client: TestClient) -> None:
    ids = [create_session(client) for _ in range(3)]
    upload = client.post(
        "/api/datasets",
        content=b"a,k\n1,x\n2,y\n3,x\n4,y\n5,x\n6,y\n7,x\n8,y\n",
        headers={"content-type": "text/csv"},
    )
    assert upload.status_code == 201
    secrets = [*ids, body(upload)["name"]]
    paths = body(client.get("/openapi.json"))["paths"]
    readable = [p for p, ops in paths.items() if "get" in ops and "{session_id}" not in p]
    assert sorted(readable) == [
        "/api/activations",
        "/api/datasets",
        "/api/datasets/{name}",
        "/api/datasets/{name}/samples",
        "/api/state",
        "/healthz",
    ]
    for path in readable:
        text = client.get(path.replace("{name}", "iris")).text
        assert not any(secret in text for secret in secrets), path
    assert client.get("/api/sessions").status_code == 405


def test_session_ids_are_unguessable(client: TestClient) -> None:
    ids = {create_session(client) for _ in range(8)}
    assert len(ids) == 8
    assert ID_BYTES * 8 >= 128
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{32}", session_id) for session_id in ids)
