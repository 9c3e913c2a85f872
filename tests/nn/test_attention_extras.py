"""nn.MultiheadAttention against torch 2.13, the less travelled arguments: add_bias_kv and
add_zero_attn (names, values, gradients), the is_causal hint, float 3-D masks with float key
padding, unbatched key padding, mismatched mask dtypes (torch's warning), device=."""

import warnings

import numpy as np
import pytest
import torch

import glassnet
from glassnet import nn


def _pair(E=8, h=2, **kw):
    g = nn.MultiheadAttention(E, h, generator=glassnet.Generator(0), **kw)
    t = torch.nn.MultiheadAttention(E, h, **kw)
    assert list(g.state_dict()) == list(t.state_dict())
    t.load_state_dict({k: torch.tensor(v.numpy()) for k, v in g.state_dict().items()})
    return g, t


def _run_both(g, t, arrays, **kw):
    """Forward both on the same arrays (query, key, value, then masks by name in kw), a weighted
    backward, and compare outputs, weights and the gradients of inputs and parameters."""
    gs = [glassnet.tensor(a, requires_grad=True) for a in arrays]
    ts = [torch.tensor(a, requires_grad=True) for a in arrays]
    gkw = {k: None if v is None else glassnet.tensor(v) for k, v in kw.items() if k.endswith("k")}
    tkw = {k: None if v is None else torch.tensor(v) for k, v in kw.items() if k.endswith("k")}
    rest = {k: v for k, v in kw.items() if not k.endswith("k")}
    gy, gw = g(*(gs * 3 if len(gs) == 1 else gs), **gkw, **rest)
    ty, tw = t(*(ts * 3 if len(ts) == 1 else ts), **tkw, **rest)
    np.testing.assert_allclose(gy.detach().numpy(), ty.detach().numpy(), rtol=1e-5, atol=1e-5)
    assert (gw is None) == (tw is None)
    if gw is not None:
        np.testing.assert_allclose(gw.detach().numpy(), tw.detach().numpy(), rtol=1e-5, atol=1e-6)
    w = np.random.default_rng(9).standard_normal(gy.shape).astype(np.float32)
    (gy * glassnet.tensor(w)).sum().backward()
    (ty * torch.tensor(w)).sum().backward()
    for a, b in zip(gs, ts):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-4, atol=1e-5)
    gp = dict(g.named_parameters())
    for name, p in t.named_parameters():
        np.testing.assert_allclose(gp[name].grad.numpy(), p.grad.numpy(), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("bias_kv,zero_attn", [(True, False), (False, True), (True, True)])
@pytest.mark.parametrize("need_weights", [True, False])
@pytest.mark.parametrize("masks", [False, True])
def test_bias_kv_and_zero_attn_match_torch(bias_kv, zero_attn, need_weights, masks):
    N, L, S, E = 3, 4, 5, 8
    g, t = _pair(E, 2, add_bias_kv=bias_kv, add_zero_attn=zero_attn, batch_first=True)
    if bias_kv:
        assert g.bias_k.shape == (1, 1, E) and g.bias_v.shape == (1, 1, E)
    rng = np.random.default_rng(1)
    arrays = [rng.standard_normal((N, n, E)).astype(np.float32) for n in (L, S, S)]
    am = kpm = None
    if masks:
        am = np.triu(np.ones((L, S), dtype=bool), 1)
        kpm = np.zeros((N, S), dtype=bool)
        kpm[0, -2:] = True
    _run_both(g, t, arrays, attn_mask=am, key_padding_mask=kpm, need_weights=need_weights)


def test_bias_kv_init_is_xavier_normal():
    g = nn.MultiheadAttention(64, 4, add_bias_kv=True, generator=glassnet.Generator(0))
    std = np.sqrt(2.0 / (64 + 64))  # torch's fans of a (1, 1, 64) tensor: 64 and 64
    for b in (g.bias_k.detach().numpy(), g.bias_v.detach().numpy()):
        assert 0.7 * std < b.std() < 1.3 * std


@pytest.mark.parametrize("kpm", [False, True])
@pytest.mark.parametrize("need_weights", [False, True])
def test_is_causal_hint_as_torch(kpm, need_weights):
    """torch applies the causal mask in place of attn_mask only without key padding and without
    weights; otherwise attn_mask is used. A non-causal mask with the hint tells the two apart."""
    N, L, E = 2, 5, 8
    g, t = _pair(E, 2, batch_first=True)
    x = np.random.default_rng(2).standard_normal((N, L, E)).astype(np.float32)
    am = np.zeros((L, L), dtype=np.float32)
    am[:, 0] = -np.inf  # not causal
    pad = None
    if kpm:
        pad = np.zeros((N, L), dtype=np.float32)
        pad[1, -1] = -np.inf
    _run_both(
        g, t, [x], attn_mask=am, key_padding_mask=pad, need_weights=need_weights, is_causal=True
    )


def test_float_3d_mask_with_float_padding_and_unbatched_padding():
    N, L, E, h = 2, 4, 8, 2
    g, t = _pair(E, h)
    rng = np.random.default_rng(3)
    x = rng.standard_normal((L, N, E)).astype(np.float32)
    am = rng.standard_normal((N * h, L, L)).astype(np.float32)
    kpm = np.zeros((N, L), dtype=np.float32)
    kpm[0, 1] = -np.inf
    _run_both(g, t, [x], attn_mask=am, key_padding_mask=kpm, average_attn_weights=False)
    g, t = _pair(E, h)
    unbatched_kpm = np.array([False, True, False, False])
    _run_both(g, t, [x[:, 0]], key_padding_mask=unbatched_kpm)


def test_mismatched_mask_dtypes_warn_as_torch():
    g, t = _pair(8, 2, batch_first=True)
    x = np.random.default_rng(4).standard_normal((2, 3, 8)).astype(np.float32)
    am = np.triu(np.ones((3, 3), dtype=bool), 1)
    kpm = np.zeros((2, 3), dtype=np.float32)
    for module, wrap in ((g, glassnet.tensor), (t, torch.tensor)):
        with pytest.warns(UserWarning, match="Support for mismatched key_padding_mask and attn"):
            module(wrap(x), wrap(x), wrap(x), attn_mask=wrap(am), key_padding_mask=wrap(kpm))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _run_both(g, t, [x], attn_mask=am, key_padding_mask=kpm.astype(bool))


def test_device_argument():
    g = nn.MultiheadAttention(8, 2, device="cpu")
    assert g.in_proj_weight.shape == (24, 8)
    with pytest.raises(ValueError, match="cuda"):
        nn.MultiheadAttention(8, 2, device="cuda")


def test_mask_dtype_error_names_the_mask():
    g = nn.MultiheadAttention(8, 2, batch_first=True)
    x = glassnet.randn(2, 3, 8)
    with pytest.raises(TypeError, match="attn_mask of dtype int64"):
        g(x, x, x, attn_mask=glassnet.zeros(3, 3, dtype=glassnet.int64))
