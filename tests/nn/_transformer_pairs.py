"""Shared by the transformer tests: build a glassnet module and its torch twin with the same
weights, run both on the same arrays and compare outputs and every gradient."""

import numpy as np
import torch

import glassnet

TOL = {np.float32: dict(fwd=1e-5, grad=1e-4), np.float64: dict(fwd=1e-10, grad=1e-10)}


def twin(g, t, dtype=np.float32):
    """Give torch module `t` glassnet module `g`'s weights (same names, same order, same shapes)
    in `dtype`; both end up in that dtype."""
    if dtype == np.float64:
        g, t = g.double(), t.double()
    gs, ts = g.state_dict(), t.state_dict()
    assert list(gs) == list(ts)
    for k in gs:
        assert tuple(gs[k].shape) == tuple(ts[k].shape), k
    t.load_state_dict({k: torch.tensor(v.numpy()) for k, v in gs.items()})
    return g, t


def masks(kind, N, L, S=None, nhead=2, float_=False, dtype=np.float32, seed=0):
    """(attn_mask, key_padding_mask) as arrays: 'causal' (L, L) (or the top-left causal (L, S)),
    'custom' a random (N*nhead, L, S) mask, 'none'; padding blocks the last 2 keys of sequence 0
    and the last one of sequence 1. bool (True = blocked) or float (-inf)."""
    S = L if S is None else S
    rng = np.random.default_rng(seed)
    if kind == "none":
        return None, None
    if kind == "causal":
        blocked = np.triu(np.ones((L, S), dtype=bool), 1)
    else:
        blocked = rng.random((N * nhead, L, S)) > 0.7
        blocked[..., 0] = False
    pad = np.zeros((N, S), dtype=bool)
    pad[0, -2:] = True
    if N > 1:
        pad[1, -1] = True
    if float_:
        return tuple(np.where(m, -np.inf, 0.0).astype(dtype) for m in (blocked, pad))
    return blocked, pad


def run_pair(g, t, inputs, dtype=np.float32, **kw):
    """g(*inputs, **kw) against t(*inputs, **kw) (array kwargs wrapped for each), then the same
    weighted backward through both: outputs, input gradients and every parameter gradient."""
    tol = TOL[dtype]
    gin = [glassnet.tensor(x.astype(dtype), requires_grad=True) for x in inputs]
    tin = [torch.tensor(x.astype(dtype), requires_grad=True) for x in inputs]
    gkw = {k: glassnet.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kw.items()}
    tkw = {k: torch.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kw.items()}
    gy, ty = g(*gin, **gkw), t(*tin, **tkw)
    assert gy.shape == tuple(ty.shape)
    assert gy.dtype == dtype
    close = dict(rtol=tol["fwd"], atol=tol["fwd"])
    np.testing.assert_allclose(gy.detach().numpy(), ty.detach().numpy(), **close)
    w = np.random.default_rng(7).standard_normal(gy.shape).astype(dtype)
    (gy * glassnet.tensor(w)).sum().backward()
    (ty * torch.tensor(w)).sum().backward()
    close = dict(rtol=tol["grad"], atol=tol["grad"])
    for a, b in zip(gin, tin):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), **close)
    gp = dict(g.named_parameters())
    tp = dict(t.named_parameters())
    assert list(gp) == list(tp)
    for name, p in tp.items():
        np.testing.assert_allclose(gp[name].grad.numpy(), p.grad.numpy(), err_msg=name, **close)
    return gy, ty
