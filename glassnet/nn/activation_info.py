"""The activation registry: every activation's formula, derivative and when to use it, with
vectorised `fn(x)` and `derivative(x)` on NumPy arrays, for explanations and charts.

`ACTIVATIONS` maps a canonical name ('relu', 'gelu_tanh', ...) to an `ActivationInfo`; this is
the one list of activations that `glassnet explain NAME` and the activation charts read.
`fn` and `derivative` call the forward and backward of the very ops the layers run
(`glassnet.ops.activation`), so what the registry shows is what training computes.

Example
-------
>>> info = glassnet.nn.activation.describe("tanh")
>>> info.derivative_formula
'1 - tanh(x)^2'
>>> info.derivative(np.array([0.0, 1.0]))
array([1.        , 0.41997434])
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from glassnet._suggest import did_you_mean
from glassnet.autograd.function import Op
from glassnet.ops import activation as A


@dataclass(frozen=True)
class ActivationInfo:
    """What one activation computes and when to choose it.

    Attributes
    ----------
    name : str
        Canonical name (the key in ACTIVATIONS).
    module : str
        The layer's class in `glassnet.nn` (with `module_kwargs`, e.g. GELU(approximate='tanh')).
    functional : str
        The function in `glassnet.nn.functional`.
    formula, derivative_formula : str
        Plain-text math: f(x) and f'(x).
    latex, derivative_latex : str
        The same in LaTeX.
    when_to_use : str
        Advice: where it shines, what to watch out for.
    params : dict
        Hyper-parameters and their defaults (what `fn` and `derivative` use unless overridden).
    """

    name: str
    module: str
    functional: str
    formula: str
    derivative_formula: str
    latex: str
    derivative_latex: str
    when_to_use: str
    params: dict = field(default_factory=dict)
    module_kwargs: dict = field(default_factory=dict)
    aliases: tuple = ()
    _op: Callable[..., tuple] | None = field(default=None, repr=False, compare=False)

    def fn(self, x: Any, **params: Any) -> np.ndarray:
        """f(x), elementwise (softmax and log_softmax along the last axis)."""
        return self._op(_as_float(x), **{**self.params, **params})[0]

    def derivative(self, x: Any, **params: Any) -> np.ndarray:
        """f'(x), elementwise; for softmax and log_softmax the Jacobian along the last axis,
        shape (..., C, C) with [..., i, j] = d f_i / d x_j."""
        return self._op(_as_float(x), **{**self.params, **params})[1]

    def __str__(self) -> str:
        lines = [
            f"{self.name}  (glassnet.nn.{self.module}, F.{self.functional})",
            f"  f(x)  = {self.formula}",
            f"  f'(x) = {self.derivative_formula}",
        ]
        if self.params:
            lines.append("  parameters: " + ", ".join(f"{k}={v}" for k, v in self.params.items()))
        return "\n".join(lines + ["", self.when_to_use])


def _as_float(x: Any) -> np.ndarray:
    x = np.asarray(x)
    return x if x.dtype.kind == "f" else x.astype(np.float64)


def _run(op: type[Op], x: np.ndarray, **params: Any) -> tuple[np.ndarray, np.ndarray]:
    """Forward and backward (with gy = 1) of an elementwise op: f(x) and f'(x)."""
    ctx = op()
    ctx.needs_input_grad = (True,)
    y = op.forward(ctx, x, **params)
    return y, op.backward(ctx, np.ones_like(y))


def _elementwise(op: type[Op], **fixed: Any) -> Callable[..., tuple]:
    return lambda x, **params: _run(op, x, **fixed, **params)


def _prelu(x: np.ndarray, weight: float) -> tuple[np.ndarray, np.ndarray]:
    ctx = A.Prelu()
    ctx.needs_input_grad = (True, False)
    y = A.Prelu.forward(ctx, x, np.asarray([weight], dtype=x.dtype))
    return y, A.Prelu.backward(ctx, np.ones_like(y))[0]


def _softmax_jacobian(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    s = A.Softmax.forward(A.Softmax(), x, axis=-1)
    jac = s[..., :, None] * (np.eye(s.shape[-1], dtype=s.dtype) - s[..., None, :])
    return s, jac  # d s_i / d x_j = s_i ([i = j] - s_j)


def _log_softmax_jacobian(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    y = A.LogSoftmax.forward(A.LogSoftmax(), x, axis=-1)
    s = np.exp(y)
    jac = np.eye(s.shape[-1], dtype=s.dtype) - s[..., None, :]
    return y, np.broadcast_to(jac, s.shape + s.shape[-1:]).copy()  # [i = j] - s_j


_ENTRIES = [
    ActivationInfo(
        name="sigmoid",
        module="Sigmoid",
        functional="sigmoid",
        formula="1 / (1 + exp(-x))",
        derivative_formula="sigmoid(x) (1 - sigmoid(x))",
        latex=r"\sigma(x) = \frac{1}{1 + e^{-x}}",
        derivative_latex=r"\sigma'(x) = \sigma(x)\,(1 - \sigma(x))",
        when_to_use=(
            "Output layer for binary or multi-label probabilities (better: keep logits and use "
            "BCEWithLogitsLoss), and gates in LSTMs/GRUs. Avoid in hidden layers of deep nets: "
            "its slope is at most 1/4 and vanishes for |x| > 5, and its output is not centred."
        ),
        _op=_elementwise(A.Sigmoid),
    ),
    ActivationInfo(
        name="tanh",
        module="Tanh",
        functional="tanh",
        formula="(exp(x) - exp(-x)) / (exp(x) + exp(-x))",
        derivative_formula="1 - tanh(x)^2",
        latex=r"\tanh(x) = \frac{e^{x} - e^{-x}}{e^{x} + e^{-x}}",
        derivative_latex=r"\tanh'(x) = 1 - \tanh^2(x)",
        when_to_use=(
            "Zero-centred squashing to (-1, 1): RNN cells, small MLPs, outputs that must be "
            "bounded. Slope 1 at 0 but it saturates (vanishing gradients) for |x| > 3, so deep "
            "feed-forward nets prefer ReLU-like units."
        ),
        _op=_elementwise(A.Tanh),
    ),
    ActivationInfo(
        name="relu",
        module="ReLU",
        functional="relu",
        formula="max(0, x)",
        derivative_formula="1 if x > 0 else 0",
        latex=r"\mathrm{ReLU}(x) = \max(0, x)",
        derivative_latex=r"\mathrm{ReLU}'(x) = [x > 0]",
        when_to_use=(
            "The default for hidden layers of MLPs and CNNs: cheap, no saturation for x > 0, "
            "sparse activations. Pair with Kaiming (He) initialisation. Units stuck at x < 0 get "
            "no gradient ('dying ReLU'); LeakyReLU or a lower learning rate helps."
        ),
        _op=_elementwise(A.Relu),
    ),
    ActivationInfo(
        name="leaky_relu",
        module="LeakyReLU",
        functional="leaky_relu",
        formula="x if x > 0 else negative_slope * x",
        derivative_formula="1 if x > 0 else negative_slope",
        latex=r"\mathrm{LeakyReLU}(x) = \max(0, x) + a \min(0, x)",
        derivative_latex=r"1 \text{ if } x > 0 \text{ else } a",
        when_to_use=(
            "A ReLU whose negative side keeps a small slope (0.01; 0.2 in GANs), so no unit dies. "
            "Use when many ReLU units go silent, and in GAN discriminators."
        ),
        params={"negative_slope": 0.01},
        _op=_elementwise(A.LeakyRelu),
    ),
    ActivationInfo(
        name="prelu",
        module="PReLU",
        functional="prelu",
        formula="x if x > 0 else a * x  (a learned)",
        derivative_formula="df/dx = 1 if x > 0 else a;  df/da = 0 if x > 0 else x",
        latex=r"\mathrm{PReLU}(x) = \max(0, x) + a \min(0, x)",
        derivative_latex=r"\partial_x = [x > 0] + a [x \le 0], \quad \partial_a = x [x \le 0]",
        when_to_use=(
            "LeakyReLU with the slope learned per channel (He et al., 2015): a small gain for "
            "deep CNNs at the cost of one parameter per channel. Do not apply weight decay to a."
        ),
        params={"weight": 0.25},
        _op=_prelu,
    ),
    ActivationInfo(
        name="relu6",
        module="ReLU6",
        functional="relu6",
        formula="min(max(0, x), 6)",
        derivative_formula="1 if 0 < x < 6 else 0",
        latex=r"\mathrm{ReLU6}(x) = \min(\max(0, x), 6)",
        derivative_latex=r"[0 < x < 6]",
        when_to_use=(
            "A ReLU capped at 6, whose bounded range suits low-precision / quantised inference "
            "(MobileNet). Otherwise behaves like ReLU."
        ),
        _op=_elementwise(A.Hardtanh, min_val=0.0, max_val=6.0),
    ),
    ActivationInfo(
        name="hardtanh",
        module="Hardtanh",
        functional="hardtanh",
        formula="min(max(x, min_val), max_val)",
        derivative_formula="1 if min_val < x < max_val else 0",
        latex=r"\mathrm{Hardtanh}(x) = \min(\max(x, a), b)",
        derivative_latex=r"[a < x < b]",
        when_to_use=(
            "A cheap piecewise-linear tanh: bounded outputs with slope 1 inside the range. "
            "Gradient is exactly 0 outside, so units can get stuck there."
        ),
        params={"min_val": -1.0, "max_val": 1.0},
        _op=_elementwise(A.Hardtanh),
    ),
    ActivationInfo(
        name="elu",
        module="ELU",
        functional="elu",
        formula="x if x > 0 else alpha * (exp(x) - 1)",
        derivative_formula="1 if x > 0 else alpha * exp(x)",
        latex=r"\mathrm{ELU}(x) = x \text{ if } x > 0 \text{ else } \alpha (e^{x} - 1)",
        derivative_latex=r"1 \text{ if } x > 0 \text{ else } \alpha e^{x}",
        when_to_use=(
            "Smooth ReLU alternative whose negative outputs push mean activations toward 0, "
            "which can speed up learning (Clevert et al., 2015). Costs an exp per element."
        ),
        params={"alpha": 1.0},
        _op=_elementwise(A.Elu, scale=1.0),
    ),
    ActivationInfo(
        name="selu",
        module="SELU",
        functional="selu",
        formula="scale * (x if x > 0 else alpha * (exp(x) - 1)), alpha=1.6733, scale=1.0507",
        derivative_formula="scale if x > 0 else scale * alpha * exp(x)",
        latex=r"\mathrm{SELU}(x) = \lambda (x \text{ if } x > 0 \text{ else } \alpha(e^{x} - 1))",
        derivative_latex=r"\lambda \text{ if } x > 0 \text{ else } \lambda \alpha e^{x}",
        when_to_use=(
            "Self-normalising MLPs: with LeCun-normal init (kaiming_normal_, "
            "nonlinearity='linear') and AlphaDropout, activations keep mean 0 / variance 1 "
            "without BatchNorm. Loses that property with other inits or architectures."
        ),
        _op=_elementwise(A.Elu, alpha=A.SELU_ALPHA, scale=A.SELU_SCALE),
    ),
    ActivationInfo(
        name="celu",
        module="CELU",
        functional="celu",
        formula="max(0, x) + min(0, alpha * (exp(x / alpha) - 1))",
        derivative_formula="1 if x > 0 else exp(x / alpha)",
        latex=r"\mathrm{CELU}(x) = \max(0, x) + \min(0, \alpha (e^{x/\alpha} - 1))",
        derivative_latex=r"1 \text{ if } x > 0 \text{ else } e^{x/\alpha}",
        when_to_use=(
            "ELU reparametrised so its derivative is continuous at 0 for every alpha "
            "(Barron, 2017). Use where ELU fits and alpha != 1 is wanted."
        ),
        params={"alpha": 1.0},
        _op=_elementwise(A.Celu),
    ),
    ActivationInfo(
        name="gelu",
        module="GELU",
        functional="gelu",
        formula="x * Phi(x),  Phi(x) = (1 + erf(x / sqrt(2))) / 2",
        derivative_formula="Phi(x) + x * phi(x),  phi(x) = exp(-x^2 / 2) / sqrt(2 pi)",
        latex=r"\mathrm{GELU}(x) = x\,\Phi(x)",
        derivative_latex=r"\Phi(x) + x\,\varphi(x)",
        when_to_use=(
            "The standard in Transformers (BERT, GPT, ViT): a smooth ReLU that weights x by the "
            "probability that a standard normal is below it. Slightly non-monotonic below -0.75."
        ),
        _op=_elementwise(A.Gelu),
    ),
    ActivationInfo(
        name="gelu_tanh",
        module="GELU",
        functional="gelu",
        formula="x / 2 * (1 + tanh(sqrt(2/pi) * (x + 0.044715 x^3)))",
        derivative_formula=(
            "(1 + t) / 2 + x / 2 * (1 - t^2) * sqrt(2/pi) * (1 + 3 * 0.044715 x^2),  t = tanh(u)"
        ),
        latex=r"\tfrac{x}{2}\left(1 + \tanh\left(\sqrt{2/\pi}\,(x + 0.044715 x^3)\right)\right)",
        derivative_latex=(
            r"\tfrac{1 + t}{2} + \tfrac{x}{2}(1 - t^2)\sqrt{2/\pi}\,(1 + 0.134145 x^2)"
        ),
        when_to_use=(
            "The tanh approximation of GELU (approximate='tanh'), used by GPT-2; pick it to "
            "match weights trained with it. Within 1e-3 of exact GELU."
        ),
        module_kwargs={"approximate": "tanh"},
        _op=_elementwise(A.GeluTanh),
    ),
    ActivationInfo(
        name="silu",
        module="SiLU",
        functional="silu",
        formula="x * sigmoid(x)",
        derivative_formula="sigmoid(x) * (1 + x * (1 - sigmoid(x)))",
        latex=r"\mathrm{SiLU}(x) = x\,\sigma(x)",
        derivative_latex=r"\sigma(x)\,(1 + x (1 - \sigma(x)))",
        when_to_use=(
            "Swish: a smooth, non-monotonic ReLU found by search (Ramachandran et al., 2017); "
            "strong in deep CNNs (EfficientNet) and in SwiGLU Transformer MLPs (LLaMA)."
        ),
        aliases=("swish",),
        _op=_elementwise(A.Silu),
    ),
    ActivationInfo(
        name="mish",
        module="Mish",
        functional="mish",
        formula="x * tanh(softplus(x))",
        derivative_formula="tanh(sp) + x * sigmoid(x) * (1 - tanh(sp)^2),  sp = softplus(x)",
        latex=r"\mathrm{Mish}(x) = x \tanh(\ln(1 + e^{x}))",
        derivative_latex=r"\tanh(s) + x\,\sigma(x)\,(1 - \tanh^2(s)),\ s = \mathrm{softplus}(x)",
        when_to_use=(
            "A smooth self-gated unit close to SiLU (Misra, 2019), used in YOLOv4; slightly "
            "more expensive. Try it where SiLU works."
        ),
        _op=_elementwise(A.Mish),
    ),
    ActivationInfo(
        name="softplus",
        module="Softplus",
        functional="softplus",
        formula="ln(1 + exp(beta x)) / beta  (x where beta x > threshold)",
        derivative_formula="sigmoid(beta x)",
        latex=r"\mathrm{Softplus}(x) = \tfrac{1}{\beta} \ln(1 + e^{\beta x})",
        derivative_latex=r"\sigma(\beta x)",
        when_to_use=(
            "A smooth ReLU that is always positive: the natural map to a positive quantity "
            "(a standard deviation, a rate). Rarely better than ReLU in hidden layers."
        ),
        params={"beta": 1.0, "threshold": 20.0},
        _op=_elementwise(A.Softplus),
    ),
    ActivationInfo(
        name="softsign",
        module="Softsign",
        functional="softsign",
        formula="x / (1 + |x|)",
        derivative_formula="1 / (1 + |x|)^2",
        latex=r"\mathrm{Softsign}(x) = \frac{x}{1 + |x|}",
        derivative_latex=r"\frac{1}{(1 + |x|)^2}",
        when_to_use=(
            "A tanh-like squashing whose tails approach +-1 polynomially, so it saturates more "
            "gently than tanh. An occasional alternative to tanh; rarely used today."
        ),
        _op=_elementwise(A.Softsign),
    ),
    ActivationInfo(
        name="hardsigmoid",
        module="Hardsigmoid",
        functional="hardsigmoid",
        formula="relu6(x + 3) / 6",
        derivative_formula="1/6 if -3 < x < 3 else 0",
        latex=r"\mathrm{Hardsigmoid}(x) = \min(\max(0, x + 3), 6) / 6",
        derivative_latex=r"\tfrac{1}{6}[-3 < x < 3]",
        when_to_use=(
            "Piecewise-linear sigmoid for cheap gates on mobile hardware (MobileNetV3 "
            "squeeze-excite). Exactly flat outside [-3, 3]."
        ),
        _op=_elementwise(A.Hardsigmoid),
    ),
    ActivationInfo(
        name="hardswish",
        module="Hardswish",
        functional="hardswish",
        formula="x * relu6(x + 3) / 6",
        derivative_formula="0 if x < -3, (2x + 3) / 6 if -3 <= x <= 3, 1 if x > 3",
        latex=r"\mathrm{Hardswish}(x) = x \, \min(\max(0, x + 3), 6) / 6",
        derivative_latex=r"0,\ \tfrac{2x + 3}{6},\ 1",
        when_to_use=(
            "Piecewise SiLU without an exp (MobileNetV3): SiLU-like accuracy at ReLU-like cost "
            "on devices where exp is slow."
        ),
        _op=_elementwise(A.Hardswish),
    ),
    ActivationInfo(
        name="logsigmoid",
        module="LogSigmoid",
        functional="logsigmoid",
        formula="ln sigmoid(x) = -softplus(-x)",
        derivative_formula="1 - sigmoid(x) = sigmoid(-x)",
        latex=r"\ln \sigma(x) = -\ln(1 + e^{-x})",
        derivative_latex=r"\sigma(-x)",
        when_to_use=(
            "Log-probabilities of a binary event from a logit, stable for any x: the building "
            "block of logistic losses (e.g. negative sampling in word2vec)."
        ),
        _op=_elementwise(A.LogSigmoid),
    ),
    ActivationInfo(
        name="softmax",
        module="Softmax",
        functional="softmax",
        formula="exp(x_i) / sum_j exp(x_j)",
        derivative_formula="d s_i / d x_j = s_i ([i = j] - s_j)  (a Jacobian)",
        latex=r"\mathrm{softmax}(x)_i = \frac{e^{x_i}}{\sum_j e^{x_j}}",
        derivative_latex=r"\frac{\partial s_i}{\partial x_j} = s_i(\delta_{ij} - s_j)",
        when_to_use=(
            "Turns scores into a probability distribution over classes (output layer) or "
            "attention weights. For training a classifier, feed the raw logits to "
            "CrossEntropyLoss instead, which applies log-softmax stably itself."
        ),
        module_kwargs={"dim": -1},
        _op=lambda x: _softmax_jacobian(x),
    ),
    ActivationInfo(
        name="log_softmax",
        module="LogSoftmax",
        functional="log_softmax",
        formula="x_i - ln sum_j exp(x_j)",
        derivative_formula="d y_i / d x_j = [i = j] - softmax(x)_j  (a Jacobian)",
        latex=r"\log\mathrm{softmax}(x)_i = x_i - \log \sum_j e^{x_j}",
        derivative_latex=r"\frac{\partial y_i}{\partial x_j} = \delta_{ij} - \mathrm{softmax}(x)_j",
        when_to_use=(
            "Log-probabilities over classes, computed without underflow; pair with NLLLoss "
            "(together they are CrossEntropyLoss)."
        ),
        module_kwargs={"dim": -1},
        _op=lambda x: _log_softmax_jacobian(x),
    ),
    ActivationInfo(
        name="step",
        module="Step",
        functional="step",
        formula="1 if x >= 0 else 0",
        derivative_formula="0 (undefined at x = 0, where it jumps)",
        latex=r"H(x) = [x \ge 0]",
        derivative_latex=r"H'(x) = 0 \ (x \ne 0)",
        when_to_use=(
            "Rosenblatt's perceptron threshold unit: a hard yes/no decision. Its derivative is "
            "0, so gradient descent cannot train through it; the perceptron rule "
            "w <- w + lr (y - y_hat) x does. Use sigmoid/tanh to make a trainable version."
        ),
        aliases=("heaviside",),
        _op=_elementwise(A.Step, low=0),
    ),
    ActivationInfo(
        name="sign",
        module="Sign",
        functional="bipolar_step",
        formula="+1 if x >= 0 else -1",
        derivative_formula="0 (undefined at x = 0, where it jumps)",
        latex=r"\mathrm{sign}(x) = +1 \text{ if } x \ge 0 \text{ else } -1",
        derivative_latex=r"0 \ (x \ne 0)",
        when_to_use=(
            "The perceptron's output for labels in {-1, +1} (and the linear SVM's decision). "
            "Zero gradient, as for the step; its smooth counterpart is tanh."
        ),
        aliases=("bipolar_step", "signum"),
        _op=_elementwise(A.Step, low=-1),
    ),
]

ACTIVATIONS: dict[str, ActivationInfo] = {info.name: info for info in _ENTRIES}


def _key(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())


_LOOKUP: dict[str, str] = {}
for _info in _ENTRIES:
    for _alias in (_info.name, *_info.aliases):
        _LOOKUP[_key(_alias)] = _info.name
    if not _info.module_kwargs or _info.name in ("softmax", "log_softmax"):
        _LOOKUP.setdefault(_key(_info.module), _info.name)


def describe(name: str) -> ActivationInfo:
    """The registry entry of an activation, by its name, layer or function name, any case:
    'relu', 'ReLU', 'leaky_relu', 'LeakyReLU', 'gelu_tanh', 'swish'.

    Raises a ValueError listing the known names (and the closest match) for an unknown one.
    """
    if not isinstance(name, str):
        raise TypeError(f"describe: name must be a string, got {type(name).__name__}")
    found = _LOOKUP.get(_key(name))
    if found is None:
        hint = did_you_mean(name, ACTIVATIONS)
        raise ValueError(
            f"describe: unknown activation {name!r}{hint}; known: {', '.join(ACTIVATIONS)}"
        )
    return ACTIVATIONS[found]
