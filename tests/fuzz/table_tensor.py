"""The fuzz tables of the creation functions (`glassnet.zeros`, `arange`, ...) and of the Tensor
methods that are not op functions (`x.float()`, `x.add_(y)`, `x.T`, ...).

Every op function listed in `glassnet.ops.TENSOR_METHODS` is also fuzzed as a method: see
`method_specs`, which turns its Spec into `x.name(...)` against torch's `x.name(...)`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from hypothesis import strategies as st

import glassnet as G
from glassnet.ops import TENSOR_METHODS
from tests.fuzz.cases import binary, unary
from tests.fuzz.harness import FLOAT_DTYPES, Case, Spec, arrays

SIZES = st.lists(st.integers(-1, 4), max_size=3).map(tuple)
DTYPE_NAMES = st.sampled_from([None, "float32", "float64", "int64", "bool", "float16"])
RANDOM_NOTE = "random values: shape and dtype compared"


def _dtype(lib: Any, name: str | None) -> Any:
    return None if name is None else getattr(lib, name)


@st.composite
def _size_case(draw):
    return Case(draw(SIZES), {"dtype": draw(DTYPE_NAMES)})


def _sized(name: str, values: bool = True) -> Spec:
    """zeros(*size, dtype=...) and friends."""

    def g(*size, dtype=None):
        return getattr(G, name)(*size, dtype=_dtype(G, dtype))

    def t(*size, dtype=None):
        return getattr(torch, name)(*size, dtype=_dtype(torch, dtype))

    return Spec(name, g, t, _size_case(), grad=False, values=values)


def _like(name: str, values: bool = True) -> Spec:
    def g(x, dtype=None):
        return getattr(G, name)(x, dtype=_dtype(G, dtype))

    def t(x, dtype=None):
        return getattr(torch, name)(x, dtype=_dtype(torch, dtype))

    cases = st.tuples(arrays(dtypes=FLOAT_DTYPES), DTYPE_NAMES).map(
        lambda p: Case((p[0],), {"dtype": p[1]})
    )
    return Spec(name, g, t, cases, grad=False, values=values)


@st.composite
def _arange(draw):
    n = st.one_of(st.integers(-3, 5), st.sampled_from([0.5, 2.5, -1.5]))
    args = draw(st.lists(n, min_size=1, max_size=3))
    return Case(tuple(args))


@st.composite
def _full(draw):
    value = draw(st.sampled_from([0, 1.5, True, -2, float("nan")]))
    return Case((draw(SIZES), value))


@st.composite
def _full_like(draw):
    x = draw(arrays(dtypes=FLOAT_DTYPES + ["int64"]))
    return Case((x, draw(st.sampled_from([0, 1.5, True, -2]))))


@st.composite
def _data(draw):
    """tensor()/as_tensor() data: nested lists, numbers, strings, ragged lists, arrays."""
    data = draw(
        st.sampled_from(
            [[1, 2], [1.5, 2], [[1, 2], [3, 4]], 3, 2.5, True, [], [[1], [1, 2]], "abc",
             ["a"], 1j, None, [1, None], 2**70]
        )
    )  # fmt: skip
    if draw(st.booleans()):
        data = draw(arrays())
    return Case((data,))


def _torch_randint(low, high, size):
    return torch.randint(low, high, size)


@st.composite
def _randint(draw):
    return Case((draw(st.integers(-2, 3)), draw(st.integers(-2, 5)), draw(SIZES)))


@st.composite
def _linspace(draw):
    return Case((draw(st.integers(-2, 3)), draw(st.floats(-2, 5)), draw(st.integers(-1, 5))))


def _torch_normal(mean, std, size):
    return torch.normal(mean, std, size)


def _to_numpy_array(x):
    return torch.from_numpy(np.asarray(x))


CREATION = [
    _sized("zeros"),
    _sized("ones"),
    _sized("empty", values=False),
    _sized("rand", values=False),
    _sized("randn", values=False),
    _like("zeros_like"),
    _like("ones_like"),
    _like("empty_like", values=False),
    _like("rand_like", values=False),
    _like("randn_like", values=False),
    Spec("arange", G.arange, torch.arange, _arange(), grad=False),
    Spec("linspace", G.linspace, torch.linspace, _linspace(), grad=False),
    Spec("eye", G.eye, torch.eye, _randint().map(lambda c: Case(c.args[1:2])), grad=False),
    Spec("full", G.full, torch.full, _full(), grad=False),
    Spec("full_like", G.full_like, torch.full_like, _full_like(), grad=False),
    Spec("randint", G.randint, _torch_randint, _randint(), grad=False, values=False),
    Spec(
        "randperm",
        G.randperm,
        torch.randperm,
        _randint().map(lambda c: Case(c.args[1:2])),
        grad=False,
        values=False,
    ),  # fmt: skip
    Spec("normal", G.normal, _torch_normal, _randint(), grad=False, values=False),
    Spec("tensor", G.tensor, torch.tensor, _data(), grad=False),
    Spec("as_tensor", G.as_tensor, torch.as_tensor, _data(), grad=False),
    Spec("from_numpy", G.from_numpy, _to_numpy_array, _data(), grad=False),
]


def method_specs(specs: list) -> list:
    """The Specs of the op functions that are also Tensor methods, called as methods."""
    out = []
    for spec in specs:
        if spec.name not in TENSOR_METHODS:
            continue
        name = spec.name
        out.append(
            Spec(
                f"Tensor.{name}",
                lambda x, *a, _n=name, **k: getattr(x, _n)(*a, **k),
                lambda x, *a, _n=name, **k: getattr(x, _n)(*a, **k),
                spec.cases,
                grad=spec.grad,
                rtol_scale=spec.rtol_scale,
                huge=spec.huge,
                grad_if=spec.grad_if,
                values=spec.values,
                note=spec.note,
            )
        )
    return out


def in_place_specs(specs: list) -> list:
    """`x.clone().foo_(...)` for every Tensor method `foo_` whose `foo` has a Spec, on foo's
    cases (in place on a non-leaf copy; values only: see `_in_place`)."""
    out = []
    for spec in specs:
        name = spec.name + "_"
        if not hasattr(G.Tensor, name) or spec.name in ("add", "sub", "mul", "div", "clamp"):
            continue
        out.append(
            Spec(
                f"Tensor.{name}",
                lambda x, *a, _n=name, **k: getattr(x.clone(), _n)(*a, **k),
                lambda x, *a, _n=name, **k: getattr(x.clone(), _n)(*a, **k),
                spec.cases,
                grad=False,
                huge=spec.huge,
                values=spec.values,
                note="in-place form of a fuzzed op: values only (as _in_place)",
            )
        )
    return out


def _method(name: str, cases: Any = None, **spec: Any) -> Spec:
    return Spec(
        f"Tensor.{name}",
        lambda x, *a, **k: getattr(x, name)(*a, **k),
        lambda x, *a, **k: getattr(x, name)(*a, **k),
        cases if cases is not None else unary(),
        **spec,
    )


def _in_place(name: str) -> Spec:
    """x.clone().add_(y): in place on a non-leaf copy (a leaf that needs grad refuses it)."""
    return Spec(
        f"Tensor.{name}",
        lambda x, y: getattr(x.clone(), name)(y),
        lambda x, y: getattr(x.clone(), name)(y),
        binary(),
        grad=False,
        note="values only: glassnet does not record in-place updates of graph tensors",
    )


@st.composite
def _new_sized(draw, full: bool = False):
    """x.new_zeros(size) and friends: the new tensor keeps x's dtype."""
    x = draw(arrays(dtypes=FLOAT_DTYPES + ["int64", "bool"]))
    args = (draw(SIZES),) + ((draw(st.sampled_from([0, 1.5, -2])),) if full else ())
    return Case((x,) + args)


@st.composite
def _new_data(draw):
    """x.new_tensor(data): regular numeric data (lists, numbers, arrays)."""
    data = draw(st.sampled_from([[1, 2], [1.5, 2], [[1, 2], [3, 4]], 3, 2.5, True, []]))
    if draw(st.booleans()):
        data = draw(arrays())
    return Case((np.zeros(2), data))


@st.composite
def _where(draw):
    x = draw(arrays())
    return Case((x, draw(arrays(shape=x.shape, dtypes=["bool"])), draw(arrays(shape=x.shape))))


def _torch_where_method(x, cond, y):
    return x.where(cond, y)


METHODS = (
    [
        _method(n, grad=n in ("float", "double", "clone", "contiguous"))
        for n in ("bool", "float", "double", "int", "long", "clone", "contiguous", "detach")
    ]
    + [_method(n, grad=False) for n in ("byte", "char", "half", "short")]
    + [_method(n, _new_sized(), grad=False) for n in ("new_zeros", "new_ones")]
    + [
        _method("new_empty", _new_sized(), grad=False, values=False, note=RANDOM_NOTE),
        _method("new_full", _new_sized(full=True), grad=False),
        _method(
            "new_tensor",
            _new_data(),
            grad=False,
            note="numeric data only: new_tensor of a ragged list or a string raises a raw NumPy"
            " ValueError (glassnet/tensor.py array_from with a dtype; tensor() refuses cleanly)",
        ),
    ]
    + [_in_place(n) for n in ("add_", "sub_", "mul_", "div_")]
    + [
        Spec("Tensor.T", lambda x: x.T, lambda x: x.T, unary(max_dims=2)),
        Spec("Tensor.mT", lambda x: x.mT, lambda x: x.mT, unary()),
        Spec("Tensor.item", lambda x: x.item(), lambda x: x.item(), unary(), grad=False),
        Spec("Tensor.tolist", lambda x: x.tolist(), lambda x: x.tolist(), unary(), grad=False),
        Spec("Tensor.where", lambda x, c, y: x.where(c, y), _torch_where_method, _where()),
        Spec(
            "Tensor.reshape_as",
            lambda x, y: x.reshape_as(y),
            lambda x, y: x.reshape_as(y),
            binary(scalar=False),
        ),
        Spec(
            "Tensor.type_as",
            lambda x, y: x.type_as(y),
            lambda x, y: x.type_as(y),
            binary(scalar=False),
        ),
        Spec(
            "Tensor.clamp_",
            lambda x: x.clone().clamp_(-1, 1),
            lambda x: x.clone().clamp_(-1, 1),
            unary(),
        ),
    ]
)
