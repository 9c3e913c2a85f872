"""Dropout2d (module and functional) as PyTorch 2.13: whole channels dropped, scaling, gradient,
eval; every rank: the (N, C) draw of torch, the same warnings, 0-D/1-D errors in training."""

import warnings

import numpy as np
import pytest
import torch

import glassnet
from glassnet import nn
from glassnet.nn import functional as F


def _warnings_of(fn, *args, **kwargs) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fn(*args, **kwargs)
    return [str(w.message) for w in caught if issubclass(w.category, UserWarning)]


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


def test_eval_is_the_identity():
    layer = nn.Dropout2d(0.5).eval()
    x = glassnet.randn(2, 3, 4, 4)
    assert layer(x) is x


@pytest.mark.parametrize("shape", [(4, 6), (3, 4, 6), (2, 3, 4, 6), (2, 3, 4, 2, 2)])
@pytest.mark.parametrize("training", [True, False])
def test_every_rank_warns_as_torch(shape, training):
    x = np.ones(shape, dtype=np.float32)
    g = _warnings_of(F.dropout2d, glassnet.tensor(x), 0.5, training)
    t = _warnings_of(torch.nn.functional.dropout2d, torch.tensor(x), 0.5, training)
    assert g == t
    assert _warnings_of(nn.Dropout2d(0.5).train(training), glassnet.tensor(x)) == t


@pytest.mark.parametrize("shape", [(40, 50), (30, 40, 7), (6, 8, 3, 3), (6, 8, 2, 3, 2)])
def test_one_draw_per_first_two_axes_as_torch(shape):
    """torch reads the first two axes as (N, C) at every rank: a 3-D input is (N, C, L), and a
    2-D input gets one draw per element."""
    x = np.ones(shape, dtype=np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        y = F.dropout2d(glassnet.tensor(x), 0.5, generator=glassnet.Generator(0))._data
        t = torch.nn.functional.dropout2d(torch.tensor(x), 0.5).numpy()
    for out in (y, t):
        flat = out.reshape(shape[0], shape[1], -1)
        assert (flat == flat[..., :1]).all()  # constant over the axes after the first two
        assert set(np.unique(flat)) <= {0.0, 2.0}
        assert 0.2 < (flat[..., 0] == 0).mean() < 0.8  # and drawn per (n, c)


def test_low_ranks_raise_in_training_only():
    x = glassnet.ones(5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert F.dropout2d(x, 0.5, training=False) is x
        with pytest.raises(RuntimeError, match="at least 2 dimensions"):
            torch.nn.functional.dropout2d(torch.ones(5), 0.5)
        with pytest.raises(ValueError, match=r"dropout2d: feature dropout requires at least 2"):
            F.dropout2d(x, 0.5)
        with pytest.raises(ValueError, match=r"got shape \(\)"):
            F.dropout2d(glassnet.tensor(1.0), 0.5)


def test_errors():
    with pytest.raises(ValueError, match="between 0 and 1"):
        nn.Dropout2d(1.5)
    with pytest.raises(ValueError, match="dropout2d: probability p has to be between 0 and 1"):
        F.dropout2d(glassnet.ones(2, 3, 4, 4), -0.1)
    with pytest.raises(TypeError, match="dropout2d: input must be a floating point tensor"):
        F.dropout2d(glassnet.tensor(np.ones((2, 3, 4, 4), dtype=np.int64)), 0.5)
