"""The framework's floor: an empty ``async def`` POST endpoint returning a small JSON object,
served by uvicorn with the same settings as the playground (``python -m bench.floor_app``)."""

from __future__ import annotations

from fastapi import FastAPI

from app.__main__ import parse_settings, serve

app = FastAPI()


@app.post("/floor")
async def floor() -> dict[str, bool]:
    return {"ok": True}


def main() -> None:
    serve(app, parse_settings())


if __name__ == "__main__":
    main()
