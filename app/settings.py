"""The server's settings: one typed object read from ``PLAYGROUND_*`` environment variables.

Every default just works on a laptop (``make run``); the container overrides ``PLAYGROUND_HOST``.
Limits that are part of the API's contract (step counts, speeds, the engine's own limits) are not
settings: they live in ``app.schemas`` and ``core.config`` and are documented in the OpenAPI schema.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal, Self

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from core.csv_data import CsvLimits

ROOT = Path(__file__).resolve().parent.parent
_CSV = CsvLimits()  # the engine's defaults


class Settings(BaseSettings):
    """Where to listen, how much to allow, and where the page's files are."""

    model_config = SettingsConfigDict(env_prefix="PLAYGROUND_", extra="ignore", frozen=True)

    host: str = Field(default="127.0.0.1", description="Interface to listen on (0.0.0.0 for all).")
    port: int = Field(
        default=8000, ge=0, le=65535, description="TCP port to listen on (0: any free)."
    )
    max_sessions: int = Field(
        default=512,
        ge=1,
        description="Sessions kept at once, besides the default one; when full, creating one "
        "evicts the least recently used idle session.",
    )
    max_frame_rate: float = Field(
        default=60.0, gt=0, le=1000, description="Live-stream frames per second, at most."
    )
    max_body_size: int = Field(
        default=64 * 1024, ge=1024, description="Largest HTTP request body in bytes (larger: 413)."
    )
    max_snapshot_size: int = Field(
        default=4 * 1024 * 1024,
        ge=1024,
        description="Largest body of `POST /api/sessions` in bytes, which may carry a snapshot "
        "(the largest net's, with its history, is about 350 KB, and one on an uploaded set "
        "carries the set's CSV; larger: 413).",
    )
    max_upload_size: int = Field(
        default=1024 * 1024,
        ge=1024,
        description="Largest CSV body of `POST /api/datasets` in bytes (larger: 413).",
    )
    max_datasets: int = Field(
        default=64,
        ge=1,
        description="Uploaded data sets kept at once; when full, an upload evicts the least "
        "recently used set no session uses (none: 503).",
    )
    min_rows: int = Field(default=_CSV.min_rows, ge=4, description="Fewest data rows of a CSV.")
    max_rows: int = Field(default=_CSV.max_rows, ge=4, description="Most data rows of a CSV.")
    max_features: int = Field(
        default=_CSV.max_features, ge=1, le=1024, description="Most feature columns of a CSV."
    )
    max_classes: int = Field(
        default=_CSV.max_classes, ge=2, description="Most classes of an uploaded set."
    )
    max_check_size: int = Field(
        default=1024 * 1024,
        ge=1024,
        description="Largest body of `POST /api/check` in bytes (a problem and a full answer of "
        "the largest net are about 900 KB; larger: 413).",
    )
    max_message_size: int = Field(
        default=64 * 1024,
        ge=1024,
        description="Largest WebSocket message in bytes (larger: the stream is closed, 1009).",
    )
    persist: bool = Field(
        default=True,
        description="Save the sessions' snapshots in `data_dir` (checkpoints while running, and "
        "on shutdown) and restore them on start (false: sessions last as long as the process).",
    )
    checkpoint_interval: float = Field(
        default=1.0,
        gt=0,
        le=3600,
        description="Seconds between checkpoints of the sessions that changed (with `persist`): "
        "after a crash, a session comes back at most about this much training behind.",
    )
    data_dir: Path = Field(
        default=ROOT / "data",
        description="Where the sessions are saved (`sessions.sqlite3`), created if missing.",
    )
    redis_url: str | None = Field(
        default=None,
        description="Keep the sessions and uploaded sets in this Redis (`redis://host:port/db`), "
        "shared by every process that names it; unset: in this process's memory (and `data_dir`).",
    )
    redis_prefix: str = Field(
        default="playground:", description="The prefix of every key the playground sets in Redis."
    )
    redis_timeout: float = Field(
        default=1.0,
        gt=0,
        description="Seconds to wait for Redis to connect or answer; past that, a 503.",
    )
    lease_ttl: float = Field(
        default=2.0,
        gt=0,
        description="Seconds a process's hold on a session (its lease in Redis) lasts unless "
        "renewed (every write renews it, a long use each third of it): how long a crashed "
        "process keeps others from the session at most.",
    )
    lease_wait: float = Field(
        default=5.0,
        ge=0,
        description="Seconds a request waits for a session another process holds; past that, "
        "a 503.",
    )
    stream_write_interval: float = Field(
        default=1.0,
        gt=0,
        description="With Redis: seconds a live stream's steps may stay in its process before "
        "they are written back (sooner when another process wants the session, and when the "
        "stream pauses or closes); a crash of that process loses at most this much of the "
        "steps only its stream has shown (never a step a REST request acknowledged). Shorter "
        "than `lease_ttl`.",
    )
    allowed_hosts: list[str] = Field(
        default=["127.0.0.1", "localhost", "[::1]"],
        min_length=1,
        description="Names the server answers to in the `Host` header (others: 400), so a "
        'DNS-rebinding site cannot drive it; `*.example.com` for subdomains, `["*"]` for any. '
        "In the environment, a JSON list: "
        "`PLAYGROUND_ALLOWED_HOSTS='[\"playground.example.org\"]'`.",
    )
    static_max_age: int = Field(
        default=600, ge=0, description="Cache-Control max-age of /static files, in seconds."
    )
    shutdown_timeout: int = Field(
        default=5, gt=0, description="Seconds to wait for open connections when stopping."
    )
    log_level: Literal["critical", "error", "warning", "info", "debug", "trace"] = Field(
        default="info", description="uvicorn's log level."
    )

    @field_validator("allowed_hosts")
    @classmethod
    def _host_patterns(cls, hosts: list[str]) -> list[str]:
        """Patterns ``TrustedHostMiddleware`` accepts, checked here to name the bad one."""
        for host in hosts:
            if "*" in host[1:] or (
                host.startswith("*") and host != "*" and not host.startswith("*.")
            ):
                raise ValueError(f"{host!r}: a wildcard must be the whole name or start it as '*.'")
        return hosts

    @model_validator(mode="after")
    def _write_back_within_the_lease(self) -> Self:
        """A stream's steps are written back while its lease holds (each write renews it)."""
        if self.stream_write_interval >= self.lease_ttl:
            raise ValueError(
                f"stream_write_interval={self.stream_write_interval:g}: must be shorter than "
                f"lease_ttl={self.lease_ttl:g} (a stream's steps are written while it holds "
                "the session)"
            )
        return self

    def csv_limits(self) -> CsvLimits:
        """The limits on an uploaded set, for the engine."""
        return CsvLimits(
            min_rows=self.min_rows,
            max_rows=self.max_rows,
            max_features=self.max_features,
            max_classes=self.max_classes,
        )

    templates_dir: Path = Field(default=ROOT / "templates", description="Where index.html is.")
    static_dir: Path = Field(default=ROOT / "static", description="Files served at /static.")
