"""nn.Transformer against torch 2.13: signatures and defaults of the whole family, parameter names
and state_dicts both ways, the causal mask, values and every gradient with copied weights
(batch_first, norm_first, relu/gelu, causal + padding masks, float64 to 1e-10), unbatched
inputs, custom encoder/decoder, Xavier init, dropout in training only, a few SGD steps, errors."""

import inspect

import numpy as np
import pytest
import torch

import glassnet
from glassnet import nn
from tests.nn._transformer_pairs import masks, run_pair, twin

E, H, F, N, S, T = 16, 4, 24, 3, 6, 5
FAMILY = [
    "Transformer",
    "TransformerEncoder",
    "TransformerDecoder",
    "TransformerEncoderLayer",
    "TransformerDecoderLayer",
]


@pytest.mark.parametrize("name", FAMILY)
@pytest.mark.parametrize("method", ["__init__", "forward"])
def test_signatures_match_torch(name, method):
    ours = inspect.signature(getattr(getattr(nn, name), method)).parameters
    theirs = inspect.signature(getattr(getattr(torch.nn, name), method)).parameters
    assert [p for p in ours if p != "generator"] == list(theirs)
    for p, spec in theirs.items():
        default = ours[p].default
        if callable(spec.default):  # activation: F.relu
            assert default.__name__ == spec.default.__name__
        else:
            assert default == spec.default or (default is spec.default), p


def _pair(dropout=0.0, **kw):
    kw = dict(num_encoder_layers=2, num_decoder_layers=2, dim_feedforward=F, dropout=dropout, **kw)
    return (
        nn.Transformer(E, H, generator=glassnet.Generator(0), **kw),
        torch.nn.Transformer(E, H, **kw),
    )


def _inputs(batch_first, seed=0):
    rng = np.random.default_rng(seed)
    shape = (lambda n: (N, n, E)) if batch_first else (lambda n: (n, N, E))
    return [rng.standard_normal(shape(S)), rng.standard_normal(shape(T))]


def _all_masks(float_, dtype=np.float32):
    _, src_pad = masks("causal", N, S, float_=float_, dtype=dtype)
    tgt_mask, tgt_pad = masks("causal", N, T, float_=float_, dtype=dtype, seed=1)
    return dict(
        tgt_mask=tgt_mask,
        src_key_padding_mask=src_pad,
        tgt_key_padding_mask=tgt_pad,
        memory_key_padding_mask=src_pad,
    )


@pytest.mark.parametrize("batch_first", [True, False])
@pytest.mark.parametrize("norm_first", [False, True])
@pytest.mark.parametrize("activation", ["relu", "gelu"])
def test_transformer_matches_torch(batch_first, norm_first, activation):
    kw = dict(batch_first=batch_first, norm_first=norm_first, activation=activation)
    g, t = twin(*_pair(dropout=0.1, **kw))
    g.eval(), t.eval()  # dropout off for equality
    for float_ in (False, True):
        run_pair(g, t, _inputs(batch_first), **_all_masks(float_))


def test_transformer_float64_and_hints():
    g, t = twin(*_pair(norm_first=True, activation="gelu"), np.float64)
    m = _all_masks(True, np.float64)
    run_pair(g, t, _inputs(False), np.float64, tgt_is_causal=True, **m)
    src_mask = np.triu(np.full((S, S), -np.inf), 1)
    run_pair(g, t, _inputs(False), np.float64, src_mask=src_mask, tgt_mask=m["tgt_mask"])
    memory_mask = np.zeros((T, S))
    memory_mask[:, -1] = -np.inf
    run_pair(g, t, _inputs(False), np.float64, memory_mask=memory_mask)


def test_unbatched_and_bias_false():
    g, t = twin(*_pair(batch_first=True, bias=False))
    assert not any("bias" in k for k in g.state_dict())
    src, tgt = (a[0] for a in _inputs(True))
    run_pair(g, t, [src, tgt], tgt_mask=np.triu(np.ones((T, T), dtype=bool), 1))


def test_state_dict_from_torch_and_default_layout():
    torch.manual_seed(0)
    t = torch.nn.Transformer(E, 2, dim_feedforward=8)  # 6 + 6 layers, as torch's default
    g = nn.Transformer(E, 2, dim_feedforward=8)
    assert list(g.state_dict()) == list(t.state_dict())
    g.load_state_dict({k: v.numpy() for k, v in t.state_dict().items()})
    g.eval(), t.eval()
    src, tgt = (a.astype(np.float32) for a in _inputs(False))
    mask = nn.Transformer.generate_square_subsequent_mask(T)
    with glassnet.no_grad(), torch.no_grad():
        gy = g(glassnet.tensor(src), glassnet.tensor(tgt), tgt_mask=mask)
        ty = t(torch.tensor(src), torch.tensor(tgt), tgt_mask=torch.tensor(mask.numpy()))
    np.testing.assert_allclose(gy.numpy(), ty.numpy(), rtol=1e-5, atol=1e-5)
    assert isinstance(g.encoder.norm, nn.LayerNorm) and isinstance(g.decoder.norm, nn.LayerNorm)
    assert (g.d_model, g.nhead, g.batch_first) == (t.d_model, t.nhead, t.batch_first)


def test_generate_square_subsequent_mask():
    for sz in (1, 4, 7):
        ours = nn.Transformer.generate_square_subsequent_mask(sz)
        theirs = torch.nn.Transformer.generate_square_subsequent_mask(sz)
        assert ours.dtype == np.float32
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    m = nn.Transformer(E, H, 1, 1, F).generate_square_subsequent_mask(3, dtype=glassnet.float64)
    assert m.dtype == np.float64 and m.shape == (3, 3)
    assert nn.Transformer.generate_square_subsequent_mask(3, device="cpu").shape == (3, 3)


def test_custom_encoder_and_decoder_are_used_and_reinitialised():
    enc_layer = nn.TransformerEncoderLayer(E, H, F, 0.0, batch_first=True)
    dec_layer = nn.TransformerDecoderLayer(E, H, F, 0.0, batch_first=True)
    encoder = nn.TransformerEncoder(enc_layer, 1)
    decoder = nn.TransformerDecoder(dec_layer, 3, norm=nn.LayerNorm(E))
    encoder.layers[0].linear1.weight.data.fill_(7.0)
    g = nn.Transformer(E, H, custom_encoder=encoder, custom_decoder=decoder, batch_first=True)
    assert g.encoder is encoder and g.decoder is decoder and len(g.decoder.layers) == 3
    bound = np.sqrt(6.0 / (E + F))  # Xavier-uniform on (F, E)
    assert np.abs(encoder.layers[0].linear1.weight.detach().numpy()).max() <= bound
    te = torch.nn.TransformerEncoder(
        torch.nn.TransformerEncoderLayer(E, H, F, 0.0, batch_first=True), 1
    )
    td = torch.nn.TransformerDecoder(
        torch.nn.TransformerDecoderLayer(E, H, F, 0.0, batch_first=True), 3, torch.nn.LayerNorm(E)
    )
    t = torch.nn.Transformer(E, H, custom_encoder=te, custom_decoder=td, batch_first=True)
    g, t = twin(g, t)
    run_pair(g, t, _inputs(True), **_all_masks(False))


def test_xavier_init_of_every_matrix():
    g = nn.Transformer(E, H, 2, 2, F, generator=glassnet.Generator(0))
    for name, p in g.named_parameters():
        w = p.detach().numpy()
        if w.ndim > 1:
            fan_out, fan_in = w.shape
            assert np.abs(w).max() <= np.sqrt(6.0 / (fan_in + fan_out)), name
        elif name.endswith("in_proj_bias"):
            assert not w.any()
    other = nn.Transformer(E, H, 2, 2, F, generator=glassnet.Generator(1))
    assert not np.allclose(
        g.encoder.layers[0].linear1.weight.detach().numpy(),
        other.encoder.layers[0].linear1.weight.detach().numpy(),
    )


def test_dropout_in_training_only():
    g = nn.Transformer(8, 2, 1, 1, 16, dropout=0.5, batch_first=True)
    src, tgt = glassnet.randn(2, 6, 8), glassnet.randn(2, 4, 8)
    glassnet.manual_seed(0)
    a = g(src, tgt).detach().numpy()
    glassnet.manual_seed(1)
    b = g(src, tgt).detach().numpy()
    assert not np.allclose(a, b)
    g.eval()
    c = g(src, tgt).detach().numpy()
    np.testing.assert_array_equal(c, g(src, tgt).detach().numpy())
    g.train()
    for m in g.modules():
        if isinstance(m, nn.Dropout):
            m.p = 0.0
    g.apply(lambda m: setattr(m, "dropout", 0.0) if isinstance(m, nn.MultiheadAttention) else 0)
    np.testing.assert_allclose(g(src, tgt).detach().numpy(), c, rtol=1e-6, atol=1e-6)


def test_sgd_steps_match_torch():
    g, t = twin(*_pair(batch_first=True, norm_first=True), np.float64)
    gopt = glassnet.optim.SGD(g.parameters(), lr=0.1, momentum=0.9)
    topt = torch.optim.SGD(t.parameters(), lr=0.1, momentum=0.9)
    src, tgt = _inputs(True)
    y = np.random.default_rng(5).standard_normal(tgt.shape)
    m = _all_masks(False)
    for _ in range(3):
        gl = (
            (
                g(
                    glassnet.tensor(src),
                    glassnet.tensor(tgt),
                    **{k: glassnet.tensor(v) for k, v in m.items()},
                )
                - glassnet.tensor(y)
            )
            ** 2
        ).mean()
        tl = (
            (
                t(
                    torch.tensor(src),
                    torch.tensor(tgt),
                    **{k: torch.tensor(v) for k, v in m.items()},
                )
                - torch.tensor(y)
            )
            ** 2
        ).mean()
        np.testing.assert_allclose(gl.item(), tl.item(), rtol=1e-10)
        gopt.zero_grad(), topt.zero_grad()
        gl.backward(), tl.backward()
        gopt.step(), topt.step()


def test_errors():
    g = nn.Transformer(E, H, 1, 1, F)
    with pytest.raises(ValueError, match="the batch number of src and tgt must be equal"):
        g(glassnet.randn(S, 2, E), glassnet.randn(T, 3, E))
    with pytest.raises(ValueError, match=r"Transformer\(d_model=16\): the feature number"):
        g(glassnet.randn(S, 2, E), glassnet.randn(T, 2, E + 1))
    with pytest.raises(ValueError, match="activation should be 'relu' or 'gelu'"):
        nn.Transformer(E, H, activation="tanh")
    with pytest.raises(ValueError, match="cuda"):
        nn.Transformer(E, H, 1, 1, F, device="cuda:0")
