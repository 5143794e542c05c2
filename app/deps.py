"""Dependencies shared by the routes, declared once as ``Annotated`` aliases.

They are ``async``: FastAPI would run plain functions in a worker thread, a costly hop for a
lookup in ``app.state``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from starlette.requests import HTTPConnection

from app.settings import Settings
from app.store import Store


async def get_settings(connection: HTTPConnection) -> Settings:
    settings: Settings = connection.app.state.settings
    return settings


async def get_store(connection: HTTPConnection) -> Store:
    store: Store = connection.app.state.store
    return store


SettingsDep = Annotated[Settings, Depends(get_settings)]
StoreDep = Annotated[Store, Depends(get_store)]
