"""Numerical gradient checking: compare backward() with central finite differences.

For every input element x_i:   dL/dx_i ~ (L(x + eps e_i) - L(x - eps e_i)) / (2 eps),
where L = sum(f(x) * v) for a fixed random v (so one backward checks every output at once).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from glassnet.autograd.grad_mode import no_grad
from glassnet.tensor import Tensor


class GradcheckError(AssertionError):
    """backward() and finite differences disagree; the message names the input and element."""


def _outputs(fn: Callable, inputs: Sequence[Any]) -> list:
    out = fn(*inputs)
    outs = out if isinstance(out, (tuple, list)) else [out]
    return [o for o in outs if isinstance(o, Tensor) and o._data.dtype.kind == "f"]


def gradcheck(
    fn: Callable[..., Any],
    inputs: Any,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    seed: int = 0,
) -> bool:
    """Check the gradients of `fn` with respect to every input that requires grad.

    The inputs should be float64 (float32 finite differences are too coarse; a warning of sorts
    is the error you would get). Returns True, or raises GradcheckError naming the input, the
    element index, the analytical and the numerical value.

    Example
    -------
    >>> x = glassnet.randn(3, 4, dtype=glassnet.float64, requires_grad=True)
    >>> glassnet.autograd.gradcheck(lambda t: (t * t).sum(dim=1), (x,))
    True
    """
    inputs = (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)
    wrt = _checked_inputs(inputs)
    rng = np.random.default_rng(seed)
    outs = _outputs(fn, inputs)
    if not outs:
        raise ValueError("gradcheck: fn returned no floating-point tensor")
    weights = [rng.standard_normal(o._data.shape) for o in outs]

    def objective() -> float:
        with no_grad():
            return float(sum((o._data * w).sum() for o, w in zip(_outputs(fn, inputs), weights)))

    for i in wrt:
        inputs[i].grad = None
    _backward_weighted(outs, weights)
    for i in wrt:
        t = inputs[i]
        analytic = np.zeros_like(t._data) if t.grad is None else t.grad._data
        _compare_finite_differences(i, t, analytic, objective, eps, atol, rtol)
        t.grad = None
    return True


def _checked_inputs(inputs: tuple) -> list[int]:
    """The positions of the inputs that require grad; there must be some, all float64."""
    wrt = [i for i, t in enumerate(inputs) if isinstance(t, Tensor) and t.requires_grad]
    if not wrt:
        raise ValueError("gradcheck: no input requires grad; nothing to check")
    for i in wrt:
        if inputs[i]._data.dtype != np.float64:
            raise TypeError(
                f"gradcheck: input {i} is {inputs[i]._data.dtype}; finite differences need float64 "
                f"inputs (use .double())"
            )
    return wrt


def _backward_weighted(outs: list, weights: list[np.ndarray]) -> None:
    """Backpropagate Σ_k Σ(out_k · w_k): each input's grad becomes the analytic gradient."""
    total = None
    for o, w in zip(outs, weights):
        term = (o * Tensor._wrap(w.astype(o._data.dtype))).sum()
        total = term if total is None else total + term
    if total.requires_grad:
        total.backward()


def _compare_finite_differences(
    i: int,
    t: Tensor,
    analytic: np.ndarray,
    objective: Callable[[], float],
    eps: float,
    atol: float,
    rtol: float,
) -> None:
    """Central differences (f(x + eps) - f(x - eps)) / 2 eps against `analytic`, element-wise.

    Each element of `t` is perturbed in place and restored; the first mismatch raises.
    """
    for index in np.ndindex(t._data.shape):
        orig = t._data[index]
        t._data[index] = orig + eps
        plus = objective()
        t._data[index] = orig - eps
        minus = objective()
        t._data[index] = orig
        numeric = (plus - minus) / (2 * eps)
        a = analytic[index]
        if not abs(a - numeric) <= atol + rtol * abs(numeric):
            raise GradcheckError(
                f"gradcheck: gradient of input {i} (shape {t._data.shape}) at index "
                f"{tuple(int(j) for j in index)}: backward gives {float(a)!r}, finite "
                f"differences give {float(numeric)!r} (atol={atol}, rtol={rtol})"
            )
