"""Smooth and S-shaped activations: Sigmoid, Tanh, GELU, SiLU, Mish, Softplus, Softsign,
Hardsigmoid, Hardswish, LogSigmoid. Each layer's docstring holds its formula, derivative and when
to use it (the registry in `activation_info` reads them)."""

from __future__ import annotations

from glassnet.nn.activation_relu import InplaceActivation
from glassnet.nn.module import Module
from glassnet.ops import activation as A
from glassnet.tensor import Tensor


class Sigmoid(Module):
    r"""sigma(x) = 1 / (1 + e^-x), squashing x into (0, 1).

    Formula
    -------
    f(x) = 1 / (1 + exp(-x))
    f'(x) = sigmoid(x) (1 - sigmoid(x))
    LaTeX: \sigma(x) = \frac{1}{1 + e^{-x}}
    LaTeX': \sigma'(x) = \sigma(x)\,(1 - \sigma(x))

    When to use
    -----------
    Output layer for binary or multi-label probabilities (better: keep logits and use
    BCEWithLogitsLoss), and gates in LSTMs/GRUs. Avoid in hidden layers of deep nets: its slope is
    at most 1/4 and vanishes for |x| > 5, and its output is not centred.

    Example
    -------
    >>> glassnet.nn.Sigmoid()(glassnet.tensor([0.0]))
    tensor([0.5000])
    """

    def forward(self, input: Tensor) -> Tensor:
        return A.sigmoid(input)


class Tanh(Module):
    r"""tanh(x) = (e^x - e^-x) / (e^x + e^-x), in (-1, 1) and centred at 0.

    Formula
    -------
    f(x) = (exp(x) - exp(-x)) / (exp(x) + exp(-x))
    f'(x) = 1 - tanh(x)^2
    LaTeX: \tanh(x) = \frac{e^{x} - e^{-x}}{e^{x} + e^{-x}}
    LaTeX': \tanh'(x) = 1 - \tanh^2(x)

    When to use
    -----------
    Zero-centred squashing to (-1, 1): RNN cells, small MLPs, outputs that must be bounded. Slope 1
    at 0 but it saturates (vanishing gradients) for |x| > 3, so deep feed-forward nets prefer
    ReLU-like units.

    Example
    -------
    >>> y = glassnet.nn.Tanh()(glassnet.randn(4))
    """

    def forward(self, input: Tensor) -> Tensor:
        return A.tanh(input)


class GELU(Module):
    r"""GELU(x) = x Phi(x), Phi the standard normal CDF; approximate='tanh' uses
    x/2 (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).

    Formula
    -------
    f(x) = x * Phi(x),  Phi(x) = (1 + erf(x / sqrt(2))) / 2
    f'(x) = Phi(x) + x * phi(x),  phi(x) = exp(-x^2 / 2) / sqrt(2 pi)
    LaTeX: \mathrm{GELU}(x) = x\,\Phi(x)
    LaTeX': \Phi(x) + x\,\varphi(x)

    When to use
    -----------
    The standard in Transformers (BERT, GPT, ViT): a smooth ReLU that weights x by the probability
    that a standard normal is below it. Slightly non-monotonic below -0.75.

    Formula (approximate='tanh')
    ----------------------------
    f(x) = x / 2 * (1 + tanh(sqrt(2/pi) * (x + 0.044715 x^3)))
    f'(x) = (1 + t) / 2 + x / 2 * (1 - t^2) * sqrt(2/pi) * (1 + 3 * 0.044715 x^2),  t = tanh(u)
    LaTeX: \tfrac{x}{2}\left(1 + \tanh\left(\sqrt{2/\pi}\,(x + 0.044715 x^3)\right)\right)
    LaTeX': \tfrac{1 + t}{2} + \tfrac{x}{2}(1 - t^2)\sqrt{2/\pi}\,(1 + 0.134145 x^2)

    When to use (approximate='tanh')
    --------------------------------
    The tanh approximation of GELU (approximate='tanh'), used by GPT-2; pick it to match weights
    trained with it. Within 1e-3 of exact GELU.

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


class SiLU(InplaceActivation):
    r"""SiLU(x) = x sigma(x) (also called swish).

    Formula
    -------
    f(x) = x * sigmoid(x)
    f'(x) = sigmoid(x) * (1 + x * (1 - sigmoid(x)))
    LaTeX: \mathrm{SiLU}(x) = x\,\sigma(x)
    LaTeX': \sigma(x)\,(1 + x (1 - \sigma(x)))

    When to use
    -----------
    Swish: a smooth, non-monotonic ReLU found by search (Ramachandran et al., 2017); strong in deep
    CNNs (EfficientNet) and in SwiGLU Transformer MLPs (LLaMA).

    Example
    -------
    >>> y = glassnet.nn.SiLU()(glassnet.randn(4))
    """

    def forward(self, input: Tensor) -> Tensor:
        return A.silu(input)


class Mish(InplaceActivation):
    r"""Mish(x) = x tanh(softplus(x)).

    Formula
    -------
    f(x) = x * tanh(softplus(x))
    f'(x) = tanh(sp) + x * sigmoid(x) * (1 - tanh(sp)^2),  sp = softplus(x)
    LaTeX: \mathrm{Mish}(x) = x \tanh(\ln(1 + e^{x}))
    LaTeX': \tanh(s) + x\,\sigma(x)\,(1 - \tanh^2(s)),\ s = \mathrm{softplus}(x)

    When to use
    -----------
    A smooth self-gated unit close to SiLU (Misra, 2019), used in YOLOv4; slightly more expensive.
    Try it where SiLU works.

    Example
    -------
    >>> y = glassnet.nn.Mish()(glassnet.randn(4))
    """

    def forward(self, input: Tensor) -> Tensor:
        return A.mish(input)


class Softplus(Module):
    r"""Softplus(x) = (1/beta) ln(1 + e^(beta x)), a smooth ReLU; taken as x where
    beta x > threshold (where the two agree to float precision).

    Formula
    -------
    f(x) = ln(1 + exp(beta x)) / beta  (x where beta x > threshold)
    f'(x) = sigmoid(beta x)
    LaTeX: \mathrm{Softplus}(x) = \tfrac{1}{\beta} \ln(1 + e^{\beta x})
    LaTeX': \sigma(\beta x)

    When to use
    -----------
    A smooth ReLU that is always positive: the natural map to a positive quantity (a standard
    deviation, a rate). Rarely better than ReLU in hidden layers.

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
    r"""Softsign(x) = x / (1 + |x|), in (-1, 1) like tanh but with polynomial tails.

    Formula
    -------
    f(x) = x / (1 + |x|)
    f'(x) = 1 / (1 + |x|)^2
    LaTeX: \mathrm{Softsign}(x) = \frac{x}{1 + |x|}
    LaTeX': \frac{1}{(1 + |x|)^2}

    When to use
    -----------
    A tanh-like squashing whose tails approach +-1 polynomially, so it saturates more gently than
    tanh. An occasional alternative to tanh; rarely used today.

    Example
    -------
    >>> glassnet.nn.Softsign()(glassnet.tensor([1.0]))
    tensor([0.5000])
    """

    def forward(self, input: Tensor) -> Tensor:
        return A.softsign(input)


class Hardsigmoid(InplaceActivation):
    r"""Hardsigmoid(x) = relu6(x + 3) / 6: 0 below -3, 1 above 3, linear between.

    Formula
    -------
    f(x) = relu6(x + 3) / 6
    f'(x) = 1/6 if -3 < x < 3 else 0
    LaTeX: \mathrm{Hardsigmoid}(x) = \min(\max(0, x + 3), 6) / 6
    LaTeX': \tfrac{1}{6}[-3 < x < 3]

    When to use
    -----------
    Piecewise-linear sigmoid for cheap gates on mobile hardware (MobileNetV3 squeeze-excite).
    Exactly flat outside [-3, 3].

    Example
    -------
    >>> glassnet.nn.Hardsigmoid()(glassnet.tensor([0.0]))
    tensor([0.5000])
    """

    def forward(self, input: Tensor) -> Tensor:
        return A.hardsigmoid(input)


class Hardswish(InplaceActivation):
    r"""Hardswish(x) = x relu6(x + 3) / 6: a piecewise SiLU (MobileNetV3).

    Formula
    -------
    f(x) = x * relu6(x + 3) / 6
    f'(x) = 0 if x < -3, (2x + 3) / 6 if -3 <= x <= 3, 1 if x > 3
    LaTeX: \mathrm{Hardswish}(x) = x \, \min(\max(0, x + 3), 6) / 6
    LaTeX': 0,\ \tfrac{2x + 3}{6},\ 1

    When to use
    -----------
    Piecewise SiLU without an exp (MobileNetV3): SiLU-like accuracy at ReLU-like cost on devices
    where exp is slow.

    Example
    -------
    >>> y = glassnet.nn.Hardswish()(glassnet.randn(4))
    """

    def forward(self, input: Tensor) -> Tensor:
        return A.hardswish(input)


class LogSigmoid(Module):
    r"""LogSigmoid(x) = ln sigma(x) = -softplus(-x), finite for every x.

    Formula
    -------
    f(x) = ln sigmoid(x) = -softplus(-x)
    f'(x) = 1 - sigmoid(x) = sigmoid(-x)
    LaTeX: \ln \sigma(x) = -\ln(1 + e^{-x})
    LaTeX': \sigma(-x)

    When to use
    -----------
    Log-probabilities of a binary event from a logit, stable for any x: the building block of
    logistic losses (e.g. negative sampling in word2vec).

    Example
    -------
    >>> y = glassnet.nn.LogSigmoid()(glassnet.tensor([-1e4, 0.0]))
    """

    def forward(self, input: Tensor) -> Tensor:
        return A.logsigmoid(input)
