"""glassnet/kernels/flat_rows.py ('same' convolutions from the unpadded planes) against the
textbook glassnet/kernels/reference.py and torch: odd kernels 1-7, maps down to the padding's
size, non-square maps, several chunks of images, float32 and float64, the cache on and off,
inputs in either memory order; and the convolution kernels' choice of it."""

import numpy as np
import pytest
import torch
import torch.nn.functional as TF

from glassnet.kernels import conv as kconv
from glassnet.kernels import flat_rows, reference
from glassnet.kernels.cache import disabled


def _case(seed: int, kh: int, kw: int, H: int, W: int, N: int = 3):
    rng = np.random.default_rng(seed)
    C, O = (int(v) for v in rng.integers(1, 6, size=2))
    x = rng.standard_normal((N, C, H, W))
    w = rng.standard_normal((O, C, kh, kw))
    gy = rng.standard_normal((N, O, H, W))
    return x, w, gy, (kh // 2, kh // 2, kw // 2, kw // 2)


SHAPES = [(3, 3, 5, 5), (3, 3, 2, 2), (5, 5, 3, 4), (1, 3, 4, 9), (7, 5, 6, 3), (3, 5, 11, 7)]


@pytest.mark.parametrize("kh, kw, H, W", SHAPES)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_forward_and_backward_match_the_reference(kh, kw, H, W, dtype):
    x, w, gy, pads = _case(kh * 100 + H * 10 + W, kh, kw, H, W)
    x, w, gy = x.astype(dtype), w.astype(dtype), gy.astype(dtype)
    tol = 1e-10 if dtype == np.float64 else 1e-4
    y = flat_rows.forward(x, w)
    np.testing.assert_allclose(y, reference.conv2d_forward(x, w, (1, 1), pads), rtol=tol, atol=tol)
    gx, gw = flat_rows.backward(gy, x, w, True, True)
    rgx, rgw = reference.conv2d_backward(gy, x, w, (1, 1), pads)
    np.testing.assert_allclose(gx, rgx, rtol=tol, atol=tol)
    np.testing.assert_allclose(gw, rgw, rtol=tol, atol=tol)
    gx_only, none = flat_rows.backward(gy, x, w, True, False)
    none2, gw_only = flat_rows.backward(gy, x, w, False, True)
    assert none is None and none2 is None
    np.testing.assert_allclose(gx_only, rgx, rtol=tol, atol=tol)
    np.testing.assert_allclose(gw_only, rgw, rtol=tol, atol=tol)


@pytest.mark.parametrize("channel_major", [True, False])
def test_many_chunks_either_memory_order_and_torch(channel_major):
    # 80 images of 16 channels on 12x12 make 4 column chunks: a channel-major input is read in
    # place by the two inner ones, copied by the first and the last
    rng = np.random.default_rng(0)
    x = rng.standard_normal((80, 16, 12, 12))
    gy = rng.standard_normal((80, 16, 12, 12))
    w = rng.standard_normal((16, 16, 3, 3))
    tx = torch.tensor(x, requires_grad=True)
    tw = torch.tensor(w, requires_grad=True)
    ty = TF.conv2d(tx, tw, padding=1)
    ty.backward(torch.tensor(gy))
    if channel_major:
        x, gy = (
            np.ascontiguousarray(a.transpose(1, 0, 2, 3)).transpose(1, 0, 2, 3) for a in (x, gy)
        )
    np.testing.assert_allclose(flat_rows.forward(x, w), ty.detach().numpy(), rtol=1e-10)
    gx, gw = flat_rows.backward(gy, x, w, True, True)
    np.testing.assert_allclose(gx, tx.grad.numpy(), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(gw, tw.grad.numpy(), rtol=1e-10, atol=1e-10)
    _, gw_only = flat_rows.backward(gy, x, w, False, True)
    np.testing.assert_allclose(gw_only, tw.grad.numpy(), rtol=1e-10, atol=1e-10)


def test_without_the_cache_and_twice_in_a_row():
    x, w, gy, pads = _case(1, 3, 3, 6, 5, N=4)
    ref = reference.conv2d_forward(x, w, (1, 1), pads)
    with disabled():
        np.testing.assert_allclose(flat_rows.forward(x, w), ref, rtol=1e-10)
    first = np.array(flat_rows.forward(x, w))
    flat_rows.forward(x[:, :, :5], w)  # another shape in between: its slack must not leak
    np.testing.assert_array_equal(flat_rows.forward(x, w), first)


@pytest.mark.parametrize(
    "kernel, stride, pads, dilation, hw, expected",
    [
        ((3, 3), (1, 1), (1, 1, 1, 1), (1, 1), (14, 14), True),
        ((5, 3), (1, 1), (2, 2, 1, 1), (1, 1), (7, 9), True),
        ((3, 3), (2, 1), (1, 1, 1, 1), (1, 1), (14, 14), False),  # strided
        ((3, 3), (1, 1), (1, 1, 1, 1), (2, 2), (14, 14), False),  # dilated
        ((3, 3), (1, 1), (1, 0, 1, 1), (1, 1), (14, 14), False),  # not 'same'
        ((2, 2), (1, 1), (1, 1, 1, 1), (1, 1), (14, 14), False),  # even kernel
        ((5, 5), (1, 1), (2, 2, 2, 2), (1, 1), (2, 9), False),  # map smaller than the padding
    ],
)
def test_use_flat_rows(kernel, stride, pads, dilation, hw, expected):
    assert flat_rows.use_flat_rows(kernel, stride, pads, dilation, hw) == expected


def test_the_convolution_kernels_choose_it(monkeypatch):
    calls = []
    monkeypatch.setattr(flat_rows, "forward", lambda *a: calls.append("f"))
    monkeypatch.setattr(flat_rows, "backward", lambda *a: calls.append("b") or (None, None))
    for C, O, H, expected in [
        (32, 32, 14, "fb"),
        (16, 16, 28, "fb"),
        (3, 16, 28, "f"),
        (3, 16, 8, "f"),
    ]:
        calls.clear()
        x_shape, w_shape = (2, C, H, H), (O, C, 3, 3)
        p = kconv.plan(x_shape, w_shape, (1, 1), (1, 1, 1, 1), (1, 1), 1)
        kconv.forward(np.ones(x_shape), np.ones(w_shape), p)
        kconv.backward(np.ones((2, O, H, H)), np.ones(x_shape), np.ones(w_shape), p, True, True)
        assert "".join(calls) == expected, (C, O, H)


@pytest.mark.parametrize("channel_major", [False, True])
@pytest.mark.parametrize("chunk", [9 * 3 * 7 * 6, 1 << 20])  # blocks of 1 channel; all at once
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_depthwise_forward_matches_the_reference(channel_major, chunk, dtype, monkeypatch):
    """A 3x3 'same' depthwise forward by flat rows: channels in blocks (the first and the last
    read a copy with slack, the middle ones x in place when it is channel-major)."""
    monkeypatch.setattr(flat_rows, "COLS_CHUNK", chunk)
    rng = np.random.default_rng(4)
    x = rng.standard_normal((3, 5, 7, 6)).astype(dtype)
    if channel_major:
        x = np.ascontiguousarray(x.transpose(1, 0, 2, 3)).transpose(1, 0, 2, 3)
    w = rng.standard_normal((5, 1, 3, 3)).astype(dtype)
    y = flat_rows.depthwise_forward(x, w)
    expected = reference.conv2d_forward(x, w, (1, 1), (1, 1, 1, 1), (1, 1), 5)
    tol = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(y, expected, rtol=tol, atol=tol)


def test_depthwise_layers_on_small_maps_take_it_and_match_torch(monkeypatch):
    calls = []
    real = flat_rows.depthwise_forward
    monkeypatch.setattr(flat_rows, "depthwise_forward", lambda x, w: calls.append(1) or real(x, w))
    rng = np.random.default_rng(5)
    x = rng.standard_normal((4, 8, 16, 16)).astype(np.float32)
    w = rng.standard_normal((8, 1, 3, 3)).astype(np.float32)
    p = kconv.plan(x.shape, w.shape, (1, 1), (1, 1, 1, 1), (1, 1), 8)
    y = kconv.forward(x, w, p)
    assert calls == [1]
    expected = TF.conv2d(torch.tensor(x), torch.tensor(w), padding=1, groups=8).numpy()
    np.testing.assert_allclose(y, expected, rtol=1e-5, atol=1e-5)
    big = kconv.plan((4, 8, 17, 16), w.shape, (1, 1), (1, 1, 1, 1), (1, 1), 8)
    assert not big.flat_depthwise  # 272 pixels: the wide rows stay
