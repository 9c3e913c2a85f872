"""Anomaly detection: find the first operation whose result holds NaN or Inf.

    with glassnet.autograd.detect_anomaly():
        loss = model(x).sum()      # raises at the first op whose output holds NaN/Inf
        loss.backward()            # raises at the first backward that returns NaN/Inf

The error names the op, the module it ran in (its path in the model, such as
`transformer.h.2.attn`, and its class), the shapes of its inputs and output, and whether its
inputs were already non-finite. While the mode is on, `Module.__call__` keeps a stack of the
modules being called and each graph node remembers the stack it was made in; when the mode is
off, an op pays one flag check and a module call nothing more than its hooks check.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.autograd import engine
from glassnet.autograd.grad_mode import STATE

# The modules being called, outermost first (pushed by Module.__call__ in anomaly mode only).
MODULE_STACK: list[Any] = []


class AnomalyError(RuntimeError):
    """An operation produced NaN or Inf while anomaly detection was on."""


def is_anomaly_enabled() -> bool:
    """True when every op checks its forward and backward results for NaN/Inf."""
    return STATE.anomaly


def _switch(mode: bool) -> None:
    STATE.anomaly = mode
    if mode and _check_backward not in engine.OBSERVERS:
        engine.OBSERVERS.append(_check_backward)
    elif not mode and _check_backward in engine.OBSERVERS:
        engine.OBSERVERS.remove(_check_backward)


class set_detect_anomaly:
    """Turn anomaly detection on or off: a plain call, or a context manager that restores the
    previous mode on exit (as `torch.autograd.set_detect_anomaly`).

    Example
    -------
    >>> glassnet.autograd.set_detect_anomaly(True)
    """

    def __init__(self, mode: bool, check_nan: bool = True) -> None:
        self.prev = STATE.anomaly
        _switch(bool(mode) and bool(check_nan))

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        _switch(self.prev)


class detect_anomaly:
    """Context manager (and decorator) that checks every op's forward output and every
    backward's gradients for NaN/Inf and raises `AnomalyError` at the first one, naming the op,
    the module path and the shapes (as `torch.autograd.detect_anomaly`).

    Example
    -------
    >>> with glassnet.autograd.detect_anomaly():
    ...     loss = loss_fn(model(x), y)
    ...     loss.backward()
    """

    def __init__(self, check_nan: bool = True) -> None:
        self.check_nan = bool(check_nan)

    def __enter__(self) -> None:
        self.prev = STATE.anomaly
        _switch(self.check_nan)

    def __exit__(self, *exc: object) -> None:
        _switch(self.prev)

    def __call__(self, fn: Any) -> Any:
        import functools

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with detect_anomaly(self.check_nan):
                return fn(*args, **kwargs)

        return wrapper


def module_path(stack: tuple | list) -> str:
    """'transformer.h.2.attn (CausalSelfAttention)' for a stack of modules (outermost first);
    each module is named by where it sits inside the one that called it."""
    if not stack:
        return "(outside any module)"
    parts: list[str] = []
    for parent, child in zip(stack, stack[1:]):
        name = next((n for n, m in parent.named_modules() if m is child), None)
        parts.append(name if name is not None else f"<{type(child).__name__}>")
    path = ".".join(p for p in parts if p) or "the top-level module"
    return f"{path} ({type(stack[-1]).__name__})"


def _count(a: Any) -> tuple[int, int]:
    """(NaN count, Inf count) of an array; (0, 0) for integers and non-arrays."""
    if not isinstance(a, np.ndarray) or a.dtype.kind not in "fc":
        return 0, 0
    return int(np.count_nonzero(np.isnan(a))), int(np.count_nonzero(np.isinf(a)))


def _shape(a: Any) -> str:
    return str(tuple(np.shape(a))) if a is not None else "None"


def _finite(a: Any) -> bool:
    return not isinstance(a, np.ndarray) or a.dtype.kind not in "fc" or bool(np.isfinite(a).all())


def check_forward(op: type, y: Any, arrays: list, ctx: Any) -> None:
    """Called by `Function.apply` in anomaly mode: raise if the output `y` is not finite, and
    remember the module stack on the node for backward."""
    ctx._anomaly_stack = tuple(MODULE_STACK)
    if _finite(y):
        return
    nan, inf = _count(y)
    bad = [str(i) for i, a in enumerate(arrays) if not _finite(a)]
    raise AnomalyError(
        f"detect_anomaly: the forward of op {op.__name__!r} in module {module_path(MODULE_STACK)}"
        f" produced {nan} NaN and {inf} Inf values in its output of shape {_shape(y)}; input "
        f"shapes {', '.join(_shape(a) for a in arrays) or 'none'} "
        f"({'all finite' if not bad else 'input ' + ', '.join(bad) + ' already held NaN/Inf'})"
    )


def _check_backward(t: Any, ctx: Any, g: Any, input_grads: tuple) -> None:
    """Engine observer in anomaly mode: raise if a backward returned a non-finite gradient."""
    for i, gi in enumerate(input_grads):
        if gi is None or _finite(gi):
            continue
        nan, inf = _count(gi)
        stack = getattr(ctx, "_anomaly_stack", ())
        shapes = ", ".join(_shape(getattr(p, "_data", None)) for p in ctx.inputs)
        raise AnomalyError(
            f"detect_anomaly: the backward of op {type(ctx).__name__!r} (forward in module "
            f"{module_path(stack)}) returned {nan} NaN and {inf} Inf values in the gradient of "
            f"its input {i} (shape {_shape(gi)}); input shapes {shapes}, output shape "
            f"{_shape(t._data)}, incoming gradient "
            f"{'finite' if _finite(g) else 'already holding NaN/Inf'}"
        )
