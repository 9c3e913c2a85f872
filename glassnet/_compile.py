"""`glassnet.compile`: PyTorch's graph compiler, which glassnet does not need: it runs eagerly."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def compile(  # noqa: A001  (PyTorch's name)
    model: Callable | None = None,
    *,
    fullgraph: bool = False,
    dynamic: bool | None = None,
    backend: Any = "inductor",
    mode: str | None = None,
    options: dict | None = None,
    disable: bool = False,
) -> Any:
    """Return `model` (a Module or a function) unchanged, as `torch.compile` would compile it.

    glassnet executes every op eagerly with NumPy, so there is nothing to compile: the result is
    the same object, and runs exactly as before. All of `torch.compile`'s arguments are
    accepted; used as `@glassnet.compile(...)` (no model), it returns a decorator that does the
    same.

    Example
    -------
    >>> model = glassnet.compile(model)     # the same model object
    """
    if model is None:
        return lambda fn: fn
    if not callable(model):
        raise TypeError(f"compile: expected a Module or a function, got {type(model).__name__}")
    return model
