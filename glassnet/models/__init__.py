"""Ready-made models, in the order the tutorials meet them: the perceptron, then the MLP."""

from glassnet.models.mlp import MLP
from glassnet.models.perceptron import Perceptron

__all__ = ["MLP", "Perceptron"]
