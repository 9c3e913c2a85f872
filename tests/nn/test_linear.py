"""Linear, Bilinear, Identity, Flatten, Unflatten against torch: values and gradients on random
shapes, float64 finite differences, PyTorch's default initialisation, repr, and errors."""

import math

import numpy as np
import pytest
import torch

import glassnet
from glassnet import nn
from glassnet.autograd import gradcheck


def copy_params(g_module, t_module):
    g_module.load_state_dict(t_module.state_dict())


@pytest.mark.parametrize("shape", [(4, 5), (2, 3, 5), (5,), (0, 5), (1, 1, 1, 5)])
@pytest.mark.parametrize("bias", [True, False])
def test_linear_matches_torch(shape, bias):
    rng = np.random.default_rng(len(shape))
    t = torch.nn.Linear(5, 3, bias=bias)
    g = nn.Linear(5, 3, bias=bias)
    copy_params(g, t)
    x = rng.standard_normal(shape).astype(np.float32)
    gx, tx = glassnet.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    gy, ty = g(gx), t(tx)
    assert gy.shape == tuple(ty.shape) and gy.dtype == glassnet.float32
    np.testing.assert_allclose(gy._data, ty.detach().numpy(), rtol=1e-5, atol=1e-6)
    gy_up = rng.standard_normal(gy.shape).astype(np.float32)
    gy.backward(glassnet.tensor(gy_up))
    ty.backward(torch.tensor(gy_up))
    np.testing.assert_allclose(gx.grad._data, tx.grad.numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(g.weight.grad._data, t.weight.grad.numpy(), rtol=1e-5, atol=1e-5)
    if bias:
        np.testing.assert_allclose(g.bias.grad._data, t.bias.grad.numpy(), rtol=1e-5, atol=1e-5)
    else:
        assert g.bias is None and list(g.state_dict()) == ["weight"]


def test_linear_gradcheck_float64():
    g = nn.Linear(4, 3, dtype=glassnet.float64)
    x = glassnet.tensor(np.random.default_rng(0).standard_normal((2, 4)), requires_grad=True)
    assert g.weight.dtype == glassnet.float64
    assert gradcheck(lambda x, w, b: glassnet.nn.functional.linear(x, w, b), [x, g.weight, g.bias])
    assert gradcheck(lambda x: g(x), [x])


def test_linear_default_init_is_torchs_distribution():
    """W, b ~ U(-1/sqrt(in), 1/sqrt(in)): check the bound, the mean and the variance (k^2/3)."""
    n_in = 400
    g = nn.Linear(n_in, 500, generator=glassnet.Generator(0))
    t = torch.nn.Linear(n_in, 500)
    k = 1 / math.sqrt(n_in)
    for gp, tp in [
        (g.weight._data, t.weight.detach().numpy()),
        (g.bias._data, t.bias.detach().numpy()),
    ]:
        assert np.abs(gp).max() <= k and np.abs(tp).max() <= k
        assert np.abs(gp).max() > 0.99 * k
        tol = 4 * k / math.sqrt(gp.size)
        assert abs(gp.mean()) < tol
        np.testing.assert_allclose(gp.var(), tp.var(), rtol=0.3 if gp.size < 1000 else 0.02)
        np.testing.assert_allclose(gp.var(), k * k / 3, rtol=0.3 if gp.size < 1000 else 0.02)


def test_linear_generator_makes_init_reproducible():
    a = nn.Linear(3, 2, generator=glassnet.Generator(7))
    b = nn.Linear(3, 2, generator=glassnet.Generator(7))
    c = nn.Linear(3, 2, generator=glassnet.Generator(8))
    np.testing.assert_array_equal(a.weight._data, b.weight._data)
    assert not np.array_equal(a.weight._data, c.weight._data)
    glassnet.manual_seed(3)
    d = nn.Linear(3, 2)
    glassnet.manual_seed(3)
    e = nn.Linear(3, 2)
    np.testing.assert_array_equal(d.bias._data, e.bias._data)
    a.reset_parameters(glassnet.Generator(8))
    np.testing.assert_array_equal(a.weight._data, c.weight._data)


@pytest.mark.parametrize("n_in, n_out", [(0, 3), (3, 0)])
def test_linear_zero_features_like_torch(n_in, n_out):
    g = nn.Linear(n_in, n_out)
    x = glassnet.ones(2, n_in, requires_grad=True)
    y = g(x)
    assert y.shape == (2, n_out)
    if n_in == 0:
        np.testing.assert_array_equal(g.bias._data, 0.0)  # bound 1/sqrt(0) taken as 0, as torch
    y.sum().backward()
    assert x.grad.shape == (2, n_in) and g.weight.grad.shape == (n_out, n_in)
    assert g.bias.grad.shape == (n_out,)


def test_linear_repr_and_errors():
    assert repr(nn.Linear(3, 2, bias=False)) == repr(torch.nn.Linear(3, 2, bias=False))
    g = nn.Linear(784, 10)
    with pytest.raises(
        ValueError, match=r"Linear\(in_features=784\): input has 780 features \(shape \(32, 780\)\)"
    ):
        g(glassnet.zeros(32, 780))
    with pytest.raises(ValueError, match="input has no features"):
        g(glassnet.tensor(1.0))
    with pytest.raises(TypeError, match="input dtype float64 differs from the weight's float32"):
        g(glassnet.zeros(2, 784, dtype=glassnet.float64))
    with pytest.raises(TypeError, match="must be a glassnet Tensor"):
        g._bad_input(np.zeros((2, 784)))
    with pytest.raises(ValueError, match="in_features must be a non-negative integer"):
        nn.Linear(-1, 2)
    with pytest.raises(ValueError, match="out_features must be a non-negative integer"):
        nn.Linear(2, 2.5)
    with pytest.raises(TypeError, match="floating dtype"):
        nn.Linear(2, 2, dtype=glassnet.int64)
    with pytest.raises(ValueError, match="CPU only"):
        nn.Linear(2, 2, device="cuda")
    nn.Linear(2, 2, device="cpu")


@pytest.mark.parametrize("lead", [(4,), (2, 3), ()])
def test_bilinear_matches_torch(lead):
    rng = np.random.default_rng(0)
    t = torch.nn.Bilinear(3, 4, 2)
    g = nn.Bilinear(3, 4, 2)
    assert list(g.state_dict()) == list(t.state_dict())
    copy_params(g, t)
    x1 = rng.standard_normal((*lead, 3)).astype(np.float32)
    x2 = rng.standard_normal((*lead, 4)).astype(np.float32)
    g1, g2 = glassnet.tensor(x1, requires_grad=True), glassnet.tensor(x2, requires_grad=True)
    t1, t2 = torch.tensor(x1, requires_grad=True), torch.tensor(x2, requires_grad=True)
    gy, ty = g(g1, g2), t(t1, t2)
    np.testing.assert_allclose(gy._data, ty.detach().numpy(), rtol=1e-5, atol=1e-5)
    (gy * gy).sum().backward()
    (ty * ty).sum().backward()
    for a, b in [
        (g1.grad, t1.grad),
        (g2.grad, t2.grad),
        (g.weight.grad, t.weight.grad),
        (g.bias.grad, t.bias.grad),
    ]:
        np.testing.assert_allclose(a._data, b.numpy(), rtol=1e-4, atol=1e-5)
    assert repr(g) == repr(t)


def test_bilinear_gradcheck_init_and_errors():
    rng = np.random.default_rng(1)
    g = nn.Bilinear(3, 2, 2, dtype=glassnet.float64)
    x1 = glassnet.tensor(rng.standard_normal((2, 3)), requires_grad=True)
    x2 = glassnet.tensor(rng.standard_normal((2, 2)), requires_grad=True)
    assert gradcheck(
        lambda a, b, w, c: nn.functional.bilinear(a, b, w, c), [x1, x2, g.weight, g.bias]
    )
    nb = nn.Bilinear(3, 2, 2, bias=False, dtype=glassnet.float64)
    assert gradcheck(lambda a, b, w: nn.functional.bilinear(a, b, w), [x1, x2, nb.weight])
    big = nn.Bilinear(100, 5, 50)
    assert np.abs(big.weight._data).max() <= 0.1 and np.abs(big.weight._data).max() > 0.099
    with pytest.raises(ValueError, match=r"bilinear: inputs of shapes \(2, 3\) and \(2, 5\)"):
        g(x1, glassnet.zeros(2, 5, dtype=glassnet.float64))
    with pytest.raises(ValueError, match="bias shape"):
        nn.functional.bilinear(x1, x2, g.weight, glassnet.zeros(3, dtype=glassnet.float64))
    with pytest.raises(ValueError, match="in2_features must be a non-negative integer"):
        nn.Bilinear(1, -2, 3)


def test_identity_flatten_unflatten_match_torch():
    x = np.arange(2 * 3 * 4 * 5, dtype=np.float32).reshape(2, 3, 4, 5)
    gx, tx = glassnet.tensor(x, requires_grad=True), torch.tensor(x)
    assert nn.Identity(54, unused="yes")(gx) is gx
    for args in [(), (0,), (2,), (1, 2), (0, -1), (-3, -2)]:
        gy, ty = nn.Flatten(*args)(gx), torch.nn.Flatten(*args)(tx)
        assert gy.shape == tuple(ty.shape), args
        np.testing.assert_array_equal(gy._data, ty.numpy())
    assert repr(nn.Flatten()) == repr(torch.nn.Flatten())
    for dim, sizes in [(1, (3, 1)), (-1, (5, 1)), (2, (2, 2)), (0, (1, 2)), (1, (-1, 3))]:
        gy, ty = nn.Unflatten(dim, sizes)(gx), torch.nn.Unflatten(dim, sizes)(tx)
        assert gy.shape == tuple(ty.shape), (dim, sizes)
        np.testing.assert_array_equal(gy._data, ty.numpy())
    assert repr(nn.Unflatten(1, (2, 2))) == repr(torch.nn.Unflatten(1, (2, 2)))
    y = nn.Unflatten(1, (4, 15))(nn.Flatten()(gx))
    y.sum().backward()
    np.testing.assert_array_equal(gx.grad._data, np.ones_like(x))
    with pytest.raises(
        ValueError,
        match=r"Unflatten\(dim=1, unflattened_size=\(2, 2\)\): does not fit an input "
        r"of shape \(2, 3, 4, 5\)",
    ):
        nn.Unflatten(1, (2, 2))(gx)
    with pytest.raises(ValueError, match="does not fit"):
        nn.Unflatten(7, (2, 2))(gx)
    with pytest.raises(TypeError, match="tuple of ints"):
        nn.Unflatten(1, 3)
