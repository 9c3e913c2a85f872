"""Case strategies shared by the fuzz tables: one per calling pattern (unary, binary, a
reduction over `dim`, ...). Each returns a hypothesis strategy of `harness.Case`."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import strategies as st

from tests.fuzz.harness import FLOAT_DTYPES, Case, arrays, broadcastable, dims, shapes


def unary(dtypes: Any = None, max_dims: int = 4, **kwargs: Any):
    """f(x, **kwargs): any shape, any dtype."""
    return arrays(dtypes=dtypes, max_dims=max_dims).map(lambda x: Case((x,), dict(kwargs)))


@st.composite
def binary(draw, dtypes: Any = None, scalar: bool = True):
    """f(x, y): broadcastable shapes (mostly), dtypes that may differ, y sometimes a number."""
    x = draw(arrays(dtypes=dtypes))
    kind = draw(st.integers(0, 4))
    if scalar and kind == 0:
        y = draw(st.sampled_from([0, 1, -2, 2.5, True, float("nan"), 1e30, float("inf")]))
    else:
        y = draw(arrays(shape=draw(broadcastable(x.shape)), dtypes=dtypes))
    if draw(st.booleans()) and not isinstance(y, (int, float)):
        x, y = y, x
    return Case((x, y))


@st.composite
def ternary(draw):
    """where(cond, x, y): a bool condition and two values, all broadcast together."""
    x = draw(arrays())
    cond = draw(arrays(shape=draw(broadcastable(x.shape)), dtypes=["bool", "bool", "int64"]))
    y = draw(arrays(shape=draw(broadcastable(x.shape))))
    return Case((cond, x, y))


@st.composite
def reduction(draw, keepdim: bool = True, dim_required: bool = False, dtypes: Any = None):
    """f(x, dim=..., keepdim=...) with dim None, in range or out of range."""
    x = draw(arrays(dtypes=dtypes))
    kwargs: dict = {}
    dim = draw(dims(x.ndim, allow_none=not dim_required))
    if dim is not None or dim_required:
        kwargs["dim"] = dim
        if keepdim:
            kwargs["keepdim"] = draw(st.booleans())
    return Case((x,), kwargs)


@st.composite
def with_dim(draw, dtypes: Any = None, **extra: Any):
    """f(x, dim): softmax-like ops (dim required)."""
    x = draw(arrays(dtypes=dtypes))
    return Case((x,), {"dim": draw(dims(x.ndim, allow_none=False)), **extra})


@st.composite
def matmul_pair(draw, left_dims: tuple = (0, 4), right_dims: tuple = (0, 4)):
    """f(a, b) for matrix products: inner sizes that match (mostly)."""
    n, k, m = draw(st.integers(0, 3)), draw(st.integers(0, 3)), draw(st.integers(0, 3))
    nd_a = draw(st.integers(*left_dims))
    nd_b = draw(st.integers(*right_dims))
    batch = draw(shapes(max_dims=max(nd_a, nd_b) - 2 if min(nd_a, nd_b) > 2 else 0, min_side=1))
    a_shape = {0: (), 1: (k,), 2: (n, k)}.get(nd_a, batch + (n, k))
    b_shape = {0: (), 1: (k,), 2: (k, m)}.get(nd_b, batch + (k, m))
    if draw(st.integers(0, 5)) == 0:
        b_shape = draw(shapes(max_dims=3))
    dt = draw(st.sampled_from(FLOAT_DTYPES + ["int64", "float32", "float64"]))
    a = draw(arrays(shape=a_shape, dtypes=[dt]))
    b = draw(arrays(shape=b_shape, dtypes=[dt, dt, dt, "float64", "int64"]))
    return Case((a, b))


SUM_ORDER = (
    "values compared only where the factors hold no finite number >= 1e20: a sum of such products "
    "depends on the summation order and fused multiply-adds of the BLAS or kernel (1e30 * 1e30 "
    "overflows to inf, -inf or NaN; two products of 3e29 that cancel exactly give 0 here and "
    "-1.2e22, the rounding residue of an FMA, in torch; NumPy itself differs between a 1-row "
    "and a 3-row product)"
)


def no_huge_factors(*arrays: Any) -> bool:
    """True when no array holds a finite number of magnitude >= 1e20 (see SUM_ORDER)."""
    for x in arrays:
        x = np.asarray(x)
        if x.dtype.kind == "f" and x.size:
            size = np.abs(x.astype(np.float64))
            if (size[np.isfinite(size)] >= 1e20).any():
                return False
    return True


def no_overflowing_products(case: Case) -> bool:
    """True when the last two arguments (the matrix factors) hold no huge finite numbers."""
    return no_huge_factors(*case.args[-2:])


SUMS = {"values_if": no_overflowing_products, "note": SUM_ORDER}  # Spec(..., **SUMS)
LINEAR_SUMS = {"values_if": lambda case: no_huge_factors(*case.args[:2]), "note": SUM_ORDER}


HALF_WITH_NUMBER = {
    "grad_if": lambda case: not half_meets_number(case),
    "note": "gradients compared unless a float16 tensor meets a number or 0-d tensor: the "
    "forward keeps the number in float32 in both libraries, but torch's float16 backward "
    "(-gy a / b^2) runs in float16 and overflows to inf where the float32 one here is finite",
}


def half_meets_number(case: Case) -> bool:
    """A float16 array among the arguments together with a number or a 0-d array."""
    arrays_ = [a for a in case.args if isinstance(a, np.ndarray)]
    half = any(a.dtype == np.float16 and a.ndim for a in arrays_)
    number = len(arrays_) < len(case.args) or any(a.ndim == 0 for a in arrays_)
    return half and number


@st.composite
def float_input(draw, shape_st: Any, dtypes: Any = None, **kwargs: Any):
    """f(x, **kwargs) with x's shape drawn from `shape_st` (a layer's expected layout)."""
    x = draw(arrays(shape=draw(shape_st), dtypes=dtypes))
    return Case((x,), dict(kwargs))


def channels(min_dims: int, max_dims: int, c: int | None = None, min_side: int = 0):
    """A shape (N, C, *spatial) with `c` channels (random when None)."""

    @st.composite
    def draw_shape(draw):
        nd = draw(st.integers(min_dims, max_dims))
        shape = list(draw(shapes(min_dims=nd, max_dims=nd, min_side=min_side, max_side=5)))
        if c is not None and nd >= 2 and draw(st.integers(0, 4)):
            shape[1] = c
        return tuple(shape)

    return draw_shape()
