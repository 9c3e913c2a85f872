"""Dropout2d (module and functional): whole channels dropped, scaling, gradient, eval, errors."""

import numpy as np
import pytest
import torch

import glassnet
from glassnet import nn
from glassnet.nn import functional as F


def test_whole_channels_are_dropped_and_the_rest_scaled():
    p = 0.3
    x = glassnet.tensor(np.random.default_rng(0).uniform(1, 2, (50, 40, 3, 3)).astype(np.float32))
    y = nn.Dropout2d(p, generator=glassnet.Generator(1))(x)._data
    dropped = (y == 0).all(axis=(2, 3))
    assert ((y == 0).any(axis=(2, 3)) == dropped).all()  # a channel is all or nothing
    assert abs(dropped.mean() - p) < 5 * np.sqrt(p * (1 - p) / dropped.size)
    np.testing.assert_allclose(y[~dropped], x._data[~dropped] / (1 - p), rtol=1e-6)
    t_rate = (torch.nn.Dropout2d(p)(torch.tensor(x._data)) == 0).all(-1).all(-1).float().mean()
    assert abs(dropped.mean() - t_rate.item()) < 10 * np.sqrt(p * (1 - p) / dropped.size)


def test_gradient_uses_the_same_mask():
    x = glassnet.tensor(np.ones((4, 6, 2, 2)), requires_grad=True)
    y = F.dropout2d(x, 0.5, generator=glassnet.Generator(3))
    y.sum().backward()
    np.testing.assert_array_equal(x.grad._data, y._data)  # dy/dx = mask / (1 - p) = y for x = 1


def test_eval_and_unbatched():
    layer = nn.Dropout2d(0.5).eval()
    x = glassnet.randn(2, 3, 4, 4)
    assert layer(x) is x
    layer.train()
    assert layer(glassnet.randn(3, 4, 4)).shape == (3, 4, 4)


def test_errors():
    with pytest.raises(ValueError, match="between 0 and 1"):
        nn.Dropout2d(1.5)
    with pytest.raises(ValueError, match=r"dropout2d: expected a 3-d or 4-d input, got shape"):
        F.dropout2d(glassnet.zeros(4, 4), 0.5)
