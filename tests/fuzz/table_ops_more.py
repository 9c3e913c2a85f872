"""The second fuzz table of `glassnet.*` op functions: elementwise math, scans, statistics,
sorting, products and indexing ops added after the first table (`table_ops.py` appends SPECS).

Same rule as `table_ops.py`: one Spec per public op, grouped by calling pattern.
"""

from __future__ import annotations

import numpy as np
import torch
from hypothesis import strategies as st

import glassnet as G
from tests.fuzz.cases import (
    HALF_WITH_NUMBER,
    SUM_ORDER,
    SUMS,
    binary,
    matmul_pair,
    no_huge_factors,
    reduction,
    unary,
    with_dim,
)
from tests.fuzz.harness import FLOAT_DTYPES, Case, Spec, arrays, dims, shapes

UNARY = [
    "absolute", "acos", "arccos", "arcsin", "arcsinh", "arctan", "arctanh", "asin", "asinh",
    "atan", "atanh", "ceil", "cosh", "deg2rad", "digamma", "erf", "erfc", "erfinv", "exp2",
    "expm1", "fix", "floor", "frac", "lgamma", "log10", "log2", "rad2deg", "reciprocal",
    "round", "sgn", "signbit", "sinc", "sinh", "tan", "trunc", "isinf", "isneginf", "isposinf",
    "logit", "nan_to_num", "ravel", "fliplr", "flipud", "msort", "argwhere", "nonzero",

]  # fmt: skip
BINARY = [
    "arctan2", "atan2", "copysign", "floor_divide", "fmax", "fmin", "fmod", "greater",
    "greater_equal", "heaviside", "hypot", "less", "less_equal", "logaddexp", "not_equal",
    "remainder", "true_divide", "xlogy", "float_power",
]  # fmt: skip
BITWISE = ["bitwise_and", "bitwise_or", "bitwise_xor"]
INTS = ["bool", "int32", "int64"]
PAIRS = ["isclose", "kron", "inner", "dist"]  # f(x, y), tensors only
REDUCE = ["all", "any", "nanmean", "nansum", "aminmax", "median"]
SCAN = ["cumsum", "cumprod", "cummax", "cummin", "logcumsumexp"]


def _same(name: str) -> tuple:
    return getattr(G, name), getattr(torch, name)


@st.composite
def _masked_select(draw):
    x = draw(arrays())
    mask = draw(arrays(shape=x.shape[draw(st.integers(0, x.ndim)) :], dtypes=["bool"]))
    return Case((x, mask))


@st.composite
def _k_dim(draw, kth: bool = False):
    """topk / kthvalue: f(x, k, dim) with k in range mostly."""
    x = draw(arrays(dtypes=FLOAT_DTYPES + ["int64"]))
    d = draw(dims(x.ndim, False))
    size = x.shape[d] if -x.ndim <= d < x.ndim else 1
    low = 1 if kth else 0
    k = draw(st.integers(low, max(size, low))) if draw(st.integers(0, 4)) else size + 1
    return Case((x, k), {"dim": d})


@st.composite
def _sort(draw, stable: bool = True):
    x = draw(arrays(dtypes=FLOAT_DTYPES + ["int64"]))
    kw = {"dim": draw(dims(x.ndim, False)), "descending": draw(st.booleans())}
    if stable:
        kw["stable"] = True  # unstable orders of equal keys may differ from torch's
    return Case((x,), kw)


@st.composite
def _diagonal(draw):
    x = draw(arrays(dtypes=FLOAT_DTYPES + ["int64"]))
    d1, d2 = draw(dims(x.ndim, False)), draw(dims(x.ndim, False))
    return Case((x, draw(st.integers(-3, 3)), d1, d2))


@st.composite
def _diag(draw):
    x = draw(arrays(shape=draw(shapes(max_dims=3)), dtypes=FLOAT_DTYPES + ["int64"]))
    return Case((x, draw(st.integers(-2, 2))))


@st.composite
def _stat(draw):
    x = draw(arrays(dtypes=FLOAT_DTYPES))
    return Case((x,), {"dim": draw(dims(x.ndim)), "keepdim": draw(st.booleans())})


@st.composite
def _diff(draw):
    x = draw(arrays(shape=draw(shapes(min_dims=1)), dtypes=FLOAT_DTYPES + ["int64"]))
    return Case((x,), {"n": draw(st.integers(0, 3)), "dim": draw(dims(x.ndim, False))})


@st.composite
def _unique(draw):
    x = draw(arrays(dtypes=["int64", "float32", "float64", "bool"]))
    kw = {"return_inverse": draw(st.booleans()), "return_counts": draw(st.booleans())}
    return Case((x,), kw)


@st.composite
def _repeat_interleave(draw):
    x = draw(arrays(dtypes=FLOAT_DTYPES + ["int64"]))
    d = draw(dims(x.ndim))
    return Case((x, draw(st.integers(0, 3))), {"dim": d})


@st.composite
def _roll(draw):
    x = draw(arrays(dtypes=FLOAT_DTYPES + ["int64"]))
    if draw(st.booleans()) or x.ndim == 0:
        return Case((x, draw(st.integers(-5, 5))))
    return Case((x, draw(st.integers(-5, 5)), draw(dims(x.ndim, False))))


@st.composite
def _rot90(draw):
    x = draw(arrays(dtypes=FLOAT_DTYPES + ["int64"]))
    pair = (draw(dims(x.ndim, False)), draw(dims(x.ndim, False)))
    return Case((x, draw(st.integers(-5, 5)), pair))


@st.composite
def _tile(draw):
    x = draw(arrays(dtypes=FLOAT_DTYPES + ["int64"]))
    return Case((x, tuple(draw(st.lists(st.integers(0, 3), max_size=4)))))


@st.composite
def _unfold(draw):
    x = draw(arrays(shape=draw(shapes(min_dims=1)), dtypes=FLOAT_DTYPES))
    return Case((x, draw(dims(x.ndim, False)), draw(st.integers(0, 4)), draw(st.integers(0, 3))))


@st.composite
def _tensor_split(draw):
    x = draw(arrays(shape=draw(shapes(min_dims=1)), dtypes=FLOAT_DTYPES))
    sections = draw(st.one_of(st.integers(0, 4), st.lists(st.integers(-1, 5), max_size=3)))
    return Case((x, sections), {"dim": draw(dims(x.ndim, False))})


@st.composite
def _split_with_sizes(draw):
    x = draw(arrays(shape=draw(shapes(min_dims=1)), dtypes=FLOAT_DTYPES))
    d = draw(dims(x.ndim, False))
    n = x.shape[d] if -x.ndim <= d < x.ndim else 1
    sizes = draw(st.sampled_from([[n], [0, n], [n, 1], [1, n - 1] if n else [0]]))
    return Case((x, sizes), {"dim": d})


@st.composite
def _movedim(draw):
    x = draw(arrays(dtypes=FLOAT_DTYPES))
    return Case((x, draw(dims(x.ndim, False)), draw(dims(x.ndim, False))))


@st.composite
def _index_op(draw, kind: str):
    """index_add/index_copy/index_fill/scatter/take_along_dim/take: x, dim, index (+ source)."""
    x = draw(arrays(shape=draw(shapes(min_dims=1)), dtypes=FLOAT_DTYPES + ["int64"]))
    d = draw(dims(x.ndim, False))
    size = x.shape[d] if -x.ndim <= d < x.ndim else 1
    lo, hi = (0, max(size - 1, 0)) if draw(st.integers(0, 4)) else (-size - 2, size + 2)
    rng = np.random.default_rng(draw(st.integers(0, 99)))
    if kind in ("index_add", "index_copy", "index_fill"):
        n = draw(st.integers(0, 3))
        # distinct indices: index_copy with repeats keeps an unspecified one in torch
        idx = (
            rng.permutation(max(size, 1))[:n]
            if kind == "index_copy"
            else rng.integers(lo, hi + 1, n)
        )
        if kind == "index_fill":
            return Case((x, d, idx, draw(st.sampled_from([0, -1.5, 2]))))
        src_shape = list(x.shape)
        if -x.ndim <= d < x.ndim:
            src_shape[d] = len(idx)
        return Case((x, d, idx, draw(arrays(shape=tuple(src_shape), dtypes=[str(x.dtype)]))))
    idx = rng.integers(lo, hi + 1, x.shape)
    if kind == "scatter":
        return Case((x, d, idx, draw(arrays(shape=x.shape, dtypes=[str(x.dtype)]))))
    if kind == "take":
        return Case((x, rng.integers(-x.size - 1, x.size + 1, draw(shapes(max_dims=2)))))
    return Case((x, idx), {"dim": d})


@st.composite
def _index_put(draw):
    x = draw(arrays(shape=draw(shapes(min_dims=1, min_side=1)), dtypes=FLOAT_DTYPES))
    idx = np.random.default_rng(draw(st.integers(0, 99))).integers(0, x.shape[0], 3)
    values = draw(arrays(shape=(3,) + x.shape[1:], dtypes=[str(x.dtype)]))
    return Case((x, (idx,), values), {"accumulate": draw(st.booleans())})


@st.composite
def _bincount(draw):
    rng = np.random.default_rng(draw(st.integers(0, 99)))
    x = rng.integers(-1 if draw(st.integers(0, 5)) == 0 else 0, 5, draw(st.integers(0, 6)))
    w = draw(st.one_of(st.none(), arrays(shape=x.shape, dtypes=FLOAT_DTYPES)))
    return Case((x,), {"weights": w, "minlength": draw(st.integers(0, 6))})


@st.composite
def _addmm(draw, kind: str):
    """addmm / addbmm / baddbmm / addmv / addr: input + alpha * product, beta scaling input."""
    n, k, m, b = (draw(st.integers(0, 3)) for _ in range(4))
    dt = draw(st.sampled_from(FLOAT_DTYPES))
    shapes_ = {
        "addmm": ((n, k), (k, m), (n, m)),
        "addbmm": ((b, n, k), (b, k, m), (n, m)),
        "baddbmm": ((b, n, k), (b, k, m), (b, n, m)),
        "addmv": ((n, k), (k,), (n,)),
        "addr": ((n,), (m,), (n, m)),
    }[kind]
    a, c, out = shapes_
    inp_shape = out[draw(st.integers(0, len(out))) :] if draw(st.booleans()) else out
    if 0 in a + c:
        inp_shape = out  # see ADDMV_NOTE
    arrs = [draw(arrays(shape=s, dtypes=[dt])) for s in (inp_shape, a, c)]
    kw = {"beta": draw(st.sampled_from([1, 0.5])), "alpha": draw(st.sampled_from([1, 2.0]))}
    return Case(tuple(arrs), kw)


@st.composite
def _addc(draw):
    x = draw(arrays(dtypes=FLOAT_DTYPES))
    t1 = draw(arrays(shape=draw(st.sampled_from([x.shape, x.shape[1:]])), dtypes=[str(x.dtype)]))
    t2 = draw(arrays(shape=x.shape, dtypes=[str(x.dtype)]))
    return Case((x, t1, t2), {"value": draw(st.sampled_from([1, -0.5, 2]))})


@st.composite
def _lerp(draw):
    x = draw(arrays(dtypes=FLOAT_DTYPES))
    end = draw(arrays(shape=x.shape, dtypes=[str(x.dtype)]))
    w = draw(
        st.one_of(st.sampled_from([0.0, 0.5, 1.5]), arrays(shape=x.shape, dtypes=[str(x.dtype)]))
    )
    return Case((x, end, w))


EINSUM = [
    ("ij,jk->ik", "ij", "jk"), ("i,i->", "i", "i"), ("bij,bjk->bik", "bij", "bjk"),
    ("ij->ji", "ij", None), ("ii->i", "ii", None), ("ij,j->i", "ij", "j"), ("i,j->ij", "i", "j"),
    ("...i,...i->...", "ai", "ai"),
]  # fmt: skip


@st.composite
def _einsum(draw):
    eq, sa, sb = draw(st.sampled_from(EINSUM))
    size = {c: draw(st.integers(0, 3)) for c in "abijk"}
    dt = draw(st.sampled_from(FLOAT_DTYPES))
    ops = [draw(arrays(shape=tuple(size[c] for c in s), dtypes=[dt])) for s in (sa, sb) if s]
    return Case((eq, *ops))


@st.composite
def _tensordot(draw):
    case = draw(matmul_pair((2, 2), (2, 2)))
    return Case(case.args, {"dims": draw(st.sampled_from([1, 0]))})


@st.composite
def _cross(draw):
    shape = draw(shapes(max_dims=2, min_side=1)) + (3,)
    dt = draw(st.sampled_from(FLOAT_DTYPES))
    return Case((draw(arrays(shape=shape, dtypes=[dt])), draw(arrays(shape=shape, dtypes=[dt]))))


@st.composite
def _clamp_one(draw):
    x = draw(arrays())
    return Case((x, draw(st.sampled_from([-1, 0, 0.5, float("nan"), 1e30]))))


@st.composite
def _probs(draw):
    x = np.abs(draw(arrays(shape=draw(shapes(min_dims=1, max_dims=2)), dtypes=FLOAT_DTYPES)))
    return Case((x, draw(st.integers(0, 3))), {"replacement": True})


@st.composite
def _unit(draw):
    x = draw(arrays(dtypes=FLOAT_DTYPES))
    return Case((np.asarray(np.clip(np.nan_to_num(x), 0, 1), dtype=x.dtype),))


def _bernoulli_t(x):
    return torch.bernoulli(x)


RANDOM_NOTE = "random values: shape and dtype compared"
NO_GRAD = {"argwhere", "nonzero", "isinf", "isneginf", "isposinf", "signbit"}
NOT_DIFFERENTIABLE = (
    "no gradient: torch's output requires grad but its gradient is zero or not implemented;"
    " glassnet's output is outside the graph"
)
NOTES = {
    "sgn": "no gradient check: torch's gradient of sgn on real input is a ZeroTensor, which"
    " cannot be read back",
    "floor_divide": NOT_DIFFERENTIABLE,
    "heaviside": NOT_DIFFERENTIABLE,
    "arctan2": "gradient compared unless float16 meets a wider float: torch's backward then"
    " squares the float16 input in float16 (atan2(0.1257, f16 0.1891): d/da 3.6663 in torch,"
    " exact 3.6672 here; summed over a broadcast float32 input, 0.5% off)",
}
NOTES["atan2"] = NOTES["arctan2"]
NOTES["sinc"] = (
    "float16 gradient compared away from 0 (|x| >= 0.1): (cos(pi x) - sinc x) / x cancels there"
    " and both libraries' float16 formulas are off (x = -0.011: exact 0.036, torch 0.085)"
)
NO_GRAD |= {"sgn", "floor_divide", "heaviside"}


def _not_f16_with_f64(case: Case) -> bool:
    kinds = {str(a.dtype) for a in case.args if isinstance(a, np.ndarray)}
    return not {"float16", "float64"} <= kinds


def _no_f16_with_wider(case: Case) -> bool:
    kinds = {str(a.dtype) for a in case.args if isinstance(a, np.ndarray)}
    return "float16" not in kinds or not kinds & {"float32", "float64"}


def _no_f16(case: Case) -> bool:
    return all(str(a.dtype) != "float16" for a in case.args if isinstance(a, np.ndarray))


ADDCDIV = (
    "gradient compared without float16: dL/dt2 = -gy v t1 / t2^2 overflows float16 at other"
    " elements than torch's kernel (which computes in float32)"
)


def _extra(n: str) -> dict:
    """Spec fields of the elementwise ops that differ from torch somewhere (see NOTES)."""
    out: dict = {"note": NOTES.get(n, ""), "grad": n not in NO_GRAD}
    if n in ("arctan2", "atan2"):
        out["grad_if"] = _no_f16_with_wider
    if n == "sinc":
        out["grad_if"] = _sinc_not_f16_near_0
    if n == "true_divide":
        out.update(HALF_WITH_NUMBER)
    if n in ("remainder", "fmod"):
        out["grad_if"] = _no_f16_with_wider
        out["note"] = (
            "gradient compared unless float16 meets a wider float: dL/db = -gy floor(a / b), "
            "and a quotient near an integer floors differently with the division's precision"
        )
    return out


def _sinc_not_f16_near_0(case: Case) -> bool:
    x = case.args[0]
    return x.dtype != np.float16 or not ((np.abs(x) < 0.1) & (x != 0)).any()


LERP_NOTE = (
    "values compared for finite inputs only: with an infinite end point torch's kernel picks"
    " x + w (y - x) or y - (1 - w) (y - x) by w, giving +-inf where this formula gives NaN"
)
ADDMV_NOTE = "input has the full output shape when a side is 0 (torch then keeps input's shape)"
ADDMV = {"values_if": SUMS["values_if"], "note": f"{ADDMV_NOTE}; {SUM_ORDER}"}
CROSS_NOTE = (
    "values compared below 1e20: a_1 b_2 - a_2 b_1 of +-1e30 terms cancels, and torch's kernel"
    " (a fused multiply-add) keeps one product's rounding error (1e11 against 1e30 terms)"
)
TIES = (
    "values, indices and gradients compared when the slices along dim hold no ties (integer"
    " inputs, repeated values): among equal elements torch's selection kernel may pick other"
    " indices than glassnet's, routing the gradient elsewhere"
)
WELFORD = (
    "values compared for finite inputs below 1e20: torch computes the mean by Welford's update,"
    " which turns an infinite input into NaN (inf - inf), where mean() and this give +-inf"
)


def _no_ties(case: Case) -> bool:
    x, dim = case.args[0], case.kwargs["dim"]
    if x.ndim == 0 or not -x.ndim <= dim < x.ndim:
        return True
    gaps = np.diff(np.sort(x, axis=dim), axis=dim).astype(np.float64)
    return not ((gaps == 0) | np.isnan(gaps)).any()  # NaN: two infinities, or a NaN


SPECS = (
    [Spec(n, *_same(n), unary(), **_extra(n)) for n in UNARY]
    + [Spec(n, *_same(n), binary(), **_extra(n)) for n in BINARY]
    + [Spec(n, *_same(n), binary(dtypes=INTS)) for n in BITWISE]
    + [Spec("bitwise_not", *_same("bitwise_not"), unary(dtypes=INTS))]
    + [Spec(n, *_same(n), binary(scalar=False), huge=n != "dist") for n in PAIRS]
    + [Spec(n, *_same(n), reduction()) for n in REDUCE]
    + [Spec("count_nonzero", *_same("count_nonzero"), reduction(keepdim=False))]
    + [Spec(n, *_same(n), with_dim(), huge=n != "logcumsumexp") for n in SCAN]
    + [
        Spec("masked_select", *_same("masked_select"), _masked_select()),
        Spec("trace", *_same("trace"), unary(max_dims=2)),
        Spec("std_mean", *_same("std_mean"), _stat(), huge=False, note=WELFORD),
        Spec("var_mean", *_same("var_mean"), _stat(), huge=False, note=WELFORD),
        Spec("kthvalue", *_same("kthvalue"), _k_dim(kth=True), values_if=_no_ties, note=TIES),
        Spec("topk", *_same("topk"), _k_dim(), values_if=_no_ties, note=TIES),
        Spec("sort", *_same("sort"), _sort()),
        Spec("argsort", *_same("argsort"), _sort()),
        Spec("diagonal", *_same("diagonal"), _diagonal()),
        Spec("diag", *_same("diag"), _diag()),
        Spec("diff", *_same("diff"), _diff()),
        Spec("unique", *_same("unique"), _unique(), grad=False),
        Spec("repeat_interleave", *_same("repeat_interleave"), _repeat_interleave()),
        Spec("roll", *_same("roll"), _roll()),
        Spec("rot90", *_same("rot90"), _rot90()),
        Spec("tile", *_same("tile"), _tile()),
        Spec("unfold", G.unfold, lambda x, d, s, p: x.unfold(d, s, p), _unfold()),
        Spec("tensor_split", *_same("tensor_split"), _tensor_split()),
        Spec("split_with_sizes", *_same("split_with_sizes"), _split_with_sizes()),
        Spec("movedim", *_same("movedim"), _movedim()),
        Spec("moveaxis", *_same("moveaxis"), _movedim()),
        Spec("swapdims", *_same("swapdims"), _movedim()),
        Spec("index_add", *_same("index_add"), _index_op("index_add")),
        Spec("index_copy", *_same("index_copy"), _index_op("index_copy")),
        Spec("index_fill", *_same("index_fill"), _index_op("index_fill")),
        Spec("scatter", *_same("scatter"), _index_op("scatter"), grad=False),
        Spec("take_along_dim", *_same("take_along_dim"), _index_op("take_along_dim")),
        Spec("take", *_same("take"), _index_op("take")),
        Spec("index_put", *_same("index_put"), _index_put(), grad=False),
        Spec("bincount", *_same("bincount"), _bincount(), grad=False),
        Spec("addmm", *_same("addmm"), _addmm("addmm"), **ADDMV),
        Spec("addbmm", *_same("addbmm"), _addmm("addbmm"), **ADDMV),
        Spec("baddbmm", *_same("baddbmm"), _addmm("baddbmm"), **ADDMV),
        Spec("addmv", *_same("addmv"), _addmm("addmv"), **ADDMV),
        Spec("addr", *_same("addr"), _addmm("addr"), note=ADDMV_NOTE),
        Spec("mv", *_same("mv"), matmul_pair((2, 2), (1, 1)), **SUMS),
        Spec("addcmul", *_same("addcmul"), _addc()),
        Spec("addcdiv", *_same("addcdiv"), _addc(), huge=False, grad_if=_no_f16, note=ADDCDIV),
        Spec("lerp", *_same("lerp"), _lerp(), huge=False, note=LERP_NOTE),
        Spec(
            "einsum",
            *_same("einsum"),
            _einsum(),
            values_if=lambda case: no_huge_factors(*case.args[1:]),
            note=SUM_ORDER,
        ),
        Spec(
            "tensordot",
            *_same("tensordot"),
            _tensordot(),
            values_if=lambda case: (
                no_huge_factors(*case.args[:2])
                and not any(np.isinf(a).any() for a in case.args[:2] if a.dtype == np.float16)
            ),
            note=f"{SUM_ORDER}; float16 with infinities: torch's half product can give inf where "
            "inf - inf is NaN",
        ),
        Spec("cross", *_same("cross"), _cross(), huge=False, note=CROSS_NOTE),
        Spec("clamp_max", *_same("clamp_max"), _clamp_one()),
        Spec("clamp_min", *_same("clamp_min"), _clamp_one()),
        Spec("is_nonzero", *_same("is_nonzero"), unary(), grad=False),
        Spec("is_tensor", *_same("is_tensor"), unary(), grad=False),
        Spec("multinomial", *_same("multinomial"), _probs(), values=False, note=RANDOM_NOTE),
        Spec("bernoulli", G.bernoulli, _bernoulli_t, _unit(), grad=False, values=False),
    ]
)
