"""Adaptive average pooling: a fixed output size, window i along an axis of length n covering
[floor(i n / out), ceil((i + 1) n / out)). Each plane is averaged by two small matrix products,
y = P_h x P_w^T, so the windows (of varying size) need no strided view.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.autograd.function import Op
from glassnet.ops.conv import ntuple
from glassnet.tensor import Tensor


class AdaptiveAvgPool2d(Op):
    """y = P_h x P_w^T per (n, c) plane, P_h[i, h] = 1 / (end_i - start_i) for start_i <= h < end_i,
    start_i = floor(i H / oh), end_i = ceil((i + 1) H / oh)  (windows of varying size).
    dL/dx = P_h^T gy P_w.

    An infinite input would meet the zeros of P outside its window (0 * inf = NaN): then the
    windows are averaged one by one, as PyTorch does."""

    @staticmethod
    def forward(ctx, x, *, out_hw):
        if out_hw == (1, 1):  # the global average (a network's head): one reduction, not N*C
            ctx.save_for_backward(None, None)  # tiny products (forward + backward 3.4 -> ~1 ms)
            ctx.x_shape = x.shape
            return x.mean(axis=(-2, -1), keepdims=True)
        Ph = _averaging_matrix(x.shape[-2], out_hw[0], x.dtype)
        Pw = _averaging_matrix(x.shape[-1], out_hw[1], x.dtype)
        ctx.save_for_backward(Ph, Pw)
        y = np.matmul(np.matmul(Ph, x), Pw.T)
        if not np.isfinite(y).all():  # y is small: a cheap check
            y = _window_means(x, Ph > 0, Pw > 0)
        return y

    @staticmethod
    def backward(ctx, gy):
        Ph, Pw = ctx.saved_tensors
        if Ph is None:  # global average: every pixel gets gy / (H W)
            gx = np.empty(ctx.x_shape, gy.dtype)
            gx[...] = gy / gy.dtype.type(ctx.x_shape[-2] * ctx.x_shape[-1])
            return gx
        return np.matmul(np.matmul(Ph.T, gy), Pw)


def _window_means(x: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """The mean of x over each window, window (i, j) being rows[i] x cols[j] (boolean masks)."""
    y = np.empty(x.shape[:-2] + (len(rows), len(cols)), x.dtype)
    for i, r in enumerate(rows):
        for j, c in enumerate(cols):
            y[..., i, j] = x[..., r, :][..., c].mean(axis=(-2, -1))
    return y


def _averaging_matrix(size: int, out: int, dtype: Any) -> np.ndarray:
    i = np.arange(out)[:, None]
    start = (i * size) // out
    end = -((-(i + 1) * size) // out)  # ceil
    h = np.arange(size)[None, :]
    inside = (h >= start) & (h < end)
    return (inside / (end - start)).astype(dtype)


def adaptive_avg_pool2d(input: Tensor, output_size: Any) -> Tensor:
    """Average pooling to a fixed output size; window i along an axis of length n covers
    [floor(i n / out), ceil((i + 1) n / out)). A None entry keeps that axis' size.

    Shape
    -----
    input (N, C, H, W) or (C, H, W); output (N, C, *output_size).

    Example
    -------
    >>> adaptive_avg_pool2d(glassnet.randn(2, 8, 7, 7), 1).shape
    (2, 8, 1, 1)
    """
    op = "adaptive_avg_pool2d"
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}: input must be a Tensor, got {type(input).__name__}")
    if input._data.ndim not in (3, 4):
        raise ValueError(f"{op}: expected a 3-d or 4-d input, got shape {input._data.shape}")
    if isinstance(output_size, (tuple, list)):
        if len(output_size) != 2:
            raise TypeError(f"{op}: output_size must be an int or a pair, got {output_size!r}")
        size = tuple(n if o is None else o for o, n in zip(output_size, input._data.shape[-2:]))
    else:
        size = ntuple(output_size, 2, "output_size", op)
    size = ntuple(size, 2, "output_size", op)
    if min(size) < 1 or min(input._data.shape[-2:]) < 1:
        raise ValueError(f"{op}: output_size {size} and input {input._data.shape} must be >= 1")
    return AdaptiveAvgPool2d.apply(input, out_hw=size)
