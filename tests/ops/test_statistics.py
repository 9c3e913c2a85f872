"""any, all, count_nonzero, nonzero, argwhere (truth.py) and var_mean, std_mean, aminmax,
kthvalue, median, nansum, nanmean (statistics.py) against PyTorch; numel, is_tensor,
is_floating_point, is_nonzero (info.py)."""

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import glassnet
from tests.ops._compare import SETTINGS, check_gradcheck, compare_with_torch, randn, seeds
from tests.ops._compare import shapes as shape_strategy


@st.composite
def shape_dim(draw, none=True):
    shape = draw(shape_strategy(min_dims=0, max_dims=3))
    n = max(len(shape), 1)
    dims = st.integers(-n, n - 1)
    return shape, draw(st.one_of(st.none(), dims) if none else dims)


@pytest.mark.parametrize("name", ["any", "all", "count_nonzero"])
@given(sd=shape_dim(), seed=seeds, keepdim=st.booleans())
@SETTINGS
def test_truth_reductions_match_torch(name, sd, seed, keepdim):
    shape, dim = sd
    x = np.random.default_rng(seed).integers(0, 2, shape) * 1.0
    kw = {} if name == "count_nonzero" else {"keepdim": keepdim}
    if dim is not None:
        kw["dim"] = dim
    g = getattr(glassnet, name)(glassnet.tensor(x), **kw)
    t = getattr(torch, name)(torch.tensor(x), **kw)
    assert g.shape == tuple(t.shape) and g.dtype == t.numpy().dtype
    np.testing.assert_array_equal(g.numpy(), t.numpy())


@given(shape=shape_strategy(min_dims=0, max_dims=3), seed=seeds)
@SETTINGS
def test_nonzero_and_argwhere_match_torch(shape, seed):
    x = np.random.default_rng(seed).integers(0, 2, shape)
    g, t = glassnet.tensor(x), torch.tensor(x)
    np.testing.assert_array_equal(g.nonzero().numpy(), t.nonzero().numpy())
    np.testing.assert_array_equal(glassnet.argwhere(g).numpy(), torch.argwhere(t).numpy())
    for a, b in zip(g.nonzero(as_tuple=True), t.nonzero(as_tuple=True)):
        assert a.dtype == np.int64
        np.testing.assert_array_equal(a.numpy(), b.numpy())


@pytest.mark.parametrize("name", ["var_mean", "std_mean"])
@pytest.mark.parametrize(
    "dim,correction,keepdim", [(None, 1, False), (1, 0, True), ((0, 2), 1, False)]
)
def test_var_mean_std_mean_match_torch(name, dim, correction, keepdim):
    x = np.random.default_rng(0).standard_normal((3, 4, 5))
    for k in range(2):
        compare_with_torch(
            lambda t, k=k: getattr(glassnet, name)(t, dim, correction=correction, keepdim=keepdim)[
                k
            ],
            lambda t, k=k: getattr(torch, name)(t, dim, correction=correction, keepdim=keepdim)[k],
            [x],
        )


def test_aminmax_matches_torch():
    x = np.random.default_rng(0).standard_normal((3, 4))
    g, t = glassnet.tensor(x).aminmax(dim=1), torch.tensor(x).aminmax(dim=1)
    np.testing.assert_array_equal(g.min.numpy(), t.min.numpy())
    np.testing.assert_array_equal(g.max.numpy(), t.max.numpy())


@given(sd=shape_dim(none=False), seed=seeds, keepdim=st.booleans(), data=st.data())
@SETTINGS
def test_kthvalue_and_median_match_torch(sd, seed, keepdim, data):
    shape, dim = sd
    x = np.asarray(randn(np.random.default_rng(seed), shape))
    n = shape[dim] if shape else 1
    k = data.draw(st.integers(1, n))
    compare_with_torch(
        lambda t: t.kthvalue(k, dim, keepdim).values,
        lambda t: t.kthvalue(k, dim, keepdim).values,
        [x],
    )
    compare_with_torch(
        lambda t: t.median(dim, keepdim).values, lambda t: t.median(dim, keepdim).values, [x]
    )
    g, t = glassnet.tensor(x).median(dim, keepdim), torch.tensor(x).median(dim, keepdim)
    np.testing.assert_array_equal(g.indices.numpy(), t.indices.numpy())
    compare_with_torch(glassnet.median, torch.median, [x])


def test_median_gradcheck_and_errors():
    x = np.random.default_rng(0).standard_normal((3, 4))
    check_gradcheck(lambda t: glassnet.median(t, 1).values, [x])
    check_gradcheck(glassnet.median, [x])
    with pytest.raises(ValueError, match="median: cannot compute the median of an empty tensor"):
        glassnet.median(glassnet.zeros(0))
    with pytest.raises(ValueError, match="kthvalue: k=5 is out of range for dim 1 of size 4"):
        glassnet.kthvalue(glassnet.tensor(x), 5, 1)


@pytest.mark.parametrize("name", ["nansum", "nanmean"])
@pytest.mark.parametrize("dim", [None, 0, 1])
def test_nansum_nanmean_match_torch(name, dim):
    x = np.random.default_rng(0).standard_normal((3, 4))
    x[0, 1] = x[2, 3] = np.nan
    compare_with_torch(
        lambda t: getattr(glassnet, name)(t, dim), lambda t: getattr(torch, name)(t, dim), [x]
    )


def test_info_functions():
    x = glassnet.zeros(2, 3)
    assert glassnet.numel(x) == 6 and glassnet.numel(glassnet.tensor(1.0)) == 1
    assert glassnet.is_tensor(x) and not glassnet.is_tensor(np.zeros(2))
    assert glassnet.is_floating_point(x) and not glassnet.is_floating_point(glassnet.tensor([1]))
    assert glassnet.is_nonzero(glassnet.tensor([2])) and not glassnet.is_nonzero(
        glassnet.tensor(0.0)
    )
    with pytest.raises(ValueError, match="is_nonzero: Boolean value of Tensor with 2 elements"):
        glassnet.is_nonzero(glassnet.tensor([1, 2]))


@pytest.mark.parametrize("dtype", ["int32", "int64", "bool"])
def test_nansum_of_integers_is_int64_like_torch(dtype):
    x = np.array([[1, 0, 3], [2, 5, 1]]).astype(dtype)
    for kw in ({}, {"dim": 1}, {"dim": 0, "keepdim": True}):
        got = glassnet.nansum(glassnet.tensor(x), **kw)
        want = torch.nansum(torch.tensor(x), **kw)
        assert got.dtype == want.numpy().dtype
        np.testing.assert_array_equal(got.numpy(), want.numpy())


NAN_ROWS = np.array([[np.nan, 1.0, np.nan, 2.0], [1.0, np.nan, 3.0, np.nan], [1.0, 2.0, 3.0, 4.0]])


@pytest.mark.parametrize("kwargs", [{}, {"dim": 1}, {"dim": 0, "keepdim": True}, {"dim": -1}])
def test_median_of_a_slice_holding_nan_is_nan_at_its_first_nan_as_torch(kwargs):
    x = NAN_ROWS.astype(np.float32)
    got, want = (
        glassnet.median(glassnet.tensor(x), **kwargs),
        torch.median(torch.tensor(x), **kwargs),
    )
    for g, t in zip(got if kwargs else [got], want if kwargs else [want]):
        assert g.dtype == t.numpy().dtype
        np.testing.assert_array_equal(g.numpy(), t.numpy())


def test_median_of_an_empty_dim_is_a_clear_error():
    with pytest.raises(ValueError, match=r"median: dim 0 of shape \(0, 3\) is empty"):
        glassnet.median(glassnet.zeros(0, 3), dim=0)
