"""BatchNorm1d/2d (running statistics over several steps, momentum, eval mode,
track_running_stats, buffers), LayerNorm, GroupNorm, RMSNorm against torch's modules."""

import numpy as np
import pytest
import torch

import glassnet
from glassnet import nn


def _pair(ours, theirs):
    """A glassnet layer with the torch layer's parameters and buffers."""
    ours.load_state_dict(theirs.state_dict())
    return ours, theirs


def _step(g_layer, t_layer, x, seed=0):
    gx, tx = glassnet.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    gy, ty = g_layer(gx), t_layer(tx)
    np.testing.assert_allclose(gy._data, ty.detach().numpy(), rtol=1e-5, atol=1e-5)
    up = np.random.default_rng(seed).standard_normal(gy.shape).astype(x.dtype)
    gy.backward(glassnet.tensor(up))
    ty.backward(torch.tensor(up))
    np.testing.assert_allclose(gx.grad._data, tx.grad.numpy(), rtol=1e-4, atol=1e-5)
    for name, p in t_layer.named_parameters():
        np.testing.assert_allclose(
            g_layer.get_parameter(name).grad._data, p.grad.numpy(), rtol=1e-4, atol=1e-4
        )
        p.grad = None
        g_layer.get_parameter(name).grad = None


@pytest.mark.parametrize(
    "ours, theirs, shape",
    [(nn.BatchNorm2d, torch.nn.BatchNorm2d, (8, 4, 5, 5)),
     (nn.BatchNorm1d, torch.nn.BatchNorm1d, (16, 4)),
     (nn.BatchNorm1d, torch.nn.BatchNorm1d, (6, 4, 7))],
)  # fmt: skip
@pytest.mark.parametrize("momentum", [0.1, None])
def test_batch_norm_running_stats_and_eval_match_torch(ours, theirs, shape, momentum):
    t_layer = theirs(4, momentum=momentum)
    with torch.no_grad():
        t_layer.weight.uniform_(0.5, 1.5)
        t_layer.bias.uniform_(-0.5, 0.5)
    g_layer, t_layer = _pair(ours(4, momentum=momentum), t_layer)
    rng = np.random.default_rng(0)
    for step in range(3):
        x = (rng.standard_normal(shape) * 3 + step).astype(np.float32)
        _step(g_layer, t_layer, x, step)
    for name, buf in t_layer.named_buffers():
        np.testing.assert_allclose(getattr(g_layer, name)._data, buf.numpy(), rtol=1e-5, atol=1e-6)
    assert int(g_layer.num_batches_tracked._data) == 3
    g_layer.eval()
    t_layer.eval()
    _step(g_layer, t_layer, rng.standard_normal(shape).astype(np.float32))
    assert int(g_layer.num_batches_tracked._data) == 3  # eval does not count


def test_batch_norm_state_dict_keys_match_torch():
    ours = nn.BatchNorm2d(3).state_dict()
    theirs = torch.nn.BatchNorm2d(3).state_dict()
    assert list(ours) == list(theirs)
    assert ours["num_batches_tracked"].dtype == glassnet.int64


@pytest.mark.parametrize("affine", [True, False])
def test_batch_norm_without_running_stats_uses_batch_stats_in_eval(affine):
    g_layer, t_layer = _pair(
        nn.BatchNorm2d(3, affine=affine, track_running_stats=False),
        torch.nn.BatchNorm2d(3, affine=affine, track_running_stats=False),
    )
    assert g_layer.running_mean is None and "running_mean" not in g_layer.state_dict()
    g_layer.eval()
    t_layer.eval()
    x = np.random.default_rng(0).standard_normal((4, 3, 2, 2)).astype(np.float32)
    _step(g_layer, t_layer, x)


def test_batch_norm_eval_gradient_treats_statistics_as_constants():
    t_layer = torch.nn.BatchNorm2d(2).double()
    with torch.no_grad():
        t_layer.running_mean.copy_(torch.tensor([0.5, -1.0]))
        t_layer.running_var.copy_(torch.tensor([2.0, 0.5]))
    g_layer, t_layer = _pair(nn.BatchNorm2d(2, dtype=glassnet.float64), t_layer)
    g_layer.eval()
    t_layer.eval()
    _step(g_layer, t_layer, np.random.default_rng(1).standard_normal((3, 2, 4, 4)))


@pytest.mark.parametrize(
    "ours, theirs, args, shape",
    [(nn.LayerNorm, torch.nn.LayerNorm, ((5, 6),), (3, 4, 5, 6)),
     (nn.LayerNorm, torch.nn.LayerNorm, (6,), (2, 6)),
     (nn.GroupNorm, torch.nn.GroupNorm, (2, 4), (3, 4, 5, 5)),
     (nn.RMSNorm, torch.nn.RMSNorm, (6,), (3, 4, 6))],
)  # fmt: skip
def test_per_sample_norms_match_torch(ours, theirs, args, shape):
    t_layer = theirs(*args)
    with torch.no_grad():
        for p in t_layer.parameters():
            p.uniform_(0.5, 1.5)
    g_layer, t_layer = _pair(ours(*args), t_layer)
    assert list(g_layer.state_dict()) == list(t_layer.state_dict())
    _step(g_layer, t_layer, np.random.default_rng(0).standard_normal(shape).astype(np.float32))


def test_layer_norm_without_bias_or_affine():
    assert nn.LayerNorm(4, bias=False).bias is None
    layer = nn.LayerNorm(4, elementwise_affine=False)
    assert layer.weight is None and list(layer.parameters()) == []
    y = layer(glassnet.randn(3, 4))
    np.testing.assert_allclose(y._data.mean(axis=1), 0, atol=1e-6)


def test_repr():
    assert repr(nn.BatchNorm2d(16)) == (
        "BatchNorm2d(16, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)"
    )
    assert repr(nn.LayerNorm(8)) == "LayerNorm((8,), eps=1e-05, elementwise_affine=True)"


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: nn.BatchNorm2d(16)(glassnet.zeros(2, 8, 3, 3)),
         r"BatchNorm2d\(num_features=16\): input has 8 channels \(shape \(2, 8, 3, 3\)\)"),
        (lambda: nn.BatchNorm2d(3)(glassnet.zeros(2, 3)),
         r"expected 4-d input, got shape \(2, 3\)"),
        (lambda: nn.BatchNorm1d(3)(glassnet.zeros(2, 3, 4, 4)), "expected 2-d or 3-d input"),
        (lambda: nn.BatchNorm1d(3)(glassnet.zeros(1, 3)), "more than 1 value per channel"),
        (lambda: nn.BatchNorm1d(0), "num_features must be a positive integer"),
        (lambda: nn.BatchNorm1d(3, momentum=2.0), "momentum must be in"),
        (lambda: nn.GroupNorm(3, 4), "num_channels=4 must be divisible by num_groups=3"),
        (lambda: nn.GroupNorm(2, 4)(glassnet.zeros(2, 6, 3)),
         r"GroupNorm\(num_channels=4\): input has 6 channels"),
        (lambda: nn.LayerNorm(5)(glassnet.zeros(2, 4)), "does not end with normalized_shape"),
    ],
)  # fmt: skip
def test_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call()
