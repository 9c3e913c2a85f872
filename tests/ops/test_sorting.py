"""sort, argsort, topk, unique, bincount against PyTorch: values, indices, dtypes and gradients on
random shapes (0-d, size-1 and empty included), float64 gradcheck, and every error message."""

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import glassnet
from tests.ops._compare import SETTINGS, check_gradcheck, compare_with_torch, dtypes, randn, seeds
from tests.ops._compare import shapes as shape_strategy


@st.composite
def shape_dim(draw, min_side=1):
    shape = draw(shape_strategy(min_dims=0, max_dims=3, min_side=min_side))
    n = max(len(shape), 1)
    return shape, draw(st.integers(-n, n - 1))


@given(shape_dim(), st.booleans(), dtypes, seeds)
@SETTINGS
def test_sort_matches_torch(sd, descending, dtype, seed):
    shape, dim = sd
    x = randn(np.random.default_rng(seed), shape, dtype)
    compare_with_torch(
        lambda t: glassnet.sort(t, dim=dim, descending=descending).values,
        lambda t: torch.sort(t, dim=dim, descending=descending).values,
        [x],
    )
    gi = glassnet.tensor(x).sort(dim, descending=descending).indices
    ti = torch.sort(torch.tensor(x), dim=dim, descending=descending).indices
    assert gi.dtype == np.int64
    np.testing.assert_array_equal(gi.numpy(), ti.numpy())
    np.testing.assert_array_equal(
        glassnet.argsort(glassnet.tensor(x), dim, descending).numpy(), ti.numpy()
    )


def test_sort_is_stable_and_puts_nan_last_ascending_first_descending():
    x = np.array([2.0, 1.0, np.nan, 1.0, 2.0, 1.0])
    for descending in (False, True):
        g = glassnet.sort(glassnet.tensor(x), descending=descending, stable=True)
        t = torch.sort(torch.tensor(x), descending=descending, stable=True)
        np.testing.assert_array_equal(g.values.numpy(), t.values.numpy())
        np.testing.assert_array_equal(g.indices.numpy(), t.indices.numpy())


def test_sort_of_integers_and_an_empty_tensor():
    x = np.array([[3, 1, 2], [0, 5, 5]], dtype=np.int64)
    g, t = glassnet.tensor(x).sort(dim=1), torch.tensor(x).sort(dim=1)
    np.testing.assert_array_equal(g.values.numpy(), t.values.numpy())
    assert g.values.dtype == np.int64
    e = glassnet.sort(glassnet.zeros(2, 0), dim=1)
    assert e.values.shape == (2, 0) and e.indices.shape == (2, 0)


@given(shape_dim(), st.booleans(), dtypes, seeds, st.data())
@SETTINGS
def test_topk_matches_torch(sd, largest, dtype, seed, data):
    shape, dim = sd
    n = shape[dim] if shape else 1
    k = data.draw(st.integers(0, n))
    x = randn(np.random.default_rng(seed), shape, dtype)
    compare_with_torch(
        lambda t: glassnet.topk(t, k, dim=dim, largest=largest).values,
        lambda t: torch.topk(t, k, dim=dim, largest=largest).values,
        [x],
    )
    g = glassnet.tensor(x).topk(k, dim, largest)
    t = torch.topk(torch.tensor(x), k, dim, largest)
    np.testing.assert_array_equal(g.indices.numpy(), t.indices.numpy())
    assert g.indices.dtype == np.int64


def test_topk_returns_a_named_pair():
    out = glassnet.topk(glassnet.tensor([1.0, 5.0, 3.0]), 2)
    values, indices = out
    assert out.values is values and out.indices is indices
    assert values.tolist() == [5.0, 3.0] and indices.tolist() == [1, 2]
    smallest = glassnet.topk(glassnet.tensor([1.0, 5.0, 3.0]), 2, largest=False, sorted=False)
    assert sorted(smallest.values.tolist()) == [1.0, 3.0]


def test_sort_and_topk_gradcheck():
    x = randn(np.random.default_rng(0), (3, 5))
    check_gradcheck(lambda t: glassnet.sort(t, dim=1, descending=True).values, [x])
    check_gradcheck(lambda t: glassnet.topk(t, 2, dim=0).values, [x])
    check_gradcheck(lambda t: glassnet.topk(t, 3, largest=False).values, [x])


@pytest.mark.parametrize("k", [-1, 4])
def test_topk_rejects_k_out_of_range(k):
    with pytest.raises(ValueError, match=r"topk: selected index k out of range: k=-?\d for dim"):
        glassnet.topk(glassnet.zeros(3), k)


def test_sort_rejects_a_bad_dim():
    with pytest.raises(IndexError, match="sort: dim 2 is out of range"):
        glassnet.sort(glassnet.zeros(3, 2), dim=2)


@given(shape_strategy(min_dims=0, max_dims=3, max_side=5), seeds, st.booleans(), st.booleans())
@SETTINGS
def test_unique_matches_torch(shape, seed, inverse, counts):
    x = np.random.default_rng(seed).integers(0, 4, shape)
    g = glassnet.unique(glassnet.tensor(x), return_inverse=inverse, return_counts=counts)
    t = torch.unique(torch.tensor(x), return_inverse=inverse, return_counts=counts)
    g, t = (g, t) if isinstance(t, tuple) else ((g,), (t,))
    assert len(g) == len(t)
    for a, b in zip(g, t):
        assert a.shape == tuple(b.shape) and a.dtype == b.numpy().dtype
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_unique_along_a_dim_and_of_floats():
    x = np.array([[3, 1], [3, 1], [0, 2]])
    g = glassnet.tensor(x).unique(dim=0, return_inverse=True, return_counts=True)
    t = torch.unique(torch.tensor(x), dim=0, return_inverse=True, return_counts=True)
    for a, b in zip(g, t):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    f = glassnet.unique(glassnet.tensor([2.5, -1.0, 2.5]), sorted=False)
    assert f.dtype == np.float32 and sorted(f.tolist()) == [-1.0, 2.5]


@given(st.integers(0, 12), st.integers(0, 8), seeds, st.sampled_from([None, "f32", "f64", "i"]))
@SETTINGS
def test_bincount_matches_torch(n, minlength, seed, weights):
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 6, n)
    w = {
        None: None,
        "f32": rng.random(n).astype(np.float32),
        "f64": rng.random(n),
        "i": rng.integers(0, 5, n),
    }[weights]
    g = glassnet.bincount(
        glassnet.tensor(x), None if w is None else glassnet.tensor(w), minlength=minlength
    )
    t = torch.bincount(torch.tensor(x), None if w is None else torch.tensor(w), minlength)
    assert g.dtype == t.numpy().dtype, (g.dtype, t.dtype)
    np.testing.assert_allclose(g.numpy(), t.numpy(), rtol=1e-6)


def test_bincount_errors():
    with pytest.raises(ValueError, match="bincount: only supports 1-d non-negative integral"):
        glassnet.bincount(glassnet.tensor([0, -1]))
    with pytest.raises(ValueError, match="bincount: only supports 1-d non-negative integral"):
        glassnet.bincount(glassnet.tensor([[0, 1]]))
    with pytest.raises(TypeError, match="bincount: input must be an integer tensor, got dtype"):
        glassnet.bincount(glassnet.tensor([0.0, 1.0]))
    with pytest.raises(ValueError, match="bincount: weights should be 1-d and have the same"):
        glassnet.bincount(glassnet.tensor([0, 1]), glassnet.tensor([1.0]))
    with pytest.raises(ValueError, match="bincount: minlength should be >= 0"):
        glassnet.bincount(glassnet.tensor([0, 1]), minlength=-1)


def test_msort():
    x = randn(np.random.default_rng(1), (4, 3))
    np.testing.assert_array_equal(
        glassnet.msort(glassnet.tensor(x)).numpy(), torch.msort(torch.tensor(x)).numpy()
    )


def test_unique_counts_every_nan_as_its_own_value_as_torch():
    x = np.array([np.nan, 1.0, np.nan, 1.0, 0.5], dtype=np.float32)
    got = glassnet.unique(glassnet.tensor(x), return_inverse=True, return_counts=True)
    want = torch.unique(torch.tensor(x), return_inverse=True, return_counts=True)
    for g, t in zip(got, want):
        np.testing.assert_array_equal(g.numpy(), t.numpy())


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64, np.int64])
def test_bincount_weights_dtype_matches_torch(dtype):
    x, w = np.array([0, 2, 2]), np.array([1, 2, 3], dtype=dtype)
    got = glassnet.bincount(glassnet.tensor(x), weights=glassnet.tensor(w))
    want = torch.bincount(torch.tensor(x), weights=torch.tensor(w))
    assert got.dtype == want.numpy().dtype
    np.testing.assert_array_equal(got.numpy(), want.numpy())


def test_bincount_of_an_empty_input_is_int64_whatever_the_weights_as_torch():
    x, w = np.zeros(0, np.int64), np.zeros(0, np.float32)
    got = glassnet.bincount(glassnet.tensor(x), weights=glassnet.tensor(w), minlength=3)
    want = torch.bincount(torch.tensor(x), weights=torch.tensor(w), minlength=3)
    assert got.dtype == want.numpy().dtype == np.int64 and got.tolist() == [0, 0, 0]
