"""The fuzz tables of `glassnet.nn.functional` (non-loss functions) and of every `glassnet.nn`
layer, each against torch. A layer's Spec builds the torch layer from a fixed seed and a
glassnet layer holding the same parameters, then calls both on the case's inputs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch
import torch.nn.functional as TF
from hypothesis import strategies as st

import glassnet.nn.functional as F
from tests.fuzz.cases import (
    LINEAR_SUMS,
    SUM_ORDER,
    binary,
    channels,
    float_input,
    no_huge_factors,
    unary,
    with_dim,
)
from tests.fuzz.harness import FLOAT_DTYPES, Case, Spec, arrays, shapes
from tests.fuzz.table_ops import _pad as pad_case
from tests.fuzz.table_ops import linear_case

MOSTLY_F32 = ["float32"] * 6 + ["float64", "float16", "int64", "bool"]

ACTIVATIONS = [
    "relu", "sigmoid", "tanh", "gelu", "silu", "elu", "celu", "selu", "leaky_relu", "hardtanh",
    "relu6", "hardsigmoid", "hardswish", "mish", "softplus", "softsign", "logsigmoid",
]  # fmt: skip


def _no_float32_posinf(case: Case) -> bool:
    x = case.args[0]
    return not (x.dtype == np.float32 and np.isposinf(x).any())


# activations that differ from torch by design: name -> extra Spec fields
ACTIVATION_SPEC = {
    "gelu": {
        "values_if": _no_float32_posinf,
        "note": "gelu(+inf) is +inf here (x Phi(x) -> x); torch's float32 kernel gives NaN there"
        " (its float64 one +inf): values compared unless a float32 input holds +inf",
    },
}


def _f(name: str) -> Spec:
    extra = ACTIVATION_SPEC.get(name, {})
    return Spec(f"F.{name}", getattr(F, name), getattr(TF, name), unary(), **extra)


def _pool_case(nd: int, **kwargs: Any):
    return float_input(channels(nd + 1, nd + 2, min_side=0), dtypes=MOSTLY_F32, **kwargs)


@st.composite
def _conv(draw, nd: int, transpose: bool = False):
    cin, cout = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    k = draw(st.integers(1, 3))
    x = draw(arrays(shape=draw(channels(nd + 1, nd + 2, c=cin, min_side=0)), dtypes=MOSTLY_F32))
    wshape = (cin, cout) + (k,) * nd if transpose else (cout, cin) + (k,) * nd
    w = draw(arrays(shape=wshape, dtypes=[str(x.dtype)] * 4 + ["float64"]))
    b = draw(st.one_of(st.none(), arrays(shape=(cout,), dtypes=[str(w.dtype)])))
    kwargs = {"stride": draw(st.integers(1, 2)), "padding": draw(st.integers(0, 1))}
    return Case((x, w, b), kwargs)


@st.composite
def _norm_case(draw, kind: str):
    c = draw(st.integers(0, 4))
    x = draw(arrays(shape=draw(channels(2, 4, c=c)), dtypes=MOSTLY_F32))
    w = draw(st.one_of(st.none(), arrays(shape=(c,), dtypes=["float32"])))
    b = draw(st.one_of(st.none(), arrays(shape=(c,), dtypes=["float32"])))
    if kind == "batch":
        return Case((x, None, None, w, b), {"training": True})
    if kind == "group":
        groups = draw(st.sampled_from([1, 2, max(c, 1)]))
        return Case((x, groups, w, b))
    shape = x.shape[-1:] if x.ndim else (1,)
    w = draw(st.one_of(st.none(), arrays(shape=shape, dtypes=["float32"])))
    if kind == "rms":
        return Case((x, shape, w))
    b = draw(st.one_of(st.none(), arrays(shape=shape, dtypes=["float32"])))
    return Case((x, shape, w, b))


@st.composite
def _sdpa(draw):
    lq, lk, e = draw(st.integers(0, 3)), draw(st.integers(0, 3)), draw(st.integers(1, 3))
    batch = draw(shapes(max_dims=2, min_side=1, max_side=2))
    dt = draw(st.sampled_from(MOSTLY_F32))
    q = draw(arrays(shape=batch + (lq, e), dtypes=[dt]))
    k = draw(arrays(shape=batch + (lk, e), dtypes=[dt]))
    v = draw(arrays(shape=batch + (lk, draw(st.integers(1, 3))), dtypes=[dt]))
    return Case((q, k, v), {"is_causal": draw(st.booleans()) and lq == lk})


@st.composite
def _embedding(draw):
    n, d = draw(st.integers(1, 5)), draw(st.integers(1, 3))
    idx = np.random.default_rng(draw(st.integers(0, 99))).integers(
        -1 if draw(st.integers(0, 5)) == 0 else 0, n, draw(shapes(max_dims=2))
    )
    w = draw(arrays(shape=(n, d), dtypes=FLOAT_DTYPES))
    return Case((idx, w))


@st.composite
def _prelu(draw):
    x = draw(arrays(shape=draw(channels(0, 4, c=2)), dtypes=MOSTLY_F32))
    return Case((x, draw(arrays(shape=draw(st.sampled_from([(1,), (2,)])), dtypes=["float32"]))))


@st.composite
def _bilinear(draw):
    x1 = draw(arrays(shape=(draw(st.integers(0, 3)), 2), dtypes=MOSTLY_F32))
    x2 = draw(arrays(shape=(x1.shape[0], draw(st.sampled_from([3, 3, 2]))), dtypes=MOSTLY_F32))
    w = draw(arrays(shape=(4, 2, 3), dtypes=[str(x1.dtype)]))
    return Case((x1, x2, w, draw(st.one_of(st.none(), arrays(shape=(4,), dtypes=["float32"])))))


def _torch_step(x):
    return (x >= 0).to(x.dtype)


def _torch_bipolar(x):
    return torch.where(x >= 0, 1, -1).to(x.dtype)


@st.composite
def _fold(draw):
    n, c, k = draw(st.integers(0, 2)), draw(st.integers(1, 2)), draw(st.integers(1, 2))
    size = (draw(st.integers(k, 4)), draw(st.integers(k, 4)))
    blocks = (size[0] - k + 1) * (size[1] - k + 1) + draw(st.sampled_from([0, 0, 0, 1]))
    x = draw(arrays(shape=(n, c * k * k, blocks), dtypes=MOSTLY_F32))
    return Case((x,), {"output_size": size, "kernel_size": k})


def _dropout(fn: Callable) -> Callable:
    return lambda x, **kw: fn(x, p=0.0, training=True)


EMPTY_GROUPS = (
    "input (N, C, 0): the weight's gradient sum(gy * xhat) over no positions is 0 here, NaN in"
    " torch (its formula multiplies by the NaN mean of no elements); gradients compared when"
    " the groups have positions or the batch is empty"
)


ONE_NUMBER = (
    "values and gradients compared for rows/groups of more than one number: a row of one has "
    "xhat = 0, so y = bias and dL/dx = 0 exactly here; torch gives its rounding noise "
    "(1e-5 in y, 1e-4 in dL/dx) amplified by 1/sqrt(eps)"
)


def _row_size(case: Case) -> int:
    shape = case.args[1]
    return int(np.prod(shape)) if isinstance(shape, (list, tuple)) else int(shape)


def _rows_of_more_than_one(case: Case) -> bool:
    return _row_size(case) > 1 or case.args[0].size == 0


def _grad_rows(case: Case) -> bool:
    """As `_rows_of_more_than_one`; float16 rows of two have xhat = +-1 and a gradient of
    eps / (2 |d|^3) that is all rounding noise in both libraries."""
    if case.args[0].dtype == np.float16 and _row_size(case) <= 2:
        return case.args[0].size == 0
    return _rows_of_more_than_one(case)


def _has_positions(case: Case) -> bool:
    """Groups of more than one number (or an empty batch): a group of one has xhat = 0 and a
    gradient of exactly 0 here, torch's rounding noise times 1/sqrt(eps) there."""
    x, groups = case.args[0], case.args[1]
    if x.shape[0] == 0:
        return True
    per_group = x.size // max(x.shape[0], 1) // groups if isinstance(groups, int) and groups else 0
    return x.size > 0 and per_group > 1


NORM_OVERFLOW = (
    "|x| >= 1e19 in float32: ||x||^2 overflows here as in torch.norm, but torch's normalize"
    " over a dim of size 1 returns x / |x| (its kernel skips the square): compared below 1e20"
)
CANCEL = (
    "values compared for |x| < 1e20: a window holding +-1e30 beside small numbers cancels"
    " differently by summation order (a matrix product here, a running sum in torch)"
)
SDPA_NAN = (
    "values compared without NaN inputs: torch's CPU flash kernel turns a row whose only"
    " visible score is NaN into zeros; the formula softmax(q k^T / sqrt(E)) v gives NaN there"
)


def _no_nan(case: Case) -> bool:
    return not any(np.isnan(a).any() for a in case.args if a.dtype.kind == "f")


CONV = {
    "values_if": lambda case: (
        bool(np.isfinite(case.args[1]).all()) and no_huge_factors(*case.args[:2])
    ),
    "note": "values compared for finite weights: the zeros the formula multiplies (padding, the"
    " gaps of a strided transposed conv) give 0 * inf = NaN with an infinite weight here;"
    f" torch's direct kernel skips those taps; and {SUM_ORDER}",
}
MIXED_F16 = (
    "values compared unless float16 meets a wider float: torch takes the float16 input's"
    " norm in float16 (a float64 result rounded to float16 precision)"
)


def _no_mixed_float16(case: Case) -> bool:
    kinds = {a.dtype for a in case.args if isinstance(a, np.ndarray)}
    return np.dtype(np.float16) not in kinds or len(kinds) == 1


OVERFLOW = "|x| ~ 1e30: float32 intermediates (x^2, products) overflow differently from torch's"
RMS = {
    "rtol_scale": 20.0,
    "grad_if": lambda case: case.args[0].dtype != np.float16,
    "note": "float16: torch's default eps is float32's machine epsilon, glassnet's float16's",
}

FUNCTIONAL = [_f(n) for n in ACTIVATIONS] + [
    Spec("F.softmax", F.softmax, TF.softmax, with_dim()),
    Spec("F.normalize", F.normalize, TF.normalize, with_dim(), huge=False, note=NORM_OVERFLOW),
    Spec(
        "F.cosine_similarity",
        F.cosine_similarity,
        TF.cosine_similarity,
        binary(scalar=False),
        values_if=_no_mixed_float16,
        note=MIXED_F16,
    ),
    Spec("F.one_hot", F.one_hot, TF.one_hot, unary()),
    Spec("F.pad", F.pad, TF.pad, pad_case()),
    Spec("F.log_softmax", F.log_softmax, TF.log_softmax, with_dim()),
    Spec("F.linear", F.linear, TF.linear, linear_case(), **LINEAR_SUMS),
    Spec("F.step", F.step, _torch_step, unary(), note="perceptron unit: 1 where x >= 0"),
    Spec("F.bipolar_step", F.bipolar_step, _torch_bipolar, unary(), note="+1/-1, never 0"),
    Spec("F.fold", F.fold, TF.fold, _fold()),
    Spec("F.bilinear", F.bilinear, TF.bilinear, _bilinear(), huge=False, note=OVERFLOW),
    Spec("F.prelu", F.prelu, TF.prelu, _prelu()),
    Spec("F.conv1d", F.conv1d, TF.conv1d, _conv(1), **CONV),
    Spec("F.conv2d", F.conv2d, TF.conv2d, _conv(2), **CONV),
    Spec("F.conv_transpose1d", F.conv_transpose1d, TF.conv_transpose1d, _conv(1, True), **CONV),
    Spec("F.conv_transpose2d", F.conv_transpose2d, TF.conv_transpose2d, _conv(2, True), **CONV),
    Spec("F.max_pool1d", F.max_pool1d, TF.max_pool1d, _pool_case(1, kernel_size=2)),
    Spec("F.max_pool2d", F.max_pool2d, TF.max_pool2d, _pool_case(2, kernel_size=2)),
    Spec("F.avg_pool1d", F.avg_pool1d, TF.avg_pool1d, _pool_case(1, kernel_size=2)),
    Spec("F.avg_pool2d", F.avg_pool2d, TF.avg_pool2d, _pool_case(2, kernel_size=2)),
    Spec(
        "F.adaptive_avg_pool2d",
        F.adaptive_avg_pool2d,
        TF.adaptive_avg_pool2d,
        _pool_case(2, output_size=(2, 1)),
        huge=False,
        note=CANCEL,
    ),
    Spec("F.unfold", F.unfold, TF.unfold, _pool_case(2, kernel_size=2)),
    Spec(
        "F.batch_norm",
        F.batch_norm,
        TF.batch_norm,
        _norm_case("batch"),
        huge=False,
        grad_if=lambda case: case.args[0].dtype != np.float16,
        note="float16 gradients: see nn.BatchNorm1d in table_layers.py",
    ),
    Spec(
        "F.layer_norm",
        F.layer_norm,
        TF.layer_norm,
        _norm_case("layer"),
        huge=False,
        values_if=_rows_of_more_than_one,
        grad_if=_grad_rows,
        note=ONE_NUMBER,
    ),
    Spec(
        "F.group_norm",
        F.group_norm,
        TF.group_norm,
        _norm_case("group"),
        huge=False,
        values_if=_has_positions,
        grad_if=_has_positions,
        note=f"{EMPTY_GROUPS}; {ONE_NUMBER}",
    ),
    Spec("F.rms_norm", F.rms_norm, TF.rms_norm, _norm_case("rms"), huge=False, **RMS),
    Spec(
        "F.scaled_dot_product_attention",
        F.scaled_dot_product_attention,
        TF.scaled_dot_product_attention,
        _sdpa(),
        values_if=_no_nan,
        note=SDPA_NAN,
    ),
    Spec("F.embedding", F.embedding, TF.embedding, _embedding()),
    Spec("F.dropout", _dropout(F.dropout), _dropout(TF.dropout), unary(), note="p=0"),
    Spec("F.dropout2d", _dropout(F.dropout2d), _dropout(TF.dropout2d), unary(), note="p=0"),
]
