"""TransformerEncoderLayer / TransformerEncoder against torch 2.13 with copied weights: pre- and
post-norm, relu and gelu (and callables), batch_first, bool and float causal + padding masks,
unbatched inputs; values and all gradients (float32 to 1e-5, float64 to 1e-10); causal-mask
detection; the nested-tensor zero padding of torch's eval path; warnings; gradcheck; errors."""

import warnings

import numpy as np
import pytest
import torch

import glassnet
from glassnet import nn
from glassnet.autograd import gradcheck
from tests.nn._transformer_pairs import masks, run_pair, twin

E, H, F, N, L = 16, 4, 24, 3, 6


def _layers(dropout=0.0, **kw):
    kw = dict(dim_feedforward=F, dropout=dropout, **kw)
    return (
        nn.TransformerEncoderLayer(E, H, generator=glassnet.Generator(0), **kw),
        torch.nn.TransformerEncoderLayer(E, H, **kw),
    )


def _x(batch_first, seed=0, n=N, length=L):
    shape = (n, length, E) if batch_first else (length, n, E)
    return np.random.default_rng(seed).standard_normal(shape)


@pytest.mark.parametrize("norm_first", [False, True])
@pytest.mark.parametrize("activation", ["relu", "gelu"])
@pytest.mark.parametrize("batch_first", [True, False])
@pytest.mark.parametrize("mask_kind", ["none", "causal-bool", "causal-float", "custom-bool"])
def test_encoder_layer_matches_torch(norm_first, activation, batch_first, mask_kind):
    g, t = twin(*_layers(activation=activation, batch_first=batch_first, norm_first=norm_first))
    kind, form = (mask_kind.split("-") + ["bool"])[:2]
    am, kpm = masks(kind, N, L, nhead=H, float_=form == "float")
    causal = kind == "causal"
    run_pair(g, t, [_x(batch_first)], src_mask=am, src_key_padding_mask=kpm, is_causal=causal)


@pytest.mark.parametrize("norm_first", [False, True])
def test_encoder_layer_float64(norm_first):
    g, t = twin(*_layers(activation="gelu", norm_first=norm_first), np.float64)
    am, kpm = masks("causal", N, L, float_=True, dtype=np.float64)
    run_pair(g, t, [_x(False)], np.float64, src_mask=am, src_key_padding_mask=kpm)


def test_encoder_layer_eval_dropout_and_unbatched():
    g, t = twin(*_layers(dropout=0.2, batch_first=True))
    g.eval(), t.eval()
    am, _ = masks("causal", 1, L)
    run_pair(g, t, [_x(True)[0]], src_mask=am, is_causal=True)  # (L, E)
    pad = np.array([False] * (L - 1) + [True])
    run_pair(g, t, [_x(True)[0]], src_key_padding_mask=pad)


@pytest.mark.parametrize("which", ["F.gelu", "nn.GELU", "lambda"])
def test_callable_activation(which):
    gf, tf = {
        "F.gelu": (nn.functional.gelu, torch.nn.functional.gelu),
        "nn.GELU": (nn.GELU(approximate="tanh"), torch.nn.GELU(approximate="tanh")),
        "lambda": (lambda x: x.tanh() * 2, lambda x: x.tanh() * 2),
    }[which]
    g = nn.TransformerEncoderLayer(E, H, F, 0.0, gf, generator=glassnet.Generator(0))
    g, t = twin(g, torch.nn.TransformerEncoderLayer(E, H, F, 0.0, tf))
    assert g.activation_relu_or_gelu == t.activation_relu_or_gelu
    run_pair(g, t, [_x(False)])


def test_bias_false_has_torch_names():
    g, t = twin(*_layers(bias=False, batch_first=True))
    assert not any("bias" in k for k in g.state_dict())
    am, kpm = masks("causal", N, L)
    run_pair(g, t, [_x(True)], src_mask=am, src_key_padding_mask=kpm)


@pytest.mark.parametrize("norm_first", [False, True])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_encoder_stack_matches_torch(norm_first, dtype):
    layer = nn.TransformerEncoderLayer(
        E, H, F, dropout=0.1, norm_first=norm_first, generator=glassnet.Generator(0)
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        g = nn.TransformerEncoder(layer, num_layers=3, norm=nn.LayerNorm(E))
        tl = torch.nn.TransformerEncoderLayer(E, H, F, dropout=0.1, norm_first=norm_first)
        t = torch.nn.TransformerEncoder(tl, num_layers=3, norm=torch.nn.LayerNorm(E))
    # the copies are independent: change one, the others keep their values
    g.layers[0].linear1.weight.data[0, 0] += 1.0
    assert g.layers[1].linear1.weight._data[0, 0] != g.layers[0].linear1.weight._data[0, 0]
    g, t = twin(g, t, dtype)
    g.eval(), t.eval()  # dropout off, and torch's eval fast paths not taken (inputs need grad)
    am, kpm = masks("causal", N, L, dtype=dtype, float_=True)
    run_pair(g, t, [_x(False)], dtype, mask=am, src_key_padding_mask=kpm)
    run_pair(g, t, [_x(False)], dtype, mask=am.astype(bool) if am is not None else None)


def test_causal_detection_and_hint_as_torch():
    """is_causal=None: the stack recognises a causal mask; an explicit is_causal=True with a
    non-causal mask makes torch apply the causal mask instead (no padding, no weights)."""
    layer = nn.TransformerEncoderLayer(E, H, F, 0.0, batch_first=True)
    g = nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)
    tl = torch.nn.TransformerEncoderLayer(E, H, F, 0.0, batch_first=True)
    g, t = twin(g, torch.nn.TransformerEncoder(tl, 2, enable_nested_tensor=False))
    from glassnet.nn.transformer_encoder import detect_is_causal_mask

    causal = nn.Transformer.generate_square_subsequent_mask(L)
    assert detect_is_causal_mask(causal, None, L)
    assert detect_is_causal_mask(glassnet.tensor(np.triu(np.ones((L, L), bool), 1)), None, L)
    assert not detect_is_causal_mask(causal, None, L + 1)
    assert not detect_is_causal_mask(causal, False, L)
    other = np.zeros((L, L), dtype=np.float32)
    other[:, 0] = -np.inf
    run_pair(g, t, [_x(True)], mask=other, is_causal=True)
    run_pair(g, t, [_x(True)], mask=other)


def test_nested_tensor_zero_padding_in_eval_as_torch():
    """torch's eval path runs the stack on a nested tensor: padded positions come out as 0
    (before the final norm); in training, with gradients, or with a mask they do not."""
    g = nn.TransformerEncoder(
        nn.TransformerEncoderLayer(E, H, F, batch_first=True), 2, norm=nn.LayerNorm(E)
    )
    tl = torch.nn.TransformerEncoderLayer(E, H, F, batch_first=True)
    t = torch.nn.TransformerEncoder(tl, 2, norm=torch.nn.LayerNorm(E))
    assert g.use_nested_tensor and t.use_nested_tensor
    g, t = twin(g, t)
    g.eval(), t.eval()
    g.norm.bias.data.fill_(0.5)
    t.norm.bias.data.fill_(0.5)
    x = _x(True).astype(np.float32)
    right = masks("causal", N, L)[1]  # keys padded at the end: torch's nested path
    left = np.array([[True] + [False] * (L - 1)] * N)  # padded at the start: not nested
    for pad, zeroed in ((right, True), (left, False)):
        with glassnet.no_grad(), torch.no_grad():
            gy = g(glassnet.tensor(x), src_key_padding_mask=glassnet.tensor(pad)).numpy()
            ty = t(torch.tensor(x), src_key_padding_mask=torch.tensor(pad)).numpy()
        np.testing.assert_allclose(gy, ty, rtol=1e-5, atol=1e-5)
        assert np.allclose(gy[pad], 0.5) == zeroed  # norm(0) = its bias
    run_pair(g, t, [x], src_key_padding_mask=right)  # with gradients: no zeros, as torch


@pytest.mark.parametrize(
    "kw,why",
    [
        (dict(), "batch_first was not True"),
        (dict(batch_first=True, norm_first=True), "norm_first was True"),
        (dict(batch_first=True, activation=lambda x: x), "activation_relu_or_gelu was not True"),
    ],
)
def test_nested_tensor_warning_as_torch(kw, why):
    caught = []
    for mod in (nn, torch.nn):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            mod.TransformerEncoder(mod.TransformerEncoderLayer(E, H, F, **kw), 2)
        caught.append([str(m.message) for m in w])
    assert caught[0] == caught[1] and why in caught[0][0]


def test_mismatched_masks_warn_as_torch():
    am, kpm = masks("causal", N, L, float_=False)
    kpm = np.where(kpm, -np.inf, 0.0).astype(np.float32)
    x = _x(False).astype(np.float32)
    layer = (nn.TransformerEncoderLayer(E, H, F), torch.nn.TransformerEncoderLayer(E, H, F))
    for mod, wrap, lay in zip((nn, torch.nn), (glassnet.tensor, torch.tensor), layer):
        with pytest.warns(UserWarning, match="mismatched src_key_padding_mask and src_mask"):
            lay(wrap(x), src_mask=wrap(am), src_key_padding_mask=wrap(kpm))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            enc = mod.TransformerEncoder(lay, 1)
        with pytest.warns(UserWarning, match="mismatched src_key_padding_mask and mask"):
            enc(wrap(x), mask=wrap(am), src_key_padding_mask=wrap(kpm))


def test_dropout_in_training_only():
    g = nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.3, batch_first=True)
    x = glassnet.randn(2, 5, 8)
    glassnet.manual_seed(0)
    a = g(x).detach().numpy()
    glassnet.manual_seed(1)
    b = g(x).detach().numpy()
    assert not np.allclose(a, b)
    g.eval()
    np.testing.assert_array_equal(g(x).detach().numpy(), g(x).detach().numpy())


def test_gradcheck_float64():
    g = nn.TransformerEncoderLayer(
        4,
        2,
        dim_feedforward=6,
        dropout=0.0,
        activation="gelu",
        batch_first=True,
        generator=glassnet.Generator(0),
    ).double()
    x = glassnet.tensor(np.random.default_rng(2).standard_normal((2, 3, 4)), requires_grad=True)
    mask = nn.generate_square_subsequent_mask(3, dtype=glassnet.float64)
    gradcheck(lambda x, w: g(x, src_mask=mask), (x, g.linear1.weight))


def test_errors():
    with pytest.raises(ValueError, match="activation should be 'relu' or 'gelu'"):
        nn.TransformerEncoderLayer(8, 2, activation="tanh")
    with pytest.raises(TypeError, match="activation must be a string or a callable"):
        nn.TransformerEncoderLayer(8, 2, activation=3)
    with pytest.raises(ValueError, match="num_layers must be a positive int"):
        nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2), 0)
    with pytest.raises(ValueError, match="cuda"):
        nn.TransformerEncoderLayer(8, 2, device="cuda")
    layer = nn.TransformerEncoderLayer(8, 2, batch_first=True)
    x = glassnet.randn(1, 3, 8)
    with pytest.raises(ValueError, match="is_causal=True needs attn_mask"):
        layer(x, is_causal=True)
    with pytest.raises(TypeError, match="TransformerEncoderLayer: masks must be bool or float"):
        layer(x, src_mask=glassnet.zeros(3, 3, dtype=glassnet.int64))
