"""`kl_divergence(p, q)`: KL(p || q) = E_p[ln p(x) - ln q(x)] in closed form, for pairs of the same
family (as `torch.distributions.kl_divergence`), differentiable in both distributions' parameters.
"""

from __future__ import annotations

from typing import Any

import glassnet.ops as ops
from glassnet.distributions.bernoulli import Bernoulli, _softplus
from glassnet.distributions.categorical import Categorical
from glassnet.distributions.distribution import Distribution
from glassnet.distributions.normal import Normal
from glassnet.tensor import Tensor

_INF = float("inf")


def _normal(p: Normal, q: Normal) -> Tensor:
    """1/2 (r + ((mu_p - mu_q) / sigma_q)^2 - 1 - ln r),  r = (sigma_p / sigma_q)^2."""
    ratio = (p.scale / q.scale) ** 2
    gap = ((p.loc - q.loc) / q.scale) ** 2
    return 0.5 * (ratio + gap - 1 - ratio.log())


def _categorical(p: Categorical, q: Categorical) -> Tensor:
    """sum_k p_k (ln p_k - ln q_k); a term is 0 where p_k = 0 and inf where only q_k = 0."""
    t = p.probs * (p.logits - q.logits)
    shape = t.shape
    q_zero = ops.broadcast_to(q.probs == 0, shape)
    p_zero = ops.broadcast_to(p.probs == 0, shape)
    t = ops.where(q_zero, _INF, t)
    t = ops.where(p_zero, 0.0, t)
    return t.sum(-1)


def _bernoulli(p: Bernoulli, q: Bernoulli) -> Tensor:
    """p ln(p/q) + (1-p) ln((1-p)/(1-q)), written with softplus of the logits (stable)."""
    t1 = p.probs * (_softplus(-q.logits) - _softplus(-p.logits))
    t1 = ops.where(p.probs == 0, 0.0, ops.where(q.probs == 0, _INF, t1))
    t2 = (1 - p.probs) * (_softplus(q.logits) - _softplus(p.logits))
    t2 = ops.where(p.probs == 1, 0.0, ops.where(q.probs == 1, _INF, t2))
    return t1 + t2


_RULES: dict[tuple[type, type], Any] = {
    (Normal, Normal): _normal,
    (Categorical, Categorical): _categorical,
    (Bernoulli, Bernoulli): _bernoulli,
}


def kl_divergence(p: Distribution, q: Distribution) -> Tensor:
    """KL(p || q), batched over the distributions' batch shape.

    Supported pairs: Normal-Normal, Categorical-Categorical, Bernoulli-Bernoulli.

    Example
    -------
    >>> kl = kl_divergence(Normal(mu, sigma), Normal(0.0, 1.0))   # the VAE prior term
    """
    rule = _RULES.get((type(p), type(q)))
    if rule is None:
        pairs = ", ".join(f"{a.__name__}-{b.__name__}" for a, b in _RULES)
        raise NotImplementedError(
            f"kl_divergence: no closed form for {type(p).__name__} || {type(q).__name__} "
            f"(glassnet has {pairs})"
        )
    return rule(p, q)
