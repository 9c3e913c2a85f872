"""Activation layers: the non-linearities between linear layers, with formulas and derivatives.

Without a non-linearity a stack of Linear layers collapses into one linear map; the activation
is what lets a network bend its decision boundary. Its derivative f'(x) is the factor every
gradient is multiplied by on its way back through the layer, so its shape decides how well deep
networks train: a derivative that vanishes (sigmoid and tanh far from 0, ReLU below 0) stops
learning there, one that stays near 1 lets gradients pass.

The math lives in `glassnet.ops.activation` (one op per function, forward and backward side by
side); `glassnet.nn.activation.describe(name)` gives the same formulas, advice on when to use each,
and vectorised `fn(x)` / `derivative(x)` at run time (the registry in `activation_info`).

Shape: every layer here maps an input of any shape to an output of the same shape.

    activation_relu.py     ReLU, LeakyReLU, PReLU, Hardtanh, ReLU6, ELU, SELU, CELU
    activation_smooth.py   Sigmoid, Tanh, GELU, SiLU, Mish, Softplus, Softsign, Hardsigmoid,
                           Hardswish, LogSigmoid
    activation_output.py   Softmax, LogSoftmax, Step, Sign
    activation_info.py     ACTIVATIONS, describe: the registry read from those docstrings
"""

from glassnet.nn.activation_info import ACTIVATIONS, ActivationInfo, describe
from glassnet.nn.activation_output import LogSoftmax, Sign, Softmax, Step
from glassnet.nn.activation_relu import CELU, ELU, SELU, Hardtanh, LeakyReLU, PReLU, ReLU, ReLU6
from glassnet.nn.activation_smooth import (
    GELU,
    Hardsigmoid,
    Hardswish,
    LogSigmoid,
    Mish,
    Sigmoid,
    SiLU,
    Softplus,
    Softsign,
    Tanh,
)

__all__ = [
    "ACTIVATIONS",
    "ActivationInfo",
    "describe",
    "Sigmoid",
    "Tanh",
    "ReLU",
    "LeakyReLU",
    "PReLU",
    "ReLU6",
    "ELU",
    "SELU",
    "CELU",
    "GELU",
    "SiLU",
    "Mish",
    "Softplus",
    "Softsign",
    "Hardtanh",
    "Hardsigmoid",
    "Hardswish",
    "LogSigmoid",
    "Softmax",
    "LogSoftmax",
    "Step",
    "Sign",
]
