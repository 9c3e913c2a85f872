"""Probability distributions (`torch.distributions`): sampling, log-densities and entropies whose
gradients reach the parameters (REINFORCE, VAEs, policy gradients)."""

from glassnet.distributions.bernoulli import Bernoulli
from glassnet.distributions.categorical import Categorical
from glassnet.distributions.distribution import Distribution
from glassnet.distributions.kl import kl_divergence
from glassnet.distributions.normal import Normal

__all__ = ["Bernoulli", "Categorical", "Distribution", "Normal", "kl_divergence"]
