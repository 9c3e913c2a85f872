"""Textbook NumPy versions of the activation and attention kernels, written to be read: what
`simd.relu`, `gelu` and `attention` compute, without the speed. Tests hold the kernels to these.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import erfc


def relu(x: np.ndarray) -> np.ndarray:
    """max(x, 0)."""
    return np.maximum(x, 0).astype(x.dtype)


def normal_cdf(x: np.ndarray) -> np.ndarray:
    """Phi(x) = erfc(-x / sqrt 2) / 2, in float64."""
    return 0.5 * erfc(-np.asarray(x, np.float64) / math.sqrt(2.0))


def gelu_forward(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(Phi(x), x Phi(x)), in float64."""
    cdf = normal_cdf(x)
    return cdf, x * cdf


def gelu_backward(x: np.ndarray, gy: np.ndarray) -> np.ndarray:
    """gy (Phi(x) + x phi(x)),  phi(x) = e^(-x^2 / 2) / sqrt(2 pi), in float64."""
    x = np.asarray(x, np.float64)
    pdf = np.exp(-0.5 * x * x) / math.sqrt(2.0 * math.pi)
    return gy * (normal_cdf(x) + x * pdf)


def causal_mask(L: int, S: int) -> np.ndarray:
    """0 where key j <= query i, -inf where j > i."""
    i, j = np.arange(L)[:, None], np.arange(S)[None, :]
    return np.where(j <= i, 0.0, -np.inf)


def softmax(s: np.ndarray) -> np.ndarray:
    """e^s / sum e^s over the last axis; a row that is all -inf gives zeros."""
    m = s.max(axis=-1, keepdims=True)
    m = np.where(np.isneginf(m), 0.0, m)
    e = np.exp(s - m)
    total = e.sum(axis=-1, keepdims=True)
    return e / np.where(total == 0, 1.0, total)


def attention_forward(
    q: np.ndarray,
    k: np.ndarray,
    v: np.ndarray,
    mask: np.ndarray | None,
    scale: float,
    keep: np.ndarray | None,
) -> tuple[np.ndarray, np.ndarray]:
    """(O, P): S = scale Q K^T + M,  P = softmax(S),  O = (P * D) V  (D = keep, or all ones)."""
    s = scale * q @ np.swapaxes(k, -1, -2)
    if mask is not None:
        s = s + mask
    p = softmax(s)
    pd = p if keep is None else p * keep
    return pd @ v, p


def attention_backward(
    q: np.ndarray,
    k: np.ndarray,
    v: np.ndarray,
    p: np.ndarray,
    keep: np.ndarray | None,
    scale: float,
    go: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(dQ, dK, dV, dM) for O = (P * D) V, before any summing back over broadcast axes:
    dV = Pd^T gO,  gP = (gO V^T) D,  gS = P (gP - sum_keys(gP P)),  dQ = scale gS K,
    dK = scale gS^T Q,  dM = gS."""
    pd = p if keep is None else p * keep
    gv = np.swapaxes(pd, -1, -2) @ go
    gp = go @ np.swapaxes(v, -1, -2)
    if keep is not None:
        gp = gp * keep
    gs = p * (gp - (gp * p).sum(axis=-1, keepdims=True))
    return scale * gs @ k, scale * np.swapaxes(gs, -1, -2) @ q, gv, gs
