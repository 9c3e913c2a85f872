"""Sessions of the playground: one per browser tab (one WebSocket), at most `max_sessions`.

All glassnet work of every session runs on ONE worker thread (`compute`): glassnet's grad mode
(`no_grad`) and the backward-trace observers are process-wide, so two sessions computing at
the same time could see each other's state. A session's update takes milliseconds, so the
sessions take turns without anyone noticing.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from glassnet.playground.network import NetworkSession
from glassnet.playground.perceptron import PerceptronSession
from glassnet.playground.settings import Settings

T = TypeVar("T")


class TooManySessions(RuntimeError):
    """Raised by `SessionManager.open` when `max_sessions` are open already."""


@dataclass
class Slot:
    """One open session: its id, its trainer (None until configured), its play task."""

    id: int
    trainer: NetworkSession | PerceptronSession | None = None
    playing: bool = False
    task: asyncio.Task | None = None
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    drawn: asyncio.Event = field(default_factory=asyncio.Event)  # the page drew the last update


def build_trainer(settings: Settings) -> NetworkSession | PerceptronSession:
    """The session object the settings' mode asks for."""
    if settings.mode == "perceptron":
        return PerceptronSession(settings)
    return NetworkSession(settings)


class SessionManager:
    """Open sessions by id, with the limit and the shared compute thread.

    Parameters
    ----------
    max_sessions : int
        How many tabs may train at once; the next one is refused with a clear message.
    """

    def __init__(self, max_sessions: int = 8) -> None:
        if not isinstance(max_sessions, int) or max_sessions < 1:
            raise ValueError(f"SessionManager: max_sessions must be >= 1, got {max_sessions!r}")
        self.max_sessions = max_sessions
        self.sessions: dict[int, Slot] = {}
        self._ids = itertools.count(1)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="glassnet-compute")

    def open(self) -> Slot:
        """A new empty session, or TooManySessions."""
        if len(self.sessions) >= self.max_sessions:
            raise TooManySessions(
                f"the playground is full: {self.max_sessions} sessions are open "
                "(close another tab, or start the server with a larger --max-sessions)"
            )
        slot = Slot(next(self._ids))
        self.sessions[slot.id] = slot
        return slot

    async def close(self, slot: Slot) -> None:
        """Stop the session's play loop and forget it (its model goes with it)."""
        slot.playing = False
        slot.drawn.set()
        if slot.task is not None:
            slot.task.cancel()
            try:
                await slot.task
            except (asyncio.CancelledError, Exception):  # the loop's own errors died with it
                pass
        slot.trainer = None
        self.sessions.pop(slot.id, None)

    async def compute(self, fn: Callable[..., T], *args: Any) -> T:
        """Run `fn(*args)` on the compute thread and wait for it."""
        return await asyncio.get_running_loop().run_in_executor(self._executor, fn, *args)

    def shutdown(self) -> None:
        """Stop the compute thread (when the server stops)."""
        self._executor.shutdown(wait=False, cancel_futures=True)
