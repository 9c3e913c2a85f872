"""GELU's float32 kernel: Phi(x) by a rational function of x^2 (no exp), worked through the
input in cache-sized chunks. Plain versions: `reference_nn.gelu_forward` / `gelu_backward`.

scipy's erfc evaluates each element in double (~5x slower) and NumPy's float32 exp costs as much
as 15-20 cheap passes, so Phi is ~26 cheap passes: Horner steps of two degree-5 polynomials."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from glassnet.kernels.cache import workspace
from glassnet.kernels.simd import against_rows, clip

CHUNK = 1 << 16  # elements: the few scratch buffers of a chunk stay in cache between passes
INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)

# Phi(x) - 1/2 = x P(x^2) / Q(x^2), P and Q of degree 5 (constant term first), fitted for
# glassnet by least squares with Lawson reweighting on Chebyshev nodes of [0, 4 sqrt 2] (fit
# error 1.1e-8; float32 rounding brings it to ~2.6e-7). Just beyond 4 sqrt 2, where Phi's tail
# is below 1e-8, x P / Q passes 1/2 and keeps growing (6.3e-7 above 1/2 at x = 6).
PHI_P = (0.39894221302075716, 0.03469259951155897, 0.0047259376968724455,
         0.00017694393553519607, 6.365126905628947e-06, 2.1819890325125435e-08)  # fmt: skip
PHI_Q = (1.0, 0.25362702999599845, 0.029119345321896598, 0.0019305842969393411,
         7.602562446016505e-05, 1.171322548782286e-06)  # fmt: skip
PHI_CLAMP = 6.0
# The same ratio with Q scaled to leading coefficient 1 (and P alike), so that Horner's first
# step for Q is one addition instead of a product and an addition
PHI_P_SCALED = tuple(c / PHI_Q[-1] for c in PHI_P)
PHI_Q_MONIC = tuple(c / PHI_Q[-1] for c in PHI_Q)


def forward_float32(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(Phi(x), x Phi(x)) of a float32 x, chunk by chunk (the product made while the chunk is
    in cache)."""
    with np.errstate(over="ignore"):  # x^2 of a huge x: inf, clamped to 36
        return in_chunks(_forward_chunk, x, outputs=2)


def backward(x: np.ndarray, cdf: np.ndarray, gy: np.ndarray) -> np.ndarray:
    """gy (Phi(x) + x phi(x)), given cdf = Phi(x), chunk by chunk."""
    with np.errstate(over="ignore"):  # x^2 of a huge x: inf, and e^-inf = 0
        return in_chunks(_backward_chunk, x, cdf, gy)


def _forward_chunk(x: np.ndarray, cdf: np.ndarray, y: np.ndarray) -> None:
    cdf_float32(x, cdf)
    np.multiply(x, cdf, out=y)


def _backward_chunk(x: np.ndarray, cdf: np.ndarray, gy: np.ndarray, out: np.ndarray) -> None:
    """out = gy (Phi(x) + x phi(x)), pass by pass in the one buffer."""
    np.multiply(x, x, out=out)
    out *= -0.5
    np.exp(out, out=out)
    out *= x
    out *= INV_SQRT_2PI
    out += cdf
    out *= gy


def in_chunks(
    fn: Callable, *arrays: np.ndarray, outputs: int = 1
) -> np.ndarray | tuple[np.ndarray, ...]:
    """fn(*slices, *output slices) over consecutive chunks of the flattened arrays (all of one
    shape), into `outputs` new arrays of that shape (one is returned bare, more as a tuple): a
    long chain of elementwise passes then reads cache rather than memory (2-3x faster at 1e6
    elements)."""
    flat = [np.ravel(a) for a in arrays]
    outs = [np.empty_like(flat[0]) for _ in range(outputs)]
    for i in range(0, flat[0].size, CHUNK):
        fn(*(a[i : i + CHUNK] for a in flat), *(o[i : i + CHUNK] for o in outs))
    shaped = tuple(o.reshape(arrays[0].shape) for o in outs)
    return shaped[0] if outputs == 1 else shaped


def cdf_float32(x: np.ndarray, out: np.ndarray) -> None:
    """out = Phi(x) for a 1-D float32 x of at most CHUNK numbers, in ~26 passes over one chunk
    and no exp:

        h = x P(t) / Q(t),  t = min(x^2, 36),   Phi(x) = 1/2 + h clipped to [-1/2, 1/2].

    Beyond |x| = 6, t stays at 36, so |h| = |x| P(36) / Q(36) > 1/2 and the clip gives Phi
    exactly 0 or 1 (from |x| ~ 5.7 on, as float32's erf saturates), so x Phi(x) stays exact
    for huge |x|. Absolute error <= 3e-7, like PyTorch's float32 1/2 (1 + erf(x / sqrt 2)); in
    the far left tail both give 0 where Phi < ~1e-7 (float64 GELU keeps the exact tail).
    P is evaluated in `out` itself and t and Q in two cached scratch chunks: no allocation per
    chunk (A/B: 2-4% faster than three new arrays per chunk)."""
    n = x.size
    t = workspace("gelu_t", (CHUNK,), x.dtype)[:n]
    q = workspace("gelu_q", (CHUNK,), x.dtype)[:n]
    np.multiply(x, x, out=t)
    against_rows(np.minimum, t, PHI_CLAMP * PHI_CLAMP, t)
    p = out  # Horner: P(t) = p0 + t (p1 + t (p2 + ...))
    np.multiply(t, PHI_P_SCALED[-1], out=p)
    p += PHI_P_SCALED[-2]
    for k in PHI_P_SCALED[-3::-1]:
        p *= t
        p += k
    np.add(t, PHI_Q_MONIC[-2], out=q)
    for k in PHI_Q_MONIC[-3::-1]:
        q *= t
        q += k
    p /= q
    p *= x
    clip(p, -0.5, 0.5, p)
    p += 0.5
