"""``WS /api/sessions/{id}/live``: play, pause, step and speed commands in; frames out."""

from __future__ import annotations

import contextlib

from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from app.deps import SettingsDep, StoreDep
from app.live import LiveStream, close_not_found
from app.sessions import SessionNotFoundError
from app.store import SessionBusyError, StoreUnavailableError

CLOSE_TRY_AGAIN_LATER = 1013  # WebSocket's "try again later": the store did not answer in time

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
    except (SessionBusyError, StoreUnavailableError) as e:
        with contextlib.suppress(WebSocketDisconnect, OSError):  # the client may have gone
            await websocket.close(CLOSE_TRY_AGAIN_LATER, _reason(str(e)))
        return
    await LiveStream(websocket, store, session, settings.max_frame_rate).serve()


def _reason(text: str) -> str:
    """``text`` cut to WebSocket's 123 bytes of a close reason."""
    encoded = text.encode()
    return text if len(encoded) <= 123 else encoded[:120].decode(errors="ignore") + "…"
