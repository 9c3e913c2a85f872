"""In-place building blocks of the update rules, on the flat 1-D arrays: `axpy` (y += a x),
`lerp_` (an exponential moving average) and `prepare_grad` (maximize and weight decay, the
first lines of most rules). Each writes with `out=` into its arguments and allocates nothing."""

from __future__ import annotations

from typing import Any

import numpy as np


def axpy(y: np.ndarray, a: float, x: np.ndarray, tmp: np.ndarray) -> None:
    """y += a * x in place (the BLAS name), using `tmp` for the product."""
    if a == 1:
        np.add(y, x, out=y)
        return
    np.multiply(x, a, out=tmp)
    np.add(y, tmp, out=y)


def prepare_grad(
    group: dict[str, Any], p: np.ndarray, g: np.ndarray, tmp: np.ndarray, decoupled: bool = False
) -> None:
    """The shared first lines of most rules, on the gradient copy `g` in place.

    maximize:      g <- -g
    weight decay:  g <- g + weight_decay * p          (L2 penalty, `decoupled=False`)
                   p <- p * (1 - lr * weight_decay)   (decoupled, AdamW-style)
    """
    if group.get("maximize", False):
        np.negative(g, out=g)
    wd = group.get("weight_decay", 0)
    if wd != 0:
        if decoupled:
            p *= 1 - group["lr"] * wd
        else:
            axpy(g, wd, p, tmp)


def lerp_(m: np.ndarray, g: np.ndarray, weight: float, tmp: np.ndarray) -> None:
    """m <- m + weight * (g - m), i.e. beta * m + (1 - beta) * g with weight = 1 - beta."""
    np.subtract(g, m, out=tmp)
    tmp *= weight
    m += tmp
