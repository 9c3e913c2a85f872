"""Matrix products. For Y = A B: dL/dA = dL/dY B^T and dL/dB = A^T dL/dY."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from glassnet.autograd.function import Op, unbroadcast
from glassnet.ops._common import column_sums, operands
from glassnet.tensor import Tensor


class MatMul(Op):
    """Y = A @ B (batched over leading axes, broadcasting them).
    dL/dA = gY @ B^T,   dL/dB = A^T @ gY   (each summed back over broadcast batch axes).

    1-D inputs are treated as a row (A) or column (B) vector, and that axis is dropped after."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.matmul(a, b)

    @staticmethod
    def backward(ctx, gy):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        a2 = a[None, :] if a.ndim == 1 else a
        b2 = b[:, None] if b.ndim == 1 else b
        if b.ndim == 1:
            gy = gy[..., None]  # (..., n) -> (..., n, 1)
        if a.ndim == 1:
            gy = gy[..., None, :]  # (..., m) -> (..., 1, m)
        ga = gb = None
        if need_a:
            ga = unbroadcast(np.matmul(gy, np.swapaxes(b2, -1, -2)), a2.shape).reshape(a.shape)
        if need_b:
            gb = unbroadcast(np.matmul(np.swapaxes(a2, -1, -2), gy), b2.shape).reshape(b.shape)
        return ga, gb


def _rows(a: np.ndarray) -> np.ndarray:
    """a as a matrix of its last axis: (..., n) -> (prod(...), n) (also when a has no elements);
    a 2-D a as it is."""
    return a if a.ndim == 2 else a.reshape(math.prod(a.shape[:-1]), a.shape[-1])


class Linear(Op):
    """y = x W^T + b, one node for the whole affine map (the layer of an MLP).
    dL/dx = gy W,   dL/dW = gy^T x   (summed over all leading axes),   dL/db = sum of gy."""

    @staticmethod
    def forward(ctx, x, W, b=None):
        ctx.save_for_backward(x, W)
        # Leading axes folded into one: NumPy runs (B, T, in) @ (in, out) as B small products,
        # ~15x slower than the single (B*T, in) @ (in, out) GEMM.
        y = _rows(x) @ W.T
        if x.ndim != 2:
            y = y.reshape(x.shape[:-1] + (W.shape[0],))
        if b is not None:
            y += b
        return y

    @staticmethod
    def backward(ctx, gy):
        x, W = ctx.saved_tensors
        need = ctx.needs_input_grad
        g2 = _rows(gy)  # (rows, out)
        gx = (g2 @ W).reshape(x.shape) if need[0] else None
        gW = gb = None
        if need[1]:
            gW = g2.T @ _rows(x)
        if len(need) > 2 and need[2]:
            gb = column_sums(g2)
        return (gx, gW, gb) if len(need) > 2 else (gx, gW)


def matmul(input: Any, other: Any) -> Tensor:
    """Matrix product with PyTorch's rules for 1-D, 2-D and batched (broadcast) inputs."""
    a, b = operands(input, other)
    sa, sb = a._data.shape, b._data.shape
    if not sa or not sb:
        raise ValueError(f"matmul: both arguments need at least 1 dimension, got {sa} and {sb}")
    k_a = sa[-1]
    k_b = sb[0] if len(sb) == 1 else sb[-2]
    if k_a != k_b:
        raise ValueError(
            f"matmul: shapes {sa} and {sb} are not aligned: {k_a} (dim -1 of the first) "
            f"!= {k_b} (dim {0 if len(sb) == 1 else -2} of the second)"
        )
    if len(sa) > 2 and len(sb) > 2:
        try:
            np.broadcast_shapes(sa[:-2], sb[:-2])
        except ValueError:
            raise ValueError(
                f"matmul: the batch dimensions of shapes {sa} and {sb} do not broadcast"
            ) from None
    return MatMul.apply(a, b)


def mm(input: Tensor, mat2: Tensor) -> Tensor:
    if input._data.ndim != 2 or mat2._data.ndim != 2:
        raise ValueError(
            f"mm: expects 2-D matrices, got {input._data.shape} and {mat2._data.shape}"
        )
    return matmul(input, mat2)


def bmm(input: Tensor, mat2: Tensor) -> Tensor:
    if input._data.ndim != 3 or mat2._data.ndim != 3 or input._data.shape[0] != mat2._data.shape[0]:
        raise ValueError(
            f"bmm: expects two 3-D tensors with the same batch size, got {input._data.shape} and "
            f"{mat2._data.shape}"
        )
    return matmul(input, mat2)


def dot(input: Tensor, other: Tensor) -> Tensor:
    if input._data.ndim != 1 or other._data.ndim != 1:
        raise ValueError(
            f"dot: expects 1-D tensors, got {input._data.shape} and {other._data.shape}"
        )
    return matmul(input, other)


def outer(input: Tensor, vec2: Tensor) -> Tensor:
    from glassnet.ops.movement import unsqueeze

    return unsqueeze(input, 1) * unsqueeze(vec2, 0)


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """y = input @ weight.T + bias, fused into one node (see `Linear`)."""
    x_shape, w_shape = input._data.shape, weight._data.shape
    if len(w_shape) != 2 or not x_shape or x_shape[-1] != w_shape[1]:
        raise ValueError(
            f"linear: input of shape {x_shape} does not fit weight of shape {w_shape} "
            f"(expected input[..., {w_shape[1] if len(w_shape) == 2 else '?'}])"
        )
    xd, wd = input._data.dtype, weight._data.dtype
    bd = wd if bias is None else bias._data.dtype
    if (wd is not xd and wd != xd) or (bd is not wd and bd != wd):
        raise TypeError(
            f"linear: input ({xd}), weight ({wd}) and bias ({bd}) must have the same dtype; "
            f"convert the input (e.g. x.float()) or the layer (e.g. layer.double())"
        )
    if bias is None:
        return Linear.apply(input, weight)
    if bias._data.shape != (w_shape[0],):
        raise ValueError(f"linear: bias shape {bias._data.shape} should be ({w_shape[0]},)")
    return Linear.apply(input, weight, bias)
