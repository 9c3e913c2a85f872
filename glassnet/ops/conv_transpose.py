"""Transposed convolutions (PyTorch's conv_transpose1d/2d): the adjoint of a convolution, its
forward is col2im(W^T x) and its backward is im2col + a matrix product."""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.autograd.function import Op
from glassnet.kernels.im2col import col2im_add, im2col, pad_hw, unpad_hw
from glassnet.ops.conv import EmptyResult, _as_4d, _check_input, check_empty, ntuple
from glassnet.tensor import Tensor


class ConvTransposeNd(Op):
    """Transposed convolution (the gradient of a convolution with respect to its input):

        y_full = col2im(W^T x),  y = y_full cropped by `padding` (+ output_padding at the end)

    with W (C_in, C_out/groups, kh, kw). Each input pixel scatters W[c] scaled by x[n, c, h, w] to
    the output window starting at (h*s, w*s). Backward is a convolution:
        dL/dx = W im2col(gy),   dL/dW = x im2col(gy)^T,   dL/db = sum of gy over n, p, q.
    """

    @staticmethod
    def forward(ctx, x, W, *bias, stride, padding, output_padding, dilation, groups, out_hw):
        nd = x.ndim
        x4, W4 = _as_4d(x), _as_4d(W)
        N, C, H, Wd = x4.shape
        _, Og, kh, kw = W4.shape
        G = groups
        Ho, Wo = out_hw
        # The full output is the cropped one padded by `padding` in front and the rest behind.
        hp = (H - 1) * stride[0] + dilation[0] * (kh - 1) + 1 + output_padding[0]
        wp = (Wd - 1) * stride[1] + dilation[1] * (kw - 1) + 1 + output_padding[1]
        pads = (padding[0], hp - padding[0] - Ho, padding[1], wp - padding[1] - Wo)
        X = x4.transpose(1, 0, 2, 3).reshape(G, C // G, N * H * Wd)  # (G, Cin/G, N*H*W)
        W2 = W4.reshape(G, C // G, Og * kh * kw)
        cols = np.matmul(W2.transpose(0, 2, 1), X)  # (G, Og*kh*kw, N*H*W)
        gwin = cols.reshape(G * Og, kh, kw, N, H, Wd).transpose(3, 0, 1, 2, 4, 5)
        yp = np.zeros((G * Og, N, hp, wp), dtype=x.dtype).transpose(1, 0, 2, 3)
        col2im_add(yp, gwin, (kh, kw), stride, dilation)
        y = unpad_hw(yp, pads, (N, G * Og, Ho, Wo))
        if bias:
            y += bias[0][:, None, None]
        ctx.save_for_backward(X, W2, x4.shape, W.shape, nd)
        ctx.geometry = ((kh, kw), stride, pads, dilation)
        return y if nd == 4 else y[:, :, 0, :]

    @staticmethod
    def backward(ctx, gy):
        X, W2, x_shape, w_shape, nd = ctx.saved_tensors
        kernel, stride, pads, dilation = ctx.geometry
        need = ctx.needs_input_grad
        gy4 = _as_4d(gy)
        N, C, H, Wd = x_shape
        G = W2.shape[0]
        gcols = im2col(pad_hw(gy4, pads, tag="tpad"), kernel, stride, dilation, (H, Wd))
        gcols = gcols.reshape(G, W2.shape[2], N * H * Wd)  # (G, Og*kh*kw, N*H*W)
        gx = gW = gb = None
        if need[0]:
            gX = np.matmul(W2, gcols)  # (G, Cin/G, N*H*W)
            gx = gX.reshape(C, N, H, Wd).transpose(1, 0, 2, 3)
            if nd == 3:
                gx = gx[:, :, 0, :]
        if need[1]:
            gW = np.matmul(X, gcols.transpose(0, 2, 1)).reshape(w_shape)
        if len(need) > 2 and need[2]:
            gb = gy4.sum(axis=(0, 2, 3))
        return (gx, gW, gb) if len(need) > 2 else (gx, gW)


def _conv_transpose(op, input, weight, bias, stride, padding, output_padding, groups, dilation, nd):
    x, unbatched = _check_input(op, input, weight, nd)
    stride = ntuple(stride, nd, "stride", op)
    dilation = ntuple(dilation, nd, "dilation", op)
    padding = ntuple(padding, nd, "padding", op)
    output_padding = ntuple(output_padding, nd, "output_padding", op)
    if any(s < 1 for s in stride) or any(d < 1 for d in dilation) or min(padding) < 0:
        raise ValueError(
            f"{op}: need stride >= 1, dilation >= 1, padding >= 0, got {stride}, {dilation}, "
            f"{padding}"
        )
    for op_, s, d in zip(output_padding, stride, dilation):
        if not 0 <= op_ < max(s, d):
            raise ValueError(
                f"{op}: output_padding {output_padding} must be smaller than stride {stride} "
                f"or dilation {dilation}"
            )
    if not isinstance(groups, int) or groups < 1:
        raise ValueError(f"{op}: groups must be a positive int, got {groups!r}")
    w_shape, x_shape = weight._data.shape, x._data.shape
    if x_shape[1] != w_shape[0] or w_shape[0] % groups:
        raise ValueError(
            f"{op}: weight of shape {w_shape} (in, out/groups, *kernel) with groups={groups} "
            f"expects input with {w_shape[0]} channels, got input of shape {x_shape}"
        )
    check_empty(op, x_shape, w_shape, transposed=True)
    kernel = w_shape[2:]
    out_hw = tuple(
        (n - 1) * s - 2 * p + d * (k - 1) + o + 1
        for n, s, p, d, k, o in zip(x_shape[2:], stride, padding, dilation, kernel, output_padding)
    )
    if min(out_hw) < 0:
        raise ValueError(f"{op}: output size {out_hw} is too small (input shape {x_shape})")
    c_out = w_shape[1] * groups
    if bias is not None and bias._data.shape != (c_out,):
        raise ValueError(f"{op}: bias shape {bias._data.shape} should be ({c_out},)")
    inputs = (x, weight) if bias is None else (x, weight, bias)
    if min(out_hw) == 0:  # an empty output (as PyTorch's): every gradient is 0
        y = EmptyResult.apply(*inputs, shape=(x_shape[0], c_out) + out_hw)
        return y.squeeze(0) if unbatched else y
    if nd == 1:
        stride, padding, output_padding, dilation = (
            (1,) + stride,
            (0,) + padding,
            (0,) + output_padding,
            (1,) + dilation,
        )
        out_hw = (1,) + out_hw
    params = dict(
        stride=stride,
        padding=padding,
        output_padding=output_padding,
        dilation=dilation,
        groups=groups,
        out_hw=out_hw,
    )
    y = ConvTransposeNd.apply(*inputs, **params)
    return y.squeeze(0) if unbatched else y


def conv_transpose2d(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride: Any = 1,
    padding: Any = 0,
    output_padding: Any = 0,
    groups: int = 1,
    dilation: Any = 1,
) -> Tensor:
    """2-d transposed convolution (the input-gradient of conv2d; "deconvolution").

    Shape
    -----
    input (N, C_in, H, W); weight (C_in, C_out/groups, kh, kw); output (N, C_out, H_out, W_out),
    H_out = (H - 1) s - 2p + d (kh - 1) + output_padding + 1; an output size of 0 gives an
    empty result with zero gradients (as PyTorch's float32 and empty-batch paths do; its float64
    path raises), a negative one a ValueError.

    Example
    -------
    >>> conv_transpose2d(glassnet.randn(1, 4, 7, 7), glassnet.randn(4, 2, 2, 2), stride=2).shape
    (1, 2, 14, 14)
    """
    return _conv_transpose(
        "conv_transpose2d", input, weight, bias, stride, padding, output_padding, groups,
        dilation, 2,
    )  # fmt: skip


def conv_transpose1d(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride: Any = 1,
    padding: Any = 0,
    output_padding: Any = 0,
    groups: int = 1,
    dilation: Any = 1,
) -> Tensor:
    """1-d transposed convolution; input (N, C_in, L), weight (C_in, C_out/groups, k).

    Example
    -------
    >>> conv_transpose1d(glassnet.randn(1, 4, 10), glassnet.randn(4, 2, 3), stride=2).shape
    (1, 2, 21)
    """
    return _conv_transpose(
        "conv_transpose1d", input, weight, bias, stride, padding, output_padding, groups,
        dilation, 1,
    )  # fmt: skip
