"""glassnet.distributions.Bernoulli against torch.distributions.Bernoulli, from probs and from
logits: log_prob (broadcast values), entropy, mean/variance (values and gradients in float64,
probs of 0.5 included), sample frequencies, gradcheck, and argument validation."""

import numpy as np
import pytest
import torch

import glassnet
from glassnet.distributions import Bernoulli
from tests.distributions._pair import check_value_and_grads, leaves

rng = np.random.default_rng(0)


def _pair(kind, shape):
    data = rng.uniform(0.05, 0.95, shape) if kind == "probs" else rng.normal(size=shape) * 3
    if kind == "probs" and data.size:
        data.flat[0] = 0.5  # logits 0: where a |x|-based formula would get the gradient wrong
    (g,), (t,) = leaves(data)
    return Bernoulli(**{kind: g}), torch.distributions.Bernoulli(**{kind: t}), g, t


@pytest.mark.parametrize("kind", ["probs", "logits"])
@pytest.mark.parametrize("shape, value_shape", [((4,), (4,)), ((3,), (2, 3)), ((), (5,))])
def test_log_prob_matches_torch(kind, shape, value_shape):
    g, t, gp, tp = _pair(kind, shape)
    value = rng.integers(0, 2, value_shape).astype(np.float64)
    check_value_and_grads(
        g.log_prob(glassnet.tensor(value)), t.log_prob(torch.tensor(value)), [gp], [tp]
    )


@pytest.mark.parametrize("kind", ["probs", "logits"])
def test_entropy_and_moments_match_torch(kind):
    g, t, gp, tp = _pair(kind, (2, 3))
    for name in ("probs", "logits", "mean", "variance", "stddev"):
        np.testing.assert_allclose(
            getattr(g, name).detach().numpy(), getattr(t, name).detach().numpy(), 1e-12
        )
    check_value_and_grads(g.entropy(), t.entropy(), [gp], [tp])
    assert g.batch_shape == tuple(t.batch_shape)


def test_numbers_and_python_values():
    g, t = Bernoulli(0.3), torch.distributions.Bernoulli(0.3)
    assert g.probs.dtype == glassnet.float32
    np.testing.assert_allclose(g.log_prob(1.0).item(), t.log_prob(torch.tensor(1.0)).item(), 1e-6)
    np.testing.assert_allclose(g.entropy().item(), t.entropy().item(), 1e-6)


def test_sample_frequencies():
    glassnet.manual_seed(0)
    d = Bernoulli(probs=glassnet.tensor([0.1, 0.5, 0.9, 0.0, 1.0]))
    x = d.sample((20000,)).numpy()
    assert x.shape == (20000, 5) and x.dtype == np.float32
    np.testing.assert_allclose(x.mean(0), [0.1, 0.5, 0.9, 0.0, 1.0], atol=0.015)
    assert set(np.unique(x)) <= {0.0, 1.0}
    assert Bernoulli(logits=glassnet.zeros(2, 3)).sample().shape == (2, 3)


def test_gradcheck():
    (gl,), _ = leaves(rng.normal(size=(2, 3)))
    value = glassnet.tensor(rng.integers(0, 2, (2, 3)).astype(np.float64))
    assert glassnet.autograd.gradcheck(lambda t: Bernoulli(logits=t).log_prob(value), (gl,))
    assert glassnet.autograd.gradcheck(lambda t: Bernoulli(logits=t).entropy(), (gl,))
    (gp,), _ = leaves(rng.uniform(0.1, 0.9, (4,)))
    assert glassnet.autograd.gradcheck(lambda t: Bernoulli(probs=t).entropy(), (gp,))


def test_validation():
    with pytest.raises(ValueError, match="either `probs` or `logits` must be specified"):
        Bernoulli()
    with pytest.raises(ValueError, match=r"Bernoulli: expected probs .* Interval\(lower_bound"):
        Bernoulli(probs=glassnet.tensor([0.5, 1.5]))
    with pytest.raises(ValueError, match=r"expected value .* Boolean\(\)"):
        Bernoulli(probs=glassnet.tensor([0.5])).log_prob(glassnet.tensor([0.5]))
    with pytest.raises(ValueError):
        torch.distributions.Bernoulli(probs=torch.tensor([0.5])).log_prob(torch.tensor([0.5]))
    Bernoulli(probs=glassnet.tensor([1.5]), validate_args=False)
