"""Convolution ops (PyTorch's conv1d/conv2d, conv_transpose1d/2d, unfold/fold): the math. The
kernels that compute it fast are in `glassnet.kernels.conv` and `glassnet.kernels.im2col`; the
textbook version the tests hold them to is `glassnet.kernels.reference`.

Forward: Y (O, N*Ho*Wo) = W (O, C*kh*kw) @ cols, cols = im2col(x).
Backward of Y = W cols:  dL/dW = gY cols^T,  dL/dcols = W^T gY,  and dL/dx = col2im(dL/dcols):
each column entry is added back to the input pixel it was read from.

A transposed convolution is the adjoint of a convolution: its forward is col2im(W^T x) and its
backward is im2col + a matrix product. fold/unfold expose col2im/im2col themselves.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.autograd.function import Op
from glassnet.kernels import conv as kconv
from glassnet.kernels.im2col import col2im_add, im2col, out_size, pad_hw, unpad_hw, windows
from glassnet.tensor import Tensor


def ntuple(value: Any, n: int, name: str, op: str) -> tuple:
    """An int or a sequence of n ints as a tuple of n ints (PyTorch's `_pair`)."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return (int(value),) * n
    if (
        isinstance(value, (tuple, list))
        and len(value) == n
        and all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in value)
    ):
        return tuple(int(v) for v in value)
    raise TypeError(f"{op}: {name} must be an int or a tuple of {n} ints, got {value!r}")


def _as_4d(x: np.ndarray) -> np.ndarray:
    """(N, C, L) -> (N, C, 1, L): a 1-d convolution is a 2-d one of height 1."""
    return x[:, :, None, :] if x.ndim == 3 else x


# --------------------------------------------------------------------------- ops


class ConvNd(Op):
    """Cross-correlation (PyTorch's convolution), 1-d or 2-d: im2col + one matrix product.

        y[n, o, p, q] = b[o] + sum_{c,i,j} W[o, c, i, j] xp[n, g*Cg + c, p*sh + i*dh, q*sw + j*dw]

    with xp the padded input, g = o // (O / groups), Cg = C / groups. As matrices, per group:

        Y = W cols                 cols = im2col(xp): (Cg*kh*kw, N*Ho*Wo), one column per pixel
        dL/dW = gY cols^T          dL/dcols = W^T gY,   dL/dx = col2im(dL/dcols)
        dL/db = sum of gy over n, p, q

    (`glassnet.kernels.reference.conv2d_forward`/`conv2d_backward` write exactly this;
    `glassnet.kernels.conv` computes the same by the fastest path for the shape.) A 1-d input
    (N, C, L) runs as a 2-d one of height 1. Shapes: x (N, C, H, W), W (O, Cg, kh, kw),
    y (N, O, Ho, Wo).
    """

    @staticmethod
    def forward(ctx, x, W, *bias, stride, pads, dilation, groups):
        x4, W4 = _as_4d(x), _as_4d(W)
        plan = kconv.plan(x4.shape, W4.shape, stride, pads, dilation, groups)
        y = kconv.forward(x4, W4, plan)  # (N, O, Ho, Wo)
        if bias:
            y += bias[0][:, None, None]
        if True in ctx.needs_input_grad:  # under no_grad nothing is kept
            ctx.save_for_backward(x4, W4, plan, W.shape)  # the input, not its columns
        return y if x.ndim == 4 else y[:, :, 0, :]

    @staticmethod
    def backward(ctx, gy):
        x4, W4, plan, w_shape = ctx.saved_tensors
        need = ctx.needs_input_grad
        gx, gW = kconv.backward(_as_4d(gy), x4, W4, plan, need[0], need[1])
        if gx is not None and len(w_shape) == 3:
            gx = gx[:, :, 0, :]
        if gW is not None:
            gW = gW.reshape(w_shape)
        if len(need) == 2:
            return gx, gW
        gb = kconv.bias_grad(_as_4d(gy)) if need[2] else None  # sum over n, p, q
        return gx, gW, gb


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
        gcols = gcols.reshape(G, -1, N * H * Wd)  # (G, Og*kh*kw, N*H*W)
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


# --------------------------------------------------------------------------- public functions


def _check_input(op: str, x: Tensor, weight: Tensor, nd: int) -> tuple[Tensor, bool]:
    """Accept a batched (N, C, *spatial) or unbatched (C, *spatial) input; return it batched."""
    if not isinstance(x, Tensor) or not isinstance(weight, Tensor):
        raise TypeError(f"{op}: input and weight must be Tensors")
    if weight._data.ndim != nd + 2:
        raise ValueError(
            f"{op}: weight must have {nd + 2} dimensions (out, in/groups, *kernel), "
            f"got shape {weight._data.shape}"
        )
    if x._data.ndim == nd + 1:
        return x.unsqueeze(0), True
    if x._data.ndim != nd + 2:
        raise ValueError(
            f"{op}: expected a {nd + 2}-d input (N, C, {'H, W' if nd == 2 else 'L'}) or an "
            f"unbatched {nd + 1}-d one, got shape {x._data.shape}"
        )
    if x._data.dtype != weight._data.dtype:
        raise TypeError(f"{op}: input is {x._data.dtype} but weight is {weight._data.dtype}")
    return x, False


def conv_padding(
    op: str, padding: Any, nd: int, kernel: tuple, stride: tuple, dilation: tuple
) -> tuple:
    """(top, bottom, left, right) from an int, a tuple, 'valid' or 'same'.

    'same' pads d (k - 1) in total per axis, the odd one at the end (as PyTorch does); it needs
    stride 1."""
    if isinstance(padding, str):
        if padding == "valid":
            per_axis = [(0, 0)] * nd
        elif padding == "same":
            if any(s != 1 for s in stride):
                raise ValueError(f"{op}: padding='same' is not supported for strided convolutions")
            per_axis = []
            for k, d in zip(kernel, dilation):
                total = d * (k - 1)
                per_axis.append((total // 2, total - total // 2))
        else:
            raise ValueError(
                f"{op}: padding must be 'valid', 'same', an int or a tuple of {nd} ints, "
                f"got {padding!r}"
            )
    else:
        p = ntuple(padding, nd, "padding", op)
        if any(v < 0 for v in p):
            raise ValueError(f"{op}: padding must be non-negative, got {padding!r}")
        per_axis = [(v, v) for v in p]
    if nd == 1:
        per_axis = [(0, 0)] + per_axis
    return per_axis[0] + per_axis[1]


def _conv(op, input, weight, bias, stride, padding, dilation, groups, nd):
    x, unbatched = _check_input(op, input, weight, nd)
    stride = ntuple(stride, nd, "stride", op)
    dilation = ntuple(dilation, nd, "dilation", op)
    if any(s < 1 for s in stride) or any(d < 1 for d in dilation):
        raise ValueError(f"{op}: stride and dilation must be >= 1, got {stride} and {dilation}")
    if not isinstance(groups, int) or groups < 1:
        raise ValueError(f"{op}: groups must be a positive int, got {groups!r}")
    w_shape, x_shape = weight._data.shape, x._data.shape
    if w_shape[0] % groups:
        raise ValueError(f"{op}: out channels {w_shape[0]} not divisible by groups={groups}")
    if x_shape[1] != w_shape[1] * groups:
        raise ValueError(
            f"{op}: weight of shape {w_shape} with groups={groups} expects input with "
            f"{w_shape[1] * groups} channels, got input of shape {x_shape}"
        )
    kernel = w_shape[2:]
    pads = conv_padding(op, padding, nd, kernel, stride, dilation)
    spatial = x_shape[2:] if nd == 2 else (1,) + x_shape[2:]
    k2 = kernel if nd == 2 else (1,) + kernel
    s2, d2 = (stride, dilation) if nd == 2 else ((1,) + stride, (1,) + dilation)
    for axis in range(2):
        if (
            out_size(spatial[axis], k2[axis], s2[axis], *pads[2 * axis : 2 * axis + 2], d2[axis])
            < 1
        ):
            raise ValueError(
                f"{op}: input of shape {x_shape} (padding {padding!r}) is smaller than the "
                f"dilated kernel {kernel} (dilation {dilation})"
            )
    params = dict(stride=s2, pads=pads, dilation=d2, groups=groups)
    if bias is None:
        y = ConvNd.apply(x, weight, **params)
    else:
        if bias._data.shape != (w_shape[0],):
            raise ValueError(f"{op}: bias shape {bias._data.shape} should be ({w_shape[0]},)")
        y = ConvNd.apply(x, weight, bias, **params)
    return y.squeeze(0) if unbatched else y


def conv2d(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride: Any = 1,
    padding: Any = 0,
    dilation: Any = 1,
    groups: int = 1,
) -> Tensor:
    """2-d convolution (cross-correlation), im2col + one matrix product.

        y[n, o] = b[o] + sum_c W[o, c] (star) x[n, c]

    Shape
    -----
    input (N, C_in, H, W) or (C_in, H, W); weight (C_out, C_in/groups, kh, kw); bias (C_out,);
    output (N, C_out, H_out, W_out) with H_out = floor((H + 2p - d (kh - 1) - 1) / s) + 1.

    Example
    -------
    >>> y = conv2d(glassnet.randn(8, 3, 32, 32), glassnet.randn(16, 3, 3, 3), padding="same")
    >>> y.shape
    (8, 16, 32, 32)
    """
    return _conv("conv2d", input, weight, bias, stride, padding, dilation, groups, 2)


def conv1d(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride: Any = 1,
    padding: Any = 0,
    dilation: Any = 1,
    groups: int = 1,
) -> Tensor:
    """1-d convolution (cross-correlation): a 2-d one of height 1.

    Shape
    -----
    input (N, C_in, L) or (C_in, L); weight (C_out, C_in/groups, k); output (N, C_out, L_out),
    L_out = floor((L + 2p - d (k - 1) - 1) / s) + 1.

    Example
    -------
    >>> conv1d(glassnet.randn(4, 2, 50), glassnet.randn(6, 2, 5)).shape
    (4, 6, 46)
    """
    return _conv("conv1d", input, weight, bias, stride, padding, dilation, groups, 1)


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
    kernel = w_shape[2:]
    out_hw = tuple(
        (n - 1) * s - 2 * p + d * (k - 1) + o + 1
        for n, s, p, d, k, o in zip(x_shape[2:], stride, padding, dilation, kernel, output_padding)
    )
    if min(out_hw) < 1:
        raise ValueError(f"{op}: output size {out_hw} is too small (input shape {x_shape})")
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
    if bias is None:
        y = ConvTransposeNd.apply(x, weight, **params)
    else:
        c_out = w_shape[1] * groups
        if bias._data.shape != (c_out,):
            raise ValueError(f"{op}: bias shape {bias._data.shape} should be ({c_out},)")
        y = ConvTransposeNd.apply(x, weight, bias, **params)
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
    H_out = (H - 1) s - 2p + d (kh - 1) + output_padding + 1.

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
    out_shape = (shape[0], shape[1] // k, H, W)
    return Fold.apply(
        input, out_shape=out_shape, kernel=kernel, stride=stride, pads=pads, dilation=dilation
    )
