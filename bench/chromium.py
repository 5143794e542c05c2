"""The headless Chromium the page benchmarks drive (Debian's, as the browser tests)."""

from __future__ import annotations

import os
from pathlib import Path

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"]


def chromium_path() -> str:
    for path in (os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium"):
        if path and Path(path).is_file():
            return path
    raise SystemExit("no Chromium: install Debian's chromium or set CHROMIUM_PATH")
