"""glassnet/kernels/batch_inner.py (columns with the batch innermost, for small maps) against the
textbook glassnet/kernels/reference.py and torch: random shapes with odd sizes, strides,
uneven padding, dilation, several chunks of images, float32 and float64, the cache on and off;
and the convolution kernels' choice of it."""

import numpy as np
import pytest
import torch
import torch.nn.functional as TF

from glassnet.kernels import batch_inner, reference
from glassnet.kernels import conv as kconv
from glassnet.kernels.cache import disabled


def _case(seed: int) -> dict:
    rng = np.random.default_rng(seed)
    kh, kw = (int(k) for k in rng.choice([1, 2, 3, 5], size=2))
    stride = tuple(int(s) for s in rng.choice([1, 1, 2, 3], size=2))
    dilation = tuple(int(d) for d in rng.choice([1, 1, 2], size=2))
    pads = tuple(int(p) for p in rng.integers(0, 3, size=4))
    H = int(rng.integers(dilation[0] * (kh - 1) + 1, 11))
    W = int(rng.integers(dilation[1] * (kw - 1) + 1, 11))
    N, C, O = (int(v) for v in rng.integers(1, 7, size=3))
    x = rng.standard_normal((N, C, H, W))
    w = rng.standard_normal((O, C, kh, kw))
    return dict(x=x, w=w, stride=stride, pads=pads, dilation=dilation)


def _geometry(case: dict, out_hw: tuple) -> tuple:
    kernel = case["w"].shape[2:]
    return (kernel, case["stride"], case["pads"], case["dilation"], out_hw)


def _run(case: dict, dtype, gy: np.ndarray, need_x=True, need_w=True):
    x, w = case["x"].astype(dtype), case["w"].astype(dtype)
    geometry = _geometry(case, gy.shape[2:])
    y = np.array(batch_inner.forward(x, w, geometry))
    gx, gw = batch_inner.backward(gy.astype(dtype), x, w, geometry, need_x, need_w)
    return y, gx, gw


@pytest.mark.parametrize("cache_on", [True, False])
@pytest.mark.parametrize("seed", range(30))
def test_forward_and_backward_equal_the_reference(seed, cache_on, monkeypatch):
    monkeypatch.setattr(batch_inner, "CHUNK", 400)  # several chunks of images
    case = _case(seed)
    args = (case["stride"], case["pads"], case["dilation"])
    ref_y = reference.conv2d_forward(case["x"], case["w"], *args)
    gy = np.random.default_rng(seed + 500).standard_normal(ref_y.shape)
    if cache_on:
        _run(case, np.float64, gy)  # the second call reuses the buffers of the first
        y, gx, gw = _run(case, np.float64, gy)
    else:
        with disabled():
            y, gx, gw = _run(case, np.float64, gy)
    ref_gx, ref_gw = reference.conv2d_backward(gy, case["x"], case["w"], *args)
    np.testing.assert_allclose(y, ref_y, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(gx, ref_gx, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(gw, ref_gw, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("seed", range(6))
def test_float32_matches_torch(seed):
    case = _case(50 + seed)
    pt, pb, pl, pr = case["pads"]
    x = torch.tensor(case["x"], dtype=torch.float32, requires_grad=True)
    w = torch.tensor(case["w"], dtype=torch.float32, requires_grad=True)
    y = TF.conv2d(TF.pad(x, (pl, pr, pt, pb)), w, stride=case["stride"], dilation=case["dilation"])
    gy = torch.randn(y.shape)
    y.backward(gy)
    y_, gx, gw = _run(case, np.float32, gy.numpy())
    assert y_.dtype == gx.dtype == gw.dtype == np.float32
    np.testing.assert_allclose(y_, y.detach(), rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(gx, x.grad, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(gw, w.grad, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("need_x, need_w", [(True, False), (False, True)])
def test_one_gradient_alone(need_x, need_w):
    case = _case(3)
    args = (case["stride"], case["pads"], case["dilation"])
    gy = np.ones(reference.conv2d_forward(case["x"], case["w"], *args).shape)
    _, gx, gw = _run(case, np.float64, gy, need_x, need_w)
    assert (gx is None) != need_x and (gw is None) != need_w
    ref = reference.conv2d_backward(gy, case["x"], case["w"], *args)[0 if need_x else 1]
    np.testing.assert_allclose(gx if need_x else gw, ref, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize(
    "N, C, H, O, k, stride, pad, groups, forward, backward",
    [
        (64, 128, 4, 128, 3, 1, 1, 1, False, False),  # a 4x4 'same' map: flat rows first
        (64, 128, 6, 128, 3, 1, 0, 1, True, True),  # a 4x4 valid output, 128 channels
        (64, 6, 14, 16, 5, 1, 0, 1, True, True),  # LeNet's C3: 10x10 out, widening
        (64, 16, 10, 16, 3, 1, 1, 1, False, False),  # 10x10 'same': flat rows
        (64, 16, 12, 16, 3, 1, 0, 1, True, False),  # 10x10 out, O <= C: backward elsewhere
        (64, 32, 14, 32, 3, 2, 0, 1, True, True),  # strided, 6x6 out
        (64, 32, 12, 32, 3, 1, 1, 1, False, False),  # 12x12 out
        (4, 128, 4, 128, 3, 1, 1, 1, False, False),  # few images
        (64, 8, 4, 8, 3, 1, 1, 2, False, False),  # grouped
    ],
)
def test_the_convolution_kernels_choose_it_for_small_maps(
    N, C, H, O, k, stride, pad, groups, forward, backward, monkeypatch
):
    calls, forward_calls = [], []
    monkeypatch.setattr(batch_inner, "backward", lambda *a: calls.append(a) or (None, None))
    monkeypatch.setattr(batch_inner, "forward", lambda *a: forward_calls.append(a))
    x_shape, w_shape = (N, C, H, H), (O, C // groups, k, k)
    p = kconv.plan(x_shape, w_shape, (stride,) * 2, (pad,) * 4, (1, 1), groups)
    kconv.forward(np.ones(x_shape), np.ones(w_shape), p)
    assert bool(forward_calls) == forward
    Ho, Wo = p.out_hw
    kconv.backward(np.ones((N, O, Ho, Wo)), np.ones(x_shape), np.ones(w_shape), p, True, True)
    assert bool(calls) == backward
