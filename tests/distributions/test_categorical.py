"""glassnet.distributions.Categorical against torch.distributions.Categorical, from probs and from
logits: probs/logits, log_prob (broadcast values), entropy (values and gradients in float64),
sample shapes and frequencies, gradcheck, and argument validation."""

import numpy as np
import pytest
import torch

import glassnet
from glassnet.distributions import Categorical
from tests.distributions._pair import check_value_and_grads, leaves

rng = np.random.default_rng(0)


def _pair(kind, shape):
    if kind == "probs":
        arrays = leaves(rng.uniform(0.1, 1.0, shape))  # unnormalised, as PyTorch allows
    else:
        arrays = leaves(rng.normal(size=shape))
    (g,), (t,) = arrays
    return Categorical(**{kind: g}), torch.distributions.Categorical(**{kind: t}), g, t


@pytest.mark.parametrize("kind", ["probs", "logits"])
@pytest.mark.parametrize("shape, value_shape", [((4,), (3,)), ((2, 5), (2,)), ((2, 5), (3, 2))])
def test_log_prob_matches_torch(kind, shape, value_shape):
    g, t, gp, tp = _pair(kind, shape)
    value = rng.integers(0, shape[-1], value_shape)
    check_value_and_grads(
        g.log_prob(glassnet.tensor(value)), t.log_prob(torch.tensor(value)), [gp], [tp]
    )


@pytest.mark.parametrize("kind", ["probs", "logits"])
def test_entropy_probs_logits_match_torch(kind):
    g, t, gp, tp = _pair(kind, (3, 4))
    np.testing.assert_allclose(g.probs.detach().numpy(), t.probs.detach().numpy(), 1e-12)
    np.testing.assert_allclose(g.logits.detach().numpy(), t.logits.detach().numpy(), 1e-12)
    check_value_and_grads(g.entropy(), t.entropy(), [gp], [tp])
    assert g.batch_shape == tuple(t.batch_shape) and g.param_shape == tuple(t.param_shape)


def test_entropy_with_a_zero_probability_matches_torch():
    (gp,), (tp,) = leaves([0.0, 0.25, 0.75])
    check_value_and_grads(
        Categorical(probs=gp).entropy(), torch.distributions.Categorical(probs=tp).entropy(),
        [gp], [tp],
    )  # fmt: skip
    logits = glassnet.tensor([-float("inf"), 0.0, 1.0])
    ref = torch.distributions.Categorical(logits=torch.tensor([-float("inf"), 0.0, 1.0]))
    np.testing.assert_allclose(Categorical(logits=logits).entropy().item(), ref.entropy().item())


def test_sample_shapes_and_frequencies():
    glassnet.manual_seed(0)
    probs = glassnet.tensor([[0.1, 0.2, 0.7], [0.5, 0.5, 0.0]])
    d = Categorical(probs=probs)
    assert d.sample().shape == (2,) and d.sample().dtype == glassnet.int64
    x = d.sample((20000,)).numpy()
    assert x.shape == (20000, 2)
    freq0 = np.bincount(x[:, 0], minlength=3) / len(x)
    freq1 = np.bincount(x[:, 1], minlength=3) / len(x)
    np.testing.assert_allclose(freq0, [0.1, 0.2, 0.7], atol=0.015)
    np.testing.assert_allclose(freq1, [0.5, 0.5, 0.0], atol=0.015)
    assert freq1[2] == 0  # a zero probability is never drawn
    glassnet.manual_seed(3)
    a = d.sample((5,))
    glassnet.manual_seed(3)
    np.testing.assert_array_equal(a.numpy(), d.sample((5,)).numpy())


def test_gradcheck():
    (gl,), _ = leaves(rng.normal(size=(2, 4)))
    value = glassnet.tensor([1, 3])
    assert glassnet.autograd.gradcheck(lambda t: Categorical(logits=t).log_prob(value), (gl,))
    assert glassnet.autograd.gradcheck(lambda t: Categorical(logits=t).entropy(), (gl,))
    (gp,), _ = leaves(rng.uniform(0.2, 1.0, (2, 4)))
    assert glassnet.autograd.gradcheck(lambda t: Categorical(probs=t).entropy(), (gp,))


def test_validation():
    with pytest.raises(ValueError, match="either `probs` or `logits` must be specified"):
        Categorical()
    with pytest.raises(ValueError, match="either `probs` or `logits` must be specified"):
        Categorical(probs=glassnet.ones(2), logits=glassnet.ones(2))
    with pytest.raises(ValueError, match="`probs` must be at least one-dimensional"):
        Categorical(probs=glassnet.tensor(1.0))
    with pytest.raises(ValueError, match=r"Categorical: expected probs .* Simplex\(\)"):
        Categorical(probs=glassnet.tensor([0.5, -0.1]))
    d = Categorical(logits=glassnet.zeros(3))
    with pytest.raises(ValueError, match=r"expected value .* IntegerInterval\(0, 2\)"):
        d.log_prob(glassnet.tensor([3]))
    with pytest.raises(ValueError):
        torch.distributions.Categorical(logits=torch.zeros(3)).log_prob(torch.tensor([3]))
