"""Activation ops with their derivatives, written to stay finite for |x| up to 1e4 and beyond."""

from __future__ import annotations

import numpy as np

from glassnet.autograd.function import Op
from glassnet.ops._common import norm_dim
from glassnet.tensor import Tensor


class Relu(Op):
    """y = max(0, x).   dL/dx = gy * [x > 0]."""

    @staticmethod
    def forward(ctx, x):
        y = np.maximum(x, 0)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, gy):
        return gy * (ctx.saved_tensors[0] > 0)


def stable_sigmoid(x: np.ndarray) -> np.ndarray:
    """1 / (1 + e^-x) without overflow: e^-|x| never exceeds 1.

    For x >= 0: 1 / (1 + e^-x);  for x < 0: e^x / (1 + e^x). Both use z = e^-|x|.
    """
    z = np.exp(-np.abs(x))
    return np.where(x >= 0, 1, z) / (1 + z)


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
        return gy * y * (1 - y)


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
        return gy * (1 - y * y)


class Softmax(Op):
    """y_i = e^(x_i - m) / sum_j e^(x_j - m), m = max_j x_j (shifting by m changes nothing but
    keeps every exponent <= 0).   dL/dx = y * (gy - sum_j gy_j y_j)."""

    @staticmethod
    def forward(ctx, x, axis):
        e = np.exp(x - x.max(axis=axis, keepdims=True))
        y = e / e.sum(axis=axis, keepdims=True)
        ctx.save_for_backward(y)
        ctx.axis = axis
        return y

    @staticmethod
    def backward(ctx, gy):
        y = ctx.saved_tensors[0]
        return y * (gy - (gy * y).sum(axis=ctx.axis, keepdims=True))


class LogSoftmax(Op):
    """y_i = x_i - logsumexp(x) = (x_i - m) - ln sum_j e^(x_j - m).
    dL/dx = gy - softmax(x) * sum_j gy_j."""

    @staticmethod
    def forward(ctx, x, axis):
        shifted = x - x.max(axis=axis, keepdims=True)
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
    return Sigmoid.apply(input)


def tanh(input: Tensor) -> Tensor:
    return Tanh.apply(input)


def _softmax_axis(input: Tensor, dim: int | None, op: str) -> int:
    if dim is None:  # PyTorch's legacy implicit choice
        dim = 0 if input.data.ndim in (0, 1, 3) else 1
    axis = norm_dim(dim, input.data.ndim, op)
    return -1 if axis is None else axis


def softmax(input: Tensor, dim: int | None = None) -> Tensor:
    """Softmax along `dim`: non-negative values summing to 1."""
    return Softmax.apply(input, axis=_softmax_axis(input, dim, "softmax"))


def log_softmax(input: Tensor, dim: int | None = None) -> Tensor:
    """log(softmax(x)) along `dim`, computed stably in one pass."""
    return LogSoftmax.apply(input, axis=_softmax_axis(input, dim, "log_softmax"))
