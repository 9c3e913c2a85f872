"""autograd.grad against torch.autograd.grad: values, no side effects on .grad, errors."""

import numpy as np
import pytest
import torch

import glassnet


def _pair(a, requires_grad=True):
    return (
        glassnet.tensor(a, requires_grad=requires_grad),
        torch.tensor(a, requires_grad=requires_grad),
    )


def test_grad_matches_torch_and_leaves_dot_grad_alone():
    rs = np.random.RandomState(0)
    xg, xt = _pair(rs.normal(size=(3, 4)))
    wg, wt = _pair(rs.normal(size=(4, 2)))
    vg, vt = _pair(rs.normal(size=(3, 2)), requires_grad=False)
    wg.grad = glassnet.ones(4, 2, dtype=glassnet.float64)
    hg, ht = xg @ wg, xt @ wt
    gg = glassnet.autograd.grad(hg.tanh(), [xg, hg], grad_outputs=vg, retain_graph=True)
    gt = torch.autograd.grad(ht.tanh(), [xt, ht], grad_outputs=vt, retain_graph=True)
    for a, b in zip(gg, gt):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-12)
    assert xg.grad is None and np.all(wg.grad.numpy() == 1.0)
    (hg.tanh() * vg).sum().backward()  # the graph was retained
    np.testing.assert_allclose(xg.grad.numpy(), gt[0].numpy(), rtol=1e-12)


def test_several_scalar_outputs_add_up():
    xg, xt = _pair(np.array([0.5, -1.0, 2.0]))
    (gg,) = glassnet.autograd.grad([(xg**2).sum(), xg.exp().sum()], xg)
    (gt,) = torch.autograd.grad([(xt**2).sum(), xt.exp().sum()], xt)
    np.testing.assert_allclose(gg.numpy(), gt.numpy(), rtol=1e-12)


def test_unused_input():
    x = glassnet.tensor([1.0, 2.0], requires_grad=True)
    z = glassnet.tensor([3.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="allow_unused"):
        glassnet.autograd.grad((x * 2).sum(), [x, z], retain_graph=True)
    gx, gz = glassnet.autograd.grad((x * 2).sum(), [x, z], allow_unused=True, retain_graph=True)
    assert gz is None and gx.tolist() == [2.0, 2.0]
    _, gz = glassnet.autograd.grad((x * 2).sum(), [x, z], materialize_grads=True)
    assert gz.tolist() == [0.0]


def test_create_graph_is_refused_clearly():
    x = glassnet.tensor([1.0], requires_grad=True)
    with pytest.raises(NotImplementedError, match="first-order"):
        glassnet.autograd.grad((x**3).sum(), x, create_graph=True)
