"""TransformerDecoderLayer / TransformerDecoder against torch 2.13 with copied weights: pre- and
post-norm, relu and gelu, batch_first, causal target masks with target and memory padding, a
memory mask, bool and float masks, unbatched inputs; values and every gradient (float32 to
1e-5, float64 to 1e-10); causal detection and hints; gradcheck; errors."""

import numpy as np
import pytest
import torch

import glassnet
from glassnet import nn
from glassnet.autograd import gradcheck
from tests.nn._transformer_pairs import masks, run_pair, twin

E, H, F, N, T, S = 16, 4, 24, 3, 5, 7


def _layers(dropout=0.0, **kw):
    kw = dict(dim_feedforward=F, dropout=dropout, **kw)
    return (
        nn.TransformerDecoderLayer(E, H, generator=glassnet.Generator(0), **kw),
        torch.nn.TransformerDecoderLayer(E, H, **kw),
    )


def _inputs(batch_first, seed=0):
    rng = np.random.default_rng(seed)
    shape = (lambda n: (N, n, E)) if batch_first else (lambda n: (n, N, E))
    return [rng.standard_normal(shape(T)), rng.standard_normal(shape(S))]


def _decoder_masks(float_, dtype=np.float32, memory_mask=False):
    tgt_mask, tgt_pad = masks("causal", N, T, float_=float_, dtype=dtype)
    _, mem_pad = masks("causal", N, T, S, float_=float_, dtype=dtype, seed=1)
    kw = dict(tgt_mask=tgt_mask, tgt_key_padding_mask=tgt_pad, memory_key_padding_mask=mem_pad)
    if memory_mask:
        kw["memory_mask"] = masks("custom", N, T, S, nhead=H, float_=float_, dtype=dtype)[0]
    return kw


@pytest.mark.parametrize("norm_first", [False, True])
@pytest.mark.parametrize("activation", ["relu", "gelu"])
@pytest.mark.parametrize("batch_first", [True, False])
@pytest.mark.parametrize("mask_form", ["none", "bool", "float"])
def test_decoder_layer_matches_torch(norm_first, activation, batch_first, mask_form):
    kw = dict(activation=activation, batch_first=batch_first, norm_first=norm_first)
    g, t = twin(*_layers(**kw))
    m = {} if mask_form == "none" else _decoder_masks(mask_form == "float")
    run_pair(g, t, _inputs(batch_first), tgt_is_causal=bool(m), **m)


@pytest.mark.parametrize("norm_first", [False, True])
def test_decoder_layer_float64_with_memory_mask(norm_first):
    g, t = twin(*_layers(activation="gelu", norm_first=norm_first), np.float64)
    m = _decoder_masks(True, np.float64, memory_mask=True)
    run_pair(g, t, _inputs(False), np.float64, **m)


def test_decoder_layer_unbatched_and_eval_dropout():
    g, t = twin(*_layers(dropout=0.3, batch_first=True))
    g.eval(), t.eval()
    tgt, mem = (a[0] for a in _inputs(True))  # (T, E), (S, E)
    causal = np.triu(np.ones((T, T), dtype=bool), 1)
    pad = np.array([False] * (S - 2) + [True] * 2)
    run_pair(g, t, [tgt, mem], tgt_mask=causal, memory_key_padding_mask=pad)


@pytest.mark.parametrize("norm_first", [False, True])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_decoder_stack_matches_torch(norm_first, dtype):
    layer, tl = _layers(dropout=0.1, norm_first=norm_first, batch_first=True)
    g = nn.TransformerDecoder(layer, num_layers=3, norm=nn.LayerNorm(E))
    t = torch.nn.TransformerDecoder(tl, num_layers=3, norm=torch.nn.LayerNorm(E))
    g.layers[0].linear1.weight.data[0, 0] += 1.0  # independent copies
    assert g.layers[1].linear1.weight._data[0, 0] != g.layers[0].linear1.weight._data[0, 0]
    g, t = twin(g, t, dtype)
    g.eval(), t.eval()
    m = _decoder_masks(True, dtype, memory_mask=True)
    run_pair(g, t, _inputs(True), dtype, **m)


def test_causal_detection_and_hint_as_torch():
    """The stack detects a causal tgt_mask (bool or float) when tgt_is_causal is None; an
    explicit hint with a non-causal mask makes torch use the causal mask instead (when there is
    no target padding), and the same here."""
    layer, tl = _layers(batch_first=True)
    g, t = twin(nn.TransformerDecoder(layer, 2), torch.nn.TransformerDecoder(tl, 2))
    other = np.zeros((T, T), dtype=np.float32)
    other[:, 0] = -np.inf
    for hint in (None, True, False):
        run_pair(g, t, _inputs(True), tgt_mask=other, tgt_is_causal=hint)
    memory_other = np.zeros((T, S), dtype=np.float32)
    memory_other[:, 1] = -np.inf
    run_pair(g, t, _inputs(True), memory_mask=memory_other, memory_is_causal=True)
    bool_causal = np.triu(np.ones((T, T), dtype=bool), 1)
    run_pair(g, t, _inputs(True), tgt_mask=bool_causal)


def test_dropout_in_training_only():
    layer = nn.TransformerDecoderLayer(8, 2, dim_feedforward=16, dropout=0.3)
    tgt, mem = glassnet.randn(4, 2, 8), glassnet.randn(6, 2, 8)
    glassnet.manual_seed(0)
    a = layer(tgt, mem).detach().numpy()
    glassnet.manual_seed(1)
    b = layer(tgt, mem).detach().numpy()
    assert not np.allclose(a, b)
    layer.eval()
    np.testing.assert_array_equal(
        layer(tgt, mem).detach().numpy(), layer(tgt, mem).detach().numpy()
    )


def test_gradcheck_float64():
    g = nn.TransformerDecoderLayer(
        4, 2, dim_feedforward=6, dropout=0.0, norm_first=True, generator=glassnet.Generator(0)
    ).double()
    rng = np.random.default_rng(3)
    tgt = glassnet.tensor(rng.standard_normal((3, 2, 4)), requires_grad=True)
    mem = glassnet.tensor(rng.standard_normal((5, 2, 4)), requires_grad=True)
    mask = nn.Transformer.generate_square_subsequent_mask(3, dtype=glassnet.float64)
    gradcheck(
        lambda tgt, mem, w: g(tgt, mem, tgt_mask=mask), (tgt, mem, g.multihead_attn.in_proj_weight)
    )


def test_errors():
    with pytest.raises(ValueError, match="TransformerDecoderLayer: activation should be"):
        nn.TransformerDecoderLayer(8, 2, activation="swish")
    with pytest.raises(ValueError, match="TransformerDecoder: num_layers must be a positive int"):
        nn.TransformerDecoder(nn.TransformerDecoderLayer(8, 2), -1)
    layer = nn.TransformerDecoderLayer(8, 2)
    tgt, mem = glassnet.randn(4, 2, 8), glassnet.randn(6, 2, 8)
    with pytest.raises(ValueError, match=r"attn_mask must have shape \(4, 6\)"):
        layer(tgt, mem, memory_mask=glassnet.zeros(4, 4))
    with pytest.raises(ValueError, match=r"key_padding_mask must have shape \(2, 6\)"):
        layer(tgt, mem, memory_key_padding_mask=glassnet.zeros(2, 4).bool())
