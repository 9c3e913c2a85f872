"""glassnet/kernels/depthwise.py (depthwise convolutions over stride-phase planes) against the
textbook glassnet/kernels/reference.py and against torch, on random shapes: odd sizes, strides
1-3, uneven padding, dilation, float32 and float64, the cache on and off."""

import numpy as np
import pytest
import torch
import torch.nn.functional as TF

from glassnet.kernels import conv as kconv
from glassnet.kernels import depthwise, reference
from glassnet.kernels.cache import disabled


def _case(seed: int) -> dict:
    rng = np.random.default_rng(seed)
    kh, kw = (int(k) for k in rng.choice([1, 2, 3, 5, 7], size=2))
    stride = tuple(int(s) for s in rng.choice([1, 2, 3], size=2))
    dilation = tuple(int(d) for d in rng.choice([1, 1, 2], size=2))
    pads = tuple(int(p) for p in rng.integers(0, 4, size=4))
    H = int(rng.integers(dilation[0] * (kh - 1) + 1, 14))
    W = int(rng.integers(dilation[1] * (kw - 1) + 1, 14))
    N, C = int(rng.integers(1, 4)), int(rng.integers(1, 6))
    x = rng.standard_normal((N, C, H, W))
    w = rng.standard_normal((C, 1, kh, kw))
    return dict(x=x, w=w, stride=stride, pads=pads, dilation=dilation)


def _grads(case: dict, dtype, gy: np.ndarray, need_x=True, need_w=True):
    x, w = case["x"].astype(dtype), case["w"].astype(dtype)
    args = (case["stride"], case["pads"], case["dilation"])
    return depthwise.backward(gy.astype(dtype), x, w, *args, need_x, need_w)


@pytest.mark.parametrize("cache_on", [True, False])
@pytest.mark.parametrize("seed", range(40))
def test_backward_equals_the_reference(seed, cache_on):
    case = _case(seed)
    args = (case["stride"], case["pads"], case["dilation"], case["x"].shape[1])
    y = reference.conv2d_forward(case["x"], case["w"], *args)
    gy = np.random.default_rng(seed + 1000).standard_normal(y.shape)
    if cache_on:
        gx, gw = _grads(case, np.float64, gy)
        gx2, gw2 = _grads(case, np.float64, gy)  # again, through the reused buffers
    else:
        with disabled():
            gx, gw = gx2, gw2 = _grads(case, np.float64, gy)
    ref_gx, ref_gw = reference.conv2d_backward(gy, case["x"], case["w"], *args)
    np.testing.assert_allclose(gx, ref_gx, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(gw, ref_gw, rtol=1e-10, atol=1e-10)
    np.testing.assert_array_equal(gx2, gx)
    np.testing.assert_array_equal(gw2, gw)


@pytest.mark.parametrize("seed", range(8))
def test_float32_gradients_match_torch(seed):
    case = _case(100 + seed)
    pt, pb, pl, pr = case["pads"]
    C = case["x"].shape[1]
    x = torch.tensor(case["x"], dtype=torch.float32, requires_grad=True)
    w = torch.tensor(case["w"], dtype=torch.float32, requires_grad=True)
    y = TF.conv2d(
        TF.pad(x, (pl, pr, pt, pb)), w, stride=case["stride"], dilation=case["dilation"], groups=C
    )
    gy = torch.randn(y.shape)
    y.backward(gy)
    gx, gw = _grads(case, np.float32, gy.numpy())
    assert gx.dtype == gw.dtype == np.float32
    assert gx.shape == case["x"].shape and gw.shape == case["w"].shape
    np.testing.assert_allclose(gx, x.grad, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(gw, w.grad, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("need_x, need_w", [(True, False), (False, True)])
def test_one_gradient_alone(need_x, need_w):
    case = _case(7)
    args = (case["stride"], case["pads"], case["dilation"], case["x"].shape[1])
    gy = np.ones(reference.conv2d_forward(case["x"], case["w"], *args).shape)
    gx, gw = _grads(case, np.float64, gy, need_x, need_w)
    ref_gx, ref_gw = reference.conv2d_backward(gy, case["x"], case["w"], *args)
    assert (gx is None) != need_x and (gw is None) != need_w
    np.testing.assert_allclose(gx if need_x else gw, ref_gx if need_x else ref_gw, 1e-10, 1e-10)


def test_the_convolution_kernels_take_this_path_for_depthwise_layers(monkeypatch):
    """kconv sends groups = in = out channels here (the forward only when strided), and
    nothing else."""
    calls = []
    monkeypatch.setattr(depthwise, "backward", lambda *a: calls.append("b") or (None, None))
    monkeypatch.setattr(depthwise, "forward", lambda *a: calls.append("f"))
    x = np.ones((2, 4, 6, 6))
    for groups, s, w in [(4, 1, (4, 1, 3, 3)), (4, 2, (4, 1, 3, 3)), (2, 2, (4, 2, 3, 3))]:
        p = kconv.plan(x.shape, w, (s, s), (1, 1, 1, 1), (1, 1), groups)
        kconv.forward(x, np.ones(w), p)
        kconv.backward(np.ones((2, 4) + p.out_hw), x, np.ones(w), p, True, True)
    assert calls == ["b", "f", "b"]


@pytest.mark.parametrize("seed", range(20))
def test_forward_equals_the_reference(seed, monkeypatch):
    monkeypatch.setattr(depthwise, "COLS_CHUNK", 50)  # a few channels per product
    case = _case(300 + seed)
    args = (case["stride"], case["pads"], case["dilation"])
    ref = reference.conv2d_forward(case["x"], case["w"], *args, case["x"].shape[1])
    for dtype, tol in [(np.float64, 1e-12), (np.float32, 1e-4)]:
        x, w = case["x"].astype(dtype), case["w"].astype(dtype)
        y = depthwise.forward(x, w, *args, ref.shape[2:])
        assert y.dtype == dtype
        np.testing.assert_allclose(y, ref, rtol=tol, atol=tol)
