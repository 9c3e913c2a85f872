"""TransformerEncoderLayer / TransformerEncoder against torch 2.13 with copied weights: pre- and
post-norm, relu and gelu, batch_first, masks; values and all gradients; gradcheck; errors."""

import numpy as np
import pytest
import torch

import glassnet
from glassnet import nn
from glassnet.autograd import gradcheck


def _copy_to_torch(g, t):
    missing = t.load_state_dict({k: torch.tensor(v.numpy()) for k, v in g.state_dict().items()})
    assert not missing.missing_keys and not missing.unexpected_keys


@pytest.mark.parametrize("norm_first", [False, True])
@pytest.mark.parametrize("activation", ["relu", "gelu"])
@pytest.mark.parametrize("batch_first", [True, False])
@pytest.mark.parametrize("masks", ["none", "causal+padding"])
def test_encoder_layer_matches_torch(norm_first, activation, batch_first, masks):
    E, h, F, N, L = 16, 4, 24, 3, 6
    kw = dict(
        dim_feedforward=F,
        dropout=0.0,
        activation=activation,
        batch_first=batch_first,
        norm_first=norm_first,
    )
    g = nn.TransformerEncoderLayer(E, h, generator=glassnet.Generator(0), **kw)
    t = torch.nn.TransformerEncoderLayer(E, h, **kw)
    assert list(g.state_dict()) == list(t.state_dict())
    _copy_to_torch(g, t)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((N, L, E) if batch_first else (L, N, E)).astype(np.float32)
    gx, tx = glassnet.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    gm = tm = gk = tk = None
    if masks != "none":
        gm, tm = (
            nn.generate_square_subsequent_mask(L),
            torch.nn.Transformer.generate_square_subsequent_mask(L),
        )
        np.testing.assert_array_equal(gm._data, tm.numpy())
        pad = np.zeros((N, L), dtype=bool)
        pad[0, -2:] = True
        pad = np.where(pad, -np.inf, 0.0).astype(np.float32)  # float, like the causal mask
        gk, tk = glassnet.tensor(pad), torch.tensor(pad)
    gy = g(gx, src_mask=gm, src_key_padding_mask=gk, is_causal=gm is not None)
    ty = t(tx, src_mask=tm, src_key_padding_mask=tk, is_causal=tm is not None)
    np.testing.assert_allclose(gy._data, ty.detach().numpy(), rtol=1e-4, atol=1e-5)
    w = rng.standard_normal(gy.shape).astype(np.float32)
    (gy * glassnet.tensor(w)).sum().backward()
    (ty * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(gx.grad._data, tx.grad.numpy(), rtol=1e-4, atol=1e-4)
    gp = dict(g.named_parameters())
    for name, p in t.named_parameters():
        np.testing.assert_allclose(gp[name].grad._data, p.grad.numpy(), rtol=1e-4, atol=1e-4)


def test_encoder_stack_matches_torch():
    E, h = 8, 2
    layer = nn.TransformerEncoderLayer(
        E, h, dim_feedforward=12, dropout=0.0, norm_first=True, generator=glassnet.Generator(0)
    )
    g = nn.TransformerEncoder(layer, num_layers=3, norm=nn.LayerNorm(E))
    # the copies are independent: change one, the others keep their values
    g.layers[0].linear1.weight._data[0, 0] += 1.0
    assert g.layers[1].linear1.weight._data[0, 0] != g.layers[0].linear1.weight._data[0, 0]
    tl = torch.nn.TransformerEncoderLayer(E, h, dim_feedforward=12, dropout=0.0, norm_first=True)
    t = torch.nn.TransformerEncoder(
        tl, num_layers=3, norm=torch.nn.LayerNorm(E), enable_nested_tensor=False
    )
    _copy_to_torch(g, t)
    x = np.random.default_rng(1).standard_normal((5, 2, E)).astype(np.float32)
    gx, tx = glassnet.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    gy, ty = g(gx), t(tx)
    np.testing.assert_allclose(gy._data, ty.detach().numpy(), rtol=1e-4, atol=1e-5)
    gy.sum().backward()
    ty.sum().backward()
    np.testing.assert_allclose(gx.grad._data, tx.grad.numpy(), rtol=1e-3, atol=1e-4)


def test_dropout_in_training_only():
    g = nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.3, batch_first=True)
    x = glassnet.randn(2, 5, 8)
    glassnet.manual_seed(0)
    a = g(x)._data
    glassnet.manual_seed(1)
    b = g(x)._data
    assert not np.allclose(a, b)
    g.eval()
    np.testing.assert_array_equal(g(x)._data, g(x)._data)


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
    layer = nn.TransformerEncoderLayer(8, 2, batch_first=True)
    with pytest.raises(ValueError, match="is_causal=True needs attn_mask"):
        layer(glassnet.randn(1, 3, 8), is_causal=True)
