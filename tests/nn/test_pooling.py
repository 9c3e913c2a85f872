"""Pooling layers against torch's modules: defaults (stride = kernel_size), arguments, repr."""

import numpy as np
import pytest
import torch

import glassnet
from glassnet import nn

CASES = [
    (nn.MaxPool2d, torch.nn.MaxPool2d, (2,), {}, (2, 3, 8, 9)),
    (nn.MaxPool2d, torch.nn.MaxPool2d, (3,), dict(stride=2, padding=1, ceil_mode=True),
     (1, 2, 9, 9)),
    (nn.MaxPool1d, torch.nn.MaxPool1d, (3,), dict(stride=1, dilation=2), (2, 3, 10)),
    (nn.AvgPool2d, torch.nn.AvgPool2d, (2,), {}, (3, 8, 8)),
    (nn.AvgPool2d, torch.nn.AvgPool2d, (3,), dict(stride=2, padding=1, count_include_pad=False),
     (2, 2, 7, 7)),
    (nn.AvgPool1d, torch.nn.AvgPool1d, (4,), dict(stride=2), (2, 3, 11)),
    (nn.AdaptiveAvgPool2d, torch.nn.AdaptiveAvgPool2d, ((3, 5),), {}, (2, 3, 8, 11)),
    (nn.AdaptiveAvgPool2d, torch.nn.AdaptiveAvgPool2d, (1,), {}, (2, 3, 7, 7)),
]  # fmt: skip


@pytest.mark.parametrize("ours, theirs, args, kwargs, shape", CASES)
def test_matches_torch(ours, theirs, args, kwargs, shape):
    x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    gx, tx = glassnet.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    gy, ty = ours(*args, **kwargs)(gx), theirs(*args, **kwargs)(tx)
    np.testing.assert_allclose(gy._data, ty.detach().numpy(), rtol=1e-6, atol=1e-6)
    gy.sum().backward()
    ty.sum().backward()
    np.testing.assert_allclose(gx.grad._data, tx.grad.numpy(), rtol=1e-6, atol=1e-6)


def test_max_pool_return_indices():
    x = np.random.default_rng(0).standard_normal((2, 3, 8, 8)).astype(np.float32)
    y, index = nn.MaxPool2d(2, return_indices=True)(glassnet.tensor(x))
    ty, tindex = torch.nn.MaxPool2d(2, return_indices=True)(torch.tensor(x))
    np.testing.assert_array_equal(index._data, tindex.numpy())


def test_repr():
    assert repr(nn.MaxPool2d(2)) == (
        "MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)"
    )
    assert repr(nn.AdaptiveAvgPool2d(1)) == "AdaptiveAvgPool2d(output_size=1)"


def test_input_too_small_is_a_clear_error():
    with pytest.raises(ValueError, match=r"max_pool2d: input of shape \(1, 1, 1, 1\) is too small"):
        nn.MaxPool2d(2)(glassnet.zeros(1, 1, 1, 1))
