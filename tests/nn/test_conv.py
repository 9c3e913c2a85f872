"""Conv1d/Conv2d/ConvTranspose1d/ConvTranspose2d layers: PyTorch's parameter names, layouts and
default initialisation, outputs and gradients with weights copied from torch, errors naming the
layer."""

import numpy as np
import pytest
import torch

import glassnet
from glassnet import nn

CASES = [
    (nn.Conv2d, torch.nn.Conv2d, (3, 8, 3), dict(stride=2, padding=1), (2, 3, 9, 9)),
    (nn.Conv2d, torch.nn.Conv2d, (4, 6, (3, 2)), dict(padding="same", dilation=2, groups=2),
     (1, 4, 7, 8)),
    (nn.Conv2d, torch.nn.Conv2d, (3, 4, 5), dict(bias=False), (3, 5, 5)),  # unbatched
    (nn.Conv1d, torch.nn.Conv1d, (4, 6, 3), dict(stride=2, padding=1, groups=2), (2, 4, 11)),
    (nn.ConvTranspose2d, torch.nn.ConvTranspose2d, (4, 6, 3),
     dict(stride=2, padding=1, output_padding=1, groups=2), (2, 4, 5, 5)),
    (nn.ConvTranspose1d, torch.nn.ConvTranspose1d, (4, 2, 3), dict(stride=3), (2, 4, 6)),
]  # fmt: skip


@pytest.mark.parametrize("ours, theirs, args, kwargs, shape", CASES)
def test_matches_torch_with_copied_weights(ours, theirs, args, kwargs, shape):
    g_layer = ours(*args, **kwargs, dtype=glassnet.float64)
    t_layer = theirs(*args, **kwargs).double()
    g_keys = {k: v.shape for k, v in g_layer.state_dict().items()}
    t_keys = {k: tuple(v.shape) for k, v in t_layer.state_dict().items()}
    assert g_keys == t_keys
    g_layer.load_state_dict(t_layer.state_dict())
    x = np.random.default_rng(0).standard_normal(shape)
    gx, tx = glassnet.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    gy, ty = g_layer(gx), t_layer(tx)
    np.testing.assert_allclose(gy._data, ty.detach().numpy(), rtol=1e-10, atol=1e-12)
    up = np.random.default_rng(1).standard_normal(gy.shape)
    gy.backward(glassnet.tensor(up))
    ty.backward(torch.tensor(up))
    np.testing.assert_allclose(gx.grad._data, tx.grad.numpy(), rtol=1e-10, atol=1e-12)
    for name, p in t_layer.named_parameters():
        np.testing.assert_allclose(
            g_layer.get_parameter(name).grad._data, p.grad.numpy(), rtol=1e-10, atol=1e-12
        )


def test_default_init_follows_pytorch():
    """W, b ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)) with fan_in = 16 * 3 * 3 = 144."""
    layer = nn.Conv2d(16, 32, 3, generator=glassnet.Generator().manual_seed(0))
    bound = 1 / np.sqrt(144)
    for p in (layer.weight, layer.bias):
        assert p.dtype == glassnet.float32
        assert np.abs(p._data).max() <= bound
        assert np.abs(p._data).max() > 0.9 * bound  # spread over the whole interval
    assert abs(layer.weight._data.std() - bound / np.sqrt(3)) < 0.05 * bound
    up = nn.ConvTranspose2d(8, 4, 3, generator=glassnet.Generator().manual_seed(0))
    assert up.weight.shape == (8, 4, 3, 3)
    assert np.abs(up.weight._data).max() <= 1 / np.sqrt(4 * 9)


def test_generator_makes_init_reproducible():
    a = nn.Conv2d(3, 4, 3, generator=glassnet.Generator().manual_seed(5))
    b = nn.Conv2d(3, 4, 3, generator=glassnet.Generator().manual_seed(5))
    np.testing.assert_array_equal(a.weight._data, b.weight._data)


def test_repr():
    assert repr(nn.Conv2d(1, 6, 5, padding=2)) == (
        "Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2))"
    )
    assert "groups=2, bias=False" in repr(nn.Conv1d(4, 4, 3, groups=2, bias=False))


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: nn.Conv2d(3, 4, 3, padding="full"), "padding must be 'same', 'valid'"),
        (lambda: nn.Conv2d(3, 4, 3, stride=2, padding="same"), "not supported for strided"),
        (lambda: nn.Conv2d(3, 4, 3, groups=2), "in_channels=3 must be divisible by groups"),
        (lambda: nn.Conv2d(4, 3, 3, groups=2), "out_channels=3 must be divisible by groups"),
        (lambda: nn.Conv2d(0, 3, 3), "in_channels must be a positive integer"),
        (lambda: nn.Conv2d(3, 4, 3, padding_mode="reflect"), "padding_mode='reflect'"),
        (lambda: nn.Conv2d(3, 4, 0), "kernel_size, stride and dilation must be >= 1"),
        (lambda: nn.ConvTranspose2d(3, 4, 3, padding="same"), "padding must be an int"),
    ],
)
def test_construction_errors(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_wrong_input_channels_names_layer_and_shape():
    with pytest.raises(
        ValueError,
        match=r"Conv2d\(in_channels=3\): input has 1 channels \(shape \(8, 1, 28, 28\)\)",
    ):
        nn.Conv2d(3, 6, 5)(glassnet.zeros(8, 1, 28, 28))
    with pytest.raises(ValueError, match=r"Conv1d: expected a 3-d input"):
        nn.Conv1d(3, 6, 5)(glassnet.zeros(8, 3, 28, 28))
    with pytest.raises(TypeError, match="input dtype float64 differs"):
        nn.Conv2d(1, 6, 5)(glassnet.zeros(1, 1, 8, 8, dtype=glassnet.float64))
    with pytest.raises(ValueError, match="output_size"):
        nn.ConvTranspose2d(2, 2, 3, stride=2)(glassnet.zeros(1, 2, 4, 4), output_size=(20, 20))


def test_conv_transpose_output_size_picks_output_padding():
    layer = nn.ConvTranspose2d(2, 3, 3, stride=2, padding=1)
    assert layer(glassnet.zeros(1, 2, 4, 4)).shape == (1, 3, 7, 7)
    assert layer(glassnet.zeros(1, 2, 4, 4), output_size=(8, 8)).shape == (1, 3, 8, 8)
