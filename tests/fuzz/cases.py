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
    "a sum whose products overflow (1e30 * 1e30 in float32) gives inf, -inf or NaN depending on "
    "the BLAS's summation order and use of fused multiply-adds (NumPy itself differs between a "
    "1-row and a 3-row product): values are compared only where no product overflows"
)


def no_overflowing_products(case: Case) -> bool:
    """True when no finite product of the last two arguments (the matrix factors) overflows
    their dtype (see SUM_ORDER)."""
    a, b = (np.asarray(x) for x in case.args[-2:])
    dtype = np.result_type(a, b)
    if dtype.kind != "f" or a.size == 0 or b.size == 0:
        return True
    biggest = [np.abs(x[np.isfinite(x)].astype(np.float64), dtype=np.float64) for x in (a, b)]
    if any(x.size == 0 for x in biggest):
        return True
    return float(biggest[0].max()) * float(biggest[1].max()) <= float(np.finfo(dtype).max)


SUMS = {"values_if": no_overflowing_products, "note": SUM_ORDER}  # Spec(..., **SUMS)


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
