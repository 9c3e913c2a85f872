"""The playground's web app (FastAPI on Starlette, served by uvicorn).

HTTP
    GET  /                      the page (static/index.html; its CSS and JS from /static)
    GET  /api/options           menus and defaults (activations, losses, optimizers, ...)
    POST /api/check             check a settings object: 200 {"settings"} or 422 {"field", "error"}
    GET  /api/sessions          {"active": n, "max": N}
WebSocket /ws                   one training session, JSON messages both ways:
    -> {"type": "configure", "settings": {...}}   build (or rebuild) the session: Reset
    -> {"type": "play"} | {"type": "pause"} | {"type": "step"}
    -> {"type": "explain"} | {"type": "save"}
    -> {"type": "drawn"}                          the page drew the last state (flow control)
    <- {"type": "ready", "points", "layers", "settings"}   after configure
    <- {"type": "state", ...}                               after every update (see snapshot)
    <- {"type": "explain", ...} | {"type": "saved", "run_dir"}
    <- {"type": "error", "field", "message"}                bad settings or requests
A tab past `max_sessions` gets an error message and the close code 1013 (try again later).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request, WebSocket, WebSocketDisconnect
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.websockets import WebSocketState

from glassnet.playground.explain_step import explain_step
from glassnet.playground.manager import SessionManager, Slot, TooManySessions, build_trainer
from glassnet.playground.saving import save_session
from glassnet.playground.settings import SettingsError, options, parse_settings

logger = logging.getLogger("glassnet.playground")
UPDATE_INTERVAL = 1 / 30  # seconds between updates while playing: at most 30 per second
DRAWN_TIMEOUT = 1.0  # seconds an update waits for the page to draw the previous one


def _field(error: Exception) -> str:
    """The setting an error message names ("noise: must be ..." -> "noise")."""
    return str(error).split(":", 1)[0].split(".")[0].strip()


def create_app(max_sessions: int = 8, runs_dir: str | Path = "runs") -> FastAPI:
    """The app: page, JSON API and the session WebSocket.

    Parameters
    ----------
    max_sessions : int
        Concurrent sessions (tabs) allowed.
    runs_dir : path
        Where "Save run" writes run folders.
    """
    manager = SessionManager(max_sessions)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        manager.shutdown()

    app = FastAPI(title="glassnet playground", lifespan=lifespan)
    app.state.manager = manager
    app.state.runs_dir = Path(runs_dir)
    static = resources.files("glassnet.playground") / "static"
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    _add_http_routes(app, manager, static)
    _add_websocket_route(app, manager)
    return app


def _add_http_routes(app: FastAPI, manager: SessionManager, static: Any) -> None:
    """GET / (the page), GET /api/options, POST /api/check and GET /api/sessions."""

    @app.get("/")
    async def index() -> FileResponse:
        return FileResponse(str(static / "index.html"))

    @app.get("/api/options")
    async def get_options() -> dict[str, Any]:
        return options()

    @app.post("/api/check")
    async def check(request: Request) -> JSONResponse:
        try:
            body = await request.json()
        except ValueError:
            return JSONResponse({"field": "settings", "error": "settings: not JSON"}, 422)
        try:
            s = parse_settings(body)
        except SettingsError as e:
            return JSONResponse({"field": _field(e), "error": str(e)}, status_code=422)
        return JSONResponse({"settings": s.to_dict()})

    @app.get("/api/sessions")
    async def sessions() -> dict[str, int]:
        return {"active": len(manager.sessions), "max": manager.max_sessions}


def _add_websocket_route(app: FastAPI, manager: SessionManager) -> None:
    """/ws: one session per connection while a slot is free, else close code 1013."""

    @app.websocket("/ws")
    async def websocket(ws: WebSocket) -> None:
        await ws.accept()
        try:
            slot = manager.open()
        except TooManySessions as e:
            await ws.send_json({"type": "error", "field": "session", "message": str(e)})
            await ws.close(code=1013, reason="too many sessions")
            return
        try:
            while True:
                text = await ws.receive_text()
                await _handle(ws, slot, text, manager, app.state.runs_dir)
        except WebSocketDisconnect:
            pass
        finally:
            await manager.close(slot)


async def _send_state(ws: WebSocket, slot: Slot, manager: SessionManager) -> None:
    state = await manager.compute(slot.trainer.snapshot)
    await ws.send_json({"type": "state", "playing": slot.playing, **state})


async def _play(ws: WebSocket, slot: Slot, manager: SessionManager) -> None:
    """Train and send an update every UPDATE_INTERVAL seconds until paused.

    Flow control: the next update waits until the page says it drew the last one ("drawn"),
    or DRAWN_TIMEOUT passes, so a slow page never falls behind a queue of stale updates.
    """
    while slot.playing:
        start = time.perf_counter()
        async with slot.lock:
            trainer = slot.trainer
            n = trainer.settings.steps_per_update
            await manager.compute(trainer.train_steps, n)
            slot.drawn.clear()
            await _send_state(ws, slot, manager)
            if getattr(trainer, "diverged", False) or getattr(trainer, "converged_epoch", None):
                slot.playing = False
                await _send_state(ws, slot, manager)
        if not slot.playing:  # paused while this update ran
            break
        try:
            await asyncio.wait_for(slot.drawn.wait(), DRAWN_TIMEOUT)
        except asyncio.TimeoutError:
            pass
        await asyncio.sleep(max(0.0, UPDATE_INTERVAL - (time.perf_counter() - start)))


async def _handle(
    ws: WebSocket, slot: Slot, text: str, manager: SessionManager, runs_dir: Path
) -> None:
    """Answer one message of the page; a failure is reported to the page, and the session
    stays open."""
    try:
        await _dispatch(ws, slot, text, manager, runs_dir)
    except WebSocketDisconnect:
        raise
    except Exception as e:  # a bug must not take the tab's session down with it
        if ws.client_state is not WebSocketState.CONNECTED:
            raise WebSocketDisconnect() from None
        await _failure(ws, e)


async def _failure(ws: WebSocket, error: Exception) -> None:
    logger.exception("playground: request failed")
    await _error(ws, "server", f"server: {type(error).__name__}: {error}")


async def _dispatch(
    ws: WebSocket, slot: Slot, text: str, manager: SessionManager, runs_dir: Path
) -> None:
    """Answer one message of the page."""
    try:
        msg = json.loads(text)
    except json.JSONDecodeError:
        await _error(ws, "message", "message: not valid JSON")
        return
    kind = msg.get("type") if isinstance(msg, dict) else None
    if kind == "drawn":
        slot.drawn.set()
        return
    if kind == "configure":
        await _configure(ws, slot, msg, manager)
        return
    if kind not in ("play", "pause", "step", "explain", "save"):
        await _error(ws, "type", f"type: unknown message type {kind!r}")
        return
    if slot.trainer is None:
        await _error(ws, "session", "session: send the settings first (configure)")
        return
    if kind == "play" and not slot.playing:
        slot.playing = True
        slot.task = asyncio.create_task(_play(ws, slot, manager))
    elif kind == "pause":
        await _pause(slot)
        await _send_state(ws, slot, manager)
    elif kind == "step":
        await _pause(slot)
        async with slot.lock:
            await manager.compute(slot.trainer.train_steps, 1)
            await _send_state(ws, slot, manager)
    elif kind == "explain":
        await _explain(ws, slot, manager)
    elif kind == "save":
        await _pause(slot)
        async with slot.lock:
            run_dir = await manager.compute(save_session, slot.trainer, runs_dir)
        await ws.send_json({"type": "saved", "run_dir": str(run_dir)})


async def _configure(ws: WebSocket, slot: Slot, msg: dict, manager: SessionManager) -> None:
    """Build the session's trainer from the settings; send "ready" and the first state."""
    await _pause(slot)
    try:
        settings = parse_settings(msg.get("settings", {}))
        async with slot.lock:
            slot.trainer = await manager.compute(build_trainer, settings)
    except (SettingsError, ValueError, TypeError) as e:
        await _error(ws, _field(e), str(e))
        return
    t = slot.trainer
    await ws.send_json(
        {
            "type": "ready",
            "settings": settings.to_dict(),
            "points": t.points(),
            "layers": t.layer_sizes(),
        }
    )
    await _send_state(ws, slot, manager)


async def _explain(ws: WebSocket, slot: Slot, manager: SessionManager) -> None:
    """Pause and send the worked-through next training step (networks only)."""
    if slot.trainer.kind != "network":
        await _error(ws, "explain", "explain: the perceptron has no backward pass to explain")
        return
    await _pause(slot)
    async with slot.lock:
        result = await manager.compute(explain_step, slot.trainer)
    await ws.send_json({"type": "explain", **result})


async def _pause(slot: Slot) -> None:
    """Stop the play loop and wait until its current update is done."""
    slot.playing = False
    slot.drawn.set()  # wake a loop waiting for the page
    if slot.task is not None:
        try:
            await slot.task
        except Exception:  # a failed update ended the loop; the next request reports anew
            pass
        slot.task = None


async def _error(ws: WebSocket, field: str, message: str) -> None:
    await ws.send_json({"type": "error", "field": field, "message": message})
