"""The framework's floor: an empty ``async def`` POST endpoint returning a small JSON object,
served by uvicorn with the same settings as the playground (``python -m bench.floor_app``)."""

from __future__ import annotations

import uvicorn
from fastapi import FastAPI

from app.__main__ import parse_settings

app = FastAPI()


@app.post("/floor")
async def floor() -> dict[str, bool]:
    return {"ok": True}


def main() -> None:
    settings = parse_settings()
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        ws_max_size=settings.max_message_size,
        timeout_graceful_shutdown=settings.shutdown_timeout,
        log_level=settings.log_level,
    )


if __name__ == "__main__":
    main()
