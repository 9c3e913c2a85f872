"""The fuzz table of every loss: `glassnet.nn.functional.*_loss` and the `glassnet.nn.*Loss`
modules, each against torch, with `reduction` drawn from 'mean', 'sum' and 'none'."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
import torch.nn.functional as TF
from hypothesis import strategies as st

import glassnet.nn as gnn
import glassnet.nn.functional as F
from tests.fuzz.harness import Case, Spec, arrays, broadcastable, shapes
from tests.fuzz.table_nn import MOSTLY_F32

REDUCTIONS = st.sampled_from(["mean", "sum", "none", "mean"])


@st.composite
def _pair(draw, target_dtypes: Any = None, low: float | None = None):
    """(input, target) of the same shape (mostly), values anywhere or in [0, 1]."""
    x = draw(arrays(dtypes=MOSTLY_F32))
    y = draw(arrays(shape=draw(broadcastable(x.shape)), dtypes=target_dtypes or [str(x.dtype)]))
    if low is not None:  # probabilities: squash into (0, 1), a few values pushed out of range
        x = 1 / (1 + np.exp(-x.astype(np.float64))).astype(x.dtype)
        y = np.clip(np.abs(y), 0, 1).astype(y.dtype)
        if draw(st.integers(0, 5)) == 0 and y.size:
            y.reshape(-1)[0] = draw(st.sampled_from([2.0, -0.5]))
    return Case((x, y), {"reduction": draw(REDUCTIONS)})


@st.composite
def _classes(draw, probabilities: bool = True):
    """(scores, target): (N, C), (C,) or (N, C, d) scores; class indices (some out of range or
    ignore_index) or, for cross-entropy, class probabilities."""
    c = draw(st.integers(0, 4))
    shape = draw(st.sampled_from([(2, c), (c,), (2, c, 2), (0, c)]))
    x = draw(arrays(shape=shape, dtypes=MOSTLY_F32))
    t_shape = shape[:1] + shape[2:] if len(shape) > 1 else ()
    if probabilities and draw(st.integers(0, 3)) == 0:
        y = draw(arrays(shape=shape, dtypes=[str(x.dtype)]))
        y = np.abs(y)
    else:
        rng = np.random.default_rng(draw(st.integers(0, 99)))
        lo, hi = (0, max(c, 1)) if draw(st.integers(0, 4)) else (-1, c + 1)
        y = rng.integers(lo, hi, t_shape)
        if y.size and draw(st.integers(0, 4)) == 0:
            y.reshape(-1)[0] = -100  # ignore_index
    return Case((x, y), {"reduction": draw(REDUCTIONS)})


@st.composite
def _gaussian(draw):
    case = draw(_pair())
    x, y = case.args
    var = np.abs(draw(arrays(shape=x.shape, dtypes=[str(x.dtype)])))
    if draw(st.integers(0, 5)) == 0 and var.size:
        var.reshape(-1)[0] = -1.0
    return Case((x, y, var), case.kwargs)


@st.composite
def _cosine(draw):
    n, d = draw(st.integers(0, 3)), draw(st.integers(0, 3))
    x1 = draw(arrays(shape=(n, d), dtypes=MOSTLY_F32))
    x2 = draw(
        arrays(shape=draw(st.sampled_from([(n, d), (n, d), (d,), (n, d + 1)])), dtypes=["float32"])
    )
    y = np.random.default_rng(draw(st.integers(0, 99))).choice([-1, 1], size=(n,))
    return Case((x1, x2, y), {"reduction": draw(REDUCTIONS)})


@st.composite
def _signs(draw):
    x = draw(arrays(dtypes=MOSTLY_F32))
    y = np.random.default_rng(draw(st.integers(0, 99))).choice([-1.0, 1.0], size=x.shape)
    if draw(st.integers(0, 5)) == 0 and y.size:
        y.reshape(-1)[0] = 0.5
    return Case((x, y.astype(np.float32)), {"reduction": draw(REDUCTIONS)})


@st.composite
def _kl(draw):
    x = draw(arrays(shape=draw(shapes(min_dims=1)), dtypes=MOSTLY_F32))
    y = np.abs(draw(arrays(shape=x.shape, dtypes=[str(x.dtype)])))
    kwargs = {"reduction": draw(st.sampled_from(["mean", "sum", "none", "batchmean"]))}
    return Case((x, y), kwargs)


def _torch_hinge(x, y, reduction="mean"):
    loss = torch.clamp(1 - x * y.detach().to(x.dtype), min=0)  # labels: no gradient
    return {"mean": loss.mean, "sum": loss.sum}.get(reduction, lambda: loss)()


def _module(name: str):
    """Call glassnet.nn.<name>(reduction=...) / torch.nn.<name>(...) on the inputs."""

    def call(lib: Any):
        return lambda *args, reduction="mean": getattr(lib, name)(reduction=reduction)(*args)

    return call(gnn), call(torch.nn)


# name of the F function, its torch twin, the module's name, and the cases
LOSSES = [
    ("mse_loss", TF.mse_loss, "MSELoss", _pair()),
    ("l1_loss", TF.l1_loss, "L1Loss", _pair()),
    ("huber_loss", TF.huber_loss, "HuberLoss", _pair()),
    ("smooth_l1_loss", TF.smooth_l1_loss, "SmoothL1Loss", _pair()),
    ("binary_cross_entropy", TF.binary_cross_entropy, "BCELoss", _pair(low=0.0)),
    (
        "binary_cross_entropy_with_logits",
        TF.binary_cross_entropy_with_logits,
        "BCEWithLogitsLoss",
        _pair(),
    ),
    ("cross_entropy", TF.cross_entropy, "CrossEntropyLoss", _classes()),
    ("nll_loss", TF.nll_loss, "NLLLoss", _classes(probabilities=False)),
    ("kl_div", TF.kl_div, "KLDivLoss", _kl()),
    ("gaussian_nll_loss", TF.gaussian_nll_loss, "GaussianNLLLoss", _gaussian()),
    ("cosine_embedding_loss", TF.cosine_embedding_loss, "CosineEmbeddingLoss", _cosine()),
    ("hinge_embedding_loss", TF.hinge_embedding_loss, "HingeEmbeddingLoss", _signs()),
    ("hinge_loss", _torch_hinge, "HingeLoss", _signs()),
]
HINGE_NOTE = "not in torch: compared with max(0, 1 - y x) written in torch"

SPECS = (
    [
        Spec(
            f"F.{name}",
            getattr(F, name),
            t,
            cases,
            huge=False,
            note=HINGE_NOTE * (t is _torch_hinge),
        )
        for name, t, _, cases in LOSSES
    ]
    + [
        Spec(f"nn.{module}", *_module(module), cases, huge=False)
        for _, t, module, cases in LOSSES
        if t is not _torch_hinge
    ]
    + [
        Spec(
            "nn.HingeLoss",
            lambda *a, reduction: gnn.HingeLoss(reduction=reduction)(*a),
            _torch_hinge,
            _signs(),
            huge=False,
            note=HINGE_NOTE,
        )
    ]
)
