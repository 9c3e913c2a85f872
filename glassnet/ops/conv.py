"""Convolution ops (PyTorch's conv1d/conv2d, conv_transpose1d/2d, unfold/fold): the math. The
kernels that compute it fast are in `glassnet.kernels.conv` and `glassnet.kernels.im2col`; the
textbook version the tests hold them to is `glassnet.kernels.reference`.

Forward: Y (O, N*Ho*Wo) = W (O, C*kh*kw) @ cols, cols = im2col(x).
Backward of Y = W cols:  dL/dW = gY cols^T,  dL/dcols = W^T gY,  and dL/dx = col2im(dL/dcols):
each column entry is added back to the input pixel it was read from.

Transposed convolutions are in `glassnet.ops.conv_transpose`, fold/unfold in `glassnet.ops.fold`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.autograd.function import Op
from glassnet.kernels import conv as kconv
from glassnet.kernels.im2col import out_size
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


class EmptyResult(Op):
    """A convolution whose result has no elements, as PyTorch gives it: zero input channels
    (y (N, 0, *out)) or a transposed convolution's output size 0 (y (N, C_out, 0, W)).

        y = an empty array of `shape`        dL/d(every input) = 0 (no output reads it)
    """

    @staticmethod
    def forward(ctx, *arrays, shape):
        ctx.save_for_backward(*(a.shape for a in arrays))
        return np.zeros(shape, arrays[0].dtype)

    @staticmethod
    def backward(ctx, gy):
        return tuple(np.zeros(shape, gy.dtype) for shape in ctx.saved_tensors)


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
    if x._data.ndim not in (nd + 1, nd + 2):
        raise ValueError(
            f"{op}: expected a {nd + 2}-d input (N, C, {'H, W' if nd == 2 else 'L'}) or an "
            f"unbatched {nd + 1}-d one, got shape {x._data.shape}"
        )
    if x._data.dtype != weight._data.dtype:
        raise TypeError(f"{op}: input is {x._data.dtype} but weight is {weight._data.dtype}")
    if x._data.ndim == nd + 1:
        return x.unsqueeze(0), True
    return x, False


def check_empty(op: str, x_shape: tuple, w_shape: tuple, transposed: bool) -> None:
    """PyTorch's rules for empty convolutions: the kernel and the weight's first axis (output
    channels; input channels when transposed, whose output channels must be non-empty too) must
    not be empty, and an input may be empty only in its batch or channel axis."""
    if min(w_shape[2:]) < 1:
        raise ValueError(f"{op}: kernel size must be >= 1, got weight of shape {w_shape}")
    for axis, what in ((0, "input" if transposed else "output"), (1, "output")):
        if w_shape[axis] == 0 and (axis == 0 or transposed):
            raise ValueError(
                f"{op}: weight of shape {w_shape} has no {what} channels (axis {axis} is 0)"
            )
    if 0 in x_shape[2:] and x_shape[0] and x_shape[1]:
        raise ValueError(
            f"{op}: input of shape {x_shape} is empty in a spatial axis; only the batch or the "
            f"channel axis may be empty"
        )


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
    check_empty(op, x_shape, w_shape, transposed=False)
    kernel = w_shape[2:]
    pads = conv_padding(op, padding, nd, kernel, stride, dilation)
    spatial = x_shape[2:] if nd == 2 else (1,) + x_shape[2:]
    k2 = kernel if nd == 2 else (1,) + kernel
    s2, d2 = (stride, dilation) if nd == 2 else ((1,) + stride, (1,) + dilation)
    out_hw = []
    for axis in range(2):
        o = out_size(spatial[axis], k2[axis], s2[axis], *pads[2 * axis : 2 * axis + 2], d2[axis])
        if o < 1:
            raise ValueError(
                f"{op}: input of shape {x_shape} (padding {padding!r}) is smaller than the "
                f"dilated kernel {kernel} (dilation {dilation})"
            )
        out_hw.append(o)
    inputs = (x, weight)
    if bias is not None:
        if bias._data.shape != (w_shape[0],):
            raise ValueError(f"{op}: bias shape {bias._data.shape} should be ({w_shape[0]},)")
        inputs += (bias,)
    if x_shape[1] == 0:  # no input channels: PyTorch's result has no channels either
        y = EmptyResult.apply(*inputs, shape=(x_shape[0], 0) + tuple(out_hw[2 - nd :]))
    else:
        y = ConvNd.apply(*inputs, stride=s2, pads=pads, dilation=d2, groups=groups)
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
    An input of zero channels gives an empty (N, 0, H_out, W_out) result with zero gradients,
    as PyTorch's does.

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
