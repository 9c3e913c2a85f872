"""glassnet/kernels/conv.py against the textbook glassnet/kernels/reference.py, on random shapes
(strides, padding, dilation, groups, 1x1 and large kernels), with the cache on and off; and the
reference itself against torch."""

import numpy as np
import pytest
import torch
import torch.nn.functional as TF

from glassnet.kernels import conv as kconv
from glassnet.kernels import gemm, reference
from glassnet.kernels import im2col as im2col_ops
from glassnet.kernels.cache import CACHE, disabled


def _random_case(rng: np.random.Generator) -> dict:
    """A random valid convolution: shapes, stride, padding (sometimes uneven), dilation, groups."""
    groups = int(rng.choice([1, 1, 2, 3]))
    depthwise = rng.random() < 0.2
    C = groups * int(rng.integers(1, 4))
    O = C if depthwise else groups * int(rng.integers(1, 4))
    if depthwise:
        groups = C
    kh, kw = (int(k) for k in rng.choice([1, 2, 3, 5], size=2))
    stride = tuple(int(s) for s in rng.choice([1, 1, 2, 3], size=2))
    dilation = tuple(int(d) for d in rng.choice([1, 1, 2], size=2))
    pads = tuple(int(p) for p in rng.integers(0, 3, size=4))
    H = int(rng.integers(dilation[0] * (kh - 1) + 1, 12))
    W = int(rng.integers(dilation[1] * (kw - 1) + 1, 12))
    N = int(rng.integers(1, 4))
    x = rng.standard_normal((N, C, H, W))
    w = rng.standard_normal((O, C // groups, kh, kw))
    return dict(x=x, w=w, stride=stride, pads=pads, dilation=dilation, groups=groups)


def _kernel_result(case: dict, dtype) -> tuple:
    x, w = case["x"].astype(dtype), case["w"].astype(dtype)
    p = kconv.plan(x.shape, w.shape, case["stride"], case["pads"], case["dilation"], case["groups"])
    y = np.array(kconv.forward(x, w, p))
    gy = np.cos(np.arange(y.size, dtype=dtype)).reshape(y.shape)
    gx, gw = kconv.backward(gy, x, w, p, True, True)
    return y, gy, np.array(gx), np.array(gw)


@pytest.mark.parametrize("cache_on", [True, False])
@pytest.mark.parametrize("seed", range(30))
def test_kernels_equal_the_reference_on_random_shapes(seed, cache_on, monkeypatch):
    monkeypatch.setattr(im2col_ops, "COLS_CHUNK", 500)  # many chunks per batch
    monkeypatch.setattr(im2col_ops, "WIDE_GRAD_CHUNK", 2000)
    # every product in pieces of a few columns, every weight-gradient sum over several
    monkeypatch.setattr(gemm, "small_matrix_limit", lambda: 500)
    monkeypatch.setattr(gemm, "MIN_PIECE", 1)
    monkeypatch.setattr(gemm, "SUM_PIECE", 7)
    case = _random_case(np.random.default_rng(seed))
    args = (case["stride"], case["pads"], case["dilation"], case["groups"])
    if cache_on:
        y, gy, gx, gw = _kernel_result(case, np.float64)
    else:
        with disabled():
            y, gy, gx, gw = _kernel_result(case, np.float64)
    ref_y = reference.conv2d_forward(case["x"], case["w"], *args)
    np.testing.assert_allclose(y, ref_y, rtol=1e-12, atol=1e-12)
    ref_gx, ref_gw = reference.conv2d_backward(gy, case["x"], case["w"], *args)
    np.testing.assert_allclose(gx, ref_gx, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(gw, ref_gw, rtol=1e-10, atol=1e-10)
    assert CACHE.enabled


@pytest.mark.parametrize("seed", range(5))
def test_float32_kernels_stay_float32_and_match_in_float32_precision(seed):
    case = _random_case(np.random.default_rng(100 + seed))
    y, gy, gx, gw = _kernel_result(case, np.float32)
    assert y.dtype == gx.dtype == gw.dtype == np.float32
    args = (case["stride"], case["pads"], case["dilation"], case["groups"])
    np.testing.assert_allclose(y, reference.conv2d_forward(case["x"], case["w"], *args), 1e-4, 1e-4)


@pytest.mark.parametrize("seed", range(6))
def test_reference_matches_torch(seed):
    case = _random_case(np.random.default_rng(200 + seed))
    pt, pb, pl, pr = case["pads"]
    args = (case["stride"], case["pads"], case["dilation"], case["groups"])
    x = torch.tensor(case["x"], requires_grad=True)
    w = torch.tensor(case["w"], requires_grad=True)
    xp = TF.pad(x, (pl, pr, pt, pb))
    y = TF.conv2d(xp, w, stride=case["stride"], dilation=case["dilation"], groups=case["groups"])
    gy = torch.randn(y.shape, dtype=torch.float64)
    y.backward(gy)
    np.testing.assert_allclose(reference.conv2d_forward(case["x"], case["w"], *args), y.detach())
    gx, gw = reference.conv2d_backward(gy.numpy(), case["x"], case["w"], *args)
    np.testing.assert_allclose(gx, x.grad, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(gw, w.grad, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("stride", [(1, 1), (2, 2), (2, 1)])
@pytest.mark.parametrize("channel_major", [False, True])
def test_pointwise_convolutions_equal_the_reference(stride, channel_major):
    """1x1 convolutions run as plain GEMMs on the pixels (a view of a channel-major input, a
    copy of any other); strided ones read every stride-th pixel."""
    rng = np.random.default_rng(7)
    x = rng.standard_normal((3, 5, 7, 6))
    if channel_major:  # laid out as a convolution's output is
        x = np.ascontiguousarray(x.transpose(1, 0, 2, 3)).transpose(1, 0, 2, 3)
    w = rng.standard_normal((4, 5, 1, 1))
    p = kconv.plan(x.shape, w.shape, stride, (0, 0, 0, 0), (1, 1), 1)
    y = kconv.forward(x, w, p)
    np.testing.assert_allclose(y, reference.conv2d_forward(x, w, stride), 1e-12, 1e-12)
    gy = rng.standard_normal(y.shape)
    gx, gw = kconv.backward(gy, x, w, p, True, True)
    ref_gx, ref_gw = reference.conv2d_backward(gy, x, w, stride)
    np.testing.assert_allclose(gx, ref_gx, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(gw, ref_gw, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("C, O, k, pads", [(1, 8, 3, 0), (2, 64, 3, 1), (3, 6, 5, 2), (8, 4, 3, 1)])
def test_weight_gradient_alone_equals_the_reference(C, O, k, pads, monkeypatch):
    """A first layer wants dL/dW only: narrow columns for image inputs (C <= 3), wide rows else;
    the forward takes narrow columns where the output has more channels than the columns rows."""
    monkeypatch.setattr(im2col_ops, "COLS_CHUNK", 700)
    rng = np.random.default_rng(C * 100 + O)
    x, w = rng.standard_normal((5, C, 9, 8)), rng.standard_normal((O, C, k, k))
    p = kconv.plan(x.shape, w.shape, (1, 1), (pads,) * 4, (1, 1), 1)
    y = kconv.forward(x, w, p)
    ref_y = reference.conv2d_forward(x, w, pads=(pads,) * 4)
    np.testing.assert_allclose(y, ref_y, rtol=1e-12, atol=1e-12)
    gy = rng.standard_normal(y.shape)
    gx, gw = kconv.backward(gy, x, w, p, False, True)
    assert gx is None
    _, ref_gw = reference.conv2d_backward(gy, x, w, pads=(pads,) * 4)
    np.testing.assert_allclose(gw, ref_gw, rtol=1e-10, atol=1e-10)
