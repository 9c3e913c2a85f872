"""glassnet.distributions.Normal against torch.distributions.Normal: log_prob, entropy, moments
(values and gradients in float64, broadcasting loc/scale/value), reparameterized rsample
gradients, sample statistics, gradcheck and argument validation."""

import numpy as np
import pytest
import torch

import glassnet
from glassnet.distributions import Normal
from tests.distributions._pair import check_value_and_grads, leaves

rng = np.random.default_rng(0)


@pytest.mark.parametrize("shapes", [((3,), (3,), (3,)), ((2, 1), (3,), (4, 2, 3)), ((), (), (5,))])
def test_log_prob_matches_torch(shapes):
    loc_s, scale_s, value_s = shapes
    (gl, gs), (tl, ts) = leaves(rng.normal(size=loc_s), rng.uniform(0.5, 2.0, scale_s))
    value = rng.normal(size=value_s)
    g = Normal(gl, gs).log_prob(glassnet.tensor(value))
    t = torch.distributions.Normal(tl, ts).log_prob(torch.tensor(value))
    check_value_and_grads(g, t, [gl, gs], [tl, ts])


def test_entropy_and_moments_match_torch():
    (gl, gs), (tl, ts) = leaves(rng.normal(size=(2, 3)), rng.uniform(0.5, 2.0, (2, 3)))
    g, t = Normal(gl, gs), torch.distributions.Normal(tl, ts)
    check_value_and_grads(g.entropy(), t.entropy(), [gl, gs], [tl, ts])
    for name in ("mean", "stddev", "variance", "mode"):
        np.testing.assert_allclose(
            getattr(g, name).detach().numpy(), getattr(t, name).detach().numpy(), 1e-12
        )
    assert g.batch_shape == tuple(t.batch_shape) and g.event_shape == tuple(t.event_shape)
    assert g.has_rsample and repr(g) == "Normal(loc: (2, 3), scale: (2, 3))"


def test_numbers_as_parameters():
    g, t = Normal(0.0, 2.0), torch.distributions.Normal(0.0, 2.0)
    assert g.loc.dtype == glassnet.float32 and g.batch_shape == ()
    np.testing.assert_allclose(g.log_prob(1.5).item(), t.log_prob(torch.tensor(1.5)).item(), 1e-6)
    loc = glassnet.zeros(3, dtype=glassnet.float64)
    assert Normal(loc, 1.0).scale.dtype == glassnet.float64


def test_rsample_is_differentiable_and_sample_is_not():
    glassnet.manual_seed(0)
    loc = glassnet.tensor([1.0, -2.0], dtype=glassnet.float64, requires_grad=True)
    scale = glassnet.tensor([0.5, 3.0], dtype=glassnet.float64, requires_grad=True)
    d = Normal(loc, scale)
    x = d.rsample((4,))
    assert x.shape == (4, 2) and x.requires_grad
    x.sum().backward()
    eps = (x.detach().numpy() - loc.detach().numpy()) / scale.detach().numpy()
    np.testing.assert_allclose(loc.grad.numpy(), [4.0, 4.0])
    np.testing.assert_allclose(scale.grad.numpy(), eps.sum(0))
    s = d.sample((3,))
    assert s.shape == (3, 2) and not s.requires_grad
    glassnet.manual_seed(0)
    again = Normal(loc, scale).rsample((4,))
    np.testing.assert_array_equal(again.detach().numpy(), x.detach().numpy())


def test_sample_statistics():
    glassnet.manual_seed(1)
    d = Normal(glassnet.tensor([2.0, -1.0]), glassnet.tensor([0.5, 3.0]))
    x = d.sample((20000,)).numpy()
    assert x.dtype == np.float32
    np.testing.assert_allclose(x.mean(0), [2.0, -1.0], atol=0.06)
    np.testing.assert_allclose(x.std(0), [0.5, 3.0], rtol=0.03)


def test_gradcheck():
    (gl, gs), _ = leaves(rng.normal(size=3), rng.uniform(0.5, 2.0, 3))
    value = glassnet.tensor(rng.normal(size=(2, 3)))
    assert glassnet.autograd.gradcheck(lambda m, s: Normal(m, s).log_prob(value), (gl, gs))
    assert glassnet.autograd.gradcheck(lambda m, s: Normal(m, s).entropy(), (gl, gs))


def test_validation():
    with pytest.raises(ValueError, match=r"Normal: expected scale .* GreaterThan\(lower_bound"):
        Normal(glassnet.zeros(2), glassnet.tensor([1.0, 0.0]))
    with pytest.raises(ValueError):
        torch.distributions.Normal(torch.zeros(2), torch.tensor([1.0, 0.0]))
    Normal(glassnet.zeros(2), glassnet.tensor([1.0, 0.0]), validate_args=False)
