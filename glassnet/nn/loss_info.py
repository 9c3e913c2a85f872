"""The loss registry: every loss's formula, gradient and when to choose it, with `fn` and
`derivative` on NumPy arrays, for explanations and charts.

`LOSSES` maps a canonical name ('mse', 'cross_entropy', ...) to a `LossInfo`; it is the one list
of losses that `glassnet explain NAME` and the loss charts read. The formulas and advice are
not written here: each entry reads them from its layer's docstring (see
`glassnet.nn.doc_formulas`). `fn` returns the unreduced loss terms and `derivative` the gradient
of their sum with respect to the first argument (the prediction), both computed by the very
functions training uses (`glassnet.nn.functional`).

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
from glassnet.nn.doc_formulas import formula_fields
from glassnet.nn.loss_classification import (
    BCELoss,
    BCEWithLogitsLoss,
    CrossEntropyLoss,
    KLDivLoss,
    NLLLoss,
)
from glassnet.nn.loss_margin import CosineEmbeddingLoss, HingeEmbeddingLoss, HingeLoss
from glassnet.nn.loss_regression import GaussianNLLLoss, HuberLoss, L1Loss, MSELoss, SmoothL1Loss
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


def _entry(name: str, layer: type, functional: str, function: Callable, **kw: Any) -> LossInfo:
    """The registry entry of `layer`, its math read from the layer's docstring (the "Formula"
    and "When to use" sections)."""
    math = formula_fields(layer)
    return LossInfo(
        name=name,
        module=layer.__name__,
        functional=functional,
        formula=math["l ="],
        derivative_formula=math["gradient:"],
        latex=math["LaTeX:"],
        when_to_use=math["When to use"],
        _function=function,
        **kw,
    )


_ENTRIES = [
    _entry("mse", MSELoss, "mse_loss", L.mse_loss),
    _entry("l1", L1Loss, "l1_loss", L.l1_loss, aliases=("mae",)),
    _entry("huber", HuberLoss, "huber_loss", L.huber_loss),
    _entry("smooth_l1", SmoothL1Loss, "smooth_l1_loss", L.smooth_l1_loss),
    _entry(
        "gaussian_nll",
        GaussianNLLLoss,
        "gaussian_nll_loss",
        L.gaussian_nll_loss,
        inputs=("input", "target", "var"),
    ),
    _entry(
        "bce",
        BCELoss,
        "binary_cross_entropy",
        L.binary_cross_entropy,
        aliases=("binary_cross_entropy",),
    ),
    _entry(
        "bce_with_logits",
        BCEWithLogitsLoss,
        "binary_cross_entropy_with_logits",
        L.binary_cross_entropy_with_logits,
        aliases=("binary_cross_entropy_with_logits",),
    ),
    _entry(
        "cross_entropy",
        CrossEntropyLoss,
        "cross_entropy",
        L.cross_entropy,
        index_target=True,
        aliases=("ce", "softmax_cross_entropy"),
    ),
    _entry(
        "nll",
        NLLLoss,
        "nll_loss",
        L.nll_loss,
        index_target=True,
        aliases=("negative_log_likelihood",),
    ),
    _entry("kl_div", KLDivLoss, "kl_div", L.kl_div, aliases=("kl", "kldiv")),
    _entry("hinge", HingeLoss, "hinge_loss", L.hinge_loss, aliases=("svm", "perceptron")),
    _entry("hinge_embedding", HingeEmbeddingLoss, "hinge_embedding_loss", L.hinge_embedding_loss),
    _entry(
        "cosine_embedding",
        CosineEmbeddingLoss,
        "cosine_embedding_loss",
        L.cosine_embedding_loss,
        inputs=("input1", "input2", "target"),
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
