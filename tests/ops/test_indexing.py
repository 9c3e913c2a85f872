"""Indexing against PyTorch: basic, boolean and integer-array indices (lists, NumPy arrays and
integer tensors), repeated indices scatter-adding in backward, gather / scatter_add /
index_select / masked_fill / narrow / select, float32 and float64, and their errors."""

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import glassnet
from tests.ops._compare import (
    SETTINGS,
    check_gradcheck,
    compare_with_torch,
    dtypes,
    randn,
    seeds,
    shapes,
)

X = randn(np.random.default_rng(0), (4, 3, 5))

# (glassnet index, torch index) pairs on a (4, 3, 5) tensor
BASIC = {
    "int": (1, 1),
    "negative_int": (-1, -1),
    "slice": (slice(1, 3), slice(1, 3)),
    "step": (slice(None, None, 2), slice(None, None, 2)),
    "tuple": ((0, slice(None), 2), (0, slice(None), 2)),
    "all_ints": ((1, 2, 3), (1, 2, 3)),
    "none": ((None, 1), (None, 1)),
    "ellipsis": ((Ellipsis, 0), (Ellipsis, 0)),
    "ellipsis_none": ((Ellipsis, None, slice(1, 2)), (Ellipsis, None, slice(1, 2))),
}

ADVANCED = {
    "list": ([0, 2, 2, 3], [0, 2, 2, 3]),
    "numpy": (np.array([3, 0, 3]), torch.tensor([3, 0, 3])),
    "tensor": (glassnet.tensor([1, 1, 1]), torch.tensor([1, 1, 1])),
    "int32_tensor": (glassnet.tensor([2, 0], dtype=glassnet.int32), torch.tensor([2, 0])),
    "2d_index": (np.array([[0, 1], [1, 1]]), torch.tensor([[0, 1], [1, 1]])),
    "negative": ([-1, -1, 0], [-1, -1, 0]),
    "pair": (([0, 0, 3], [2, 2, 1]), ([0, 0, 3], [2, 2, 1])),
    "with_slice": ((slice(None), [0, 0, 2]), (slice(None), [0, 0, 2])),
    "with_int": ((1, [0, 0], slice(1, 4)), (1, [0, 0], slice(1, 4))),
    "bool_first_axis": (
        np.array([True, False, True, True]),
        torch.tensor([True, False, True, True]),
    ),
    "bool_list": ([False, True, False, True], [False, True, False, True]),
    "bool_full": (X > 0, torch.tensor(X > 0)),
    "bool_tensor": (glassnet.tensor(X[:, :, 0] > 0), torch.tensor(X[:, :, 0] > 0)),
    "bool_in_tuple": (
        (slice(None), np.array([True, False, True])),
        (slice(None), torch.tensor([True, False, True])),
    ),
    "zero_d_tensor": (glassnet.tensor(2), torch.tensor(2)),
}


@pytest.mark.parametrize("name", sorted(BASIC) + sorted(ADVANCED))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_getitem_matches_torch(name, dtype):
    gi, ti = {**BASIC, **ADVANCED}[name]
    x = X.astype(dtype)
    compare_with_torch(lambda t: t[gi], lambda t: t[ti], [x])


@pytest.mark.parametrize("name", sorted(BASIC) + sorted(ADVANCED))
def test_getitem_gradcheck(name):
    gi, _ = {**BASIC, **ADVANCED}[name]
    check_gradcheck(lambda t: t[gi], [X])


def test_repeated_indices_accumulate_in_backward():
    x = glassnet.tensor([1.0, 2.0, 3.0], requires_grad=True)
    x[[0, 0, 2, 0]].sum().backward()
    np.testing.assert_array_equal(x.grad._data, [3.0, 0.0, 1.0])


@st.composite
def int_index_case(draw):
    shape = draw(shapes(min_dims=1, max_dims=3))
    n = shape[0]
    idx_shape = draw(shapes(min_dims=1, max_dims=2))
    return shape, idx_shape, n


@SETTINGS
@given(case=int_index_case(), dtype=dtypes, seed=seeds, kind=st.sampled_from(["list", "np", "t"]))
def test_random_integer_array_indices(case, dtype, seed, kind):
    shape, idx_shape, n = case
    rng = np.random.default_rng(seed)
    x = randn(rng, shape, dtype)
    idx = rng.integers(-n, n, idx_shape)
    gi = {"list": idx.tolist(), "np": idx, "t": glassnet.tensor(idx)}[kind]
    compare_with_torch(lambda t: t[gi], lambda t: t[torch.tensor(idx)], [x], seed=seed)


@SETTINGS
@given(shape=shapes(min_dims=1), dtype=dtypes, seed=seeds)
def test_random_boolean_masks(shape, dtype, seed):
    rng = np.random.default_rng(seed)
    x = randn(rng, shape, dtype)
    mask = rng.random(shape) > 0.5
    compare_with_torch(lambda t: t[mask], lambda t: t[torch.tensor(mask)], [x], seed=seed)
    m0 = mask.reshape(-1)[: shape[0]] if mask.size >= shape[0] else np.ones(shape[0], bool)
    compare_with_torch(lambda t: t[m0], lambda t: t[torch.tensor(m0)], [x], seed=seed)


@SETTINGS
@given(shape=shapes(min_dims=1, max_dims=3), dtype=dtypes, seed=seeds, data=st.data())
def test_gather_matches_torch(shape, dtype, seed, data):
    n = len(shape)
    axis = data.draw(st.integers(-n, n - 1))
    rng = np.random.default_rng(seed)
    x = randn(rng, shape, dtype)
    idx_shape = tuple(data.draw(st.integers(1, s)) for s in shape)
    idx_shape = tuple(
        data.draw(st.integers(1, 4)) if d == axis % n else s for d, s in enumerate(idx_shape)
    )
    idx = rng.integers(0, shape[axis], idx_shape)
    compare_with_torch(
        lambda t: t.gather(axis, glassnet.tensor(idx)),
        lambda t: t.gather(axis, torch.tensor(idx)),
        [x],
        seed=seed,
    )


@SETTINGS
@given(shape=shapes(min_dims=1, max_dims=3), dtype=dtypes, seed=seeds, data=st.data())
def test_scatter_add_matches_torch(shape, dtype, seed, data):
    n = len(shape)
    axis = data.draw(st.integers(0, n - 1))
    rng = np.random.default_rng(seed)
    x = randn(rng, shape, dtype)
    idx_shape = tuple(data.draw(st.integers(1, s)) for s in shape)
    src = randn(rng, idx_shape, dtype)
    idx = rng.integers(0, shape[axis], idx_shape)  # repeats are likely
    compare_with_torch(
        lambda t, s: glassnet.scatter_add(t, axis, glassnet.tensor(idx), s),
        lambda t, s: torch.scatter_add(t, axis, torch.tensor(idx), s),
        [x, src],
        seed=seed,
    )


@SETTINGS
@given(shape=shapes(min_dims=1, max_dims=3), dtype=dtypes, seed=seeds, data=st.data())
def test_index_select_matches_torch(shape, dtype, seed, data):
    n = len(shape)
    axis = data.draw(st.integers(-n, n - 1))
    rng = np.random.default_rng(seed)
    x = randn(rng, shape, dtype)
    idx = rng.integers(0, shape[axis], data.draw(st.integers(0, 5)))
    compare_with_torch(
        lambda t: t.index_select(axis, glassnet.tensor(idx)),
        lambda t: t.index_select(axis, torch.tensor(idx)),
        [x],
        seed=seed,
    )


@SETTINGS
@given(shape=shapes(), dtype=dtypes, seed=seeds, data=st.data())
def test_masked_fill_matches_torch(shape, dtype, seed, data):
    rng = np.random.default_rng(seed)
    x = randn(rng, shape, dtype)
    mshape = tuple(data.draw(st.sampled_from([1, s])) for s in shape)
    mask = rng.random(mshape) > 0.5
    value = data.draw(st.sampled_from([0.0, -1e9, float("-inf")]))
    compare_with_torch(
        lambda t: t.masked_fill(glassnet.tensor(mask), value),
        lambda t: t.masked_fill(torch.tensor(mask), value),
        [x],
        seed=seed,
    )


def test_narrow_select_match_torch():
    compare_with_torch(lambda t: t.narrow(1, 1, 2), lambda t: t.narrow(1, 1, 2), [X])
    compare_with_torch(lambda t: t.select(-1, 3), lambda t: t.select(-1, 3), [X])
    compare_with_torch(lambda t: glassnet.narrow(t, 0, 0, 1), lambda t: t.narrow(0, 0, 1), [X])


GRADCHECKS = {
    "gather": lambda t: t.gather(1, glassnet.tensor([[0, 0], [2, 1]])),
    "index_select": lambda t: t.index_select(1, glassnet.tensor([2, 2, 0])),
    "masked_fill": lambda t: t.masked_fill(glassnet.tensor([True, False, True]), 1.5),
    "narrow": lambda t: t.narrow(1, 1, 2),
    "select": lambda t: t.select(0, 1),
    "scatter_add": lambda t: glassnet.scatter_add(
        t, 1, glassnet.tensor([[0, 0, 1], [2, 2, 2]]), t * t
    ),
}


@pytest.mark.parametrize("name", sorted(GRADCHECKS))
def test_indexing_gradcheck(name):
    check_gradcheck(GRADCHECKS[name], [randn(np.random.default_rng(7), (2, 3))])


def test_setitem_outside_the_graph():
    x = glassnet.zeros(2, 3)
    x[0, 1] = 5.0
    x[glassnet.tensor([False, True])] = glassnet.tensor([1.0, 2.0, 3.0])
    x[:, [2]] = -1
    np.testing.assert_array_equal(x._data, [[0, 5, -1], [1, 2, -1]])
    w = glassnet.zeros(2, requires_grad=True)
    with glassnet.no_grad():
        w[1] = 4.0
    np.testing.assert_array_equal(w._data, [0, 4])


def test_basic_index_of_a_single_element_is_a_0d_tensor_with_an_array():
    x = glassnet.tensor([[1.0, 2.0]], requires_grad=True)
    y = x[0, 1]
    assert y.shape == () and type(y._data) is np.ndarray
    y.backward()
    np.testing.assert_array_equal(x.grad._data, [[0.0, 1.0]])


# ----------------------------------------------------------------------------- errors
def test_index_errors():
    x = glassnet.ones(2, 3)
    with pytest.raises(IndexError, match="getitem: index 5 is out of bounds"):
        x[5]
    with pytest.raises(IndexError, match="getitem: tensors used as indices must be integer"):
        x[glassnet.tensor([0.5])]
    with pytest.raises(TypeError, match="gather: index must be an integer tensor"):
        x.gather(1, glassnet.tensor([[0.0]]))
    with pytest.raises(ValueError, match=r"gather: index has 1 dims but input has 2"):
        x.gather(1, glassnet.tensor([0]))
    with pytest.raises(IndexError, match="gather: index out of range for dim 1 of size 3"):
        x.gather(1, glassnet.tensor([[3]]))
    with pytest.raises(ValueError, match=r"index_select: index must be 1-D"):
        x.index_select(0, glassnet.tensor([[0]]))
    with pytest.raises(IndexError, match="index_select: index out of range for dim 0 of size 2"):
        x.index_select(0, glassnet.tensor([2]))
    with pytest.raises(TypeError, match="masked_fill: mask must be a bool tensor"):
        x.masked_fill(glassnet.tensor([1, 0, 1]), 0.0)
    with pytest.raises(ValueError, match=r"masked_fill: mask of shape \(4,\).*\(2, 3\)"):
        x.masked_fill(glassnet.tensor([True] * 4), 0.0)
    with pytest.raises(ValueError, match="scatter_add: input"):
        glassnet.scatter_add(x, 0, glassnet.tensor([0]), x)
