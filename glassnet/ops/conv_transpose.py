"""Transposed convolutions (PyTorch's conv_transpose1d/2d): the adjoint of a convolution, its
forward is col2im(W^T x) and its backward is im2col + a matrix product."""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.autograd.function import Op
from glassnet.kernels import conv as kconv
from glassnet.ops.conv import EmptyResult, _as_4d, _check_input, check_empty, ntuple
from glassnet.tensor import Tensor


class ConvTransposeNd(Op):
    """Transposed convolution (the gradient of a convolution with respect to its input):

        y_full = col2im(W^T x),  y = y_full cropped by `padding` (+ output_padding at the end)

    with W (C_in, C_out/groups, kh, kw). Each input pixel scatters W[c] scaled by x[n, c, h, w] to
    the output window starting at (h*s, w*s). That is exactly the input gradient of the
    convolution conv(z, W) of an input z shaped like y (padding `padding`, same stride, dilation
    and groups; W read as its (out = C_in, in/groups = C_out/groups) weight) for the output
    gradient x, so the kernels of `glassnet.kernels.conv` compute all three:

        y = dconv/dz (x),   dL/dx = conv(gy, W),   dL/dW = dconv/dW (gy, x),   dL/db = sum gy.
    """

    @staticmethod
    def forward(ctx, x, W, *bias, stride, padding, output_padding, dilation, groups, out_hw):
        nd = x.ndim
        x4, W4 = _as_4d(x), _as_4d(W)
        N = x4.shape[0]
        c_out = W4.shape[1] * groups
        y_shape = (N, c_out) + tuple(out_hw)
        pads = (padding[0], padding[0], padding[1], padding[1])
        plan = kconv.plan(y_shape, W4.shape, stride, pads, dilation, groups)
        shaped_like_y = np.broadcast_to(np.zeros((), x.dtype), y_shape)  # read for its shape
        y, _ = kconv.backward(x4, shaped_like_y, W4, plan, True, False)
        if bias:
            y += bias[0][:, None, None]
        ctx.save_for_backward(x4, W4, nd)
        ctx.plan, ctx.w_shape = plan, W.shape
        return y if nd == 4 else y[:, :, 0, :]

    @staticmethod
    def backward(ctx, gy):
        x4, W4, nd = ctx.saved_tensors
        need = ctx.needs_input_grad
        gy4 = _as_4d(gy)
        gx = gW = gb = None
        if need[0]:
            gx = kconv.forward(gy4, W4, ctx.plan)
            if nd == 3:
                gx = gx[:, :, 0, :]
        if need[1]:
            _, gW = kconv.backward(x4, gy4, W4, ctx.plan, False, True)
            gW = gW.reshape(ctx.w_shape)
        if len(need) > 2 and need[2]:
            gb = kconv.bias_grad(gy4)  # sum of gy over n, p, q (as ConvNd's)
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
