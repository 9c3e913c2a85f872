"""Activation ops with their derivatives, written to stay finite for |x| up to 1e4 and beyond.

Here: relu, sigmoid, tanh, softmax and log_softmax. Under this one name too: the piecewise-linear
ones of activation_piecewise.py (leaky_relu, prelu, hardtanh, relu6, hardsigmoid, hardswish,
step), the smooth ones of activation_smooth.py (elu, selu, celu, gelu, silu, mish, softplus,
softsign, logsigmoid) and stable_math.py's overflow-free stable_sigmoid / stable_softplus.
"""

from __future__ import annotations

import numpy as np

from glassnet.autograd.function import Op
from glassnet.kernels import simd
from glassnet.ops._common import const, norm_dim, require_float, row_sums, to_float
from glassnet.ops.activation_piecewise import (  # noqa: F401 (re-exported)
    Hardsigmoid,
    Hardswish,
    Hardtanh,
    LeakyRelu,
    Prelu,
    Step,
    bipolar_step,
    hardsigmoid,
    hardswish,
    hardtanh,
    leaky_relu,
    prelu,
    relu6,
    step,
)
from glassnet.ops.activation_smooth import (  # noqa: F401 (re-exported)
    GELU_TANH_C,
    GELU_TANH_K,
    SELU_ALPHA,
    SELU_SCALE,
    SQRT_HALF,
    Celu,
    Elu,
    Gelu,
    GeluTanh,
    LogSigmoid,
    Mish,
    Silu,
    Softplus,
    Softsign,
    celu,
    elu,
    gelu,
    logsigmoid,
    mish,
    selu,
    silu,
    softplus,
    softsign,
)
from glassnet.ops.stable_math import stable_sigmoid, stable_softplus  # noqa: F401 (re-exported)
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
