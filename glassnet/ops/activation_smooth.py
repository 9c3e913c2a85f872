"""Smooth activations: elu, selu, celu, gelu (exact or tanh), silu, mish, softplus, softsign and
logsigmoid.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import erfc

from glassnet.autograd.function import Op
from glassnet.kernels import gelu as gelu_kernel
from glassnet.kernels.simd import select
from glassnet.ops._common import const, require_float, to_float
from glassnet.ops.stable_math import (
    exp_minus_abs,
    sigmoid_of,
    softplus_of,
    stable_sigmoid,
    stable_softplus,
)
from glassnet.tensor import Tensor

# ----------------------------------------------------------------------------- conventions
# Each op saves its input x and computes f'(x) in backward. Branches that would overflow for the
# side np.where discards are fed a clipped x (e.g. expm1(min(x, 0))), so |x| = 1e4 stays finite.
# Constants are Python floats: a NumPy float64 scalar would upcast a float32 array.

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946
SQRT_HALF = math.sqrt(0.5)
GELU_TANH_K = math.sqrt(2.0 / math.pi)
GELU_TANH_C = 0.044715


class Elu(Op):
    """y = x if x > 0 else a (e^x - 1).   dL/dx = gy * (1 if x > 0 else a e^x).

    SELU is scale * ELU with a = 1.6733, scale = 1.0507 (passed as `scale`)."""

    @staticmethod
    def forward(ctx, x, alpha, scale):
        ctx.save_for_backward(x)
        ctx.args = (alpha, scale)
        neg = alpha * np.expm1(np.minimum(x, 0))
        return scale * select(x > 0, x, neg)

    @staticmethod
    def backward(ctx, gy):
        (x,) = ctx.saved_tensors
        alpha, scale = ctx.args
        slope = select(x > 0, const(1, x.dtype), alpha * np.exp(np.minimum(x, 0)))
        return gy * (scale * slope)


class Celu(Op):
    """y = max(0, x) + min(0, a (e^(x/a) - 1)).   dL/dx = gy * (1 if x > 0 else e^(x/a))."""

    @staticmethod
    def forward(ctx, x, alpha):
        ctx.save_for_backward(x)
        ctx.alpha = alpha
        return select(x > 0, x, alpha * np.expm1(np.minimum(x, 0) / alpha))

    @staticmethod
    def backward(ctx, gy):
        (x,) = ctx.saved_tensors
        return gy * select(x > 0, const(1, x.dtype), np.exp(np.minimum(x, 0) / ctx.alpha))


class Gelu(Op):
    """y = x Phi(x), Phi the standard normal CDF: Phi(x) = erfc(-x / sqrt 2) / 2.
    dL/dx = gy * (Phi(x) + x phi(x)),  phi(x) = e^(-x^2 / 2) / sqrt(2 pi).

    float64 uses scipy's erfc, exact to the last digit and accurate far into the left tail.
    float32 uses a rational approximation of Phi (`kernels.gelu.cdf_float32`, no exp; scipy's
    erfc evaluates each element in double, ~5x slower), as accurate as PyTorch's float32
    1 + erf form: absolute error <= 3e-7."""

    @staticmethod
    def forward(ctx, x):
        if x.dtype == np.float32:
            cdf, y = gelu_kernel.forward_float32(x)  # Phi(x) and x Phi(x)
        else:  # float16: scipy computes erfc in float32; the result keeps x's dtype
            cdf = (0.5 * erfc(-SQRT_HALF * x)).astype(x.dtype, copy=False)
            y = x * cdf
        ctx.save_for_backward(x, cdf)  # kept: Phi is the costly part, backward reuses it
        return y

    @staticmethod
    def backward(ctx, gy):
        x, cdf = ctx.saved_tensors
        return gelu_kernel.backward(x, cdf, gy)  # gy (Phi(x) + x phi(x))


class GeluTanh(Op):
    """y = x/2 (1 + tanh u),  u = sqrt(2/pi) (x + 0.044715 x^3).
    dL/dx = gy * (1/2 (1 + tanh u) + x/2 (1 - tanh^2 u) sqrt(2/pi) (1 + 3 * 0.044715 x^2))."""

    @staticmethod
    def forward(ctx, x):
        t = np.tanh(GELU_TANH_K * (x + GELU_TANH_C * x * x * x))
        ctx.save_for_backward(x, t)
        return 0.5 * x * (1 + t)

    @staticmethod
    def backward(ctx, gy):
        x, t = ctx.saved_tensors
        du = GELU_TANH_K * (1 + 3 * GELU_TANH_C * x * x)
        return gy * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * du)


class Silu(Op):
    """y = x sigma(x) (also "swish").   dL/dx = gy * sigma(x) (1 + x (1 - sigma(x)))."""

    @staticmethod
    def forward(ctx, x):
        s = stable_sigmoid(x).astype(x.dtype, copy=False)
        ctx.save_for_backward(x, s)
        return x * s

    @staticmethod
    def backward(ctx, gy):
        x, s = ctx.saved_tensors
        return gy * (s * (1 + x * (1 - s)))


class Mish(Op):
    """y = x tanh(softplus(x)).   dL/dx = gy * (tanh(sp) + x (1 - tanh^2(sp)) sigma(x)),
    since d softplus(x)/dx = sigma(x)."""

    @staticmethod
    def forward(ctx, x):
        t = np.tanh(stable_softplus(x))
        ctx.save_for_backward(x, t)
        return x * t

    @staticmethod
    def backward(ctx, gy):
        x, t = ctx.saved_tensors
        return gy * (t + x * (1 - t * t) * stable_sigmoid(x))


class Softplus(Op):
    """y = (1/b) ln(1 + e^(b x)), and y = x where b x > threshold (there the two agree to
    float precision).   dL/dx = gy * sigma(b x)  (gy where b x > threshold)."""

    @staticmethod
    def forward(ctx, x, beta, threshold):
        bx = x * beta
        z = exp_minus_abs(bx)  # kept: the backward's sigma(b x) needs the same exponential
        ctx.save_for_backward(bx, z)
        ctx.threshold = threshold
        return select(bx > threshold, x, softplus_of(bx, z) / beta)

    @staticmethod
    def backward(ctx, gy):
        bx, z = ctx.saved_tensors
        return select(bx > ctx.threshold, gy, gy * sigmoid_of(bx, z))


class Softsign(Op):
    """y = x / (1 + |x|).   dL/dx = gy / (1 + |x|)^2."""

    @staticmethod
    def forward(ctx, x):
        d = 1 + np.abs(x)
        ctx.save_for_backward(d)
        return x / d

    @staticmethod
    def backward(ctx, gy):
        (d,) = ctx.saved_tensors
        return gy / (d * d)


class LogSigmoid(Op):
    """y = ln sigma(x) = -softplus(-x) = min(x, 0) - ln(1 + e^-|x|).
    dL/dx = gy * (1 - sigma(x)) = gy * sigma(-x)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.minimum(x, 0) - np.log1p(np.exp(-np.abs(x)))

    @staticmethod
    def backward(ctx, gy):
        (x,) = ctx.saved_tensors
        return gy * stable_sigmoid(-x)


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """x if x > 0 else alpha (e^x - 1)."""
    require_float(input, "elu")
    return Elu.apply(input, alpha=float(alpha), scale=1.0)


def selu(input: Tensor, inplace: bool = False) -> Tensor:
    """scale * elu(x, alpha) with alpha = 1.6733, scale = 1.0507 (self-normalising)."""
    require_float(input, "selu")
    return Elu.apply(input, alpha=SELU_ALPHA, scale=SELU_SCALE)


def celu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """max(0, x) + min(0, alpha (e^(x/alpha) - 1))."""
    require_float(input, "celu")
    if alpha == 0:
        raise ValueError("celu: alpha cannot be 0 (the formula divides by it)")
    return Celu.apply(input, alpha=float(alpha))


def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    """x Phi(x) (approximate='none', exact, via erfc) or its tanh approximation ('tanh')."""
    require_float(input, "gelu")
    if approximate == "none":
        return Gelu.apply(input)
    if approximate == "tanh":
        return GeluTanh.apply(input)
    raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")


def silu(input: Tensor, inplace: bool = False) -> Tensor:
    """x sigma(x) (swish)."""
    require_float(input, "silu")
    return Silu.apply(input)


def mish(input: Tensor, inplace: bool = False) -> Tensor:
    """x tanh(softplus(x))."""
    require_float(input, "mish")
    return Mish.apply(input)


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """(1/beta) ln(1 + e^(beta x)), linear where beta x > threshold."""
    require_float(input, "softplus")
    if beta == 0:
        raise ValueError("softplus: beta cannot be 0 (the formula divides by it)")
    return Softplus.apply(input, beta=float(beta), threshold=float(threshold))


def softsign(input: Tensor) -> Tensor:
    """x / (1 + |x|)."""
    return Softsign.apply(to_float(input))


def logsigmoid(input: Tensor) -> Tensor:
    """ln sigma(x) = -softplus(-x), finite for any x."""
    require_float(input, "logsigmoid")
    return LogSigmoid.apply(input)
