"""The global flags of glassnet: whether operations record a graph for backward, and whether
anomaly detection checks every result (`glassnet.autograd.detect_anomaly`, off by default)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


class _State:
    enabled = True
    anomaly = False


STATE = _State()


def is_grad_enabled() -> bool:
    """True when new operations record the graph that `backward` walks."""
    return STATE.enabled


class set_grad_enabled:
    """Turn graph recording on or off: a context manager, a decorator, or a plain call.

    Example
    -------
    >>> with glassnet.set_grad_enabled(False):
    ...     y = model(x)        # no graph recorded
    """

    def __init__(self, mode: bool) -> None:
        self.prev = STATE.enabled
        self.mode = bool(mode)
        STATE.enabled = self.mode

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        STATE.enabled = self.prev

    def __call__(self, fn: F) -> F:
        mode = self.mode
        STATE.enabled = self.prev  # decorating must not change the mode now

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            prev = STATE.enabled
            STATE.enabled = mode
            try:
                return fn(*args, **kwargs)
            finally:
                STATE.enabled = prev

        return wrapper  # type: ignore[return-value]


class _GradModeContext:
    mode = True

    def __new__(cls, func: Any = None) -> Any:
        """`@no_grad` without parentheses decorates `func` directly, as in PyTorch 2."""
        self = super().__new__(cls)
        return self(func) if callable(func) else self

    def __enter__(self) -> None:
        self.prev = STATE.enabled
        STATE.enabled = self.mode

    def __exit__(self, *exc: object) -> None:
        STATE.enabled = self.prev

    def __call__(self, fn: F) -> F:
        mode = self.mode

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            prev = STATE.enabled
            STATE.enabled = mode
            try:
                return fn(*args, **kwargs)
            finally:
                STATE.enabled = prev

        return wrapper  # type: ignore[return-value]


class no_grad(_GradModeContext):
    """Do not record operations: for evaluation and for in-place parameter updates.

    Works as `with glassnet.no_grad(): ...` and as a decorator `@glassnet.no_grad()`.
    """

    mode = False


class enable_grad(_GradModeContext):
    """Record operations again inside a `no_grad` block (context manager or decorator)."""

    mode = True
