"""``WS /api/sessions/{id}/live``: play, pause, step and speed commands in; frames out."""

from __future__ import annotations

from fastapi import APIRouter, WebSocket

from app.deps import SettingsDep, StoreDep
from app.live import LiveStream, close_not_found
from app.sessions import SessionNotFoundError

router = APIRouter(tags=["live"])


@router.websocket("/api/sessions/{session_id}/live")
async def stream_session(
    websocket: WebSocket, session_id: str, store: StoreDep, settings: SettingsDep
) -> None:
    """Trains the session live while the client plays; see ``app.live`` for the messages."""
    await websocket.accept()
    try:
        session = await store.open(session_id)
    except SessionNotFoundError:
        await close_not_found(websocket)
        return
    await LiveStream(websocket, store, session, settings.max_frame_rate).serve()
