"""normalize, cosine_similarity, one_hot (and F.pad's name) against torch, with gradients."""

import numpy as np
import pytest
import torch

import glassnet
import glassnet.nn.functional as F


def _pair(a):
    return glassnet.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)


@pytest.mark.parametrize("p,dim", [(2.0, 1), (1.0, -1), (2.0, 0)])
def test_normalize_matches_torch(p, dim):
    a = np.random.RandomState(0).normal(size=(4, 5))
    a[1] = 0.0  # the eps branch: a zero vector stays zero
    xg, xt = _pair(a)
    yg, yt = F.normalize(xg, p=p, dim=dim), torch.nn.functional.normalize(xt, p=p, dim=dim)
    np.testing.assert_allclose(yg.detach().numpy(), yt.detach().numpy(), atol=1e-12)
    w = np.random.RandomState(1).normal(size=(4, 5))
    (yg * glassnet.tensor(w)).sum().backward()
    (yt * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(xg.grad.numpy(), xt.grad.numpy(), atol=1e-10)


def test_cosine_similarity_matches_torch_and_gradcheck():
    rs = np.random.RandomState(2)
    a, b = rs.normal(size=(3, 1, 6)), rs.normal(size=(1, 4, 6))
    ag, at = _pair(a)
    bg, bt = _pair(b)
    yg = F.cosine_similarity(ag, bg, dim=-1)
    yt = torch.nn.functional.cosine_similarity(at, bt, dim=-1)
    assert tuple(yg.shape) == tuple(yt.shape) == (3, 4)
    np.testing.assert_allclose(yg.detach().numpy(), yt.detach().numpy(), atol=1e-12)
    yg.pow(2).sum().backward()
    yt.pow(2).sum().backward()
    np.testing.assert_allclose(ag.grad.numpy(), at.grad.numpy(), atol=1e-10)
    np.testing.assert_allclose(bg.grad.numpy(), bt.grad.numpy(), atol=1e-10)
    assert glassnet.autograd.gradcheck(
        lambda x, y: F.cosine_similarity(x, y, dim=-1), (ag.detach().requires_grad_(), bg)
    )


@pytest.mark.parametrize(
    "shapes, dim", [(((1, 3, 2), (2, 3, 2)), 0), (((2, 1, 2), (2, 3, 2)), 1), (((2, 3), (3,)), 1)]
)
def test_cosine_similarity_broadcasts_along_dim_first_as_torch(shapes, dim):
    """A size-1 side along `dim` is repeated before the norms are taken (torch broadcasts the
    inputs first): the result stays in [-1, 1]."""
    rs = np.random.RandomState(3)
    a, b = (rs.normal(size=s) for s in shapes)
    ag, at = _pair(a)
    bg, bt = _pair(b)
    yg = F.cosine_similarity(ag, bg, dim=dim)
    yt = torch.nn.functional.cosine_similarity(at, bt, dim=dim)
    np.testing.assert_allclose(yg.detach().numpy(), yt.detach().numpy(), atol=1e-12)
    assert np.abs(yg.detach().numpy()).max() <= 1
    yg.sum().backward()
    yt.sum().backward()
    np.testing.assert_allclose(ag.grad.numpy(), at.grad.numpy(), atol=1e-10)
    np.testing.assert_allclose(bg.grad.numpy(), bt.grad.numpy(), atol=1e-10)


def test_cosine_similarity_refuses_integers_and_shapes_that_do_not_broadcast():
    with pytest.raises(TypeError, match="cosine_similarity: expected a floating-point tensor"):
        F.cosine_similarity(glassnet.tensor([[1, 2]]), glassnet.tensor([[3, 4]]))
    with pytest.raises(ValueError, match=r"cosine_similarity: x1 of shape \(2, 3\) and x2"):
        F.cosine_similarity(glassnet.zeros(2, 3), glassnet.zeros(2, 4))


def test_one_hot_matches_torch():
    idx = np.array([[0, 3], [2, 1]])
    for n in (-1, 6):
        got = F.one_hot(glassnet.tensor(idx), n)
        want = torch.nn.functional.one_hot(torch.tensor(idx), n)
        assert got.dtype == glassnet.int64
        np.testing.assert_array_equal(got.numpy(), want.numpy())
    with pytest.raises(ValueError, match="num_classes=3"):
        F.one_hot(glassnet.tensor([0, 3]), 3)
    with pytest.raises(TypeError, match="integer"):
        F.one_hot(glassnet.tensor([0.0, 1.0]))


def test_pad_is_the_functional_name():
    x = np.arange(6.0).reshape(2, 3)
    got = F.pad(glassnet.tensor(x), (1, 2), value=-1.0)
    want = torch.nn.functional.pad(torch.tensor(x), (1, 2), value=-1.0)
    np.testing.assert_array_equal(got.numpy(), want.numpy())


def test_cosine_similarity_promotes_after_broadcasting_as_torch():
    """torch expands both inputs first: a 0-d float64 x2 is then a full tensor, and the result
    of a float32 x1 with it is float64."""
    a, b = np.ones((2, 3), np.float32), np.array(2.0)
    got = F.cosine_similarity(glassnet.tensor(a), glassnet.tensor(b))
    want = torch.nn.functional.cosine_similarity(torch.tensor(a), torch.tensor(b))
    assert got.dtype == want.numpy().dtype == np.float64
    np.testing.assert_allclose(got.numpy(), want.numpy())
