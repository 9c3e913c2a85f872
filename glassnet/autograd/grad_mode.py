"""The global flags of glassnet: whether operations record a graph for backward, and whether
anomaly detection checks every result (`glassnet.autograd.detect_anomaly`, off by default)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


class _State:
    enabled = True
    inference = False  # inside `inference_mode()` (which also turns `enabled` off)
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


def is_inference_mode_enabled() -> bool:
    """True inside `inference_mode()` (and not inside a nested `inference_mode(False)`)."""
    return STATE.inference


class inference_mode:  # noqa: N801  (PyTorch's name)
    """Run without recording the graph, for evaluation: `no_grad` under PyTorch's name.

    Parameters
    ----------
    mode : bool
        True: no graph is recorded inside. False: the graph is recorded (PyTorch's
        `inference_mode(False)` turns grad mode on, also inside `no_grad`).

    PyTorch's inference mode also skips autograd's bookkeeping (version counters); glassnet has
    none, so here it is exactly `no_grad()`, and `is_inference_mode_enabled()` reports it.
    Works as `with glassnet.inference_mode():`, `@glassnet.inference_mode()` and
    `@glassnet.inference_mode`.

    Example
    -------
    >>> with glassnet.inference_mode():
    ...     y = model(x)        # y.requires_grad is False
    """

    def __new__(cls, mode: Any = True) -> Any:
        self = super().__new__(cls)
        if callable(mode):  # bare decorator: @inference_mode
            self.mode = True
            return self(mode)
        return self

    def __init__(self, mode: bool = True) -> None:
        self.mode = bool(mode)

    def __enter__(self) -> None:
        self.prev = (STATE.enabled, STATE.inference)
        STATE.enabled = not self.mode
        STATE.inference = self.mode

    def __exit__(self, *exc: object) -> None:
        STATE.enabled, STATE.inference = self.prev

    def __call__(self, fn: F) -> F:
        mode = self.mode

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with inference_mode(mode):
                return fn(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    def clone(self) -> inference_mode:
        return inference_mode(self.mode)
