"""``python -m app``: settings from ``PLAYGROUND_*`` variables, ``--host``/``--port`` on top."""

from __future__ import annotations

from typing import Any

import pytest
import uvicorn

import app.__main__ as entry
from app.settings import Settings


def test_settings_default_to_localhost_8000(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PLAYGROUND_HOST", raising=False)
    monkeypatch.delenv("PLAYGROUND_PORT", raising=False)
    settings = entry.parse_settings([])
    assert (settings.host, settings.port) == ("127.0.0.1", 8000)
    assert settings.max_frame_rate == 60


def test_settings_come_from_environment_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLAYGROUND_PORT", "9123")
    monkeypatch.setenv("PLAYGROUND_MAX_SESSIONS", "3")
    settings = entry.parse_settings([])
    assert settings.port == 9123
    assert settings.max_sessions == 3


def test_host_and_port_options_override_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLAYGROUND_PORT", "9123")
    settings = entry.parse_settings(["--host", "0.0.0.0", "--port", "8123"])
    assert (settings.host, settings.port) == ("0.0.0.0", 8123)


def test_a_bad_setting_is_refused_naming_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLAYGROUND_MAX_SESSIONS", "0")
    with pytest.raises(ValueError, match="max_sessions"):
        Settings()


def test_main_runs_uvicorn_with_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: calls.append(kwargs))
    entry.main(["--port", "8765"])
    (kwargs,) = calls
    assert kwargs["host"] == "127.0.0.1"
    assert kwargs["port"] == 8765
    assert kwargs["ws_max_size"] == Settings().max_message_size
