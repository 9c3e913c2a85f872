"""`Tensor.data` as in PyTorch: a Tensor sharing memory with the original, outside the graph."""

import numpy as np
import pytest

import glassnet
from glassnet import nn


def test_data_is_a_tensor_sharing_memory_outside_the_graph():
    x = glassnet.tensor([1.0, 2.0, 3.0], requires_grad=True)
    d = x.data
    assert isinstance(d, glassnet.Tensor)
    assert not d.requires_grad and d.grad_fn is None
    d.mul_(2)
    np.testing.assert_array_equal(x.detach().numpy(), [2.0, 4.0, 6.0])
    assert np.shares_memory(d.numpy(), x.detach().numpy())


@pytest.mark.parametrize(
    "update, expected",
    [
        (lambda d, g: d.add_(g, alpha=-0.5), [0.5, 1.5]),
        (lambda d, g: d.sub_(g), [0.0, 1.0]),
        (lambda d, g: d.mul_(3), [3.0, 6.0]),
        (lambda d, g: d.div_(2), [0.5, 1.0]),
        (lambda d, g: d.copy_(g * 5), [5.0, 5.0]),
        (lambda d, g: d.fill_(7), [7.0, 7.0]),
        (lambda d, g: d.zero_(), [0.0, 0.0]),
        (lambda d, g: d.clamp_(1.5, 1.8), [1.5, 1.8]),
    ],
)
def test_in_place_updates_through_data_reach_the_parameter(update, expected):
    p = nn.Parameter(glassnet.tensor([1.0, 2.0]))
    update(p.data, glassnet.ones(2))
    np.testing.assert_allclose(p.detach().numpy(), expected)


def test_manual_sgd_through_data_is_seen_by_an_optimizer_on_flat_buffers():
    model = nn.Linear(3, 2)
    opt = glassnet.optim.Adam(model.parameters(), lr=0.1)
    x = glassnet.randn(4, 3)
    model(x).sum().backward()
    opt.step()  # the parameters now live in the optimizer's flat buffer
    before = model.weight.detach().numpy().copy()
    for p in model.parameters():
        p.data.add_(p.grad, alpha=-1.0)
        p.data.normal_(0, 0.02) if p is model.bias else None
    np.testing.assert_allclose(model.weight.detach().numpy(), before - model.weight.grad.numpy())
    opt.zero_grad()
    model(x).sum().backward()
    opt.step()  # the step starts from the values written through .data
    assert not np.allclose(model.weight.detach().numpy(), before - model.weight.grad.numpy())
    assert np.isfinite(model.weight.detach().numpy()).all()


def test_assigning_data_rebinds_the_values():
    p = nn.Parameter(glassnet.zeros(2))
    p.data = glassnet.tensor([3.0, 4.0])
    np.testing.assert_array_equal(p.detach().numpy(), [3.0, 4.0])
    assert p.requires_grad
    with pytest.raises(TypeError, match="data: can only assign a Tensor"):
        p.data = [1.0, 2.0]


def test_init_through_data_as_in_pytorch_scripts():
    glassnet.manual_seed(0)
    emb = nn.Embedding(100, 64)
    emb.weight.data.normal_(mean=0.0, std=0.02)
    emb.weight.data.uniform_(-0.1, 0.1)
    w = emb.weight.detach().numpy()
    assert -0.1 <= w.min() and w.max() <= 0.1 and w.std() > 0.03
