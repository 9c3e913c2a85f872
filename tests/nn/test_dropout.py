"""Dropout (module and functional): the scaled Bernoulli mask, its gradient, train/eval, the
explicit generator, dtypes and errors."""

import numpy as np
import pytest
import torch

import glassnet
from glassnet import nn
from glassnet.autograd import gradcheck
from glassnet.nn import functional as F


@pytest.mark.parametrize("p", [0.1, 0.5, 0.8])
def test_training_mask_rate_and_scale(p):
    x = glassnet.tensor(np.random.default_rng(0).uniform(1, 2, (400, 500)).astype(np.float32))
    y = nn.Dropout(p, generator=glassnet.Generator(1))(x)
    assert y.dtype == glassnet.float32 and y.shape == x.shape
    dropped = y._data == 0
    # 200,000 Bernoulli draws: the rate is within 5 standard deviations of p
    assert abs(dropped.mean() - p) < 5 * np.sqrt(p * (1 - p) / dropped.size)
    kept = ~dropped
    np.testing.assert_allclose(y._data[kept], x._data[kept] / (1 - p), rtol=1e-6)
    # torch draws a different mask but the same distribution
    t_rate = (torch.nn.Dropout(p)(torch.tensor(x._data)) == 0).float().mean().item()
    assert abs(dropped.mean() - t_rate) < 10 * np.sqrt(p * (1 - p) / dropped.size)


def test_gradient_is_the_same_scaled_mask():
    x = glassnet.tensor(np.random.default_rng(2).uniform(1, 2, (30, 40)), requires_grad=True)
    y = F.dropout(x, 0.3, generator=glassnet.Generator(0))
    gy = np.random.default_rng(3).standard_normal(y.shape)
    y.backward(glassnet.tensor(gy))
    mask = (y._data != 0) / 0.7
    np.testing.assert_allclose(x.grad._data, gy * mask)
    assert x.grad.dtype == glassnet.float64
    x64 = glassnet.tensor(np.random.default_rng(4).standard_normal((3, 4)), requires_grad=True)
    assert gradcheck(lambda x: F.dropout(x, 0.4, generator=glassnet.Generator(5)), [x64])


def test_eval_mode_and_p_zero_are_the_identity():
    x = glassnet.randn(5, 5)
    drop = nn.Dropout(0.5)
    assert drop.eval()(x) is x
    assert F.dropout(x, 0.5, training=False) is x
    assert nn.Dropout(0.0)(x) is x
    y = nn.Dropout(1.0)(glassnet.ones(3, 3, requires_grad=True))
    assert not y._data.any()


def test_generator_controls_the_masks():
    x = glassnet.ones(50, 50)
    a = nn.Dropout(0.5, generator=glassnet.Generator(9))(x)
    b = nn.Dropout(0.5, generator=glassnet.Generator(9))(x)
    np.testing.assert_array_equal(a._data, b._data)
    drop = nn.Dropout(0.5, generator=glassnet.Generator(9))
    first, second = drop(x), drop(x)
    assert not np.array_equal(first._data, second._data)  # a fresh mask every call
    glassnet.manual_seed(4)
    c = F.dropout(x, 0.5)
    glassnet.manual_seed(4)
    np.testing.assert_array_equal(c._data, F.dropout(x, 0.5)._data)
    d = F.dropout(x, 0.5, generator=np.random.default_rng(9))  # a NumPy generator works too
    assert d.shape == x.shape


def test_float64_stays_float64():
    x = glassnet.ones(4, 4, dtype=glassnet.float64)
    assert F.dropout(x, 0.5).dtype == glassnet.float64


def test_repr_and_errors():
    assert repr(nn.Dropout(0.2)) == repr(torch.nn.Dropout(0.2))
    for bad in (-0.1, 1.5, "half"):
        with pytest.raises(ValueError, match="probability p has to be between 0 and 1"):
            nn.Dropout(bad)
    with pytest.raises(
        ValueError, match=r"dropout: probability p has to be between 0 and 1, but got 2"
    ):
        F.dropout(glassnet.ones(2), 2)
    with pytest.raises(
        TypeError, match="dropout: input must be a floating point tensor, got int64"
    ):
        F.dropout(glassnet.tensor([1, 2]), 0.5)


def test_dropout2d_drops_whole_channels():
    x = glassnet.tensor(
        np.random.default_rng(5).uniform(1, 2, (20, 30, 4, 5)).astype(np.float32),
        requires_grad=True,
    )
    y = nn.Dropout2d(0.4, generator=glassnet.Generator(0))(x)
    zero_maps = (y._data == 0).all(axis=(2, 3))
    assert ((y._data == 0).any(axis=(2, 3)) == zero_maps).all()  # all of a map or none of it
    assert abs(zero_maps.mean() - 0.4) < 5 * np.sqrt(0.24 / zero_maps.size)
    kept = ~zero_maps
    np.testing.assert_allclose(y._data[kept], x._data[kept] / 0.6, rtol=1e-6)
    y.sum().backward()
    np.testing.assert_allclose(x.grad._data, (y._data != 0) / 0.6, rtol=1e-6)
    drop = nn.Dropout2d(0.5).eval()
    assert drop(x) is x
    assert repr(nn.Dropout2d(0.3)) == repr(torch.nn.Dropout2d(0.3))
    with pytest.raises(ValueError, match="dropout2d: probability p has to be between 0 and 1"):
        F.dropout2d(x, 1.5)
