"""glassnet.distributions.kl_divergence against torch.distributions.kl_divergence for the Normal,
Categorical and Bernoulli pairs: values and gradients for both distributions' parameters (float64,
zero probabilities included), and the error for a pair without a closed form."""

import numpy as np
import pytest
import torch

import glassnet
from glassnet.distributions import Bernoulli, Categorical, Normal, kl_divergence
from tests.distributions._pair import check_value_and_grads, leaves

rng = np.random.default_rng(0)
TD = torch.distributions


def test_normal_pair():
    g, t = leaves(
        rng.normal(size=(2, 3)), rng.uniform(0.5, 2, (2, 3)), rng.normal(size=3), [0.7, 1.0, 1.5]
    )
    ours = kl_divergence(Normal(g[0], g[1]), Normal(g[2], g[3]))
    ref = TD.kl_divergence(TD.Normal(t[0], t[1]), TD.Normal(t[2], t[3]))
    check_value_and_grads(ours, ref, g, t)


@pytest.mark.parametrize("kind", ["probs", "logits"])
def test_categorical_pair(kind):
    if kind == "probs":
        g, t = leaves(rng.uniform(0.1, 1, (2, 4)), rng.uniform(0.1, 1, (2, 4)))
    else:
        g, t = leaves(rng.normal(size=(2, 4)), rng.normal(size=4))
    ours = kl_divergence(Categorical(**{kind: g[0]}), Categorical(**{kind: g[1]}))
    ref = TD.kl_divergence(TD.Categorical(**{kind: t[0]}), TD.Categorical(**{kind: t[1]}))
    check_value_and_grads(ours, ref, g, t)


def test_categorical_with_zero_probabilities():
    p, q = [[0.0, 0.5, 0.5], [0.2, 0.8, 0.0]], [[0.2, 0.3, 0.5], [0.1, 0.9, 0.0]]
    for a, b in ((p, q), (q, p)):
        ours = kl_divergence(
            Categorical(probs=glassnet.tensor(a)), Categorical(probs=glassnet.tensor(b))
        )
        ref = TD.kl_divergence(
            TD.Categorical(probs=torch.tensor(a)), TD.Categorical(probs=torch.tensor(b))
        )
        np.testing.assert_allclose(ours.numpy(), ref.numpy(), rtol=1e-6)
    assert np.isinf(ours.numpy()[0])  # q puts mass where p has none


@pytest.mark.parametrize("kind", ["probs", "logits"])
def test_bernoulli_pair(kind):
    if kind == "probs":
        g, t = leaves(rng.uniform(0.05, 0.95, 5), rng.uniform(0.05, 0.95, 5))
    else:
        g, t = leaves(rng.normal(size=5) * 2, rng.normal(size=5) * 2)
    ours = kl_divergence(Bernoulli(**{kind: g[0]}), Bernoulli(**{kind: g[1]}))
    ref = TD.kl_divergence(TD.Bernoulli(**{kind: t[0]}), TD.Bernoulli(**{kind: t[1]}))
    check_value_and_grads(ours, ref, g, t)


def test_bernoulli_at_the_ends():
    p, q = [0.0, 1.0, 0.5, 0.5], [0.3, 0.3, 0.0, 1.0]
    ours = kl_divergence(Bernoulli(glassnet.tensor(p)), Bernoulli(glassnet.tensor(q)))
    ref = TD.kl_divergence(TD.Bernoulli(torch.tensor(p)), TD.Bernoulli(torch.tensor(q)))
    np.testing.assert_allclose(ours.numpy(), ref.numpy(), rtol=1e-6)


def test_unsupported_pair():
    with pytest.raises(NotImplementedError, match="kl_divergence: no closed form for Normal"):
        kl_divergence(Normal(0.0, 1.0), Bernoulli(0.5))
