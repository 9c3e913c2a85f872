"""Elementwise ops: the comparisons and logical ops (no gradient) here, and under this one name
the arithmetic of elementwise_binary.py (add, sub, mul, div, pow, maximum, minimum, where),
elementwise_unary.py (neg, exp, log, sqrt, sin, cos, abs, sign, square, clamp ...) and
elementwise_copy.py (cast, clone). Each op class states y = f(x) and dL/dx = gy * f'(x).

Binary ops broadcast their inputs as NumPy does; backward sums each gradient back to its input's
shape (`unbroadcast`), since a broadcast input was used once per copy.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.ops._common import lift, operand_arrays
from glassnet.ops.elementwise_binary import (  # noqa: F401 (re-exported)
    Add,
    Div,
    Maximum,
    Minimum,
    Mul,
    Pow,
    PowScalar,
    Sub,
    Where,
    add,
    div,
    maximum,
    minimum,
    mul,
    pow,
    sub,
    where,
)
from glassnet.ops.elementwise_copy import Cast, Clone, cast, clone  # noqa: F401 (re-exported)
from glassnet.ops.elementwise_unary import (  # noqa: F401 (re-exported)
    Abs,
    Clamp,
    Cos,
    Exp,
    Log,
    Log1p,
    Neg,
    Rsqrt,
    Sign,
    Sin,
    Sqrt,
    abs,
    clamp,
    clip,
    cos,
    exp,
    log,
    log1p,
    neg,
    rsqrt,
    sign,
    sin,
    sqrt,
    square,
)
from glassnet.tensor import Tensor

# ------------------------------------------------------------------------- comparisons (no grad)
_LOGICAL = (np.logical_and, np.logical_or, np.logical_xor)


def _compare(ufunc: np.ufunc, a: Any, b: Any, name: str) -> Tensor:
    """ufunc(a, b) for the comparisons and logical ops (the one function they all go through;
    the ONNX exporter records it). A comparison first brings both sides to PyTorch's result
    type (`result_dtype`), as PyTorch compares: a float32 tensor against a float64 0-d tensor
    compares in float32, an integer tensor against 1.5 in float32 (NumPy: both in float64)."""
    if ufunc not in _LOGICAL and (isinstance(a, Tensor) or isinstance(b, Tensor)):
        a, b = operand_arrays(a, b)
    x = a._data if isinstance(a, Tensor) else a
    y = b._data if isinstance(b, Tensor) else b
    try:
        return Tensor._wrap(np.asarray(ufunc(x, y)))
    except ValueError:
        raise ValueError(
            f"{name}: shapes {np.shape(x)} and {np.shape(y)} cannot be broadcast together"
        ) from None


def eq(input: Any, other: Any) -> Tensor:
    return _compare(np.equal, input, other, "eq")


def ne(input: Any, other: Any) -> Tensor:
    return _compare(np.not_equal, input, other, "ne")


def lt(input: Any, other: Any) -> Tensor:
    return _compare(np.less, input, other, "lt")


def le(input: Any, other: Any) -> Tensor:
    return _compare(np.less_equal, input, other, "le")


def gt(input: Any, other: Any) -> Tensor:
    return _compare(np.greater, input, other, "gt")


def ge(input: Any, other: Any) -> Tensor:
    return _compare(np.greater_equal, input, other, "ge")


def logical_and(input: Any, other: Any) -> Tensor:
    return _compare(np.logical_and, input, other, "logical_and")


def logical_or(input: Any, other: Any) -> Tensor:
    return _compare(np.logical_or, input, other, "logical_or")


def logical_xor(input: Any, other: Any) -> Tensor:
    return _compare(np.logical_xor, input, other, "logical_xor")


def logical_not(input: Tensor) -> Tensor:
    return Tensor._wrap(np.logical_not(input._data))


def isnan(input: Tensor) -> Tensor:
    return Tensor._wrap(np.isnan(input._data))


def isfinite(input: Tensor) -> Tensor:
    return Tensor._wrap(np.isfinite(input._data))


def allclose(input: Tensor, other: Any, rtol: float = 1e-5, atol: float = 1e-8) -> bool:
    return bool(np.allclose(input._data, lift(other)._data, rtol=rtol, atol=atol))


def equal(input: Tensor, other: Tensor) -> bool:
    return input._data.shape == other._data.shape and bool(np.array_equal(input._data, other._data))
