"""F.scaled_dot_product_attention and nn.MultiheadAttention against torch 2.13: values and
gradients with causal, bool and float masks, key padding, need_weights, batch_first, unbatched
inputs, kdim/vdim; float64 gradcheck; dropout; errors."""

import numpy as np
import pytest
import torch

import glassnet
from glassnet import nn
from glassnet.autograd import gradcheck
from glassnet.nn import functional as F

RNG = np.random.default_rng(0)


def _both(a, grad=True):
    g = glassnet.tensor(a, requires_grad=grad and a.dtype.kind == "f")
    t = torch.tensor(a, requires_grad=grad and a.dtype.kind == "f")
    return g, t


def _backward_both(gy, ty, seed=1):
    w = np.random.default_rng(seed).standard_normal(gy.shape).astype(gy.dtype)
    (gy * glassnet.tensor(w)).sum().backward()
    (ty * torch.tensor(w)).sum().backward()


def _close(a, b, tol=1e-5):
    np.testing.assert_allclose(
        a._data if hasattr(a, "data") else a, b.detach().numpy(), rtol=tol, atol=tol
    )


# --------------------------------------------------------------------------- sdpa
MASKS = ["none", "causal", "bool", "float", "float-grad", "bool-broadcast"]


@pytest.mark.parametrize("mask", MASKS)
@pytest.mark.parametrize(
    "shapes", [((2, 3, 5, 4), (2, 3, 7, 4), (2, 3, 7, 6)), ((5, 8), (5, 8), (5, 3))]
)
def test_sdpa_matches_torch(mask, shapes):
    qs, ks, vs = shapes
    if mask == "causal" and qs[-2] != ks[-2]:
        qs = qs[:-2] + (ks[-2], qs[-1])
    L, S = qs[-2], ks[-2]
    arrays = [RNG.standard_normal(s).astype(np.float32) for s in (qs, ks, vs)]
    (gq, tq), (gk, tk), (gv, tv) = (_both(a) for a in arrays)
    gm = tm = None
    if mask in ("bool", "bool-broadcast"):
        m = RNG.random((L, S) if mask == "bool" else (qs[0],) + (1,) * (len(qs) - 2) + (S,)) > 0.4
        m[..., 0] = True  # no row fully masked
        gm, tm = _both(m)
    elif mask.startswith("float"):
        gm, tm = _both(
            RNG.standard_normal(qs[:-1] + (S,)).astype(np.float32), grad=mask == "float-grad"
        )
    causal = mask == "causal"
    gy = F.scaled_dot_product_attention(gq, gk, gv, attn_mask=gm, is_causal=causal)
    ty = torch.nn.functional.scaled_dot_product_attention(
        tq, tk, tv, attn_mask=tm, is_causal=causal
    )
    assert gy.dtype == np.float32
    _close(gy, ty)
    _backward_both(gy, ty)
    for a, b in [(gq, tq), (gk, tk), (gv, tv), (gm, tm)]:
        if b is not None and b.grad is not None:
            _close(a.grad, b.grad, 1e-4)


@pytest.mark.parametrize(
    "shapes",
    [
        ((1, 3, 5, 4), (1, 3, 7, 4), (2, 3, 7, 6)),  # query and key broadcast over the batch
        ((2, 1, 5, 4), (2, 3, 7, 4), (2, 1, 7, 6)),  # query and value broadcast over the heads
    ],
)
def test_sdpa_broadcast_batch_dims(shapes):
    arrays = [RNG.standard_normal(s).astype(np.float32) for s in shapes]
    (gq, tq), (gk, tk), (gv, tv) = (_both(a) for a in arrays)
    gy = F.scaled_dot_product_attention(gq, gk, gv, is_causal=False)
    ty = torch.nn.functional.scaled_dot_product_attention(tq, tk, tv)
    _close(gy, ty)
    _backward_both(gy, ty)
    for a, b in [(gq, tq), (gk, tk), (gv, tv)]:
        assert a.grad.shape == a.shape
        _close(a.grad, b.grad, 1e-4)


def test_sdpa_on_head_views_of_one_projection_keeps_the_layouts():
    """q, k, v as head views of one (B, L, 3C) projection (as in a GPT block): values and
    gradients as torch's, and the output laid out so that joining its heads is a view."""
    B, L, H, E = 2, 5, 3, 4
    x = RNG.standard_normal((B, L, 3 * H * E)).astype(np.float32)
    g_x, t_x = _both(x)
    outs = []
    for lib, xx in ((glassnet, g_x), (torch, t_x)):
        q, k, v = (t.reshape(B, L, H, E).transpose(1, 2) for t in xx.split(H * E, dim=2))
        y = lib.nn.functional.scaled_dot_product_attention(q, k, v, is_causal=True)
        outs.append(y)
    gy, ty = outs
    _close(gy, ty)
    assert gy._data.transpose(0, 2, 1, 3).flags.c_contiguous  # (B, L, H, E) in memory
    _backward_both(gy.transpose(1, 2).reshape(B, L, H * E), ty.transpose(1, 2).reshape(B, L, H * E))
    _close(g_x.grad, t_x.grad, 1e-4)


def test_sdpa_gradients_stay_float32():
    q, k, v = (glassnet.randn(2, 3, 4, requires_grad=True) for _ in range(3))
    y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
    grads = y._ctx._backward(np.ones(y.shape, dtype=np.float32))  # before any cast into .grad
    assert y.dtype == np.float32 and all(g.dtype == np.float32 for g in grads[:3])


def test_sdpa_scale_and_fully_masked_row():
    q, k, v = (RNG.standard_normal((2, 4, 3)).astype(np.float32) for _ in range(3))
    (gq, tq), (gk, tk), (gv, tv) = _both(q), _both(k), _both(v)
    _close(
        F.scaled_dot_product_attention(gq, gk, gv, scale=0.3),
        torch.nn.functional.scaled_dot_product_attention(tq, tk, tv, scale=0.3),
    )
    m = np.ones((4, 4), dtype=bool)
    m[1] = False
    y = F.scaled_dot_product_attention(gq, gk, gv, attn_mask=glassnet.tensor(m))
    yt = torch.nn.functional.scaled_dot_product_attention(tq, tk, tv, attn_mask=torch.tensor(m))
    _close(y, yt)
    assert np.all(y._data[:, 1] == 0)  # every key masked: zero output, no NaN (as torch)
    _backward_both(y, yt)
    _close(gq.grad, tq.grad)
    assert np.isfinite(gk.grad._data).all()


def test_sdpa_grouped_query_attention():
    q = RNG.standard_normal((2, 6, 5, 4)).astype(np.float32)
    k = RNG.standard_normal((2, 2, 7, 4)).astype(np.float32)
    v = RNG.standard_normal((2, 2, 7, 3)).astype(np.float32)
    (gq, tq), (gk, tk), (gv, tv) = _both(q), _both(k), _both(v)
    gy = F.scaled_dot_product_attention(gq, gk, gv, enable_gqa=True)
    ty = torch.nn.functional.scaled_dot_product_attention(tq, tk, tv, enable_gqa=True)
    _close(gy, ty)
    _backward_both(gy, ty)
    for a, b in [(gq, tq), (gk, tk), (gv, tv)]:
        _close(a.grad, b.grad, 1e-4)
    with pytest.raises(ValueError, match="query's 6 heads must be a multiple of the 4 key"):
        F.scaled_dot_product_attention(gq, glassnet.randn(2, 4, 7, 4), gv, enable_gqa=True)
    with pytest.raises(ValueError, match="need enable_gqa=True"):
        F.scaled_dot_product_attention(gq, gk, gv)


def test_sdpa_dropout():
    q, k, v = (glassnet.randn(2, 6, 4) for _ in range(3))
    a = F.scaled_dot_product_attention(q, k, v, dropout_p=0.5, generator=glassnet.Generator(0))
    b = F.scaled_dot_product_attention(q, k, v, dropout_p=0.5, generator=glassnet.Generator(0))
    c = F.scaled_dot_product_attention(q, k, v)
    np.testing.assert_array_equal(a._data, b._data)
    assert not np.allclose(a._data, c._data)
    # the expectation over masks is the output without dropout
    mean = np.mean(
        [
            F.scaled_dot_product_attention(
                q, k, v, dropout_p=0.5, generator=glassnet.Generator(s)
            )._data
            for s in range(400)
        ],
        axis=0,
    )
    np.testing.assert_allclose(mean, c._data, atol=0.2)


@pytest.mark.parametrize("dropout_p", [0.0, 0.3])
def test_sdpa_gradcheck_float64(dropout_p):
    q, k, v, m = (
        glassnet.tensor(RNG.standard_normal(s), requires_grad=True)
        for s in ((2, 3, 4), (2, 5, 4), (2, 5, 2), (3, 5))
    )

    def fn(q, k, v, m):  # the same dropout mask on every call
        return F.scaled_dot_product_attention(
            q, k, v, attn_mask=m, dropout_p=dropout_p, generator=glassnet.Generator(0)
        )

    gradcheck(fn, (q, k, v, m))
    k3, v3 = (glassnet.tensor(t._data[:, :3].copy(), requires_grad=True) for t in (k, v))
    gradcheck(lambda q, k, v: F.scaled_dot_product_attention(q, k, v, is_causal=True), (q, k3, v3))


def test_sdpa_errors():
    q = glassnet.randn(2, 3, 4)
    with pytest.raises(ValueError, match="do not fit together"):
        F.scaled_dot_product_attention(q, glassnet.randn(2, 3, 5), glassnet.randn(2, 3, 5))
    with pytest.raises(ValueError, match="need at least 2 dims"):
        F.scaled_dot_product_attention(glassnet.randn(4), q, q)
    with pytest.raises(ValueError, match=r"dropout_p must be in \[0, 1\)"):
        F.scaled_dot_product_attention(q, q, q, dropout_p=1.0)
    with pytest.raises(ValueError, match="either attn_mask or is_causal"):
        F.scaled_dot_product_attention(q, q, q, attn_mask=glassnet.ones(3, 3), is_causal=True)
    with pytest.raises(ValueError, match=r"attn_mask of shape \(4, 4\) cannot be broadcast"):
        F.scaled_dot_product_attention(q, q, q, attn_mask=glassnet.ones(4, 4))
    with pytest.raises(TypeError, match="attn_mask must be bool or float"):
        F.scaled_dot_product_attention(
            q, q, q, attn_mask=glassnet.tensor(np.ones((3, 3), dtype=np.int64))
        )


# --------------------------------------------------------------------------- MultiheadAttention
def _mha_pair(E=8, h=2, **kw):
    g = nn.MultiheadAttention(E, h, generator=glassnet.Generator(0), **kw)
    t = torch.nn.MultiheadAttention(E, h, **kw)
    t.load_state_dict({k: torch.tensor(v.numpy()) for k, v in g.state_dict().items()})
    return g, t


@pytest.mark.parametrize("batch_first", [True, False])
@pytest.mark.parametrize("need_weights,average", [(True, True), (True, False), (False, True)])
@pytest.mark.parametrize("masks", ["none", "kpm-bool", "attn-bool", "both-float", "attn-3d"])
@pytest.mark.parametrize("self_attention", [True, False])
def test_mha_matches_torch(batch_first, need_weights, average, masks, self_attention):
    E, h, N, L, S = 8, 2, 3, 4, 5
    if self_attention:
        S = L
    g, t = _mha_pair(E, h, batch_first=batch_first)
    shape = (lambda n: (N, n, E)) if batch_first else (lambda n: (n, N, E))
    gq, tq = _both(RNG.standard_normal(shape(L)).astype(np.float32))
    if self_attention:
        gk = gv = gq
        tk = tv = tq
    else:
        (gk, tk), (gv, tv) = (_both(RNG.standard_normal(shape(S)).astype(np.float32)) for _ in "kv")
    kpm = am = (None, None)
    if masks in ("kpm-bool", "both-float"):
        m = RNG.random((N, S)) > 0.6
        m[:, 0] = False
        kpm = (
            _both(m)
            if masks == "kpm-bool"
            else _both(np.where(m, -1e9, 0.0).astype(np.float32), False)
        )
    if masks in ("attn-bool", "both-float"):
        m = np.triu(np.ones((L, S), dtype=bool), 1)
        am = (
            _both(m)
            if masks == "attn-bool"
            else _both(RNG.standard_normal((L, S)).astype(np.float32), False)
        )
    if masks == "attn-3d":
        m = RNG.random((N * h, L, S)) > 0.6
        m[..., 0] = False
        am = _both(m)
    kw = dict(need_weights=need_weights, average_attn_weights=average)
    gy, gw = g(gq, gk, gv, key_padding_mask=kpm[0], attn_mask=am[0], **kw)
    ty, tw = t(tq, tk, tv, key_padding_mask=kpm[1], attn_mask=am[1], **kw)
    _close(gy, ty)
    if need_weights:
        assert gw.shape == tuple(tw.shape)
        _close(gw, tw)
    else:
        assert gw is None and tw is None
    _backward_both(gy, ty)
    for a, b in [(gq, tq), (gk, tk), (gv, tv)]:
        _close(a.grad, b.grad, 1e-4)
    gp = dict(g.named_parameters())
    for name, p in t.named_parameters():
        _close(gp[name].grad, p.grad, 1e-4)


def test_mha_unbatched_and_kdim_vdim():
    g, t = _mha_pair(8, 4, kdim=3, vdim=5)
    assert [k for k in g.state_dict()] == [k for k in t.state_dict()]
    q = RNG.standard_normal((4, 2, 8)).astype(np.float32)
    k = RNG.standard_normal((6, 2, 3)).astype(np.float32)
    v = RNG.standard_normal((6, 2, 5)).astype(np.float32)
    (gq, tq), (gk, tk), (gv, tv) = _both(q), _both(k), _both(v)
    gy, gw = g(gq, gk, gv)
    ty, tw = t(tq, tk, tv)
    _close(gy, ty)
    _close(gw, tw)
    _backward_both(gy, ty)
    _close(gk.grad, tk.grad, 1e-4)
    gp = dict(g.named_parameters())
    for name, p in t.named_parameters():
        _close(gp[name].grad, p.grad, 1e-4)
    # unbatched (L, E) with a per-head mask (h, L, S)
    g, t = _mha_pair(8, 2)
    x = RNG.standard_normal((5, 8)).astype(np.float32)
    m = RNG.random((2, 5, 5)) > 0.5
    m[..., 0] = False
    gy, gw = g(
        glassnet.tensor(x),
        glassnet.tensor(x),
        glassnet.tensor(x),
        attn_mask=glassnet.tensor(m),
        average_attn_weights=False,
    )
    ty, tw = t(
        torch.tensor(x),
        torch.tensor(x),
        torch.tensor(x),
        attn_mask=torch.tensor(m),
        average_attn_weights=False,
    )
    assert gy.shape == (5, 8) and gw.shape == (2, 5, 5)
    _close(gy, ty)
    _close(gw, tw)


def test_mha_init_and_state_dict_from_torch():
    torch.manual_seed(0)
    t = torch.nn.MultiheadAttention(16, 4, batch_first=True)
    g = nn.MultiheadAttention(16, 4, batch_first=True)
    g.load_state_dict(t.state_dict())
    x = RNG.standard_normal((2, 3, 16)).astype(np.float32)
    _close(
        g(glassnet.tensor(x), glassnet.tensor(x), glassnet.tensor(x))[0],
        t(*(torch.tensor(x),) * 3)[0],
    )
    g = nn.MultiheadAttention(16, 4, generator=glassnet.Generator(0))
    bound = np.sqrt(6 / (16 + 48))  # xavier uniform on (48, 16)
    assert np.abs(g.in_proj_weight._data).max() <= bound
    assert np.all(g.in_proj_bias._data == 0) and np.all(g.out_proj.bias._data == 0)


def test_mha_dropout_only_in_training():
    g = nn.MultiheadAttention(8, 2, dropout=0.5, batch_first=True, generator=glassnet.Generator(0))
    x = glassnet.randn(2, 4, 8)
    glassnet.manual_seed(0)
    a, _ = g(x, x, x, need_weights=False)
    glassnet.manual_seed(1)
    b, _ = g(x, x, x, need_weights=False)
    assert not np.allclose(a._data, b._data)
    g.eval()
    np.testing.assert_array_equal(g(x, x, x)[0]._data, g(x, x, x, need_weights=False)[0]._data)


def test_mha_gradcheck_float64():
    g = nn.MultiheadAttention(4, 2, batch_first=True, generator=glassnet.Generator(0)).double()
    x = glassnet.tensor(RNG.standard_normal((2, 3, 4)), requires_grad=True)
    kpm = glassnet.tensor(np.array([[False, False, True], [False, False, False]]))
    gradcheck(lambda x, w: g(x, x, x, key_padding_mask=kpm)[0], (x, g.in_proj_weight))
    gradcheck(lambda x: g(x, x, x, key_padding_mask=kpm, need_weights=False)[0], (x,))


def test_mha_errors():
    with pytest.raises(ValueError, match=r"embed_dim \(10\) must be divisible by num_heads \(3\)"):
        nn.MultiheadAttention(10, 3)
    with pytest.raises(ValueError, match=r"dropout must be in \[0, 1\)"):
        nn.MultiheadAttention(8, 2, dropout=1.0)
    g = nn.MultiheadAttention(8, 2, batch_first=True)
    x = glassnet.randn(2, 3, 8)
    with pytest.raises(ValueError, match="is_causal=True needs attn_mask"):
        g(x, x, x, is_causal=True)
    with pytest.raises(ValueError, match=r"key_padding_mask must have shape \(2, 3\)"):
        g(x, x, x, key_padding_mask=glassnet.zeros(2, 4).bool())
    with pytest.raises(ValueError, match=r"attn_mask must have shape \(3, 3\) or \(4, 3, 3\)"):
        g(x, x, x, attn_mask=glassnet.zeros(2, 3, 3).bool())
    with pytest.raises(ValueError, match=r"got query, key, value with 5, 8 and 8 features"):
        g(glassnet.randn(2, 3, 5), x, x)
    with pytest.raises(ValueError, match="must all be 3-D .batched. or 2-D"):
        g(x, x[0], x)
    with pytest.raises(TypeError, match="masks must be bool or float"):
        g(x, x, x, key_padding_mask=glassnet.zeros(2, 3, dtype=glassnet.int64))
