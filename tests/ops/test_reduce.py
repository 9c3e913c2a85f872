"""Reductions against PyTorch: every op with dim None / int / negative / tuple and keepdim, on
random shapes (0-d and size-1 included), float32 and float64; gradients and float64 gradcheck."""

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


@st.composite
def shape_and_dim(draw, tuples=True):
    """A shape and a `dim` for it: None, an int (maybe negative) or a tuple of distinct ints."""
    shape = draw(shapes())
    n = len(shape)
    kinds = ["none", "int"] + (["tuple"] if tuples and n else [])
    kind = draw(st.sampled_from(kinds))
    if kind == "none":
        return shape, None
    if kind == "int":
        lo = -max(n, 1)
        return shape, draw(st.integers(lo, max(n, 1) - 1))
    axes = draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=n, unique=True))
    return shape, tuple(a - n if draw(st.booleans()) else a for a in axes)


def _torch_dim(dim, ndim):
    """torch spells 'all dims' differently per op; an explicit tuple works everywhere."""
    if dim is None:
        return tuple(range(ndim)) if ndim else 0
    return dim


# name -> (glassnet fn(x, dim, keepdim), torch fn(x, dim, keepdim), tuples allowed)
REDUCTIONS = {
    "sum": (
        lambda x, d, k: x.sum(dim=d, keepdim=k),
        lambda x, d, k: x.sum(dim=_torch_dim(d, x.ndim), keepdim=k),
        True,
    ),
    "mean": (
        lambda x, d, k: glassnet.mean(x, d, keepdim=k),
        lambda x, d, k: x.mean(dim=_torch_dim(d, x.ndim), keepdim=k),
        True,
    ),
    "amax": (
        lambda x, d, k: glassnet.amax(x, d, keepdim=k),
        lambda x, d, k: torch.amax(x, dim=() if d is None else d, keepdim=k),
        True,
    ),
    "amin": (
        lambda x, d, k: x.amin(d, keepdim=k),
        lambda x, d, k: torch.amin(x, dim=() if d is None else d, keepdim=k),
        True,
    ),
    "var": (
        lambda x, d, k: x.var(d, keepdim=k),
        lambda x, d, k: x.var(dim=d, keepdim=k),
        True,
    ),
    "var_biased": (
        lambda x, d, k: glassnet.var(x, d, keepdim=k, correction=0),
        lambda x, d, k: torch.var(x, dim=d, keepdim=k, correction=0),
        True,
    ),
    "std": (
        lambda x, d, k: x.std(d, keepdim=k),
        lambda x, d, k: x.std(dim=d, keepdim=k),
        True,
    ),
    "std_unbiased_false": (
        lambda x, d, k: glassnet.std(x, d, False, k),
        lambda x, d, k: torch.std(x, dim=d, unbiased=False, keepdim=k),
        True,
    ),
    "logsumexp": (
        lambda x, d, k: x.logsumexp(d, keepdim=k),
        lambda x, d, k: torch.logsumexp(x, dim=_torch_dim(d, x.ndim), keepdim=k),
        True,
    ),
    "norm_2": (
        lambda x, d, k: x.norm(dim=d, keepdim=k),
        lambda x, d, k: torch.linalg.vector_norm(x, 2, dim=d, keepdim=k),
        True,
    ),
    "norm_1": (
        lambda x, d, k: glassnet.norm(x, 1, d, k),
        lambda x, d, k: torch.linalg.vector_norm(x, 1, dim=d, keepdim=k),
        True,
    ),
    "norm_3": (
        lambda x, d, k: glassnet.norm(x, 3, d, k),
        lambda x, d, k: torch.linalg.vector_norm(x, 3, dim=d, keepdim=k),
        True,
    ),
    "norm_inf": (
        lambda x, d, k: glassnet.norm(x, float("inf"), d, k),
        lambda x, d, k: torch.linalg.vector_norm(x, float("inf"), dim=d, keepdim=k),
        True,
    ),
    "prod": (
        lambda x, d, k: x.prod() if d is None else x.prod(d, keepdim=k),
        lambda x, d, k: x.prod() if d is None else x.prod(d, keepdim=k),
        False,
    ),
    "max_dim_values": (
        lambda x, d, k: x.max() if d is None else x.max(d, keepdim=k).values,
        lambda x, d, k: x.max() if d is None else x.max(d, keepdim=k).values,
        False,
    ),
    "min_dim_values": (
        lambda x, d, k: glassnet.min(x) if d is None else glassnet.min(x, d, k)[0],
        lambda x, d, k: torch.min(x) if d is None else torch.min(x, d, k)[0],
        False,
    ),
}


@pytest.mark.parametrize("name", sorted(REDUCTIONS))
@SETTINGS
@given(data=st.data(), keepdim=st.booleans(), dtype=dtypes, seed=seeds)
def test_reduction_matches_torch(name, data, keepdim, dtype, seed):
    gfn, tfn, tuples = REDUCTIONS[name]
    shape, dim = data.draw(shape_and_dim(tuples))
    if name.startswith(("var", "std")) and "biased" not in name and "false" not in name:
        # n - 1 = 0 gives nan (and a warning) in both; keep at least two elements reduced
        shape = tuple(max(s, 2) for s in shape)
    x = randn(np.random.default_rng(seed), shape, dtype)
    compare_with_torch(lambda t: gfn(t, dim, keepdim), lambda t: tfn(t, dim, keepdim), [x])


@pytest.mark.parametrize("name", sorted(REDUCTIONS))
@pytest.mark.parametrize("dim", [None, 1, -1])
def test_reduction_gradcheck(name, dim):
    gfn = REDUCTIONS[name][0]
    x = randn(np.random.default_rng(4), (3, 4))
    check_gradcheck(lambda t: gfn(t, dim, False), [x])
    check_gradcheck(lambda t: gfn(t, dim, True), [x])


@pytest.mark.parametrize("name", ["sum", "mean", "amax", "var_biased", "norm_2", "logsumexp"])
def test_reduction_over_a_tuple_of_dims_gradcheck(name):
    gfn = REDUCTIONS[name][0]
    x = randn(np.random.default_rng(5), (2, 3, 2))
    check_gradcheck(lambda t: gfn(t, (0, -1), False), [x])


@pytest.mark.parametrize("fn", ["max", "min"])
@SETTINGS
@given(data=st.data(), keepdim=st.booleans(), seed=seeds)
def test_max_min_along_dim_return_values_and_indices(fn, data, keepdim, seed):
    shape, dim = data.draw(shape_and_dim(tuples=False))
    dim = 0 if dim is None else dim
    x = randn(np.random.default_rng(seed), shape, np.float32)
    g = getattr(glassnet, fn)(glassnet.tensor(x), dim, keepdim)
    t = getattr(torch, fn)(torch.tensor(x), dim, keepdim)
    np.testing.assert_array_equal(g.values._data, t.values.numpy())
    np.testing.assert_array_equal(g.indices._data, t.indices.numpy())
    assert g.indices.dtype == glassnet.int64
    values, indices = g  # unpacks as PyTorch's named tuple
    assert values.shape == tuple(t.values.shape) and indices.shape == tuple(t.indices.shape)


@pytest.mark.parametrize("fn", ["argmax", "argmin"])
@SETTINGS
@given(data=st.data(), keepdim=st.booleans(), seed=seeds)
def test_argmax_argmin_match_torch(fn, data, keepdim, seed):
    shape, dim = data.draw(shape_and_dim(tuples=False))
    x = randn(np.random.default_rng(seed), shape, np.float32)
    g = getattr(glassnet, fn)(glassnet.tensor(x), dim, keepdim)
    t = getattr(torch, fn)(torch.tensor(x), dim, keepdim)
    assert g.dtype == glassnet.int64 and g.shape == tuple(t.shape)
    np.testing.assert_array_equal(g._data, t.numpy())
    assert not g.requires_grad


def test_ties_share_the_gradient_as_torch():
    x = np.array([[3.0, 1.0, 3.0], [2.0, 2.0, 2.0]])
    for gfn, tfn in [
        (lambda t: t.max(), lambda t: t.max()),
        (lambda t: t.min(), lambda t: t.min()),
        (lambda t: t.amax(1), lambda t: t.amax(1)),
        (lambda t: glassnet.amin(t, 0), lambda t: torch.amin(t, 0)),
        (
            lambda t: glassnet.norm(t, float("inf")),
            lambda t: torch.linalg.vector_norm(t, float("inf")),
        ),
    ]:
        compare_with_torch(gfn, tfn, [x])


def test_prod_gradient_with_zeros_matches_torch():
    x = np.array([[0.0, 2.0, 3.0], [0.0, 0.0, 5.0], [1.0, 2.0, 4.0]])
    compare_with_torch(lambda t: t.prod(1), lambda t: t.prod(1), [x])
    compare_with_torch(lambda t: t.prod(), lambda t: t.prod(), [x[0]])
    check_gradcheck(lambda t: t.prod(1), [x])


def test_norm_and_std_of_zero_vector_have_zero_gradient_as_torch():
    x = np.zeros((2, 3))
    compare_with_torch(lambda t: t.norm(dim=1), lambda t: torch.linalg.vector_norm(t, dim=1), [x])
    compare_with_torch(lambda t: t.std(1), lambda t: t.std(1), [x])
    compare_with_torch(lambda t: t.std(), lambda t: t.std(), [np.ones(4)])


@pytest.mark.parametrize("dtype", [np.float32, np.float16])
@pytest.mark.parametrize(
    "values", [[1e30, -1e30, 0.0], [1e20, 1.0000001e20, 3.0], [1e-30, 3e-30], [300.0, -300, 2]]
)
def test_std_and_var_beyond_float32_squares_match_torch(values, dtype):
    """torch accumulates var and std in double: std([1e30, -1e30, 0]) is 1e30 in float32 (whose
    squares overflow) and std([1e-30, 3e-30]) 1.4e-30 (whose squares underflow)."""
    x = np.array(values, dtype=dtype)
    for name in ("std", "var"):
        got = getattr(glassnet.tensor(x), name)()
        want = getattr(torch.tensor(x), name)().numpy()
        assert got.dtype == want.dtype
        np.testing.assert_allclose(got._data, want, rtol=1e-6)
    compare_with_torch(lambda t: t.std(), lambda t: t.std(), [x[:2].astype(np.float32)])


def test_logsumexp_is_stable_for_large_inputs():
    x = np.array([1000.0, 1000.0, -1000.0], dtype=np.float32)
    compare_with_torch(lambda t: t.logsumexp(0), lambda t: t.logsumexp(0), [x])


def test_sum_of_empty_and_integer_tensors_match_torch():
    compare_with_torch(lambda t: t.sum(), lambda t: t.sum(), [np.zeros((0, 3), np.float32)])
    compare_with_torch(lambda t: t.sum(0), lambda t: t.sum(0), [np.zeros((0, 3), np.float32)])
    ints = np.array([[1, 2], [3, 4]])
    compare_with_torch(lambda t: t.sum(1), lambda t: t.sum(1), [ints])
    bools = np.array([True, False, True])
    compare_with_torch(lambda t: t.sum(), lambda t: t.sum(), [bools])
    compare_with_torch(lambda t: t.prod(), lambda t: t.prod(), [ints])
    compare_with_torch(lambda t: t.amax(1), lambda t: t.amax(1), [ints])


def test_sum_with_dtype():
    x = glassnet.tensor([1, 2, 3])
    assert x.sum(dtype=glassnet.float64).dtype == glassnet.float64


# ----------------------------------------------------------------------------- errors
def test_dim_out_of_range_names_op_and_dim():
    x = glassnet.ones(2, 3)
    with pytest.raises(IndexError, match="sum: dim 2 is out of range.*2 dimensions"):
        x.sum(2)
    with pytest.raises(IndexError, match="max: dim -3 is out of range"):
        x.max(-3)
    with pytest.raises(IndexError, match="var: dim 5"):
        x.var(5)


def test_max_of_empty_tensor_is_refused():
    with pytest.raises(ValueError, match=r"max: cannot reduce an empty tensor of shape \(0, 3\)"):
        glassnet.zeros(0, 3).max()
    with pytest.raises(ValueError, match="amin: cannot reduce an empty tensor"):
        glassnet.zeros(0).amin()


def test_mean_of_integer_tensor_is_refused():
    with pytest.raises(TypeError, match="mean: input dtype should be floating point"):
        glassnet.tensor([1, 2]).mean()


def test_norm_with_bad_p_is_refused():
    with pytest.raises(ValueError, match="norm: unsupported p='nuc'"):
        glassnet.ones(2, 2).norm("nuc")
    with pytest.raises(ValueError, match="norm: p must be positive"):
        glassnet.ones(2).norm(-1)
