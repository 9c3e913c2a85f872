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
"""

from __future__ import annotations

from typing import Any

import numpy as np

import glassnet._dtypes as _dtypes
from glassnet.nn.activation_info import ACTIVATIONS, ActivationInfo, describe
from glassnet.nn.module import Module, Parameter
from glassnet.ops import activation as A
from glassnet.tensor import Tensor

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


class _InplaceActivation(Module):
    """Base of the layers that take PyTorch's `inplace` flag (accepted; the output is always a
    new tensor, since backward needs the input unchanged)."""

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def extra_repr(self) -> str:
        return "inplace=True" if self.inplace else ""


class Sigmoid(Module):
    """sigma(x) = 1 / (1 + e^-x), squashing x into (0, 1).

    Derivative: sigma'(x) = sigma(x) (1 - sigma(x)), at most 1/4 (at x = 0).

    Example
    -------
    >>> glassnet.nn.Sigmoid()(glassnet.tensor([0.0]))
    tensor([0.5000])
    """

    def forward(self, input: Tensor) -> Tensor:
        return A.sigmoid(input)


class Tanh(Module):
    """tanh(x) = (e^x - e^-x) / (e^x + e^-x), in (-1, 1) and centred at 0.

    Derivative: 1 - tanh^2(x), 1 at x = 0, vanishing for |x| > 3.

    Example
    -------
    >>> y = glassnet.nn.Tanh()(glassnet.randn(4))
    """

    def forward(self, input: Tensor) -> Tensor:
        return A.tanh(input)


class ReLU(_InplaceActivation):
    """ReLU(x) = max(0, x).

    Derivative: 1 for x > 0, 0 for x < 0 (0 at x = 0 by convention).

    Example
    -------
    >>> glassnet.nn.ReLU()(glassnet.tensor([-1.0, 2.0]))
    tensor([0., 2.])
    """

    def forward(self, input: Tensor) -> Tensor:
        return A.relu(input)


class LeakyReLU(Module):
    """LeakyReLU(x) = x for x > 0, negative_slope * x otherwise.

    Derivative: 1 for x > 0, negative_slope otherwise.

    Parameters
    ----------
    negative_slope : float
        Slope for x < 0 (default 0.01).
    inplace : bool
        Accepted for PyTorch compatibility.

    Example
    -------
    >>> glassnet.nn.LeakyReLU(0.1)(glassnet.tensor([-1.0, 2.0]))
    tensor([-0.1000,  2.0000])
    """

    def __init__(self, negative_slope: float = 0.01, inplace: bool = False) -> None:
        super().__init__()
        self.negative_slope = float(negative_slope)
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return A.leaky_relu(input, self.negative_slope)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}" + (", inplace=True" if self.inplace else "")


class PReLU(Module):
    """PReLU(x) = x for x > 0, a * x otherwise, with the slope `a` learned (one per channel, or
    one shared).

    Derivatives: dy/dx = 1 for x > 0, a otherwise;  dy/da = 0 for x > 0, x otherwise.

    Parameters
    ----------
    num_parameters : int
        1 (one slope shared by all channels) or the number of channels C of the input (axis 1).
    init : float
        Initial slope (default 0.25).
    dtype : dtype, optional
        dtype of the slope (default float32).

    Shape
    -----
    Input: (N, C, *) when num_parameters = C > 1, any shape otherwise. Output: the same.

    Example
    -------
    >>> act = glassnet.nn.PReLU(num_parameters=16)
    >>> y = act(glassnet.randn(8, 16, 5, 5))
    """

    def __init__(
        self, num_parameters: int = 1, init: float = 0.25, device: Any = None, dtype: Any = None
    ) -> None:
        super().__init__()
        if isinstance(num_parameters, bool) or not isinstance(num_parameters, (int, np.integer)):
            raise TypeError(f"PReLU: num_parameters must be an int, got {num_parameters!r}")
        if num_parameters < 1:
            raise ValueError(f"PReLU: num_parameters must be at least 1, got {num_parameters}")
        self.num_parameters = int(num_parameters)
        self.init = float(init)
        dtype = _dtypes.to_dtype(dtype) if dtype is not None else _dtypes.get_default_dtype()
        self.weight = Parameter(np.full(self.num_parameters, self.init, dtype=dtype))

    def reset_parameters(self) -> None:
        self.weight._data[...] = self.init

    def forward(self, input: Tensor) -> Tensor:
        return A.prelu(input, self.weight)

    def extra_repr(self) -> str:
        return f"num_parameters={self.num_parameters}"


class Hardtanh(Module):
    """Hardtanh(x) = min(max(x, min_val), max_val): a piecewise-linear tanh.

    Derivative: 1 for min_val < x < max_val, 0 outside.

    Parameters
    ----------
    min_val, max_val : float
        The clipping range (default -1, 1).
    inplace : bool
        Accepted for PyTorch compatibility.

    Example
    -------
    >>> glassnet.nn.Hardtanh()(glassnet.tensor([-3.0, 0.5, 3.0]))
    tensor([-1.0000,  0.5000,  1.0000])
    """

    def __init__(self, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        if min_val > max_val:
            raise ValueError(
                f"Hardtanh: min_val ({min_val}) cannot be greater than max_val ({max_val})"
            )
        self.min_val = float(min_val)
        self.max_val = float(max_val)
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return A.hardtanh(input, self.min_val, self.max_val)

    def extra_repr(self) -> str:
        text = f"min_val={self.min_val}, max_val={self.max_val}"
        return text + (", inplace=True" if self.inplace else "")


class ReLU6(_InplaceActivation):
    """ReLU6(x) = min(max(0, x), 6): a ReLU capped at 6 (friendly to low-precision arithmetic).

    Derivative: 1 for 0 < x < 6, 0 outside.

    Example
    -------
    >>> glassnet.nn.ReLU6()(glassnet.tensor([-1.0, 3.0, 9.0]))
    tensor([0., 3., 6.])
    """

    def forward(self, input: Tensor) -> Tensor:
        return A.relu6(input)


class ELU(Module):
    """ELU(x) = x for x > 0, alpha (e^x - 1) otherwise: smooth, saturating at -alpha.

    Derivative: 1 for x > 0, alpha e^x = ELU(x) + alpha otherwise.

    Parameters
    ----------
    alpha : float
        The negative saturation value (default 1.0).
    inplace : bool
        Accepted for PyTorch compatibility.

    Example
    -------
    >>> y = glassnet.nn.ELU(alpha=1.0)(glassnet.randn(4))
    """

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        self.alpha = float(alpha)
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return A.elu(input, self.alpha)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}" + (", inplace=True" if self.inplace else "")


class SELU(_InplaceActivation):
    """SELU(x) = scale * (x for x > 0, alpha (e^x - 1) otherwise), alpha = 1.6733, scale = 1.0507.

    Derivative: scale for x > 0, scale * alpha e^x otherwise. With LeCun-normal weights the
    activations of a deep MLP keep mean 0 and variance 1 by themselves (Klambauer et al., 2017).

    Example
    -------
    >>> y = glassnet.nn.SELU()(glassnet.randn(4))
    """

    def forward(self, input: Tensor) -> Tensor:
        return A.selu(input)


class CELU(Module):
    """CELU(x) = max(0, x) + min(0, alpha (e^(x/alpha) - 1)): ELU made continuously
    differentiable for every alpha.

    Derivative: 1 for x > 0, e^(x/alpha) otherwise.

    Parameters
    ----------
    alpha : float
        Non-zero scale of the negative part (default 1.0).
    inplace : bool
        Accepted for PyTorch compatibility.

    Example
    -------
    >>> y = glassnet.nn.CELU(alpha=0.5)(glassnet.randn(4))
    """

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        if alpha == 0:
            raise ValueError("CELU: alpha cannot be 0 (the formula divides by it)")
        self.alpha = float(alpha)
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return A.celu(input, self.alpha)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}" + (", inplace=True" if self.inplace else "")


class GELU(Module):
    """GELU(x) = x Phi(x), Phi the standard normal CDF; approximate='tanh' uses
    x/2 (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).

    Derivative: Phi(x) + x phi(x), phi the normal density (slightly negative for x < -0.75).

    Parameters
    ----------
    approximate : {'none', 'tanh'}
        Exact (via erfc) or the tanh approximation used by BERT and GPT-2.

    Example
    -------
    >>> y = glassnet.nn.GELU(approximate="tanh")(glassnet.randn(4))
    """

    def __init__(self, approximate: str = "none") -> None:
        super().__init__()
        if approximate not in ("none", "tanh"):
            raise ValueError(f"GELU: approximate must be 'none' or 'tanh', got {approximate!r}")
        self.approximate = approximate

    def forward(self, input: Tensor) -> Tensor:
        return A.gelu(input, self.approximate)

    def extra_repr(self) -> str:
        return f"approximate={self.approximate!r}"


class SiLU(_InplaceActivation):
    """SiLU(x) = x sigma(x) (also called swish).

    Derivative: sigma(x) (1 + x (1 - sigma(x))).

    Example
    -------
    >>> y = glassnet.nn.SiLU()(glassnet.randn(4))
    """

    def forward(self, input: Tensor) -> Tensor:
        return A.silu(input)


class Mish(_InplaceActivation):
    """Mish(x) = x tanh(softplus(x)).

    Derivative: tanh(sp(x)) + x sigma(x) (1 - tanh^2(sp(x))), sp = softplus.

    Example
    -------
    >>> y = glassnet.nn.Mish()(glassnet.randn(4))
    """

    def forward(self, input: Tensor) -> Tensor:
        return A.mish(input)


class Softplus(Module):
    """Softplus(x) = (1/beta) ln(1 + e^(beta x)), a smooth ReLU; taken as x where
    beta x > threshold (where the two agree to float precision).

    Derivative: sigma(beta x).

    Parameters
    ----------
    beta : float
        Sharpness (default 1); large beta approaches ReLU.
    threshold : float
        Above beta x > threshold the layer is linear (default 20).

    Example
    -------
    >>> y = glassnet.nn.Softplus(beta=2.0)(glassnet.randn(4))
    """

    def __init__(self, beta: float = 1.0, threshold: float = 20.0) -> None:
        super().__init__()
        if beta == 0:
            raise ValueError("Softplus: beta cannot be 0 (the formula divides by it)")
        self.beta = float(beta)
        self.threshold = float(threshold)

    def forward(self, input: Tensor) -> Tensor:
        return A.softplus(input, self.beta, self.threshold)

    def extra_repr(self) -> str:
        return f"beta={self.beta}, threshold={self.threshold}"


class Softsign(Module):
    """Softsign(x) = x / (1 + |x|), in (-1, 1) like tanh but with polynomial tails.

    Derivative: 1 / (1 + |x|)^2.

    Example
    -------
    >>> glassnet.nn.Softsign()(glassnet.tensor([1.0]))
    tensor([0.5000])
    """

    def forward(self, input: Tensor) -> Tensor:
        return A.softsign(input)


class Hardsigmoid(_InplaceActivation):
    """Hardsigmoid(x) = relu6(x + 3) / 6: 0 below -3, 1 above 3, linear between.

    Derivative: 1/6 for -3 < x < 3, 0 outside.

    Example
    -------
    >>> glassnet.nn.Hardsigmoid()(glassnet.tensor([0.0]))
    tensor([0.5000])
    """

    def forward(self, input: Tensor) -> Tensor:
        return A.hardsigmoid(input)


class Hardswish(_InplaceActivation):
    """Hardswish(x) = x relu6(x + 3) / 6: a piecewise SiLU (MobileNetV3).

    Derivative: 0 for x < -3, (2x + 3) / 6 for -3 <= x <= 3, 1 for x > 3.

    Example
    -------
    >>> y = glassnet.nn.Hardswish()(glassnet.randn(4))
    """

    def forward(self, input: Tensor) -> Tensor:
        return A.hardswish(input)


class LogSigmoid(Module):
    """LogSigmoid(x) = ln sigma(x) = -softplus(-x), finite for every x.

    Derivative: 1 - sigma(x) = sigma(-x).

    Example
    -------
    >>> y = glassnet.nn.LogSigmoid()(glassnet.tensor([-1e4, 0.0]))
    """

    def forward(self, input: Tensor) -> Tensor:
        return A.logsigmoid(input)


class Softmax(Module):
    """Softmax(x)_i = e^(x_i) / sum_j e^(x_j) along `dim`: non-negative, summing to 1.

    Derivative (a Jacobian, since every output depends on every input):
    ds_i/dx_j = s_i ([i = j] - s_j).

    Parameters
    ----------
    dim : int, optional
        The axis that sums to 1 (PyTorch's implicit choice when None).

    Example
    -------
    >>> p = glassnet.nn.Softmax(dim=1)(glassnet.randn(2, 3))
    """

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:
        return A.softmax(input, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class LogSoftmax(Softmax):
    """LogSoftmax(x)_i = x_i - ln sum_j e^(x_j) along `dim`, computed in one stable pass.

    Derivative (Jacobian): d y_i / d x_j = [i = j] - softmax(x)_j.

    Parameters
    ----------
    dim : int, optional
        The class axis.

    Example
    -------
    >>> logp = glassnet.nn.LogSoftmax(dim=1)(glassnet.randn(2, 3))
    """

    def forward(self, input: Tensor) -> Tensor:
        return A.log_softmax(input, self.dim)


class Step(Module):
    """The Heaviside step of Rosenblatt's perceptron: 1 for x >= 0, 0 otherwise.

    Derivative: 0 wherever it exists (it jumps at 0): no gradient passes, which is why the
    perceptron learns with its own error-correction rule, not by backpropagation.

    Example
    -------
    >>> glassnet.nn.Step()(glassnet.tensor([-0.5, 0.0, 2.0]))
    tensor([0., 1., 1.])
    """

    def forward(self, input: Tensor) -> Tensor:
        return A.step(input)


class Sign(Module):
    """The bipolar step (the perceptron's sign unit): +1 for x >= 0, -1 otherwise.

    Unlike `glassnet.sign` it is never 0, so every input gets a class.
    Derivative: 0 wherever it exists, as for Step.

    Example
    -------
    >>> glassnet.nn.Sign()(glassnet.tensor([-0.5, 0.0, 2.0]))
    tensor([-1.,  1.,  1.])
    """

    def forward(self, input: Tensor) -> Tensor:
        return A.bipolar_step(input)
