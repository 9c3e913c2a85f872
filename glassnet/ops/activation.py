"""Activation ops with their derivatives, written to stay finite for |x| up to 1e4 and beyond."""

from __future__ import annotations

import math

import numpy as np
from scipy.special import erfc

from glassnet.autograd.function import Op
from glassnet.kernels import gelu as gelu_kernel
from glassnet.kernels import simd
from glassnet.ops._common import const, norm_dim, require_float, row_sums, to_float
from glassnet.tensor import Tensor


class Relu(Op):
    """y = max(0, x).   dL/dx = gy * [x > 0]."""

    @staticmethod
    def forward(ctx, x):
        y = simd.relu(x)  # max(x, 0), kept on NumPy's SIMD loop for large x
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, gy):
        y = ctx.saved_tensors[0]
        return gy * (y > const(0, y.dtype))


def stable_sigmoid(x: np.ndarray) -> np.ndarray:
    """1 / (1 + e^-x) without overflow: e^-|x| never exceeds 1.

    For x >= 0: 1 / (1 + e^-x);  for x < 0: e^x / (1 + e^x). Both use z = e^-|x|.
    """
    z = np.exp(-np.abs(x))
    one = const(1, z.dtype)
    return np.where(x >= const(0, x.dtype), one, z) / (one + z)


class Sigmoid(Op):
    """y = 1 / (1 + e^-x).   dL/dx = gy * y (1 - y)."""

    @staticmethod
    def forward(ctx, x):
        y = stable_sigmoid(x).astype(x.dtype, copy=False)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, gy):
        y = ctx.saved_tensors[0]
        return gy * y * (const(1, y.dtype) - y)


class Tanh(Op):
    """y = tanh x = (e^x - e^-x) / (e^x + e^-x).   dL/dx = gy * (1 - y^2)."""

    @staticmethod
    def forward(ctx, x):
        y = np.tanh(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, gy):
        y = ctx.saved_tensors[0]
        return gy * (const(1, y.dtype) - y * y)


class Softmax(Op):
    """y_i = e^(x_i - m) / sum_j e^(x_j - m), m = max_j x_j (shifting by m changes nothing but
    keeps every exponent <= 0).   dL/dx = y * (gy - sum_j gy_j y_j)."""

    @staticmethod
    def forward(ctx, x, axis):
        e = np.exp(x - x.max(axis=axis, keepdims=True, initial=-np.inf))  # initial: empty axis
        last = axis is not None and x.ndim > 1 and axis == x.ndim - 1
        y = e / (row_sums(e)[..., None] if last else e.sum(axis=axis, keepdims=True))
        ctx.save_for_backward(y)
        ctx.axis = axis
        ctx.last = last
        return y

    @staticmethod
    def backward(ctx, gy):
        y = ctx.saved_tensors[0]
        if ctx.last:  # the dot of each row, no temporary
            return y * (gy - np.vecdot(gy, y)[..., None])
        return y * (gy - (gy * y).sum(axis=ctx.axis, keepdims=True))


class LogSoftmax(Op):
    """y_i = x_i - logsumexp(x) = (x_i - m) - ln sum_j e^(x_j - m).
    dL/dx = gy - softmax(x) * sum_j gy_j."""

    @staticmethod
    def forward(ctx, x, axis):
        shifted = x - x.max(axis=axis, keepdims=True, initial=-np.inf)
        y = shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))
        ctx.save_for_backward(y)
        ctx.axis = axis
        return y

    @staticmethod
    def backward(ctx, gy):
        y = ctx.saved_tensors[0]
        return gy - np.exp(y) * gy.sum(axis=ctx.axis, keepdims=True)


def relu(input: Tensor) -> Tensor:
    return Relu.apply(input)


def sigmoid(input: Tensor) -> Tensor:
    return Sigmoid.apply(to_float(input))


def tanh(input: Tensor) -> Tensor:
    return Tanh.apply(to_float(input))


def _softmax_axis(input: Tensor, dim: int | None, op: str) -> int | None:
    if dim is None:  # PyTorch's legacy implicit choice
        dim = 0 if input._data.ndim in (0, 1, 3) else 1
    return norm_dim(dim, input._data.ndim, op)  # None for a 0-d tensor: its one element


def softmax(input: Tensor, dim: int | None = None) -> Tensor:
    """Softmax along `dim`: non-negative values summing to 1."""
    require_float(input, "softmax")
    return Softmax.apply(input, axis=_softmax_axis(input, dim, "softmax"))


def log_softmax(input: Tensor, dim: int | None = None) -> Tensor:
    """log(softmax(x)) along `dim`, computed stably in one pass."""
    require_float(input, "log_softmax")
    return LogSoftmax.apply(input, axis=_softmax_axis(input, dim, "log_softmax"))


# ----------------------------------------------------------------------------- more activations
# Each op saves its input x and computes f'(x) in backward. Branches that would overflow for the
# side np.where discards are fed a clipped x (e.g. expm1(min(x, 0))), so |x| = 1e4 stays finite.
# Constants are Python floats: a NumPy float64 scalar would upcast a float32 array.

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946
SQRT_HALF = math.sqrt(0.5)
GELU_TANH_K = math.sqrt(2.0 / math.pi)
GELU_TANH_C = 0.044715


def stable_softplus(x: np.ndarray) -> np.ndarray:
    """ln(1 + e^x) = max(x, 0) + ln(1 + e^-|x|): the exponent is never positive."""
    return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))


class LeakyRelu(Op):
    """y = x if x > 0 else a x.   dL/dx = gy * (1 if x > 0 else a)."""

    @staticmethod
    def forward(ctx, x, negative_slope):
        ctx.save_for_backward(x)
        ctx.a = negative_slope
        return np.where(x > 0, x, x * negative_slope)

    @staticmethod
    def backward(ctx, gy):
        (x,) = ctx.saved_tensors
        return np.where(x > 0, gy, gy * ctx.a)


class Prelu(Op):
    """y = x if x > 0 else a_c x, with a learned slope a_c per channel c (axis 1).

    dL/dx = gy * (1 if x > 0 else a_c),   dL/da_c = sum over all but the channel axis of
    gy * (0 if x > 0 else x).
    """

    @staticmethod
    def forward(ctx, x, weight):
        ctx.per_channel = weight.size > 1
        if ctx.per_channel:  # weight (C,) -> (1, C, 1, ..., 1), lined up with the channel axis 1
            a = weight.reshape((1, -1) + (1,) * (x.ndim - 2))
        else:
            a = weight.reshape(())
        ctx.save_for_backward(x, a)
        ctx.weight_shape = weight.shape
        return np.where(x > 0, x, x * a)

    @staticmethod
    def backward(ctx, gy):
        x, a = ctx.saved_tensors
        need_x, need_w = ctx.needs_input_grad
        gx = np.where(x > 0, gy, gy * a) if need_x else None
        gw = None
        if need_w:
            g = np.where(x > 0, 0, gy * x)
            axes = tuple(i for i in range(x.ndim) if i != 1) if ctx.per_channel else None
            gw = g.sum(axis=axes).reshape(ctx.weight_shape)
        return gx, gw


class Hardtanh(Op):
    """y = min(max(x, lo), hi).   dL/dx = gy where lo < x < hi, else 0 (PyTorch's convention at
    the corners). ReLU6 is Hardtanh(0, 6)."""

    @staticmethod
    def forward(ctx, x, min_val, max_val):
        ctx.save_for_backward(x)
        ctx.bounds = (min_val, max_val)
        return np.clip(x, min_val, max_val)

    @staticmethod
    def backward(ctx, gy):
        (x,) = ctx.saved_tensors
        lo, hi = ctx.bounds
        return gy * ((x > lo) & (x < hi))


class Elu(Op):
    """y = x if x > 0 else a (e^x - 1).   dL/dx = gy * (1 if x > 0 else a e^x).

    SELU is scale * ELU with a = 1.6733, scale = 1.0507 (passed as `scale`)."""

    @staticmethod
    def forward(ctx, x, alpha, scale):
        ctx.save_for_backward(x)
        ctx.args = (alpha, scale)
        neg = alpha * np.expm1(np.minimum(x, 0))
        return scale * np.where(x > 0, x, neg)

    @staticmethod
    def backward(ctx, gy):
        (x,) = ctx.saved_tensors
        alpha, scale = ctx.args
        return gy * (scale * np.where(x > 0, 1, alpha * np.exp(np.minimum(x, 0))))


class Celu(Op):
    """y = max(0, x) + min(0, a (e^(x/a) - 1)).   dL/dx = gy * (1 if x > 0 else e^(x/a))."""

    @staticmethod
    def forward(ctx, x, alpha):
        ctx.save_for_backward(x)
        ctx.alpha = alpha
        return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0) / alpha))

    @staticmethod
    def backward(ctx, gy):
        (x,) = ctx.saved_tensors
        return gy * np.where(x > 0, 1, np.exp(np.minimum(x, 0) / ctx.alpha))


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
        ctx.save_for_backward(bx)
        ctx.threshold = threshold
        return np.where(bx > threshold, x, stable_softplus(bx) / beta)

    @staticmethod
    def backward(ctx, gy):
        (bx,) = ctx.saved_tensors
        return np.where(bx > ctx.threshold, gy, gy * stable_sigmoid(bx))


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


class Hardsigmoid(Op):
    """y = relu6(x + 3) / 6 = 0 (x <= -3), x/6 + 1/2 (-3 < x < 3), 1 (x >= 3).
    dL/dx = gy / 6 where -3 < x < 3, else 0."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.clip(x / 6 + 0.5, 0, 1)

    @staticmethod
    def backward(ctx, gy):
        (x,) = ctx.saved_tensors
        return np.where((x > -3) & (x < 3), gy / 6, 0)


class Hardswish(Op):
    """y = x relu6(x + 3) / 6 = 0 (x <= -3), x (x + 3) / 6 (-3 < x < 3), x (x >= 3).
    dL/dx = gy * (0 if x < -3, (2x + 3) / 6 if -3 <= x <= 3, 1 if x > 3)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * np.clip(x / 6 + 0.5, 0, 1)

    @staticmethod
    def backward(ctx, gy):
        (x,) = ctx.saved_tensors
        slope = np.where(x < -3, 0, np.where(x <= 3, x / 3 + 0.5, 1))
        return gy * slope


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


class Step(Op):
    """The perceptron's threshold unit. y = high if x >= 0 else low: (1, 0) for the Heaviside
    step, (1, -1) for the bipolar step ("sign").   dL/dx = 0: the step is flat everywhere except
    at 0, where it jumps, so no gradient flows through it. This is why Rosenblatt's perceptron
    learns with its own error-correction rule rather than by gradient descent."""

    @staticmethod
    def forward(ctx, x, low):
        return np.where(x >= 0, 1, low).astype(x.dtype)

    @staticmethod
    def backward(ctx, gy):
        return np.zeros_like(gy)


# ----------------------------------------------------------------------------- public functions
# `inplace` is accepted where PyTorch has it, so scripts carry over; the result is always a new
# tensor (an in-place activation would overwrite what backward needs).


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    """x if x > 0 else negative_slope * x: a small slope keeps negative units learning."""
    require_float(input, "leaky_relu")
    return LeakyRelu.apply(input, negative_slope=float(negative_slope))


def prelu(input: Tensor, weight: Tensor) -> Tensor:
    """x if x > 0 else a_c x, with a learnable slope per channel (axis 1) or one shared slope.

    Shape
    -----
    input: (N, C, *) or any shape when `weight` has one element; weight: (C,) or (1,).
    """
    if weight._data.dtype != input._data.dtype:
        raise TypeError(
            f"prelu: input is {input._data.dtype} but weight is {weight._data.dtype}; convert one "
            f"(e.g. the layer with .float() / .double())"
        )
    n = weight._data.size
    if n != 1:
        channels = input._data.shape[1] if input._data.ndim >= 2 else 1
        if weight._data.ndim != 1 or n != channels:
            raise ValueError(
                f"prelu: weight has {n} parameters (shape {weight._data.shape}) but the input "
                f"(shape {input._data.shape}) has {channels} channels on axis 1"
            )
    return Prelu.apply(input, weight)


def hardtanh(
    input: Tensor, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False
) -> Tensor:
    """x clipped to [min_val, max_val]."""
    if min_val > max_val:
        raise ValueError(
            f"hardtanh: min_val ({min_val}) cannot be greater than max_val ({max_val})"
        )
    return Hardtanh.apply(input, min_val=_bound(input, min_val), max_val=_bound(input, max_val))


def _bound(input: Tensor, value: float) -> float | int:
    """A clipping bound that keeps an integer tensor integer (as PyTorch's hardtanh/relu6)."""
    return float(value) if input._data.dtype.kind == "f" else int(value)


def relu6(input: Tensor, inplace: bool = False) -> Tensor:
    """min(max(0, x), 6)."""
    return Hardtanh.apply(input, min_val=_bound(input, 0.0), max_val=_bound(input, 6.0))


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


def hardsigmoid(input: Tensor, inplace: bool = False) -> Tensor:
    """relu6(x + 3) / 6: a piecewise-linear sigmoid."""
    require_float(input, "hardsigmoid")
    return Hardsigmoid.apply(input)


def hardswish(input: Tensor, inplace: bool = False) -> Tensor:
    """x relu6(x + 3) / 6: a piecewise SiLU (MobileNetV3)."""
    require_float(input, "hardswish")
    return Hardswish.apply(input)


def logsigmoid(input: Tensor) -> Tensor:
    """ln sigma(x) = -softplus(-x), finite for any x."""
    require_float(input, "logsigmoid")
    return LogSigmoid.apply(input)


def step(input: Tensor) -> Tensor:
    """The Heaviside step of the perceptron: 1 where x >= 0, else 0 (zero gradient)."""
    return Step.apply(input, low=0)


def bipolar_step(input: Tensor) -> Tensor:
    """The sign unit of the perceptron: +1 where x >= 0, else -1 (zero gradient).

    Unlike `glassnet.sign` (which is 0 at 0) it never outputs 0, so every input gets a class."""
    return Step.apply(input, low=-1)
