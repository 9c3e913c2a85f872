"""float16 normalisation is computed in float32 and rounded once, as PyTorch does it: layer,
RMS and group norm then agree with PyTorch's float16 results, and batch norm with the float64
result (PyTorch's own CPU float16 batch norm keeps float16 batch statistics and drifts)."""

import numpy as np
import pytest
import torch
import torch.nn.functional as TF

import glassnet as G
import glassnet.nn.functional as F

X = np.float16([[-0.6846, -0.7563, 0.01, 0.02], [0.1257, -0.1321, 0.6406, 0.1049]])
W = np.float32([0.3, -1.2, 0.8, 1.5])
B = np.float32([0.34558418, 0.82161814, -0.1, 0.0])


def _pair(fn_g, fn_t, *arrays):
    g = [G.tensor(a, requires_grad=True) for a in arrays]
    t = [torch.tensor(a, requires_grad=True) for a in arrays]
    yg, yt = fn_g(*g), fn_t(*t)
    up = np.random.default_rng(0).standard_normal(yg.shape).astype(np.float16)
    (yg * G.tensor(up)).sum().backward()
    (yt * torch.tensor(up)).sum().backward()
    return yg, yt, g, t


@pytest.mark.filterwarnings("ignore:Mismatch dtype")
@pytest.mark.parametrize(
    "fn_g, fn_t",
    [
        (lambda x, w, b: F.layer_norm(x, [4], w, b), lambda x, w, b: TF.layer_norm(x, [4], w, b)),
        (lambda x, w, b: F.rms_norm(x, [4], w, 1e-5), lambda x, w, b: TF.rms_norm(x, [4], w, 1e-5)),
        (
            lambda x, w, b: F.group_norm(x.reshape(2, 4, 1), 2, w, b),
            lambda x, w, b: TF.group_norm(x.reshape(2, 4, 1), 2, w, b),
        ),
    ],
)
def test_float16_rows_norms_match_torch(fn_g, fn_t):
    yg, yt, g, t = _pair(fn_g, fn_t, X, W, B)
    assert yg.dtype == G.float16
    np.testing.assert_allclose(yg.detach().numpy(), yt.detach().numpy(), rtol=2e-3, atol=2e-3)
    for a, b in zip(g, t):
        if b.grad is None:  # rms_norm has no bias
            assert a.grad is None
            continue
        assert a.grad.dtype == a.dtype
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-2, atol=2e-3)


def test_float16_batch_norm_matches_the_float64_result():
    x = np.float16([[0.1257, -0.1321, 0.6406], [0.1049, -0.5356, 0.3616]])
    gb = G.nn.BatchNorm1d(3).half()
    gx = G.tensor(x, requires_grad=True)
    up = np.random.default_rng(0).standard_normal((2, 3)).astype(np.float16)
    y = gb(gx)
    (y * G.tensor(up)).sum().backward()
    tb = torch.nn.BatchNorm1d(3).double()
    tx = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    ty = tb(tx)
    (ty * torch.tensor(up, dtype=torch.float64)).sum().backward()
    assert y.dtype == G.float16 and gx.grad.dtype == G.float16
    assert gb.running_mean.dtype == G.float16  # updated in place, still float16
    np.testing.assert_allclose(y.detach().numpy(), ty.detach().numpy(), rtol=2e-3, atol=2e-3)
    np.testing.assert_allclose(gx.grad.numpy(), tx.grad.numpy(), rtol=5e-3, atol=1e-4)
    np.testing.assert_allclose(gb.running_mean.numpy(), tb.running_mean.numpy(), rtol=1e-3)
    np.testing.assert_allclose(gb.running_var.numpy(), tb.running_var.numpy(), rtol=1e-3)
