"""Piecewise-linear activations: leaky_relu, prelu, hardtanh, relu6, hardsigmoid, hardswish,
step and bipolar_step. Each op saves its input x and computes f'(x) in backward (0 at the kinks,
as PyTorch). Constants are Python floats: a NumPy float64 scalar would upcast a float32 array.
"""

from __future__ import annotations

import math

import numpy as np

from glassnet.autograd.function import Op
from glassnet.kernels.simd import select
from glassnet.ops._common import const, require_float
from glassnet.tensor import Tensor


class LeakyRelu(Op):
    """y = x if x > 0 else a x.   dL/dx = gy * (1 if x > 0 else a).

    Computed without `np.where` where it can be (its loop branches on every element: ~20x
    slower on random signs): for a finite a > 0, y = max(x, a x) (a <= 1) or min(x, a x)
    (a > 1), as a x lies on the chosen side of x exactly where x <= 0; the slope is
    max([x > 0], a) for 0 <= a <= 1. Other slopes take `kernels.simd.select` (for a <= 0 a max
    form would make 0 * inf and the signs of zeros differ)."""

    @staticmethod
    def forward(ctx, x, negative_slope):
        ctx.save_for_backward(x)
        ctx.a = negative_slope
        if not (0 < negative_slope < math.inf):
            return select(x > 0, x, x * negative_slope)
        y = np.multiply(x, negative_slope, out=np.empty_like(x))
        pick = np.maximum if negative_slope <= 1 else np.minimum
        return pick(x, y, out=y)

    @staticmethod
    def backward(ctx, gy):
        (x,) = ctx.saved_tensors
        a = ctx.a
        if 0 <= a <= 1:  # the slope, 1 or a, as max([x > 0], a)
            return gy * np.maximum(x > 0, np.asarray(a, gy.dtype))
        return select(x > 0, gy, gy * a)


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
        return select(x > 0, x, x * a)

    @staticmethod
    def backward(ctx, gy):
        x, a = ctx.saved_tensors
        need_x, need_w = ctx.needs_input_grad
        gx = select(x > 0, gy, gy * a) if need_x else None
        gw = None
        if need_w:
            g = select(x > 0, const(0, gy.dtype), gy * x)
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
        return select((x > -3) & (x < 3), gy / 6, const(0, gy.dtype))


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
        zero, one = const(0, x.dtype), const(1, x.dtype)
        slope = select(x < -3, zero, select(x <= 3, x / 3 + 0.5, one))
        return gy * slope


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


def hardsigmoid(input: Tensor, inplace: bool = False) -> Tensor:
    """relu6(x + 3) / 6: a piecewise-linear sigmoid."""
    require_float(input, "hardsigmoid")
    return Hardsigmoid.apply(input)


def hardswish(input: Tensor, inplace: bool = False) -> Tensor:
    """x relu6(x + 3) / 6: a piecewise SiLU (MobileNetV3)."""
    require_float(input, "hardswish")
    return Hardswish.apply(input)


def step(input: Tensor) -> Tensor:
    """The Heaviside step of the perceptron: 1 where x >= 0, else 0 (zero gradient)."""
    return Step.apply(input, low=0)


def bipolar_step(input: Tensor) -> Tensor:
    """The sign unit of the perceptron: +1 where x >= 0, else -1 (zero gradient).

    Unlike `glassnet.sign` (which is 0 at 0) it never outputs 0, so every input gets a class."""
    return Step.apply(input, low=-1)
