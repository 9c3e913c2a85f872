"""The fused forms PyTorch scripts use: lerp, addcmul and addcdiv (one call for a small
formula, as in hand-written optimizers: `v.mul_(b2).addcmul_(g, g, value=1 - b2)`)."""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.autograd.function import Op, unbroadcast
from glassnet.ops._common import check_broadcast, const, lift, promote
from glassnet.ops.elementwise import add, cast, div, mul
from glassnet.tensor import Tensor


class Lerp(Op):
    """y = a + w (b - a).   dL/da = gy (1 - w),   dL/db = gy w,   dL/dw = gy (b - a)."""

    @staticmethod
    def forward(ctx, a, b, w):
        ctx.save_for_backward(a, b, w)
        return a + w * (b - a)

    @staticmethod
    def backward(ctx, gy):
        a, b, w = ctx.saved_tensors
        need_a, need_b, need_w = ctx.needs_input_grad
        ga = unbroadcast(gy * (1 - w), a.shape) if need_a else None
        gb = unbroadcast(gy * w, b.shape) if need_b else None
        gw = unbroadcast(gy * (b - a), w.shape) if need_w else None
        return ga, gb, gw


def lerp(input: Tensor, end: Tensor, weight: Any) -> Tensor:
    """Linear interpolation: input + weight * (end - input); weight a number or a tensor
    (broadcast). Differentiable in all three.

    Example
    -------
    >>> glassnet.lerp(glassnet.tensor([0.0, 10.0]), glassnet.tensor([10.0, 20.0]), 0.5)
    tensor([ 5., 15.])
    """
    if input._data.dtype != end._data.dtype:
        raise TypeError(
            f"lerp: expected dtype {input._data.dtype} for `end` but got dtype {end._data.dtype}"
        )
    w = lift(weight, input._data)
    if w._data.dtype != input._data.dtype:
        w = cast(w, input._data.dtype) if w._data.ndim == 0 else w
    if w._data.dtype != input._data.dtype:
        raise TypeError(
            f"lerp: expected dtype {input._data.dtype} for `weight` but got dtype {w._data.dtype}"
        )
    return Lerp.apply(input, end, w)


class AddCMul(Op):
    """y = x + (v t1) t2, the product added unrounded as in a fused multiply-add.

    dL/dx = gy,   dL/dt1 = gy v t2,   dL/dt2 = gy v t1.

    PyTorch's kernel uses the CPU's fused multiply-add, whose product is never rounded: in
    float32, -inf + 1e30 * 1e30 is -inf (1e60 exists inside the FMA), where rounding the product
    first gives -inf + inf = NaN. NumPy has no FMA, so the plain sum is computed and the entries
    that came out inf or NaN are recomputed in a wider type (float64 for float16/float32, long
    double for float64), where the product does not overflow.
    """

    @staticmethod
    def forward(ctx, x, t1, t2, value):
        ctx.save_for_backward(t1, t2)
        ctx.value, ctx.shape, dtype = value, x.shape, x.dtype
        if dtype == np.float16:  # PyTorch computes float16 in float32 and rounds once
            x, t1, t2 = (a.astype(np.float32) for a in (x, t1, t2))
        with np.errstate(over="ignore", invalid="ignore"):
            scaled = t1 * value if value != 1 else t1
            y = x + scaled * t2
            if y.dtype.kind == "f" and not np.isfinite(y).all():
                bad = ~np.isfinite(y)
                wide = np.float64 if y.dtype.itemsize < 8 else np.longdouble
                x_, s_, t_ = (
                    np.broadcast_to(a, y.shape)[bad].astype(wide) for a in (x, scaled, t2)
                )
                y[bad] = (x_ + s_ * t_).astype(y.dtype)
        return y.astype(dtype, copy=False)

    @staticmethod
    def backward(ctx, gy):
        t1, t2 = ctx.saved_tensors
        v = ctx.value
        need_x, need_1, need_2 = ctx.needs_input_grad
        gx = unbroadcast(gy, ctx.shape) if need_x else None
        g1 = unbroadcast(gy * (v * t2), t1.shape) if need_1 else None
        g2 = unbroadcast(gy * (v * t1), t2.shape) if need_2 else None
        return gx, g1, g2


def addcmul(input: Tensor, tensor1: Any, tensor2: Any, value: float = 1) -> Tensor:
    """y = input + value * tensor1 * tensor2 (broadcasting), fused as in PyTorch (`AddCMul`)."""
    x, t1, t2 = promote(lift(input), lift(tensor1), lift(tensor2))
    for t in (t1, t2):
        check_broadcast(x, t, "addcmul")
    dtype = x._data.dtype
    if dtype.kind == "f":
        value = const(value, np.float32 if dtype == np.float16 else dtype)
    return AddCMul.apply(x, t1, t2, value=value)


def addcdiv(input: Tensor, tensor1: Any, tensor2: Any, value: float = 1) -> Tensor:
    """y = input + value * tensor1 / tensor2 (broadcasting)."""
    quot = div(tensor1, tensor2)
    return add(input, quot if value == 1 else mul(quot, value))
