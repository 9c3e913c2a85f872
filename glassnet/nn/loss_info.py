"""The loss registry: every loss's formula, gradient and when to choose it, with `fn` and
`derivative` on NumPy arrays, for explanations and charts.

`LOSSES` maps a canonical name ('mse', 'cross_entropy', ...) to a `LossInfo`; it is the one list
of losses that `glassnet explain NAME` and the loss charts read. `fn` returns the unreduced loss
terms and `derivative` the gradient of their sum with respect to the first argument (the
prediction), both computed by the very functions training uses (`glassnet.nn.functional`).

Example
-------
>>> info = glassnet.nn.loss_info.describe("huber")
>>> info.fn(np.array([0.5, 3.0]), np.zeros(2))
array([0.125, 2.5  ])
>>> info.derivative(np.array([0.5, 3.0]), np.zeros(2))
array([0.5, 1. ])
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from glassnet._suggest import did_you_mean
from glassnet.ops import loss as L
from glassnet.tensor import Tensor


@dataclass(frozen=True)
class LossInfo:
    """What one loss computes and when to choose it.

    Attributes
    ----------
    name : str
        Canonical name (the key in LOSSES).
    module, functional : str
        The class in `glassnet.nn` and the function in `glassnet.nn.functional`.
    formula, derivative_formula, latex : str
        The per-term loss l and its gradient with respect to the prediction, as text and LaTeX.
    when_to_use : str
        Advice: which problems it fits and what to watch out for.
    inputs : tuple of str
        What `fn` and `derivative` take, in order (the first is the prediction).
    index_target : bool
        The target holds class indices (kept integer); other arrays are taken as float64.
    """

    name: str
    module: str
    functional: str
    formula: str
    derivative_formula: str
    latex: str
    when_to_use: str
    inputs: tuple = ("input", "target")
    index_target: bool = False
    aliases: tuple = ()
    _function: Callable[..., Tensor] | None = field(default=None, repr=False, compare=False)

    def _terms(self, args: tuple, kwargs: dict, grad: bool) -> tuple[Tensor, Tensor]:
        if len(args) != len(self.inputs):
            raise TypeError(
                f"{self.name}: takes {len(self.inputs)} arrays ({', '.join(self.inputs)}), "
                f"got {len(args)}"
            )
        tensors = [Tensor(_as_array(a, self.index_target and i == 1)) for i, a in enumerate(args)]
        tensors[0].requires_grad_(grad)
        return tensors[0], self._function(*tensors, reduction="none", **kwargs)

    def fn(self, *args: Any, **kwargs: Any) -> np.ndarray:
        """The unreduced loss terms for the given arrays (reduction='none')."""
        return self._terms(args, kwargs, grad=False)[1]._data

    def derivative(self, *args: Any, **kwargs: Any) -> np.ndarray:
        """d(sum of the loss terms) / d(prediction), the prediction being the first array."""
        x, terms = self._terms(args, kwargs, grad=True)
        terms.sum().backward()
        return x.grad._data

    def __str__(self) -> str:
        return "\n".join(
            [
                f"{self.name}  (glassnet.nn.{self.module}, F.{self.functional})",
                f"  loss     l = {self.formula}",
                f"  gradient   {self.derivative_formula}",
                "",
                self.when_to_use,
            ]
        )


def _as_array(a: Any, indices: bool) -> np.ndarray:
    """Class indices as int64, everything else as float64 (precise values for tables, charts)."""
    a = np.asarray(a._data if isinstance(a, Tensor) else a)
    return a.astype(np.int64 if indices else np.float64)


_ENTRIES = [
    LossInfo(
        name="mse",
        module="MSELoss",
        functional="mse_loss",
        formula="(x - y)^2",
        derivative_formula="dl/dx = 2 (x - y)",
        latex=r"\ell = (x - y)^2",
        when_to_use=(
            "Regression (maximum likelihood under Gaussian noise). Outliers dominate it; it "
            "trains classifiers with saturating outputs poorly (use cross-entropy there)."
        ),
        _function=L.mse_loss,
    ),
    LossInfo(
        name="l1",
        module="L1Loss",
        functional="l1_loss",
        formula="|x - y|",
        derivative_formula="dl/dx = sign(x - y)",
        latex=r"\ell = |x - y|",
        when_to_use=(
            "Regression robust to outliers (it fits the median). Constant-size gradients make "
            "it converge less smoothly than MSE near the optimum."
        ),
        aliases=("mae",),
        _function=L.l1_loss,
    ),
    LossInfo(
        name="huber",
        module="HuberLoss",
        functional="huber_loss",
        formula="(x - y)^2 / 2 if |x - y| <= delta else delta (|x - y| - delta / 2)",
        derivative_formula="dl/dx = clip(x - y, -delta, delta)",
        latex=r"\ell = \tfrac12 d^2 \text{ if } |d| \le \delta \text{ else } "
        r"\delta(|d| - \tfrac12\delta)",
        when_to_use=(
            "Regression with outliers: MSE's smoothness near the target, L1's robustness far "
            "from it; delta is the error size where it switches."
        ),
        _function=L.huber_loss,
    ),
    LossInfo(
        name="smooth_l1",
        module="SmoothL1Loss",
        functional="smooth_l1_loss",
        formula="(x - y)^2 / (2 beta) if |x - y| < beta else |x - y| - beta / 2",
        derivative_formula="dl/dx = (x - y) / beta inside, sign(x - y) outside",
        latex=r"\ell = \tfrac{d^2}{2\beta} \text{ if } |d| < \beta \text{ else } "
        r"|d| - \tfrac{\beta}{2}",
        when_to_use=(
            "Huber divided by beta (slope 1 in the linear part): bounding-box regression in "
            "object detectors. beta = 0 is L1."
        ),
        _function=L.smooth_l1_loss,
    ),
    LossInfo(
        name="gaussian_nll",
        module="GaussianNLLLoss",
        functional="gaussian_nll_loss",
        formula="(ln var + (x - y)^2 / var) / 2",
        derivative_formula="dl/dx = (x - y) / var;  dl/dvar = (1/var - (x - y)^2 / var^2) / 2",
        latex=r"\ell = \tfrac12\left(\ln\sigma^2 + \tfrac{(x - y)^2}{\sigma^2}\right)",
        when_to_use=(
            "Regression where the network predicts a variance too (heteroscedastic noise): it "
            "learns where it is unsure. Keep var positive (softplus) and not too small."
        ),
        inputs=("input", "target", "var"),
        _function=L.gaussian_nll_loss,
    ),
    LossInfo(
        name="bce",
        module="BCELoss",
        functional="binary_cross_entropy",
        formula="-(y ln x + (1 - y) ln(1 - x)),  x a probability",
        derivative_formula="dl/dx = (x - y) / (x (1 - x))",
        latex=r"\ell = -\left(y \ln x + (1 - y)\ln(1 - x)\right)",
        when_to_use=(
            "Binary / multi-label targets when the model outputs probabilities. Prefer "
            "bce_with_logits on raw scores: same loss, no log of a rounded 0."
        ),
        aliases=("binary_cross_entropy",),
        _function=L.binary_cross_entropy,
    ),
    LossInfo(
        name="bce_with_logits",
        module="BCEWithLogitsLoss",
        functional="binary_cross_entropy_with_logits",
        formula="-(p y ln sigmoid(x) + (1 - y) ln(1 - sigmoid(x))),  x a logit",
        derivative_formula="dl/dx = sigmoid(x) - y   (p = 1)",
        latex=r"\ell = -\left(p\,y \ln\sigma(x) + (1 - y)\ln(1 - \sigma(x))\right)",
        when_to_use=(
            "Binary classification and multi-label problems from raw scores, numerically "
            "stable. pos_weight p > 1 favours recall on a rare positive class."
        ),
        aliases=("binary_cross_entropy_with_logits",),
        _function=L.binary_cross_entropy_with_logits,
    ),
    LossInfo(
        name="cross_entropy",
        module="CrossEntropyLoss",
        functional="cross_entropy",
        formula="-sum_c q_c ln softmax(x)_c  (q one-hot at the label, or given probabilities)",
        derivative_formula="dl/dx_c = softmax(x)_c - q_c",
        latex=r"\ell = -\sum_c q_c \ln \frac{e^{x_c}}{\sum_k e^{x_k}}",
        when_to_use=(
            "Single-label classification over C classes, from raw scores (softmax inside, "
            "stable). weight for imbalance, label_smoothing=0.1 against over-confidence, "
            "ignore_index for padding."
        ),
        index_target=True,
        aliases=("ce", "softmax_cross_entropy"),
        _function=L.cross_entropy,
    ),
    LossInfo(
        name="nll",
        module="NLLLoss",
        functional="nll_loss",
        formula="-x_y  (x log-probabilities, y the label)",
        derivative_formula="dl/dx_c = -[c = y]",
        latex=r"\ell = -x_{y}",
        when_to_use=(
            "Classification when the model already ends in log_softmax (together: "
            "cross-entropy), or with any log-probabilities."
        ),
        index_target=True,
        aliases=("negative_log_likelihood",),
        _function=L.nll_loss,
    ),
    LossInfo(
        name="kl_div",
        module="KLDivLoss",
        functional="kl_div",
        formula="t (ln t - x),  x the model's log-probabilities, t the target probabilities",
        derivative_formula="dl/dx = -t",
        latex=r"\ell = t\,(\ln t - x)",
        when_to_use=(
            "Matching a full distribution: distillation from a teacher's soft outputs, VAEs. "
            "Use reduction='batchmean' for the true KL per sample."
        ),
        aliases=("kl", "kldiv"),
        _function=L.kl_div,
    ),
    LossInfo(
        name="hinge",
        module="HingeLoss",
        functional="hinge_loss",
        formula="max(0, margin - y x),  y in {-1, +1}",
        derivative_formula="dl/dx = -y if y x < margin else 0",
        latex=r"\ell = \max(0, m - y x)",
        when_to_use=(
            "Linear classifiers: margin = 1 is the SVM (correct points with room to spare cost "
            "nothing), margin = 0 the perceptron criterion."
        ),
        aliases=("svm", "perceptron"),
        _function=L.hinge_loss,
    ),
    LossInfo(
        name="hinge_embedding",
        module="HingeEmbeddingLoss",
        functional="hinge_embedding_loss",
        formula="x if y = 1, max(0, margin - x) if y = -1  (x a distance)",
        derivative_formula="dl/dx = 1 (y = 1), -1 while x < margin (y = -1)",
        latex=r"\ell = x \text{ if } y = 1 \text{ else } \max(0, m - x)",
        when_to_use=(
            "Metric learning from a distance between two embeddings: similar pairs pulled "
            "together, dissimilar pushed at least margin apart."
        ),
        _function=L.hinge_embedding_loss,
    ),
    LossInfo(
        name="cosine_embedding",
        module="CosineEmbeddingLoss",
        functional="cosine_embedding_loss",
        formula="1 - cos(x1, x2) if y = 1, max(0, cos(x1, x2) - margin) if y = -1",
        derivative_formula=(
            "dcos/dx1 = x2 / (|x1| |x2|) - cos x1 / |x1|^2, times -1 (y = 1) or +1 (y = -1, "
            "above the margin)"
        ),
        latex=r"\ell = 1 - \cos(x_1, x_2) \text{ or } \max(0, \cos(x_1, x_2) - m)",
        when_to_use=(
            "Embeddings compared by direction (sentences, faces): align similar pairs, push "
            "dissimilar ones below a cosine margin."
        ),
        inputs=("input1", "input2", "target"),
        _function=L.cosine_embedding_loss,
    ),
]

LOSSES: dict[str, LossInfo] = {info.name: info for info in _ENTRIES}


def _key(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())


_LOOKUP: dict[str, str] = {}
for _info in _ENTRIES:
    for _alias in (_info.name, _info.module, _info.functional, *_info.aliases):
        _LOOKUP[_key(_alias)] = _info.name


def describe(name: str) -> LossInfo:
    """The registry entry of a loss, by name, class or function name, any case: 'mse',
    'MSELoss', 'mse_loss', 'CrossEntropyLoss', 'bce_with_logits'.

    Raises a ValueError listing the known names (and the closest match) for an unknown one.
    """
    if not isinstance(name, str):
        raise TypeError(f"describe: name must be a string, got {type(name).__name__}")
    found = _LOOKUP.get(_key(name))
    if found is None:
        hint = did_you_mean(name, LOSSES)
        raise ValueError(f"describe: unknown loss {name!r}{hint}; known: {', '.join(LOSSES)}")
    return LOSSES[found]
