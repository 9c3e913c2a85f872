"""fold/unfold (PyTorch's F.fold, F.unfold): col2im and im2col as ops."""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.autograd.function import Op
from glassnet.kernels.im2col import col2im_add, out_size, pad_hw, unpad_hw, windows
from glassnet.ops.conv import ntuple
from glassnet.tensor import Tensor


class Unfold(Op):
    """im2col as an op: x (N, C, H, W) -> (N, C*kh*kw, L), column l = the l-th receptive field.
    Backward is col2im: each column entry's gradient is added to the pixel it was read from."""

    @staticmethod
    def forward(ctx, x, *, kernel, stride, pads, dilation, out_hw):
        N, C = x.shape[:2]
        win = windows(pad_hw(x, pads, tag="unfold"), kernel, stride, dilation, out_hw)
        ctx.save_for_backward(x.shape)
        ctx.geometry = (kernel, stride, pads, dilation)
        return np.array(win.reshape(N, C * kernel[0] * kernel[1], out_hw[0] * out_hw[1]))

    @staticmethod
    def backward(ctx, gy):
        (x_shape,) = ctx.saved_tensors
        kernel, stride, pads, dilation = ctx.geometry
        return _fold(gy, x_shape, kernel, stride, pads, dilation)


def _fold(cols: np.ndarray, x_shape: tuple, kernel, stride, pads, dilation) -> np.ndarray:
    """col2im: cols (N, C*kh*kw, L) summed into an image of shape x_shape (N, C, H, W)."""
    N, C, H, W = x_shape
    Ho = out_size(H, kernel[0], stride[0], pads[0], pads[1], dilation[0])
    Wo = out_size(W, kernel[1], stride[1], pads[2], pads[3], dilation[1])
    gwin = cols.reshape(N, C, kernel[0], kernel[1], Ho, Wo)
    gxp = np.zeros((N, C, H + pads[0] + pads[1], W + pads[2] + pads[3]), dtype=cols.dtype)
    col2im_add(gxp, gwin, kernel, stride, dilation)
    return np.ascontiguousarray(unpad_hw(gxp, pads, x_shape))


class Fold(Op):
    """col2im as an op: (N, C*kh*kw, L) -> (N, C, H, W), summing overlapping entries.
    Backward is im2col (unfold) of the gradient."""

    @staticmethod
    def forward(ctx, cols, *, out_shape, kernel, stride, pads, dilation):
        ctx.geometry = (kernel, stride, pads, dilation, out_shape)
        return _fold(cols, out_shape, kernel, stride, pads, dilation)

    @staticmethod
    def backward(ctx, gy):
        kernel, stride, pads, dilation, (N, C, H, W) = ctx.geometry
        Ho = out_size(H, kernel[0], stride[0], pads[0], pads[1], dilation[0])
        Wo = out_size(W, kernel[1], stride[1], pads[2], pads[3], dilation[1])
        win = windows(pad_hw(gy, pads, tag="fold"), kernel, stride, dilation, (Ho, Wo))
        return np.array(win.reshape(N, C * kernel[0] * kernel[1], Ho * Wo))


def _fold_args(op, kernel_size, dilation, padding, stride):
    kernel = ntuple(kernel_size, 2, "kernel_size", op)
    dilation = ntuple(dilation, 2, "dilation", op)
    padding = ntuple(padding, 2, "padding", op)
    stride = ntuple(stride, 2, "stride", op)
    if min(kernel) < 1 or min(dilation) < 1 or min(stride) < 1 or min(padding) < 0:
        raise ValueError(
            f"{op}: need kernel_size, dilation, stride >= 1 and padding >= 0, got "
            f"{kernel}, {dilation}, {stride}, {padding}"
        )
    pads = (padding[0], padding[0], padding[1], padding[1])
    return kernel, dilation, pads, stride


def unfold(
    input: Tensor, kernel_size: Any, dilation: Any = 1, padding: Any = 0, stride: Any = 1
) -> Tensor:
    """im2col: extract sliding blocks. Column l holds the l-th receptive field, flattened (c, i, j).

    Shape
    -----
    input (N, C, H, W); output (N, C*kh*kw, L), L = H_out * W_out.

    Example
    -------
    >>> unfold(glassnet.randn(2, 3, 5, 5), kernel_size=3).shape
    (2, 27, 9)
    """
    kernel, dilation, pads, stride = _fold_args("unfold", kernel_size, dilation, padding, stride)
    if input._data.ndim != 4:
        raise ValueError(
            f"unfold: expected a 4-d input (N, C, H, W), got shape {input._data.shape}"
        )
    if 0 in input._data.shape[1:]:  # as PyTorch: only the batch axis may be empty
        raise ValueError(
            f"unfold: input of shape {input._data.shape} is empty in its channel or a spatial "
            f"axis; only the batch axis may be empty"
        )
    H, W = input._data.shape[2:]
    out_hw = (
        out_size(H, kernel[0], stride[0], pads[0], pads[1], dilation[0]),
        out_size(W, kernel[1], stride[1], pads[2], pads[3], dilation[1]),
    )
    if min(out_hw) < 1:
        raise ValueError(
            f"unfold: input of shape {input._data.shape} is smaller than the kernel {kernel}"
        )
    return Unfold.apply(
        input, kernel=kernel, stride=stride, pads=pads, dilation=dilation, out_hw=out_hw
    )


def fold(
    input: Tensor,
    output_size: Any,
    kernel_size: Any,
    dilation: Any = 1,
    padding: Any = 0,
    stride: Any = 1,
) -> Tensor:
    """col2im: sum sliding blocks (N, C*kh*kw, L) back into an image (N, C, H, W).

    Shape
    -----
    input (N, C*kh*kw, L) with L the number of block positions in output_size; output
    (N, C, *output_size).

    Example
    -------
    >>> x = glassnet.randn(1, 2, 4, 4)
    >>> fold(unfold(x, 2, stride=2), (4, 4), 2, stride=2).allclose(x)
    True
    """
    kernel, dilation, pads, stride = _fold_args("fold", kernel_size, dilation, padding, stride)
    H, W = ntuple(output_size, 2, "output_size", "fold")
    shape = input._data.shape
    k = kernel[0] * kernel[1]
    Ho = out_size(H, kernel[0], stride[0], pads[0], pads[1], dilation[0])
    Wo = out_size(W, kernel[1], stride[1], pads[2], pads[3], dilation[1])
    if len(shape) != 3 or shape[1] % k or shape[2] != Ho * Wo or Ho < 1 or Wo < 1:
        raise ValueError(
            f"fold: input of shape {shape} does not fit output_size {(H, W)} with kernel "
            f"{kernel}: expected (N, C*{k}, {max(Ho, 0) * max(Wo, 0)})"
        )
    if shape[1] == 0:  # as PyTorch: only the batch axis may be empty
        raise ValueError(f"fold: input of shape {shape} has no channels; only N may be 0")
    out_shape = (shape[0], shape[1] // k, H, W)
    return Fold.apply(
        input, out_shape=out_shape, kernel=kernel, stride=stride, pads=pads, dilation=dilation
    )
