"""The ReLU family: ReLU, LeakyReLU, PReLU, Hardtanh, ReLU6, ELU, SELU, CELU (piecewise: identity
for x > 0, something flat or saturating below). Each layer's docstring holds its formula,
derivative and when to use it (the registry in `activation_info` reads them)."""

from __future__ import annotations

from typing import Any

import numpy as np

import glassnet._dtypes as _dtypes
from glassnet.nn.module import Module, Parameter
from glassnet.ops import activation as A
from glassnet.tensor import Tensor


class InplaceActivation(Module):
    """Base of the layers that take PyTorch's `inplace` flag (accepted; the output is always a
    new tensor, since backward needs the input unchanged)."""

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def extra_repr(self) -> str:
        return "inplace=True" if self.inplace else ""


class ReLU(InplaceActivation):
    r"""ReLU(x) = max(0, x).

    Formula
    -------
    f(x) = max(0, x)
    f'(x) = 1 if x > 0 else 0
    LaTeX: \mathrm{ReLU}(x) = \max(0, x)
    LaTeX': \mathrm{ReLU}'(x) = [x > 0]

    When to use
    -----------
    The default for hidden layers of MLPs and CNNs: cheap, no saturation for x > 0, sparse
    activations. Pair with Kaiming (He) initialisation. Units stuck at x < 0 get no gradient ('dying
    ReLU'); LeakyReLU or a lower learning rate helps.

    Example
    -------
    >>> glassnet.nn.ReLU()(glassnet.tensor([-1.0, 2.0]))
    tensor([0., 2.])
    """

    def forward(self, input: Tensor) -> Tensor:
        return A.relu(input)


class LeakyReLU(Module):
    r"""LeakyReLU(x) = x for x > 0, negative_slope * x otherwise.

    Formula
    -------
    f(x) = x if x > 0 else negative_slope * x
    f'(x) = 1 if x > 0 else negative_slope
    LaTeX: \mathrm{LeakyReLU}(x) = \max(0, x) + a \min(0, x)
    LaTeX': 1 \text{ if } x > 0 \text{ else } a

    When to use
    -----------
    A ReLU whose negative side keeps a small slope (0.01; 0.2 in GANs), so no unit dies. Use when
    many ReLU units go silent, and in GAN discriminators.

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
    r"""PReLU(x) = x for x > 0, a * x otherwise, with the slope `a` learned (one per channel, or
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

    Formula
    -------
    f(x) = x if x > 0 else a * x  (a learned)
    f'(x) = df/dx = 1 if x > 0 else a;  df/da = 0 if x > 0 else x
    LaTeX: \mathrm{PReLU}(x) = \max(0, x) + a \min(0, x)
    LaTeX': \partial_x = [x > 0] + a [x \le 0], \quad \partial_a = x [x \le 0]

    When to use
    -----------
    LeakyReLU with the slope learned per channel (He et al., 2015): a small gain for deep CNNs at
    the cost of one parameter per channel. Do not apply weight decay to a.

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
    r"""Hardtanh(x) = min(max(x, min_val), max_val): a piecewise-linear tanh.

    Formula
    -------
    f(x) = min(max(x, min_val), max_val)
    f'(x) = 1 if min_val < x < max_val else 0
    LaTeX: \mathrm{Hardtanh}(x) = \min(\max(x, a), b)
    LaTeX': [a < x < b]

    When to use
    -----------
    A cheap piecewise-linear tanh: bounded outputs with slope 1 inside the range. Gradient is
    exactly 0 outside, so units can get stuck there.

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


class ReLU6(InplaceActivation):
    r"""ReLU6(x) = min(max(0, x), 6): a ReLU capped at 6 (friendly to low-precision arithmetic).

    Formula
    -------
    f(x) = min(max(0, x), 6)
    f'(x) = 1 if 0 < x < 6 else 0
    LaTeX: \mathrm{ReLU6}(x) = \min(\max(0, x), 6)
    LaTeX': [0 < x < 6]

    When to use
    -----------
    A ReLU capped at 6, whose bounded range suits low-precision / quantised inference (MobileNet).
    Otherwise behaves like ReLU.

    Example
    -------
    >>> glassnet.nn.ReLU6()(glassnet.tensor([-1.0, 3.0, 9.0]))
    tensor([0., 3., 6.])
    """

    def forward(self, input: Tensor) -> Tensor:
        return A.relu6(input)


class ELU(Module):
    r"""ELU(x) = x for x > 0, alpha (e^x - 1) otherwise: smooth, saturating at -alpha.

    Formula
    -------
    f(x) = x if x > 0 else alpha * (exp(x) - 1)
    f'(x) = 1 if x > 0 else alpha * exp(x)
    LaTeX: \mathrm{ELU}(x) = x \text{ if } x > 0 \text{ else } \alpha (e^{x} - 1)
    LaTeX': 1 \text{ if } x > 0 \text{ else } \alpha e^{x}

    When to use
    -----------
    Smooth ReLU alternative whose negative outputs push mean activations toward 0, which can speed
    up learning (Clevert et al., 2015). Costs an exp per element.

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


class SELU(InplaceActivation):
    r"""SELU(x) = scale * (x for x > 0, alpha (e^x - 1) otherwise), alpha = 1.6733, scale = 1.0507.

    Formula
    -------
    f(x) = scale * (x if x > 0 else alpha * (exp(x) - 1)), alpha=1.6733, scale=1.0507
    f'(x) = scale if x > 0 else scale * alpha * exp(x)
    LaTeX: \mathrm{SELU}(x) = \lambda (x \text{ if } x > 0 \text{ else } \alpha(e^{x} - 1))
    LaTeX': \lambda \text{ if } x > 0 \text{ else } \lambda \alpha e^{x}

    When to use
    -----------
    Self-normalising MLPs: with LeCun-normal init (kaiming_normal_, nonlinearity='linear') and
    AlphaDropout, activations keep mean 0 / variance 1 without BatchNorm. Loses that property with
    other inits or architectures.

    Example
    -------
    >>> y = glassnet.nn.SELU()(glassnet.randn(4))
    """

    def forward(self, input: Tensor) -> Tensor:
        return A.selu(input)


class CELU(Module):
    r"""CELU(x) = max(0, x) + min(0, alpha (e^(x/alpha) - 1)): ELU made continuously
    differentiable for every alpha.

    Formula
    -------
    f(x) = max(0, x) + min(0, alpha * (exp(x / alpha) - 1))
    f'(x) = 1 if x > 0 else exp(x / alpha)
    LaTeX: \mathrm{CELU}(x) = \max(0, x) + \min(0, \alpha (e^{x/\alpha} - 1))
    LaTeX': 1 \text{ if } x > 0 \text{ else } e^{x/\alpha}

    When to use
    -----------
    ELU reparametrised so its derivative is continuous at 0 for every alpha (Barron, 2017). Use
    where ELU fits and alpha != 1 is wanted.

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
