"""The fuzz table of glassnet's top-level op functions (`glassnet.*`), each against torch.

To add an op: one `Spec(name, glassnet callable, torch callable, cases)` line in the section
that fits its calling pattern (strategies in `cases.py`). `test_registry.py` fails while a public
function has neither a Spec nor a reasoned entry in `SKIP`.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as TF
from hypothesis import strategies as st

import glassnet as G
from tests.fuzz.cases import (
    HALF_WITH_NUMBER,
    LINEAR_SUMS,
    SUMS,
    binary,
    matmul_pair,
    reduction,
    ternary,
    unary,
    with_dim,
)
from tests.fuzz.harness import FLOAT_DTYPES, Case, Spec, arrays, dims, shapes
from tests.fuzz.table_ops_more import SPECS as MORE_SPECS
from tests.fuzz.table_ops_more import _not_f16_with_f64

UNARY = [
    "abs", "cos", "exp", "log", "log1p", "neg", "negative", "rsqrt", "sign", "sin", "sqrt",
    "square", "sigmoid", "tanh", "relu", "isfinite", "isnan", "logical_not", "clone",
]  # fmt: skip
BINARY = [
    "add", "sub", "subtract", "mul", "multiply", "div", "divide", "eq", "ne", "ge", "gt", "le",
    "lt", "maximum", "minimum", "pow", "logical_and", "logical_or", "logical_xor",
]  # fmt: skip
REDUCE = ["sum", "mean", "amax", "amin", "argmax", "argmin", "max", "min", "std", "var"]


def _same(name: str) -> tuple:
    return getattr(G, name), getattr(torch, name)


@st.composite
def _prod(draw):
    x = draw(arrays())
    kw = {}
    if draw(st.booleans()):
        kw = {"dim": draw(dims(x.ndim, allow_none=False)), "keepdim": draw(st.booleans())}
    return Case((x,), kw)


@st.composite
def _clamp(draw):
    x = draw(arrays())
    bound = st.one_of(st.none(), st.sampled_from([-1, 0, 0.5, 2, float("nan"), 1e30]))
    return Case((x,), {"min": draw(bound), "max": draw(bound)})


@st.composite
def _cast(draw):
    x = draw(arrays())
    return Case((x,), {"dtype": draw(st.sampled_from(["bool", "int32", "int64"] + FLOAT_DTYPES))})


def _torch_cast(x, dtype):
    return x.to(getattr(torch, dtype))


@st.composite
def _new_shape(draw):
    """reshape/view: a shape with the same number of elements (a -1 sometimes), or a wrong one."""
    x = draw(arrays(dtypes=FLOAT_DTYPES))
    n = x.size
    kind = draw(st.integers(0, 4))
    if kind == 0:
        shape = draw(shapes(max_dims=3))
    elif kind == 1 and n:
        shape = (-1,) + ((n,) if draw(st.booleans()) else ())
    else:
        shape = tuple(reversed(x.shape)) + ((1,) if draw(st.booleans()) else ())
    return Case((x, shape))


@st.composite
def _two_dims(draw):
    x = draw(arrays(dtypes=FLOAT_DTYPES + ["int64"]))
    return Case((x, draw(dims(x.ndim, False)), draw(dims(x.ndim, False))))


@st.composite
def _permute(draw):
    x = draw(arrays(dtypes=FLOAT_DTYPES))
    p = draw(st.permutations(range(x.ndim)))
    if draw(st.integers(0, 4)) == 0:
        p = draw(st.lists(st.integers(-x.ndim - 1, x.ndim), max_size=4))
    return Case((x, tuple(p)))


@st.composite
def _squeeze(draw):
    x = draw(arrays(dtypes=FLOAT_DTYPES))
    return Case((x,), {} if draw(st.booleans()) else {"dim": draw(dims(x.ndim, False))})


@st.composite
def _unsqueeze(draw):
    x = draw(arrays(dtypes=FLOAT_DTYPES))
    return Case((x, draw(st.integers(-x.ndim - 2, x.ndim + 1))))


@st.composite
def _flatten(draw):
    x = draw(arrays(dtypes=FLOAT_DTYPES))
    return Case((x, draw(dims(x.ndim, False)), draw(dims(x.ndim, False))))


@st.composite
def _unflatten(draw):
    x = draw(arrays(shape=draw(shapes(min_dims=1)), dtypes=FLOAT_DTYPES))
    d = draw(dims(x.ndim, False))
    n = x.shape[d] if -x.ndim <= d < x.ndim else 1
    sizes = draw(st.sampled_from([(n,), (1, n), (-1, 1), (n + 1,), (n, -1)]))
    return Case((x, d, sizes))


@st.composite
def _sizes_like(draw):
    """expand / broadcast_to / repeat: a target shape related to x's (or not)."""
    x = draw(arrays(dtypes=FLOAT_DTYPES))
    tail = tuple(draw(st.sampled_from([s, 2, -1])) if s == 1 else s for s in x.shape)
    lead = tuple(draw(shapes(max_dims=2, min_side=0, max_side=3)))
    target = draw(st.sampled_from([lead + tail, tail, draw(shapes(max_dims=3))]))
    return Case((x, target))


@st.composite
def _flip(draw):
    x = draw(arrays(dtypes=FLOAT_DTYPES + ["int64"]))
    return Case((x, tuple(draw(st.lists(dims(x.ndim, False), max_size=3)))))


@st.composite
def _repeat(draw):
    x = draw(arrays(dtypes=FLOAT_DTYPES))
    reps = tuple(draw(st.lists(st.integers(0, 3), min_size=max(x.ndim - 1, 0), max_size=4)))
    return Case((x, reps))


@st.composite
def _diag(draw):
    x = draw(arrays(dtypes=FLOAT_DTYPES + ["int64", "bool"]))
    return Case((x,), {"diagonal": draw(st.integers(-3, 3))})


@st.composite
def _narrow(draw):
    x = draw(arrays(shape=draw(shapes(min_dims=1)), dtypes=FLOAT_DTYPES))
    return Case((x, draw(dims(x.ndim, False)), draw(st.integers(-5, 4)), draw(st.integers(-1, 4))))


@st.composite
def _select(draw):
    x = draw(arrays(shape=draw(shapes(min_dims=1)), dtypes=FLOAT_DTYPES))
    return Case((x, draw(dims(x.ndim, False)), draw(st.integers(-5, 4))))


@st.composite
def _chunk(draw):
    x = draw(arrays(shape=draw(shapes(min_dims=1)), dtypes=FLOAT_DTYPES))
    return Case((x, draw(st.integers(-1, 4))), {"dim": draw(dims(x.ndim, False))})


@st.composite
def _unbind(draw):
    x = draw(arrays(dtypes=FLOAT_DTYPES))
    return Case((x,), {"dim": draw(dims(x.ndim, False))})


@st.composite
def _tensor_list(draw, same_ndim: bool = True):
    first = draw(arrays(dtypes=FLOAT_DTYPES + ["int64"]))
    n = draw(st.integers(0, 3))
    rest = []
    for _ in range(n):
        shape = list(first.shape)
        if shape and draw(st.booleans()):
            shape[draw(st.integers(0, len(shape) - 1))] = draw(st.integers(0, 3))
        rest.append(draw(arrays(shape=tuple(shape), dtypes=FLOAT_DTYPES + ["int64"])))
    tensors = [first] + rest if draw(st.integers(0, 9)) else []
    return Case((tensors,), {"dim": draw(dims(first.ndim + 1, False))})


@st.composite
def _pad(draw):
    x = draw(arrays(shape=draw(shapes(min_dims=1)), dtypes=FLOAT_DTYPES))
    n = draw(st.integers(0, min(x.ndim, 3))) * 2
    widths = tuple(draw(st.lists(st.integers(-1, 2), min_size=n, max_size=n)))
    return Case((x, widths), {"value": draw(st.sampled_from([0.0, 1.5, -2.0]))})


@st.composite
def _getitem(draw):
    x = draw(arrays(shape=draw(shapes(min_dims=1)), dtypes=FLOAT_DTYPES))
    n = x.shape[0]
    index = draw(
        st.sampled_from(
            [0, -1, n, slice(None), slice(1, None), slice(None, None, 2), None, Ellipsis,
             (Ellipsis, 0), (0, 0), np.array([0, -1]), x > 0]
        )
    )  # fmt: skip
    return Case((x, index))


def _torch_getitem(x, index):
    if isinstance(index, np.ndarray):
        index = torch.from_numpy(index)
    return x[index]


@st.composite
def _index_op(draw, kind: str):
    x = draw(arrays(shape=draw(shapes(min_dims=1)), dtypes=FLOAT_DTYPES + ["int64"]))
    d = draw(dims(x.ndim, False))
    size = x.shape[d] if -x.ndim <= d < x.ndim else 1
    idx_shape = (draw(st.integers(0, 4)),) if kind == "index_select" else x.shape
    lo, hi = (-size, max(size - 1, 0)) if draw(st.integers(0, 4)) else (-size - 2, size + 2)
    idx = np.random.default_rng(draw(st.integers(0, 99))).integers(lo, hi + 1, idx_shape)
    if kind == "scatter_add":
        idx = np.clip(idx, 0, None)
        src = draw(arrays(shape=x.shape, dtypes=[str(x.dtype)]))
        return Case((x, d, idx, src))
    return Case((x, d, idx))


@st.composite
def _masked_fill(draw):
    x = draw(arrays())
    mask = draw(arrays(shape=x.shape[draw(st.integers(0, x.ndim)) :], dtypes=["bool", "int64"]))
    value = draw(st.sampled_from([0, 1, -2.5, True, 1e30, float("nan"), float("-inf")]))
    return Case((x, mask, value))


def _torch_masked_fill(x, mask, value):
    return torch.masked_fill(x, mask, value)


@st.composite
def linear_case(draw):
    i, o = draw(st.integers(0, 3)), draw(st.integers(0, 3))
    x = draw(arrays(shape=draw(shapes(max_dims=2, min_side=1)) + (i,), dtypes=FLOAT_DTYPES))
    dt = [str(x.dtype)] * 4 + ["float64", "int64"]
    w = draw(arrays(shape=(o, draw(st.sampled_from([i, i, i + 1]))), dtypes=dt))
    b = draw(st.one_of(st.none(), arrays(shape=(o,), dtypes=dt)))
    return Case((x, w, b))


@st.composite
def _logsumexp(draw):
    x = draw(arrays())
    return Case((x,), {"dim": draw(dims(x.ndim, False)), "keepdim": draw(st.booleans())})


@st.composite
def _norm(draw):
    x = draw(arrays())
    return Case((x,), {"p": draw(st.sampled_from([2, 1, "fro"])), "dim": draw(dims(x.ndim))})


@st.composite
def _allclose(draw):
    x = draw(arrays(dtypes=["float32", "float64"]))
    return Case((x, draw(arrays(shape=x.shape, dtypes=[str(x.dtype)]))))


POW_NOTE = (
    "the gradient is not compared where float16 meets float64 (torch computes y - 1 of a"
    " float16 exponent in float16: x**(y-1) off by 1e-3 relative)"
)


@st.composite
def _pow(draw):
    case = draw(binary(dtypes=["float32", "float64", "float16", "int64", "int32", "bool"]))
    x, y = case.args
    if isinstance(x, np.ndarray) and x.dtype.kind == "f" and draw(st.booleans()):
        x = np.asarray(np.abs(x) + np.asarray(0.5, dtype=x.dtype))  # positive: finite gradients
    return Case((x, y))


def _float_base(case: Case) -> bool:
    return case.args[0].dtype.kind == "f" and _not_f16_with_f64(case)


SPECS = (
    [Spec(n, *_same(n), unary()) for n in UNARY]
    + [
        Spec(n, *_same(n), binary(), **(HALF_WITH_NUMBER if n in ("div", "divide") else {}))
        for n in BINARY
        if n != "pow"
    ]
    + [Spec(n, *_same(n), reduction()) for n in REDUCE]
    + [
        Spec("prod", G.prod, torch.prod, _prod()),
        Spec("logsumexp", G.logsumexp, torch.logsumexp, _logsumexp()),
        Spec("norm", G.norm, torch.norm, _norm(), huge=False),
        Spec("pow", G.pow, torch.pow, _pow(), grad_if=_float_base, note=POW_NOTE),
        Spec("softmax", G.softmax, torch.softmax, with_dim()),
        Spec("log_softmax", G.log_softmax, torch.log_softmax, with_dim()),
        Spec("clamp", G.clamp, torch.clamp, _clamp()),
        Spec("clip", G.clip, torch.clip, _clamp()),
        Spec("where", G.where, torch.where, ternary()),
        Spec("cast", G.cast, _torch_cast, _cast(), note="glassnet's name for Tensor.to(dtype)"),
        Spec("allclose", G.allclose, torch.allclose, _allclose(), grad=False),
        Spec("equal", G.equal, torch.equal, _allclose(), grad=False),
        Spec("reshape", G.reshape, torch.reshape, _new_shape()),
        Spec("view", G.view, lambda x, s: x.view(s), _new_shape()),
        Spec("view_as", G.view_as, lambda x, o: x.view_as(o), binary(scalar=False)),
        Spec("permute", G.permute, torch.permute, _permute()),
        Spec("transpose", G.transpose, torch.transpose, _two_dims()),
        Spec("swapaxes", G.swapaxes, torch.swapaxes, _two_dims()),
        Spec("t", G.t, torch.t, unary(max_dims=3)),
        Spec("squeeze", G.squeeze, torch.squeeze, _squeeze()),
        Spec("unsqueeze", G.unsqueeze, torch.unsqueeze, _unsqueeze()),
        Spec("flatten", G.flatten, torch.flatten, _flatten()),
        Spec("unflatten", G.unflatten, torch.unflatten, _unflatten()),
        Spec("expand", G.expand, lambda x, s: x.expand(s), _sizes_like()),
        Spec("expand_as", G.expand_as, lambda x, o: x.expand_as(o), binary(scalar=False)),
        Spec("broadcast_to", G.broadcast_to, torch.broadcast_to, _sizes_like()),
        Spec("flip", G.flip, torch.flip, _flip()),
        Spec("repeat", G.repeat, lambda x, r: x.repeat(r), _repeat()),
        Spec("tril", G.tril, torch.tril, _diag()),
        Spec("triu", G.triu, torch.triu, _diag()),
        Spec("narrow", G.narrow, torch.narrow, _narrow()),
        Spec("select", G.select, torch.select, _select()),
        Spec("chunk", G.chunk, torch.chunk, _chunk()),
        Spec("split", G.split, torch.split, _chunk()),
        Spec("unbind", G.unbind, torch.unbind, _unbind()),
        Spec("cat", G.cat, torch.cat, _tensor_list()),
        Spec("concat", G.concat, torch.concat, _tensor_list()),
        Spec("concatenate", G.concatenate, torch.concatenate, _tensor_list()),
        Spec("stack", G.stack, torch.stack, _tensor_list()),
        Spec("pad", G.pad, TF.pad, _pad()),
        Spec("getitem", G.getitem, _torch_getitem, _getitem()),
        Spec("gather", G.gather, torch.gather, _index_op("gather")),
        Spec("index_select", G.index_select, torch.index_select, _index_op("index_select")),
        Spec("scatter_add", G.scatter_add, torch.scatter_add, _index_op("scatter_add")),
        Spec("masked_fill", G.masked_fill, _torch_masked_fill, _masked_fill()),
        Spec("matmul", G.matmul, torch.matmul, matmul_pair(), **SUMS),
        Spec("mm", G.mm, torch.mm, matmul_pair((2, 2), (2, 2)), **SUMS),
        Spec("bmm", G.bmm, torch.bmm, matmul_pair((3, 3), (3, 3)), **SUMS),
        Spec("dot", G.dot, torch.dot, matmul_pair((1, 1), (1, 1)), **SUMS),
        Spec("outer", G.outer, torch.outer, binary(scalar=False)),
        Spec("linear", G.linear, TF.linear, linear_case(), **LINEAR_SUMS),
    ]
    + MORE_SPECS
)
