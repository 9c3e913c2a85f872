"""max/avg pooling (1-d, 2-d) and adaptive average pooling against torch 2.13 over a grid of
arguments, returned indices, ties, gradcheck in float64 and every error message."""

import numpy as np
import pytest
import torch
import torch.nn.functional as TF

import glassnet
from glassnet.autograd import gradcheck
from glassnet.nn import functional as F
from tests.ops._torch_pair import both, randn

MAX_GRID = [
    dict(kernel_size=2),  # the reshape fast path
    dict(kernel_size=2, stride=2),  # same, with odd sizes cropped
    dict(kernel_size=3, stride=2, padding=1),
    dict(kernel_size=(2, 3), stride=(1, 2), dilation=(2, 1)),
    dict(kernel_size=3, stride=2, padding=1, ceil_mode=True),
    dict(kernel_size=3, stride=1),  # overlapping windows
    dict(kernel_size=(3, 2), stride=(3, 2), ceil_mode=True),
]


@pytest.mark.parametrize("shape", [(2, 3, 9, 10), (1, 2, 8, 8), (3, 7, 7)])
@pytest.mark.parametrize("kwargs", MAX_GRID)
def test_max_pool2d_matches_torch(shape, kwargs):
    both(lambda x: F.max_pool2d(x, **kwargs), lambda x: TF.max_pool2d(x, **kwargs), [randn(shape)])


@pytest.mark.parametrize("kwargs", MAX_GRID[:3])
def test_max_pool2d_of_a_channel_major_input(kwargs):
    """A convolution's output lies in memory as (C, N, H, W): pooling it must give torch's values
    and gradients (for the gradient laid out either way)."""
    torch = __import__("torch")
    x_np = randn((3, 4, 9, 10))
    x_cm = np.ascontiguousarray(x_np.transpose(1, 0, 2, 3)).transpose(1, 0, 2, 3)
    x = glassnet.from_numpy(x_cm).requires_grad_()
    y = F.max_pool2d(x, **kwargs)
    tx = torch.tensor(x_np, requires_grad=True)
    ty = TF.max_pool2d(tx, **kwargs)
    np.testing.assert_array_equal(y._data, ty.detach().numpy())
    gy = randn(y.shape, 1)
    for layout in (gy, np.ascontiguousarray(gy.transpose(1, 0, 2, 3)).transpose(1, 0, 2, 3)):
        x.grad = tx.grad = None
        F.max_pool2d(x, **kwargs).backward(glassnet.from_numpy(layout))
        TF.max_pool2d(tx, **kwargs).backward(torch.tensor(gy))
        # overlapping windows add up in another order than torch's: last-bit differences
        np.testing.assert_allclose(x.grad._data, tx.grad.numpy(), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("kwargs", MAX_GRID)
def test_max_pool2d_indices_match_torch(kwargs):
    x = randn((2, 3, 9, 10))
    y, index = F.max_pool2d(glassnet.tensor(x), return_indices=True, **kwargs)
    ty, tindex = TF.max_pool2d(__import__("torch").tensor(x), return_indices=True, **kwargs)
    assert index.dtype == glassnet.int64
    np.testing.assert_array_equal(index._data, tindex.numpy())
    # with a graph recorded too
    y, index = F.max_pool2d(glassnet.tensor(x, requires_grad=True), return_indices=True, **kwargs)
    np.testing.assert_array_equal(index._data, tindex.numpy())


@pytest.mark.parametrize("kwargs", MAX_GRID + [dict(kernel_size=(1, 3)), dict(kernel_size=(3, 1))])
def test_max_pool2d_without_grad_matches_torch(kwargs):
    # under no_grad the maximum is taken without recording the winners (a separate path)
    x = randn((2, 3, 9, 10))
    with glassnet.no_grad():
        y = F.max_pool2d(glassnet.tensor(x), **kwargs)
    ty = TF.max_pool2d(__import__("torch").tensor(x), **kwargs)
    np.testing.assert_array_equal(y._data, ty.numpy())


@pytest.mark.parametrize(
    "kwargs", [dict(kernel_size=2), dict(kernel_size=3, stride=2, padding=1, dilation=2)]
)
def test_max_pool1d_matches_torch(kwargs):
    both(
        lambda x: F.max_pool1d(x, **kwargs),
        lambda x: TF.max_pool1d(x, **kwargs),
        [randn((2, 3, 11))],
    )
    g = F.max_pool1d(glassnet.tensor(randn((2, 3, 11))), return_indices=True, **kwargs)[1]
    t = TF.max_pool1d(__import__("torch").tensor(randn((2, 3, 11))), return_indices=True, **kwargs)[
        1
    ]
    np.testing.assert_array_equal(g._data, t.numpy())


@pytest.mark.parametrize("kwargs", [dict(kernel_size=2), dict(kernel_size=3, stride=1)])
def test_max_pool_ties_send_the_gradient_to_the_first_maximum(kwargs):
    x = np.maximum(np.random.default_rng(0).integers(-2, 2, (2, 3, 8, 8)), 0).astype(np.float64)
    both(lambda x: F.max_pool2d(x, **kwargs), lambda x: TF.max_pool2d(x, **kwargs), [x])


AVG_GRID = [
    dict(kernel_size=2),
    dict(kernel_size=3, stride=2, padding=1),
    dict(kernel_size=3, stride=2, padding=1, count_include_pad=False),
    dict(kernel_size=3, stride=2, padding=1, ceil_mode=True),
    dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False),
    dict(kernel_size=(2, 4), stride=(1, 3)),
]


@pytest.mark.parametrize("shape", [(2, 3, 9, 10), (1, 1, 8, 8)])
@pytest.mark.parametrize("kwargs", AVG_GRID)
def test_avg_pool2d_matches_torch(shape, kwargs):
    both(lambda x: F.avg_pool2d(x, **kwargs), lambda x: TF.avg_pool2d(x, **kwargs), [randn(shape)])


def test_avg_pool2d_divisor_override():
    kw = dict(kernel_size=(2, 4), divisor_override=3)
    both(lambda x: F.avg_pool2d(x, **kw), lambda x: TF.avg_pool2d(x, **kw), [randn((2, 3, 9, 10))])


@pytest.mark.parametrize("kwargs", [AVG_GRID[0], AVG_GRID[4]])
def test_avg_pool1d_matches_torch(kwargs):
    both(
        lambda x: F.avg_pool1d(x, **kwargs),
        lambda x: TF.avg_pool1d(x, **kwargs),
        [randn((2, 3, 11))],
    )


@pytest.mark.parametrize("size", [1, (3, 4), (4, None), (9, 10), (5, 7), (12, 13)])
def test_adaptive_avg_pool2d_matches_torch(size):
    both(
        lambda x: F.adaptive_avg_pool2d(x, size),
        lambda x: TF.adaptive_avg_pool2d(x, size),
        [randn((2, 3, 9, 10))],
    )


@pytest.mark.parametrize("size", [1, (2, 1), (3, 2), (4, 5)])
def test_adaptive_avg_pool2d_of_infinite_inputs_matches_torch(size):
    """An inf averages into its own windows only (a matrix product would give 0 * inf = NaN in
    every other window)."""
    x = randn((2, 3, 4, 3), 0, np.float32)
    x[0, 0, 0, 0], x[0, 1, 3, 2], x[1, 2, 1, 1] = np.inf, np.nan, -np.inf
    got = F.adaptive_avg_pool2d(glassnet.tensor(x), size)
    want = TF.adaptive_avg_pool2d(torch.tensor(x), size).numpy()
    assert got.dtype == want.dtype
    np.testing.assert_allclose(got._data, want, rtol=1e-6, equal_nan=True)


def test_float32_stays_float32():
    x = glassnet.tensor(randn((2, 3, 8, 8), 0, np.float32), requires_grad=True)
    for y in (F.max_pool2d(x, 2), F.avg_pool2d(x, 3, 1, 1), F.adaptive_avg_pool2d(x, 3)):
        y.sum().backward()
        assert y.dtype == glassnet.float32 and x.grad.dtype == glassnet.float32


def test_gradcheck_float64():
    x = glassnet.tensor(randn((2, 2, 7, 6), 3), requires_grad=True)
    assert gradcheck(lambda x: F.max_pool2d(x, 3, stride=2, padding=1, dilation=(1, 2)), (x,))
    assert gradcheck(lambda x: F.max_pool2d(x, 2), (x,))
    assert gradcheck(lambda x: F.avg_pool2d(x, 3, stride=2, padding=1, ceil_mode=True), (x,))
    assert gradcheck(lambda x: F.avg_pool2d(x, 2), (x,))
    assert gradcheck(lambda x: F.adaptive_avg_pool2d(x, (3, 4)), (x,))


Z = glassnet.zeros(1, 1, 4, 4)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: F.max_pool2d(glassnet.zeros(1, 1, 4, 4), 2, padding=2), "at most half of kernel"),
        (lambda: F.max_pool2d(Z[..., :2, :2], 3), r"too small for kernel_size \(3, 3\)"),
        (lambda: F.max_pool2d(Z[0, 0], 2), r"expected a 4-d input .* got shape \(4, 4\)"),
        (lambda: F.avg_pool2d(glassnet.zeros(1, 1, 4, 4), 0), "must be >= 1"),
        (lambda: F.avg_pool2d(Z, 2, divisor_override=0), "divisor_override"),
        (lambda: F.adaptive_avg_pool2d(glassnet.zeros(4, 4), 2), "3-d or 4-d input"),
        (lambda: F.adaptive_avg_pool2d(glassnet.zeros(1, 1, 4, 4), 0), "must be >= 1"),
    ],
)  # fmt: skip
def test_value_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_type_error_for_bad_kernel_size():
    with pytest.raises(TypeError, match="max_pool2d: kernel_size must be an int or a tuple"):
        F.max_pool2d(glassnet.zeros(1, 1, 4, 4), 2.5)
