"""Embedding and F.embedding against torch 2.13: lookups, scatter-add gradients with repeated
indices, padding_idx, max_norm, scale_grad_by_freq, from_pretrained, gradcheck, errors."""

import numpy as np
import pytest
import torch

import glassnet
from glassnet import nn
from glassnet.autograd import gradcheck
from glassnet.nn import functional as F


def _pair(num, dim, **kw):
    g = nn.Embedding(num, dim, generator=glassnet.Generator(0), **kw)
    t = torch.nn.Embedding(num, dim, **kw)
    t.load_state_dict({k: torch.tensor(v.numpy()) for k, v in g.state_dict().items()})
    return g, t


@pytest.mark.parametrize("shape", [(7,), (3, 5), (2, 3, 4), (1,), ()])
@pytest.mark.parametrize(
    "kw", [{}, {"padding_idx": 2}, {"padding_idx": -1}, {"scale_grad_by_freq": True}]
)
def test_matches_torch(shape, kw):
    g, t = _pair(6, 4, **kw)
    idx = np.random.default_rng(0).integers(0, 6, size=shape)
    idx.flat[0] = 2  # make sure the padding row and repeats occur
    gy, ty = g(glassnet.tensor(idx)), t(torch.tensor(idx))
    assert gy.shape == tuple(ty.shape) == shape + (4,)
    np.testing.assert_array_equal(gy._data, ty.detach().numpy())
    w = np.random.default_rng(1).standard_normal(gy.shape).astype(np.float32)
    (gy * glassnet.tensor(w)).sum().backward()
    (ty * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(g.weight.grad._data, t.weight.grad.numpy(), rtol=1e-6, atol=1e-6)


def test_padding_row_starts_at_zero_and_gets_no_gradient():
    emb = nn.Embedding(5, 3, padding_idx=0)
    assert np.all(emb.weight._data[0] == 0)
    emb(glassnet.tensor([0, 0, 1])).sum().backward()
    assert np.all(emb.weight.grad._data[0] == 0)
    np.testing.assert_array_equal(emb.weight.grad._data[1], [1, 1, 1])


def test_max_norm_renormalises_rows_in_place():
    g, t = _pair(6, 4, max_norm=1.0)
    with torch.no_grad():
        t.weight.mul_(3)
    g.weight._data *= 3
    idx = np.array([[0, 1], [1, 4]])
    gy, ty = g(glassnet.tensor(idx)), t(torch.tensor(idx))
    np.testing.assert_allclose(gy._data, ty.detach().numpy(), rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(g.weight._data, t.weight.detach().numpy(), rtol=1e-6, atol=1e-6)
    assert np.all(np.linalg.norm(g.weight._data[[0, 1, 4]], axis=1) <= 1.0 + 1e-6)


def test_functional_and_from_pretrained():
    W = glassnet.randn(5, 2)
    idx = glassnet.tensor([[4, 0], [1, 1]])
    np.testing.assert_array_equal(F.embedding(idx, W)._data, W._data[idx._data])
    emb = nn.Embedding.from_pretrained(W)
    assert not emb.weight.requires_grad
    np.testing.assert_array_equal(emb(idx)._data, W._data[idx._data])
    assert nn.Embedding.from_pretrained(W, freeze=False).weight.requires_grad
    assert repr(nn.Embedding(5, 2, padding_idx=1)) == "Embedding(5, 2, padding_idx=1)"


def test_init_dtype_and_state_dict_both_ways():
    g = nn.Embedding(10, 3, dtype=glassnet.float64, generator=glassnet.Generator(0))
    assert g.weight.dtype == np.float64
    assert 0.5 < g.weight._data.std() < 1.5  # N(0, 1), as torch
    t = torch.nn.Embedding(10, 3)
    g2 = nn.Embedding(10, 3)
    g2.load_state_dict(t.state_dict())
    np.testing.assert_array_equal(g2.weight._data, t.weight.detach().numpy())


def test_gradcheck_float64():
    W = glassnet.tensor(np.random.default_rng(0).standard_normal((5, 3)), requires_grad=True)
    idx = glassnet.tensor([[1, 1, 4], [0, 4, 2]])
    gradcheck(lambda w: F.embedding(idx, w), (W,))  # (padding_idx deliberately breaks it)


def test_errors():
    with pytest.raises(ValueError, match=r"Embedding: padding_idx 5 must be within num_embeddings"):
        nn.Embedding(5, 2, padding_idx=5)
    with pytest.raises(ValueError, match="Embedding: sparse gradients are not supported"):
        nn.Embedding(5, 2, sparse=True)
    with pytest.raises(ValueError, match="Embedding: num_embeddings must be positive"):
        nn.Embedding(0, 2)
    with pytest.raises(ValueError, match=r"Embedding: _weight has shape \(4, 2\)"):
        nn.Embedding(5, 2, _weight=glassnet.randn(4, 2))
    with pytest.raises(ValueError, match="from_pretrained: embeddings must be 2-D"):
        nn.Embedding.from_pretrained(glassnet.randn(4))
    emb = nn.Embedding(5, 2)
    with pytest.raises(IndexError, match=r"embedding: index 5 is out of range for 5 embeddings"):
        emb(glassnet.tensor([1, 5]))
    with pytest.raises(IndexError, match=r"embedding: index -1 is out of range"):
        emb(glassnet.tensor([-1, 2]))
    with pytest.raises(TypeError, match="embedding: indices must be an integer tensor"):
        emb(glassnet.tensor([1.0, 2.0]))
    with pytest.raises(ValueError, match="embedding: weight must be 2-D"):
        F.embedding(glassnet.tensor([1]), glassnet.randn(5))
