"""Pooling: max and average, 1-d and 2-d (adaptive average: glassnet/ops/pool_adaptive.py,
re-exported here).

Every pooling window is read through a strided view of the (padded) input (see `conv.windows`),
so the work is a loop over the kh*kw kernel offsets, each a vectorised pass over all pixels and
channels at once. When stride == kernel_size without padding or dilation (the common 2x2/2 pool)
the windows tile the input and the view is a plain reshape: (N, C, H, W) -> (N, C, Ho, kh, Wo, kw);
backward then writes each input pixel exactly once instead of accumulating.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.autograd.function import Op
from glassnet.kernels.cache import recycled
from glassnet.kernels.im2col import col2im_add, pad_hw, unpad_hw, windows
from glassnet.ops.conv import ntuple
from glassnet.ops.elementwise import cast
from glassnet.ops.pool_adaptive import (  # noqa: F401 (re-exported; ONNX export uses the matrix)
    AdaptiveAvgPool2d,
    _averaging_matrix,
    adaptive_avg_pool2d,
)
from glassnet.tensor import Tensor


def _tiles(x: np.ndarray, kernel: tuple, out_hw: tuple) -> np.ndarray:
    """View (N, C, kh, kw, Ho, Wo) of x when the windows tile it (stride == kernel, no padding)."""
    (kh, kw), (Ho, Wo) = kernel, out_hw
    v = x[:, :, : Ho * kh, : Wo * kw].reshape(x.shape[0], x.shape[1], Ho, kh, Wo, kw)
    return v.transpose(0, 1, 3, 5, 2, 4)


def _view(x, kernel, stride, pads, dilation, out_hw, fast, fill, tag):
    if fast:
        return _tiles(x, kernel, out_hw)
    return windows(pad_hw(x, pads, fill, tag), kernel, stride, dilation, out_hw)


def _grad_image(x_shape, pads, dtype, fast, tiled_exactly):
    """A zeroed (padded) gradient image, or an uninitialised one when every pixel gets written."""
    N, C, H, W = x_shape
    if fast and tiled_exactly:
        return recycled("pool_gx", x_shape, dtype)
    return np.zeros((N, C, H + pads[0] + pads[1], W + pads[2] + pads[3]), dtype=dtype)


class MaxPool(Op):
    """y[n, c, p, q] = max over the window of x_pad[n, c, p*s + i*d, q*s + j*d]   (pad = -inf).

    dL/dx: each window's gradient goes to the element that won the max (the first one on ties, as
    PyTorch does); other elements get 0. Forward keeps the winner's kernel offset per window.
    """

    @staticmethod
    def forward(ctx, x, *, kernel, stride, pads, dilation, out_hw, fast, want_index):
        nd = x.ndim
        x4 = x[:, :, None, :] if nd == 3 else x
        low = -np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).min
        win = _view(x4, kernel, stride, pads, dilation, out_hw, fast, low, "maxpool")
        kh, kw = kernel
        if not (True in ctx.needs_input_grad or want_index):  # the maximum alone, no winner
            y = np.maximum(win[:, :, 0, 0], win[:, :, 0, 1]) if kw > 1 else win[:, :, 0, 0].copy()
            for i in range(kh):
                for j in range(2 if i == 0 else 0, kw):
                    np.maximum(y, win[:, :, i, j], out=y)
            return y if nd == 4 else y[:, :, 0, :]
        y = recycled("pool_y", win.shape[:2] + win.shape[4:], x.dtype)  # (N, C, Ho, Wo)
        np.copyto(y, win[:, :, 0, 0])
        arg = recycled("pool_arg", y.shape, np.uint8 if kh * kw <= 256 else np.int32)
        arg.fill(0)
        for k in range(1, kh * kw):
            s = win[:, :, k // kw, k % kw]
            # arg = k where s beats the running maximum (strictly: the first maximum wins). k
            # exceeds every earlier offset, so that is max(arg, k [s > y]): arithmetic, ~35x
            # faster than np.copyto(arg, k, where=...)
            np.maximum(arg, (s > y) * arg.dtype.type(k), out=arg)
            np.maximum(y, s, out=y)
        ctx.save_for_backward(arg, x4.shape, nd)
        ctx.geometry = (kernel, stride, pads, dilation, fast)
        if want_index:
            # flat index into each (unpadded) input plane, as PyTorch returns it
            H, W = x4.shape[2:]
            p = np.arange(out_hw[0])[:, None] * stride[0] - pads[0]
            q = np.arange(out_hw[1])[None, :] * stride[1] - pads[2]
            ki, kj = np.divmod(arg.astype(np.int64), kw)
            index = (p + ki * dilation[0]) * W + (q + kj * dilation[1])
            ctx.index = index if nd == 4 else index[:, :, 0, :]
        return y if nd == 4 else y[:, :, 0, :]

    @staticmethod
    def backward(ctx, gy):
        arg, x_shape, nd = ctx.saved_tensors
        kernel, stride, pads, dilation, fast = ctx.geometry
        gy4 = gy[:, :, None, :] if nd == 3 else gy
        Ho, Wo = gy4.shape[2:]
        kh, kw = kernel
        exact = x_shape[2] == Ho * kh and x_shape[3] == Wo * kw
        gxp = _grad_image(x_shape, pads, gy.dtype, fast, exact)
        if fast:
            gwin = _tiles(gxp, kernel, (Ho, Wo))
            if not exact:
                gxp[:, :, Ho * kh :] = 0  # rows and columns no window covers
                gxp[:, :, :, Wo * kw :] = 0
            for k in range(kh * kw):
                np.multiply(gy4, arg == k, out=gwin[:, :, k // kw, k % kw])
            gx = gxp
        else:
            gwin = np.zeros((kh, kw) + gy4.shape, dtype=gy.dtype)
            for k in range(kh * kw):
                np.multiply(gy4, arg == k, out=gwin[k // kw, k % kw])
            col2im_add(gxp, gwin.transpose(2, 3, 0, 1, 4, 5), kernel, stride, dilation)
            gx = unpad_hw(gxp, pads, x_shape)
        return gx if nd == 4 else gx[:, :, 0, :]


class AvgPool(Op):
    """y[n, c, p, q] = (1 / D[p, q]) sum over the window of x_pad[n, c, p*s + i, q*s + j]
    (pad = 0), D = the window's size (count_include_pad), its part inside the input, or a fixed
    divisor_override.   dL/dx: every element of a window receives gy[n, c, p, q] / D[p, q]."""

    @staticmethod
    def forward(ctx, x, *, kernel, stride, pads, out_hw, fast, divisor):
        nd = x.ndim
        x4 = x[:, :, None, :] if nd == 3 else x
        win = _view(x4, kernel, stride, pads, (1, 1), out_hw, fast, 0.0, "avgpool")
        kh, kw = kernel
        y = win[:, :, 0, 0].copy()
        for k in range(1, kh * kw):
            y += win[:, :, k // kw, k % kw]
        y /= divisor
        ctx.save_for_backward(divisor, x4.shape, nd)
        ctx.geometry = (kernel, stride, pads, fast)
        return y if nd == 4 else y[:, :, 0, :]

    @staticmethod
    def backward(ctx, gy):
        divisor, x_shape, nd = ctx.saved_tensors
        kernel, stride, pads, fast = ctx.geometry
        gy4 = gy[:, :, None, :] if nd == 3 else gy
        g = gy4 / divisor  # (N, C, Ho, Wo)
        Ho, Wo = g.shape[2:]
        kh, kw = kernel
        exact = x_shape[2] == Ho * kh and x_shape[3] == Wo * kw
        gxp = _grad_image(x_shape, pads, gy.dtype, fast, exact)
        gwin = np.broadcast_to(g[:, :, None, None], g.shape[:2] + kernel + g.shape[2:])
        if fast:
            _tiles(gxp, kernel, (Ho, Wo))[...] = gwin
            gx = gxp
        else:
            col2im_add(gxp, gwin, kernel, stride, (1, 1))
            gx = unpad_hw(gxp, pads, x_shape)
        return gx if nd == 4 else gx[:, :, 0, :]


# --------------------------------------------------------------------------- public functions


def _pool_args(op, x, nd, kernel_size, stride, padding, dilation, ceil_mode):
    """Check the arguments; return (kernel, stride, pads, dilation, out_hw, fast) in 2-d form."""
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}: input must be a Tensor, got {type(x).__name__}")
    if x._data.ndim not in (nd + 1, nd + 2):
        raise ValueError(
            f"{op}: expected a {nd + 2}-d input (N, C, {'H, W' if nd == 2 else 'L'}) or an "
            f"unbatched {nd + 1}-d one, got shape {x._data.shape}"
        )
    kernel = ntuple(kernel_size, nd, "kernel_size", op)
    stride = kernel if stride is None or stride == [] else ntuple(stride, nd, "stride", op)
    padding = ntuple(padding, nd, "padding", op)
    dilation = ntuple(dilation, nd, "dilation", op)
    if min(kernel) < 1 or min(stride) < 1 or min(dilation) < 1:
        raise ValueError(
            f"{op}: kernel_size, stride and dilation must be >= 1, got {kernel}, {stride}, "
            f"{dilation}"
        )
    if any(p < 0 or p > k // 2 for p, k in zip(padding, kernel)):
        raise ValueError(
            f"{op}: padding {padding} must be >= 0 and at most half of kernel_size {kernel}"
        )
    if 0 in x._data.shape[-nd - 1 :]:  # as PyTorch: only the batch axis may be empty
        raise ValueError(
            f"{op}: input of shape {x._data.shape} is empty in its channel or a spatial axis; "
            f"only the batch axis may be empty"
        )
    spatial = x._data.shape[-nd:]
    out = []
    for n, k, s, p, d in zip(spatial, kernel, stride, padding, dilation):
        span = d * (k - 1) + 1
        o = (n + 2 * p - span + (s - 1 if ceil_mode else 0)) // s + 1
        if ceil_mode and (o - 1) * s >= n + p:  # the last window must start inside the input
            o -= 1
        if o < 1:
            raise ValueError(
                f"{op}: input of shape {x._data.shape} is too small for kernel_size {kernel} "
                f"(padding {padding}, dilation {dilation})"
            )
        out.append(o)
    if nd == 1:
        kernel, stride, padding, dilation = (
            (1,) + kernel,
            (1,) + stride,
            (0,) + padding,
            (1,) + dilation,
        )
        out = [1] + out
        spatial = (1,) + spatial
    # pad at the end as far as the last window reaches (more than `padding` with ceil_mode)
    pads = []
    for n, k, s, p, d, o in zip(spatial, kernel, stride, padding, dilation, out):
        reach = (o - 1) * s + d * (k - 1) + 1
        pads += [p, max(reach - n - p, 0)]
    fast = kernel == stride and dilation == (1, 1) and not any(pads)
    return kernel, stride, tuple(pads), dilation, tuple(out), fast


def _batched(x: Tensor, nd: int) -> tuple[Tensor, bool]:
    return (x.unsqueeze(0), True) if x._data.ndim == nd + 1 else (x, False)


def _max_pool(op, nd, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices):
    geometry = _pool_args(op, input, nd, kernel_size, stride, padding, dilation, ceil_mode)
    kernel, stride, pads, dilation, out_hw, fast = geometry
    x, unbatched = _batched(input, nd)
    y = MaxPool.apply(
        x, kernel=kernel, stride=stride, pads=pads, dilation=dilation, out_hw=out_hw, fast=fast,
        want_index=return_indices,
    )  # fmt: skip
    if not return_indices:
        return y.squeeze(0) if unbatched else y
    index = Tensor._wrap(y._ctx.index) if y._ctx is not None else None
    if index is None:  # no graph was recorded: compute the indices with one more call
        ctx = MaxPool()
        MaxPool.forward(
            ctx, x._data, kernel=kernel, stride=stride, pads=pads, dilation=dilation,
            out_hw=out_hw, fast=fast, want_index=True,
        )  # fmt: skip
        index = Tensor._wrap(ctx.index)
    if unbatched:
        return y.squeeze(0), index.squeeze(0)
    return y, index


def max_pool2d(
    input: Tensor,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    dilation: Any = 1,
    ceil_mode: bool = False,
    return_indices: bool = False,
) -> Any:
    """2-d max pooling: the largest value of each kh x kw window (stride defaults to kernel_size).

    Shape
    -----
    input (N, C, H, W) or (C, H, W); output (N, C, H_out, W_out),
    H_out = floor((H + 2p - d (kh - 1) - 1) / s) + 1 (ceil with ceil_mode). With return_indices,
    also the int64 flat index (h * W + w) of each maximum in its input plane.

    Example
    -------
    >>> max_pool2d(glassnet.randn(8, 6, 28, 28), 2).shape
    (8, 6, 14, 14)
    """
    return _max_pool(
        "max_pool2d", 2, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices
    )


def max_pool1d(
    input: Tensor,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    dilation: Any = 1,
    ceil_mode: bool = False,
    return_indices: bool = False,
) -> Any:
    """1-d max pooling over the last axis of (N, C, L) or (C, L).

    Example
    -------
    >>> max_pool1d(glassnet.randn(2, 3, 10), 3, stride=2).shape
    (2, 3, 4)
    """
    return _max_pool(
        "max_pool1d", 1, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices
    )


def _avg_pool(op, nd, input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor):
    if input._data.dtype.kind in "biu":  # PyTorch: integer sums divided with truncation
        if input._data.dtype.kind == "b":
            raise TypeError(f"{op}: not implemented for bool input (shape {input._data.shape})")
        y = _avg_pool(
            op, nd, cast(input, np.float64), kernel_size, stride, padding, ceil_mode,
            count_include_pad, divisor,
        )  # fmt: skip
        return Tensor._wrap(np.trunc(y._data).astype(input._data.dtype))
    geometry = _pool_args(op, input, nd, kernel_size, stride, padding, 1, ceil_mode)
    kernel, stride, pads, _, out_hw, fast = geometry
    if divisor is not None:
        if divisor == 0:
            raise ValueError(f"{op}: divisor_override must not be 0")
        div = np.asarray(divisor, dtype=input._data.dtype)
    else:
        # the window's extent along each axis, clipped to the padded (or the unpadded) input
        counts = []
        for axis in range(2):
            n = input._data.shape[-2 + axis] if nd == 2 or axis == 1 else 1
            p = pads[2 * axis]
            start = np.arange(out_hw[axis]) * stride[axis] - p
            end = np.minimum(start + kernel[axis], n + p)
            if not count_include_pad:
                start, end = np.maximum(start, 0), np.minimum(end, n)
            counts.append(end - start)
        div = (counts[0][:, None] * counts[1][None, :]).astype(input._data.dtype)
    x, unbatched = _batched(input, nd)
    y = AvgPool.apply(
        x, kernel=kernel, stride=stride, pads=pads, out_hw=out_hw, fast=fast, divisor=div
    )
    return y.squeeze(0) if unbatched else y


def avg_pool2d(
    input: Tensor,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: int | None = None,
) -> Tensor:
    """2-d average pooling: the mean of each kh x kw window (stride defaults to kernel_size).

    Shape
    -----
    input (N, C, H, W) or (C, H, W); output (N, C, H_out, W_out),
    H_out = floor((H + 2p - kh) / s) + 1 (ceil with ceil_mode).

    Example
    -------
    >>> avg_pool2d(glassnet.randn(8, 6, 28, 28), 2).shape
    (8, 6, 14, 14)
    """
    return _avg_pool(
        "avg_pool2d", 2, input, kernel_size, stride, padding, ceil_mode, count_include_pad,
        divisor_override,
    )  # fmt: skip


def avg_pool1d(
    input: Tensor,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
) -> Tensor:
    """1-d average pooling over the last axis of (N, C, L) or (C, L).

    Example
    -------
    >>> avg_pool1d(glassnet.randn(2, 3, 10), 2).shape
    (2, 3, 5)
    """
    return _avg_pool(
        "avg_pool1d", 1, input, kernel_size, stride, padding, ceil_mode, count_include_pad, None
    )
