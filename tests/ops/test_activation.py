"""relu, sigmoid, tanh, softmax and log_softmax against PyTorch (values and gradients, float32 and
float64, every dim), float64 gradchecks, and stability at |x| = 1e4. The other activations are
tested in test_activation_extra.py."""

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

POINTWISE = {
    "relu": (glassnet.relu, torch.relu),
    "relu_method": (lambda t: t.relu(), lambda t: t.relu()),
    "sigmoid": (glassnet.sigmoid, torch.sigmoid),
    "tanh": (glassnet.tanh, torch.tanh),
    "tanh_method": (lambda t: t.tanh(), lambda t: t.tanh()),
}


@pytest.mark.parametrize("name", sorted(POINTWISE))
@SETTINGS
@given(shape=shapes(), dtype=dtypes, seed=seeds)
def test_pointwise_activation_matches_torch(name, shape, dtype, seed):
    gfn, tfn = POINTWISE[name]
    x = randn(np.random.default_rng(seed), shape, dtype) * 3
    compare_with_torch(gfn, tfn, [x], seed=seed)


@pytest.mark.parametrize("fn", ["softmax", "log_softmax"])
@SETTINGS
@given(shape=shapes(), dtype=dtypes, seed=seeds, data=st.data())
def test_softmax_matches_torch(fn, shape, dtype, seed, data):
    n = max(len(shape), 1)
    dim = data.draw(st.integers(-n, n - 1))
    x = randn(np.random.default_rng(seed), shape, dtype) * 3
    compare_with_torch(
        lambda t: getattr(glassnet, fn)(t, dim),
        lambda t: getattr(torch, fn)(t, dim),
        [x],
        seed=seed,
    )
    compare_with_torch(lambda t: getattr(t, fn)(dim), lambda t: getattr(t, fn)(dim), [x], seed=seed)


@pytest.mark.parametrize("name", sorted(POINTWISE))
def test_pointwise_gradcheck(name):
    x = randn(np.random.default_rng(12), (3, 4))
    x[np.abs(x) < 1e-3] = 0.5  # keep finite differences away from relu's kink
    check_gradcheck(POINTWISE[name][0], [x])


@pytest.mark.parametrize("fn", [glassnet.softmax, glassnet.log_softmax])
@pytest.mark.parametrize("dim", [0, 1, -1])
def test_softmax_gradcheck(fn, dim):
    check_gradcheck(lambda t: fn(t, dim), [randn(np.random.default_rng(13), (3, 4))])


@pytest.mark.parametrize("name", ["relu", "sigmoid", "tanh", "softmax", "log_softmax"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_large_inputs_stay_finite(name, dtype):
    x = np.array([[-1e4, -50.0, 0.0, 50.0, 1e4]], dtype=dtype)
    gfn = getattr(glassnet, name)
    tfn = getattr(torch, name)
    args = (1,) if "softmax" in name else ()
    with np.errstate(over="raise", divide="raise", invalid="raise"):  # underflow to 0 is fine
        g, _ = compare_with_torch(lambda t: gfn(t, *args), lambda t: tfn(t, *args), [x])
    assert g.dtype == dtype and np.isfinite(g._data).all()


def test_softmax_rows_sum_to_one_and_implicit_dim():
    x = glassnet.randn(4, 5)
    np.testing.assert_allclose(glassnet.softmax(x, 1).sum(1)._data, np.ones(4), rtol=1e-6)
    # PyTorch's legacy choice when dim is None: dim 1 for 2-D inputs, 0 for 1-D and 3-D
    with pytest.warns(UserWarning):
        expected = torch.nn.functional.softmax(torch.tensor(x._data))
    np.testing.assert_allclose(glassnet.softmax(x)._data, expected.numpy(), rtol=1e-6)


def test_softmax_dim_out_of_range():
    with pytest.raises(IndexError, match="softmax: dim 2 is out of range"):
        glassnet.softmax(glassnet.ones(2, 3), 2)
    with pytest.raises(IndexError, match="log_softmax: dim -3 is out of range"):
        glassnet.log_softmax(glassnet.ones(2, 3), -3)


@pytest.mark.parametrize(
    "layout",
    [
        lambda a: a,  # C order, the last 1024-row partial
        lambda a: np.ascontiguousarray(a.transpose(1, 0, 2)).transpose(1, 0, 2),  # dense, permuted
        lambda a: np.asfortranarray(a),
        lambda a: a[:, :, ::2],  # not one dense block: the plain path
    ],
)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_relu_of_large_arrays_in_any_layout(layout, dtype):
    """Large inputs take relu's row-wise path; any memory layout, NaN and signed zeros included,
    must give torch's values, x's layout, and the gradient gy [x > 0]."""
    rng = np.random.default_rng(0)
    x_np = layout(randn(rng, (3, 11, 1000), dtype))
    x_np[0, 0, :4] = [np.nan, -0.0, 0.0, -np.inf]
    x = glassnet.from_numpy(x_np).requires_grad_()  # keeps x_np's layout
    y = glassnet.relu(x)
    expected = torch.relu(torch.tensor(x_np)).numpy()
    np.testing.assert_array_equal(y._data, expected)
    assert y._data.dtype == dtype
    if x_np.flags.c_contiguous or x_np.flags.f_contiguous:
        assert y._data.strides == x_np.strides
    gy = randn(rng, y.shape, dtype)
    y.backward(glassnet.tensor(gy))
    np.testing.assert_array_equal(x.grad._data, gy * (expected > 0))
