"""`glassnet explain NAME`: the formula, derivative or update rule, and advice, for any
activation, loss or optimizer, with a chart.

Activations and losses come from their registries (`glassnet.nn.activation_info`,
`glassnet.nn.loss_info`), whose `fn`/`derivative` run the same ops training runs. Optimizers are
explained by their own docstrings (the update rule and PyTorch's algorithm block) and drawn by
running them on two test surfaces (`glassnet.viz.surfaces`).
"""

from __future__ import annotations

import inspect
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from glassnet.viz._figure import chart_style, save, subplots

OPTIMIZER_ADVICE = {
    "sgd": "The baseline. With momentum 0.9 (and a learning-rate schedule) it is still what "
    "trains the best image classifiers; without momentum it crawls along ravines. "
    "Needs its learning rate tuned more carefully than Adam.",
    "adam": "The default choice for most networks: per-parameter step sizes make it robust to "
    "badly scaled gradients, so it works with little tuning (lr 1e-3). Prefer AdamW when "
    "you regularise with weight decay.",
    "adamw": "Adam with decoupled weight decay: the standard for transformers and most modern "
    "training. Weight decay 0.01-0.1 with a warm-up and cosine schedule.",
    "rmsprop": "Divides by a running RMS of the gradient: good for recurrent networks and "
    "non-stationary objectives; Adam is RMSprop plus momentum and bias correction.",
    "adagrad": "Accumulates all past squared gradients, so steps only shrink: suited to sparse "
    "features (rare words, embeddings), too timid for long deep-network training.",
    "adadelta": "Adagrad without the ever-shrinking step and without a learning rate to tune "
    "(lr scales the update); rarely chosen today over Adam.",
    "adamax": "Adam with the infinity norm in place of the RMS: steadier steps when gradients "
    "have outliers; used for some embedding models.",
    "nadam": "Adam with Nesterov momentum: a slightly faster start on some problems.",
    "radam": "Adam with a rectified warm-up of the adaptive term: avoids the bad first steps that "
    "otherwise call for a learning-rate warm-up.",
    "lion": "Sign of an interpolated momentum: every coordinate moves by lr each step. Uses less "
    "memory than Adam; take lr 3-10x smaller and weight decay 3-10x larger than AdamW's.",
}


PLURALS = {"activation": "activations", "loss": "losses", "optimizer": "optimizers"}


def _variants() -> dict[str, tuple[str, dict[str, Any]]]:
    """Optimizer settings `compare-optimizers` offers under their own names ('momentum',
    'nesterov'): name -> (class name, keyword arguments)."""
    from glassnet.train.builders import optimizer_classes
    from glassnet.train.compare import CHOICES

    classes = optimizer_classes()
    return {k: (cls, kw) for k, (cls, kw, _) in CHOICES.items() if k not in classes}


@dataclass
class Explanation:
    kind: str  # "activation", "loss" or "optimizer"
    name: str
    text: str
    info: Any
    kwargs: dict[str, Any] | None = None  # an optimizer variant's settings ('momentum')


def names() -> dict[str, list[str]]:
    """Every name `explain` knows, by kind."""
    from glassnet.nn.activation_info import ACTIVATIONS
    from glassnet.nn.loss_info import LOSSES
    from glassnet.train.builders import optimizer_classes

    return {
        "activation": list(ACTIVATIONS),
        "loss": list(LOSSES),
        "optimizer": [*optimizer_classes(), *_variants()],
    }


def explain(name: str) -> Explanation:
    """Look `name` up among activations, losses and optimizers (any case, class names too)."""
    from glassnet.nn import activation_info, loss_info
    from glassnet.train.builders import optimizer_classes

    for kind, module in (("activation", activation_info), ("loss", loss_info)):
        try:
            info = module.describe(name)
        except ValueError:
            continue
        return Explanation(kind, info.name, str(info), info)
    classes = optimizer_classes()
    key = name.lower()
    if key in classes:
        return Explanation("optimizer", key, _optimizer_text(key, classes[key]), classes[key])
    variants = _variants()
    if key in variants:
        cls_name, kwargs = variants[key]
        cls = classes[cls_name.lower()]
        settings = ", ".join(f"{k}={v!r}" for k, v in kwargs.items())
        text = (
            f"{key}: {cls.__name__}({settings}), as `glassnet compare-optimizers` runs it\n\n"
            + _optimizer_text(cls_name.lower(), cls)
        )
        return Explanation("optimizer", key, text, cls, kwargs)
    from glassnet._suggest import did_you_mean

    known = [n for group in names().values() for n in group]
    hint = did_you_mean(name, known)
    raise ValueError(f"explain: unknown name {name!r}{hint}; run `glassnet explain --list`")


def _optimizer_text(key: str, cls: type) -> str:
    doc = inspect.cleandoc(cls.__doc__ or "")
    rule = doc.split("\nParameters\n")[0].rstrip()
    defaults = ", ".join(
        f"{n}={p.default!r}"
        for n, p in inspect.signature(cls).parameters.items()
        if p.default is not inspect.Parameter.empty
    )
    lines = [
        f"{cls.__name__}  (glassnet.optim.{cls.__name__})",
        "",
        rule,
        "",
        f"defaults: {defaults}",
    ]
    if key in OPTIMIZER_ADVICE:
        lines += ["", "When to use it: " + OPTIMIZER_ADVICE[key]]
    return "\n".join(lines)


# ----------------------------------------------------------------------------- charts
def plot(name: str, path: str | os.PathLike) -> Path:
    """Draw the chart of `name`: f and f' (activation), loss and gradient (loss), or paths on
    two surfaces (optimizer)."""
    e = explain(name)
    if e.kind == "activation":
        return _plot_activation(e.info, path)
    if e.kind == "loss":
        return _plot_loss(e.info, path)
    return _plot_optimizer(e.name, e.info, path, e.kwargs or {})


def _plot_activation(info: Any, path: str | os.PathLike) -> Path:
    x = np.linspace(-5, 5, 801)
    if info.name in ("softmax", "log_softmax"):
        # two classes with scores (x, 0): the first output and d output_1 / d x
        X = np.stack([x, np.zeros_like(x)], axis=1)
        y, dy = info.fn(X)[:, 0], info.derivative(X)[:, 0, 0]
        xlabel = "x  (scores (x, 0) of two classes; first output shown)"
    else:
        y, dy = info.fn(x), info.derivative(x)
        xlabel = "x"
    with chart_style():
        fig, axes = subplots(1, 2, width=10.0, height=4.0)
        for ax, values, title, color in (
            (axes[0, 0], y, f"f(x) = {info.formula}", "tab:blue"),
            (axes[0, 1], dy, f"f'(x) = {info.derivative_formula}", "tab:red"),
        ):
            ax.plot(x, values, color=color, lw=2)
            ax.axhline(0, color="black", lw=0.6)
            ax.axvline(0, color="black", lw=0.6)
            ax.set_title(_wrap(title), fontsize=9)
            ax.set_xlabel(xlabel)
        axes[0, 0].set_ylabel(f"{info.name}(x)")
        axes[0, 1].set_ylabel("derivative")
        fig.suptitle(f"Activation: {info.name}")
        return save(fig, path)


def _wrap(text: str, width: int = 60) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width)) or text


Curves = list[tuple[str, np.ndarray, np.ndarray, np.ndarray]]


def _loss_curves(info: Any) -> tuple[str, Curves]:
    """(x label, [(label, x, loss, dloss/dx)]) for one loss."""
    n = info.name
    for names, curves_of in _CURVES:
        if n in names:
            return curves_of(info)
    # a loss added to the registry later: try the elementwise form
    return _regression_curves(info)


def _regression_curves(info: Any) -> tuple[str, Curves]:
    """An elementwise loss of the prediction x against the target 0."""
    x = np.linspace(-3, 3, 601)
    zeros = np.zeros_like(x)
    return "prediction x", [("target y = 0", x, info.fn(x, zeros), info.derivative(x, zeros))]


def _gaussian_nll_curves(info: Any) -> tuple[str, Curves]:
    """The Gaussian negative log-likelihood of x against 0 for three variances."""
    x = np.linspace(-3, 3, 601)
    zeros, ones = np.zeros_like(x), np.ones_like(x)
    curves = []
    for var in (0.5, 1.0, 2.0):
        v = ones * var
        curves.append(
            (f"y = 0, var = {var}", x, info.fn(x, zeros, v), info.derivative(x, zeros, v))
        )
    return "prediction x", curves


def _binary_curves(info: Any) -> tuple[str, Curves]:
    """Binary cross-entropy of a probability (bce) or of a logit, for targets 1 and 0."""
    logits = info.name == "bce_with_logits"
    x = np.linspace(-6, 6, 601) if logits else np.linspace(0.01, 0.99, 491)
    curves = []
    for t in (1.0, 0.0):
        tt = np.full_like(x, t)
        curves.append((f"target y = {t:g}", x, info.fn(x, tt), info.derivative(x, tt)))
    return ("logit x" if logits else "predicted probability x"), curves


def _cross_entropy_curves(info: Any) -> tuple[str, Curves]:
    """Two classes, the true one's score varied against the other's 0."""
    z = np.linspace(-6, 6, 601)
    X = np.stack([z, np.zeros_like(z)], axis=1)
    t = np.zeros(len(z), dtype=np.int64)
    curves = [("true class 0", z, info.fn(X, t), info.derivative(X, t)[:, 0])]
    return "score of the true class minus the other's (2 classes)", curves


def _nll_curves(info: Any) -> tuple[str, Curves]:
    """Two classes, the true one's log-probability varied (the other's completes it to 1)."""
    lp = np.linspace(-5, -1e-3, 500)
    X = np.stack([lp, np.log1p(-np.exp(lp))], axis=1)
    t = np.zeros(len(lp), dtype=np.int64)
    curves = [("true class 0", lp, info.fn(X, t), info.derivative(X, t)[:, 0])]
    return "log-probability of the true class", curves


def _kl_div_curves(info: Any) -> tuple[str, Curves]:
    """KL divergence of a model log-probability against three target probabilities."""
    lq = np.linspace(-5, 0, 500)
    curves = []
    for t in (0.2, 0.5, 0.8):
        tt = np.full_like(lq, t)
        curves.append((f"target t = {t}", lq, info.fn(lq, tt), info.derivative(lq, tt)))
    return "model log-probability x", curves


def _hinge_curves(info: Any) -> tuple[str, Curves]:
    """Hinge losses of a score (hinge) or a distance (hinge_embedding), for y = +1 and -1."""
    score = info.name == "hinge"
    xs = np.linspace(-3, 3, 601) if score else np.linspace(0, 3, 301)
    curves = []
    for t in (1.0, -1.0):
        tt = np.full_like(xs, t)
        curves.append((f"y = {t:+g}", xs, info.fn(xs, tt), info.derivative(xs, tt)))
    return ("score x" if score else "distance x"), curves


def _cosine_embedding_curves(info: Any) -> tuple[str, Curves]:
    """x1 turned around the unit circle from x2 = (1, 0); the gradient along the circle."""
    theta = np.linspace(0, np.pi, 361)
    x1 = np.stack([np.cos(theta), np.sin(theta)], axis=1)
    x2 = np.tile([1.0, 0.0], (len(theta), 1))
    curves = []
    for t in (1.0, -1.0):
        tt = np.full(len(theta), t)
        g = info.derivative(x1, x2, tt)
        # the gradient along the circle: d l / d theta = grad . (-sin, cos)
        dtheta = -g[:, 0] * np.sin(theta) + g[:, 1] * np.cos(theta)
        curves.append((f"y = {t:+g}", theta, info.fn(x1, x2, tt), dtheta))
    return "angle between x1 and x2 (radians)", curves


_CURVES = (
    (("mse", "l1", "huber", "smooth_l1"), _regression_curves),
    (("gaussian_nll",), _gaussian_nll_curves),
    (("bce", "bce_with_logits"), _binary_curves),
    (("cross_entropy",), _cross_entropy_curves),
    (("nll",), _nll_curves),
    (("kl_div",), _kl_div_curves),
    (("hinge", "hinge_embedding"), _hinge_curves),
    (("cosine_embedding",), _cosine_embedding_curves),
)


def _plot_loss(info: Any, path: str | os.PathLike) -> Path:
    xlabel, curves = _loss_curves(info)
    with chart_style():
        fig, axes = subplots(1, 2, width=10.0, height=4.0)
        for label, x, loss, grad in curves:
            axes[0, 0].plot(x, loss, lw=2, label=label)
            axes[0, 1].plot(x, grad, lw=2, label=label)
        axes[0, 0].set_title(_wrap(f"loss l = {info.formula}"), fontsize=9)
        axes[0, 1].set_title(_wrap(f"gradient: {info.derivative_formula}"), fontsize=9)
        axes[0, 0].set_ylabel("loss")
        axes[0, 1].set_ylabel("d loss / d x")
        for ax in axes[0]:
            ax.axhline(0, color="black", lw=0.6)
            ax.set_xlabel(xlabel)
            ax.legend(loc="best")
        fig.suptitle(f"Loss: {info.name}")
        return save(fig, path)


def _plot_optimizer(
    key: str, cls: type, path: str | os.PathLike, kwargs: dict[str, Any] | None = None
) -> Path:
    from glassnet.viz.surfaces import draw_losses, draw_paths, get_surface, optimizer_paths

    kwargs = kwargs or {}
    label = f"{cls.__name__} ({key})" if kwargs else cls.__name__
    with chart_style():
        fig, axes = subplots(2, 2, width=11.0, height=8.5)
        for row, surface_name in enumerate(("quadratic", "rosenbrock")):
            surface = get_surface(surface_name)
            chosen: dict[str, Any] = {label: (cls.__name__, kwargs)}
            if cls.__name__ != "SGD" or kwargs:
                chosen["SGD (reference)"] = "SGD"
            paths = optimizer_paths(chosen, surface, steps=300)
            draw_paths(axes[row, 0], paths, surface)
            draw_losses(axes[row, 1], paths, surface)
        fig.suptitle(f"Optimizer: {label}, 300 steps from the black dot")
        return save(fig, path)
