"""cumsum, cumprod (zeros included), logcumsumexp, cummax and cummin against PyTorch: values,
dtypes and gradients on random shapes, float64 gradcheck."""

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
    positive,
    randn,
    seeds,
    shapes,
)


@st.composite
def shape_dim(draw):
    shape = draw(shapes(min_dims=0, max_dims=3))
    n = max(len(shape), 1)
    return shape, draw(st.integers(-n, n - 1))


@given(shape_dim(), dtypes, seeds)
@SETTINGS
def test_cumsum_matches_torch(sd, dtype, seed):
    shape, dim = sd
    x = randn(np.random.default_rng(seed), shape, dtype)
    compare_with_torch(lambda t: t.cumsum(dim), lambda t: t.cumsum(dim), [x])


@given(shape_dim(), dtypes, seeds, st.booleans())
@SETTINGS
def test_cumprod_matches_torch_with_and_without_zeros(sd, dtype, seed, zeros):
    shape, dim = sd
    rng = np.random.default_rng(seed)
    x = np.asarray(positive(rng, shape, dtype) * rng.choice([-1, 1], shape))
    if zeros and x.size:
        x[rng.random(shape) < 0.3] = 0
    compare_with_torch(
        lambda t: glassnet.cumprod(t, dim), lambda t: torch.cumprod(t, dim), [x.astype(dtype)]
    )


def test_cumprod_gradient_with_one_and_several_zeros():
    for row in ([2.0, 0.0, 3.0, 4.0], [0.0, 1.5, 0.0, 2.0], [1.5, 2.0, 3.0, 0.0]):
        x = np.array([row, row[::-1]])
        compare_with_torch(lambda t: t.cumprod(1), lambda t: t.cumprod(1), [x])
        check_gradcheck(lambda t: glassnet.cumprod(t, 1), [x])


@given(shape_dim(), dtypes, seeds)
@SETTINGS
def test_logcumsumexp_matches_torch(sd, dtype, seed):
    shape, dim = sd
    x = randn(np.random.default_rng(seed), shape, dtype) * 3
    compare_with_torch(
        lambda t: glassnet.logcumsumexp(t, dim), lambda t: torch.logcumsumexp(t, dim), [x]
    )


@pytest.mark.parametrize("name", ["cummax", "cummin"])
@given(sd=shape_dim(), seed=seeds)
@SETTINGS
def test_cummax_cummin_match_torch(name, sd, seed):
    shape, dim = sd
    rng = np.random.default_rng(seed)
    x = rng.integers(-3, 3, shape).astype(np.float64)  # ties on purpose
    compare_with_torch(
        lambda t: getattr(glassnet, name)(t, dim).values,
        lambda t: getattr(torch, name)(t, dim).values,
        [x],
    )
    g = getattr(glassnet.tensor(x), name)(dim).indices
    t = getattr(torch.tensor(x), name)(dim).indices
    np.testing.assert_array_equal(g.numpy(), t.numpy())


def test_scans_gradcheck():
    rng = np.random.default_rng(0)
    x = randn(rng, (3, 4))
    check_gradcheck(lambda t: glassnet.cumsum(t, 1), [x])
    check_gradcheck(lambda t: glassnet.cumsum(t, 0), [x])
    check_gradcheck(lambda t: glassnet.cumprod(t, 1), [x])
    check_gradcheck(lambda t: glassnet.cumprod(t, -2), [x])
    check_gradcheck(lambda t: glassnet.logcumsumexp(t, 1), [x])
    check_gradcheck(lambda t: glassnet.cummax(t, 1).values, [x])


@pytest.mark.parametrize("fn", ["cumsum", "cumprod"])
def test_integer_and_bool_inputs_scan_in_int64(fn):
    for x in (np.array([1, 2, 3], dtype=np.int32), np.array([True, False, True])):
        g = getattr(glassnet, fn)(glassnet.tensor(x), 0)
        t = getattr(torch, fn)(torch.tensor(x), 0)
        assert g.dtype == t.numpy().dtype == np.int64
        np.testing.assert_array_equal(g.numpy(), t.numpy())
    g = getattr(glassnet, fn)(glassnet.tensor([1.0, 2.0]), 0, dtype=glassnet.float64)
    assert g.dtype == np.float64


def test_scan_dim_errors():
    with pytest.raises(IndexError, match="cumsum: dim 2 is out of range"):
        glassnet.cumsum(glassnet.zeros(2, 2), 2)
    with pytest.raises(IndexError, match="cumprod: dim -3 is out of range"):
        glassnet.zeros(2, 2).cumprod(-3)


def test_logcumsumexp_gradient_over_a_wide_span_in_float32():
    x = np.array([[-100.0, 0.0, 1.0], [50.0, -60.0, 40.0]], dtype=np.float32)
    compare_with_torch(
        lambda t: glassnet.logcumsumexp(t, 1), lambda t: torch.logcumsumexp(t, 1), [x]
    )


@pytest.mark.parametrize("name", ["cummax", "cummin"])
@pytest.mark.parametrize("dim", [0, 1])
def test_running_extremes_propagate_nan_indexed_by_the_latest_nan_as_torch(name, dim):
    x = np.array([[np.nan, 1.0, np.nan, 5.0], [2.0, np.nan, 1.0, 0.5], [3.0, 0.0, 4.0, -1.0]])
    got = getattr(glassnet, name)(glassnet.tensor(x), dim)
    want = getattr(torch, name)(torch.tensor(x), dim)
    np.testing.assert_array_equal(got.values.numpy(), want.values.numpy())
    np.testing.assert_array_equal(got.indices.numpy(), want.indices.numpy())
