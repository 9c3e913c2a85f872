"""Ready-made models, in the order the tutorials meet them: the perceptron, then the MLP."""

from glassnet.models.gpt import GPT, GPTConfig
from glassnet.models.lenet import LeNet5
from glassnet.models.mlp import MLP
from glassnet.models.perceptron import Perceptron
from glassnet.models.resnet import BasicBlock, ResNet

__all__ = ["BasicBlock", "GPT", "GPTConfig", "LeNet5", "MLP", "Perceptron", "ResNet"]
