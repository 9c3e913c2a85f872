"""Empty convolutions, transposed convolutions, pools and unfolds, held to PyTorch 2.13:

* a transposed convolution whose output size is 0 in an axis (by its padding, output_padding or a
  layer's output_size), an empty batch, or zero input channels of a convolution give empty
  results of torch's shape and dtype, and the gradients torch gives (zeros, empty where the
  input is empty);
* where torch raises (an empty kernel, a weight without channels, an input empty in a spatial
  axis, pooling or unfolding zero channels, a negative output size), glassnet raises a ValueError
  naming the op and the shapes.

torch's own backends disagree on a transposed output size of exactly 0: its oneDNN path
(float32 with a batch of 2 or more, or groups) and every empty batch return the empty result,
its plain path (float64, or float32 with one image and no groups) raises. glassnet always
returns the empty result; the comparisons below use the cases where torch does too.
"""

import re

import numpy as np
import pytest
import torch
import torch.nn.functional as TF

import glassnet
import glassnet.nn.functional as F
from glassnet import nn


def _both(g_fn, t_fn, shapes, dtype="float32", **kwargs):
    """(output, gradients) of glassnet and of torch on the same inputs, y.sum() backwards."""
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(s).astype(dtype) for s in shapes]
    g_in = [glassnet.tensor(a, requires_grad=True) for a in arrays]
    t_in = [torch.tensor(a, requires_grad=True) for a in arrays]
    g_y, t_y = g_fn(*g_in, **kwargs), t_fn(*t_in, **kwargs)
    g_y.sum().backward()
    t_y.sum().backward()
    return (g_y, [t.grad for t in g_in]), (t_y, [t.grad for t in t_in])


def _assert_same(got, want):
    (g_y, g_grads), (t_y, t_grads) = got, want
    assert (
        g_y.shape == tuple(t_y.shape) and g_y.detach().numpy().dtype == t_y.detach().numpy().dtype
    )
    np.testing.assert_allclose(g_y.detach().numpy(), t_y.detach().numpy(), rtol=1e-5, atol=1e-5)
    for g, t in zip(g_grads, t_grads, strict=True):
        assert t is not None and g is not None and g.shape == tuple(t.shape)
        assert g.numpy().dtype == t.numpy().dtype
        np.testing.assert_allclose(g.numpy(), t.numpy(), rtol=1e-5, atol=1e-5)


TRANSPOSED_EMPTY = [
    # (op, x, weight, bias, kwargs): output size 0 in one axis or both
    ("conv_transpose2d", (2, 2, 1, 7), (2, 3, 2, 2), (3,), dict(padding=(1, 0), stride=2)),
    ("conv_transpose2d", (2, 2, 1, 1), (2, 3, 2, 2), (3,), dict(padding=1)),
    ("conv_transpose2d", (2, 2, 1, 7), (2, 4, 2, 2), None, dict(padding=(1, 0), groups=2)),
    ("conv_transpose2d", (0, 2, 1, 7), (2, 3, 2, 2), (3,), dict(padding=(1, 0))),
    ("conv_transpose1d", (2, 2, 1), (2, 3, 2), (3,), dict(padding=1)),
    ("conv_transpose1d", (3, 2, 1), (2, 3, 1), (3,), dict(padding=1, stride=2, output_padding=1)),
    ("conv_transpose1d", (0, 2, 1), (2, 3, 2), None, dict(padding=1)),
    # an empty batch, a non-empty output
    ("conv_transpose2d", (0, 2, 4, 4), (2, 3, 3, 3), (3,), dict(stride=2, padding=1)),
    ("conv_transpose1d", (0, 2, 4), (2, 3, 2), (3,), dict(padding=1)),
    # convolutions of zero input channels: torch's result has no channels either
    ("conv2d", (1, 0, 4, 4), (3, 0, 3, 3), (3,), {}),
    ("conv2d", (2, 0, 5, 4), (4, 0, 3, 2), (4,), dict(groups=2, stride=2, padding=1)),
    ("conv2d", (0, 0, 4, 4), (3, 0, 3, 3), None, {}),
    ("conv1d", (2, 0, 5), (3, 0, 3), (3,), dict(padding="same")),
    ("conv1d", (0, 5), (3, 0, 3), (3,), {}),  # unbatched
    # an empty batch of a convolution
    ("conv2d", (0, 2, 4, 4), (3, 2, 3, 3), (3,), dict(padding=1)),
]


@pytest.mark.parametrize("op, x, w, b, kwargs", TRANSPOSED_EMPTY)
def test_empty_results_and_gradients_match_torch(op, x, w, b, kwargs):
    shapes = [x, w] if b is None else [x, w, b]
    got, want = _both(getattr(F, op), getattr(TF, op), shapes, **kwargs)
    assert 0 in got[0].shape
    _assert_same(got, want)


def test_float64_transposed_output_of_size_zero_is_empty_too():
    """torch's float64 path raises here (see the module docstring); glassnet gives the result
    its float32 path gives, in float64, with zero gradients."""
    x = glassnet.randn(1, 2, 1, 7, dtype=glassnet.float64, requires_grad=True)
    w = glassnet.randn(2, 3, 2, 2, dtype=glassnet.float64, requires_grad=True)
    y = F.conv_transpose2d(x, w, padding=(1, 0), stride=2)
    assert y.shape == (1, 3, 0, 14) and y.dtype == glassnet.float64
    y.sum().backward()
    assert x.grad.dtype == glassnet.float64 and not x.grad.numpy().any()
    assert w.grad.shape == (2, 3, 2, 2) and not w.grad.numpy().any()


LAYER_WAYS = [
    (dict(kernel_size=2, stride=2, padding=1), True),  # output_size (0, 8) of its range [0, 1]
    (dict(kernel_size=1, stride=2, padding=1, output_padding=1), False),  # -1 + 1 = 0
]


@pytest.mark.parametrize("nd", [1, 2])
@pytest.mark.parametrize("kwargs, by_output_size", LAYER_WAYS)
def test_layers_reach_an_empty_output_as_torch(nd, kwargs, by_output_size):
    g_cls = nn.ConvTranspose1d if nd == 1 else nn.ConvTranspose2d
    t_cls = torch.nn.ConvTranspose1d if nd == 1 else torch.nn.ConvTranspose2d
    g_layer, t_layer = g_cls(2, 3, **kwargs), t_cls(2, 3, **kwargs)
    with torch.no_grad():
        for name in ("weight", "bias"):
            getattr(t_layer, name).copy_(torch.tensor(getattr(g_layer, name).detach().numpy()))
    spatial, size = ((1,), (0,)) if nd == 1 else ((1, 5), (0, 8))
    x = np.random.default_rng(1).standard_normal((2, 2) + spatial).astype("float32")
    call = {"output_size": size} if by_output_size else {}
    g_y = g_layer(glassnet.tensor(x), **call)
    t_y = t_layer(torch.tensor(x), **call)
    assert g_y.shape == tuple(t_y.shape) and 0 in g_y.shape
    g_y.sum().backward()
    t_y.sum().backward()
    for name in ("weight", "bias"):
        g, t = getattr(g_layer, name).grad, getattr(t_layer, name).grad
        np.testing.assert_array_equal(g.numpy(), t.numpy())
        assert not g.numpy().any()


ERRORS = [
    # (op, x, weight, kwargs, what glassnet's message names)
    ("conv2d", (1, 2, 4, 4), (3, 2, 0, 3), {}, "kernel size"),
    ("conv2d", (1, 2, 4, 4), (0, 2, 3, 3), {}, "no output channels"),
    ("conv1d", (1, 2, 5), (0, 2, 3), {}, "no output channels"),
    ("conv2d", (1, 2, 0, 4), (3, 2, 1, 1), dict(padding=1), "empty in a spatial axis"),
    ("conv1d", (2, 2, 0), (3, 2, 1), dict(padding=1), "empty in a spatial axis"),
    ("conv_transpose2d", (1, 2, 4, 4), (2, 3, 0, 3), {}, "kernel size"),
    ("conv_transpose2d", (1, 0, 4, 4), (0, 3, 3, 3), {}, "no input channels"),
    ("conv_transpose2d", (1, 2, 4, 4), (2, 0, 3, 3), {}, "no output channels"),
    ("conv_transpose2d", (1, 2, 0, 4), (2, 3, 3, 3), {}, "empty in a spatial axis"),
    ("conv_transpose1d", (2, 2, 0), (2, 3, 3), {}, "empty in a spatial axis"),
    ("conv_transpose2d", (2, 2, 1, 7), (2, 3, 1, 1), dict(padding=(1, 0)), r"\(-1, 7\)"),
    ("conv_transpose1d", (2, 2, 1), (2, 3, 1), dict(padding=1), "too small"),
]


@pytest.mark.parametrize("op, x, w, kwargs, message", ERRORS)
def test_empty_cases_torch_rejects_raise_a_named_value_error(op, x, w, kwargs, message):
    with pytest.raises(RuntimeError):
        getattr(TF, op)(torch.zeros(x), torch.zeros(w), **kwargs)
    with pytest.raises(ValueError, match=f"{op}: .*{message}") as info:
        getattr(F, op)(glassnet.zeros(*x), glassnet.zeros(*w), **kwargs)
    assert str(x) in str(info.value) or str(w) in str(info.value)


POOLS = ["max_pool1d", "avg_pool1d", "max_pool2d", "avg_pool2d", "unfold"]


@pytest.mark.parametrize("op", POOLS)
@pytest.mark.parametrize("axis", [1, 2])  # channels, first spatial axis
def test_pooling_and_unfold_of_empty_channels_or_planes_raise_as_torch(op, axis):
    nd = 1 if op.endswith("1d") else 2
    shape = [2, 3] + [4] * nd
    shape[axis] = 0
    with pytest.raises(RuntimeError):
        getattr(TF, op)(torch.zeros(shape), 2)
    with pytest.raises(
        ValueError, match=re.escape(f"{op}: input of shape {tuple(shape)} is empty")
    ):
        getattr(F, op)(glassnet.zeros(*shape), 2)


@pytest.mark.parametrize("op", POOLS)
def test_pooling_and_unfold_of_an_empty_batch_match_torch(op):
    nd = 1 if op.endswith("1d") else 2
    got, want = _both(getattr(F, op), getattr(TF, op), [(0, 3) + (5,) * nd], kernel_size=2)
    _assert_same(got, want)


def test_fold_of_zero_channels_raises_as_torch_and_of_an_empty_batch_matches():
    with pytest.raises(RuntimeError):
        TF.fold(torch.zeros(1, 0, 9), (4, 4), 2)
    with pytest.raises(ValueError, match=re.escape("fold: input of shape (1, 0, 9) has no")):
        F.fold(glassnet.zeros(1, 0, 9), (4, 4), 2)
    got, want = _both(F.fold, TF.fold, [(0, 8, 9)], output_size=(4, 4), kernel_size=2)
    _assert_same(got, want)
