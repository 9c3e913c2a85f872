"""Convolution kernels: the cheapest NumPy + BLAS path for each convolution shape.

`glassnet.ops.conv.ConvNd` states the math (Y = W cols, dL/dW = gY cols^T, dL/dx = col2im(W^T gY));
these functions compute it, choosing by shape among the paths of `glassnet.kernels.im2col`,
`glassnet.kernels.flat_rows`, `glassnet.kernels.batch_inner` and `glassnet.kernels.depthwise`:

* 'same' convolutions (stride 1, odd kernel, padding k // 2, ungrouped): columns read straight
  from the unpadded planes, forward and backward (`flat_rows`; the backward where the layer
  does not widen more than 2x or needs no dL/dx).
* forward: the columns a few images at a time (`conv_gemm`), in wide rows for stride-1
  convolutions whose junk columns stay cheap (`use_wide_rows`).
* backward of a stride-1 convolution (any padding, dilation; grouped, or with no more output
  than input channels): both gradients from one set of columns of the padded output gradient
  (`grads_stride1`).
* small maps (Wo <= 8-10, N >= 8): the columns with the batch innermost, forward and backward
  (`batch_inner`).
* depthwise convolutions: columns of stride-phase planes (`depthwise`), for the backward and
  for strided forwards.
* backward otherwise (strided, widening, or a first layer with no dL/dx): dL/dW from the
  columns made again (`conv_weight_grad`), dL/dx by wide rows (`input_grad_wide`) or by col2im
  (`input_grad_cols`).

Arrays are 4-d: x (N, C, H, W), W (O, C/groups, kh, kw), y and gy (N, O, Ho, Wo). The output is
returned as the (N, O, Ho, Wo) view of a channel-major (O, N, Ho, Wo) array: the next
convolution reads its columns in exactly that order.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from glassnet.kernels import batch_inner, depthwise, flat_rows
from glassnet.kernels.cache import constant, recycled
from glassnet.kernels.gemm import add_matmul_t, matmul_into
from glassnet.kernels.im2col import (
    channel_major,
    conv_gemm,
    conv_weight_grad,
    grads_stride1,
    input_grad_cols,
    input_grad_wide,
    out_size,
    pad_hw,
    unpad_hw,
    use_wide_rows,
)


class Plan(NamedTuple):
    """What forward decided and backward needs: the geometry and the path taken."""

    kernel: tuple  # (kh, kw)
    stride: tuple
    pads: tuple  # (top, bottom, left, right)
    dilation: tuple
    groups: int
    out_hw: tuple  # (Ho, Wo)
    wide: bool  # the forward's columns in wide rows (stride 1, undilated, few junk columns)
    inner: bool  # the forward's columns with the batch innermost (small maps)
    flat: bool  # a 'same' convolution, which flat rows can compute (`flat_rows`)
    flat_depthwise: bool  # a 'same' depthwise one whose forward flat rows take


def plan(x_shape: tuple, w_shape: tuple, stride, pads, dilation, groups: int) -> Plan:
    """The output size and the path for a convolution of these shapes."""
    H, Wd = x_shape[2:]
    O, _, kh, kw = w_shape
    Ho = out_size(H, kh, stride[0], pads[0], pads[1], dilation[0])
    Wo = out_size(Wd, kw, stride[1], pads[2], pads[3], dilation[1])
    # wide rows also pass the output through a workspace: where it has more channels than the
    # columns have rows (a first layer, 1->32 3x3) that copy costs more than wide rows save
    # (A/B: narrow 0.48x there)
    wide = use_wide_rows(stride, dilation, O // groups, Wo, Wd + pads[2] + pads[3])
    wide = wide and O // groups <= w_shape[1] * kh * kw
    inner = batch_inner.use_forward(x_shape[0], Wo, groups)
    same = flat_rows.use_flat_rows((kh, kw), stride, pads, dilation, (H, Wd))
    flat = groups == 1 and same
    per_channel = groups == x_shape[1] == O and same and flat_rows.use_depthwise((kh, kw), (H, Wd))
    return Plan((kh, kw), stride, pads, dilation, groups, (Ho, Wo), wide, inner, flat, per_channel)


def forward(x: np.ndarray, W: np.ndarray, p: Plan) -> np.ndarray:
    """y = W (star) x: (N, O, Ho, Wo), the view of a channel-major array."""
    N = x.shape[0]
    O = W.shape[0]
    G = p.groups
    Ho, Wo = p.out_hw
    if _pointwise(p):  # 1x1: the pixels are the columns, one GEMM, no im2col
        y = recycled("y", (O, N * Ho * Wo), x.dtype)
        matmul_into(W.reshape(O, -1), channel_major(x, p.stride), y)
        return y.reshape(O, N, Ho, Wo).transpose(1, 0, 2, 3)
    if p.flat:
        # 'same': columns straight from the unpadded planes, no junk, no crop (A/B against wide
        # rows or batch innermost: 28x28 16->16 3x3 0.86, 64->64 0.88, 32x32 32->32 0.94,
        # 14x14 32->32 0.84, 10x10 16->16 0.73, 7x7 64->64 0.97, 4x4 128->128 1.00, 1->6 5x5
        # on 28x28 0.85, 3->16 on 64x64 0.84)
        return flat_rows.forward(x, W)
    if p.flat_depthwise:  # 3x3 'same' depthwise on small maps: flat rows, no padded copy
        return flat_rows.depthwise_forward(x, W)
    if G == x.shape[1] == O and p.stride != (1, 1):
        # strided depthwise: columns from stride-phase planes (A/B 0.8x; at stride 1 the wide
        # rows below are cheaper)
        return depthwise.forward(x, W, p.stride, p.pads, p.dilation, p.out_hw)
    if p.inner:  # small maps: columns with the batch innermost, runs of Wo * N numbers
        return batch_inner.forward(x, W, (p.kernel, p.stride, p.pads, p.dilation, p.out_hw))
    y = recycled("y", (G, O // G, N * Ho * Wo), x.dtype)
    xp = pad_hw(x, p.pads, copy=p.wide)
    conv_gemm(W.reshape(G, O // G, -1), xp, (p.kernel, p.stride, p.dilation, p.out_hw), y, p.wide)
    return y.reshape(O, N, Ho, Wo).transpose(1, 0, 2, 3)


def backward(
    gy: np.ndarray, x: np.ndarray, W: np.ndarray, p: Plan, need_x: bool, need_w: bool
) -> tuple[np.ndarray | None, np.ndarray | None]:
    """(dL/dx, dL/dW) of y = W (star) x for the output gradient gy; None where not needed."""
    N, C, H, Wd = x.shape
    O = W.shape[0]
    G = p.groups
    Ho, Wo = p.out_hw
    if _pointwise(p):  # 1x1: dL/dW = gY X^T, dL/dx = W^T gY, two GEMMs
        return _pointwise_grads(gy, x, W, p.stride, need_x, need_w)
    if p.flat and (not need_x or O <= 2 * C):
        # 'same': both gradients from flat-row columns of gy, or dL/dW alone from those of x
        # (A/B: 14x14 32->32 0.85, 10x10 16->16 0.76, 7x7 64->64 0.86, 28x28 16->16 0.93-1.01,
        # 64->64 0.93, 16->32 on 16x16 0.78; but 3->16 with dL/dx 1.99: gy's columns then are
        # the larger ones)
        return flat_rows.backward(gy, x, W, need_x, need_w)
    if G == C == O:
        # depthwise: each tap one contiguous block of the stride-phase planes (A/B: 0.38x the
        # time strided, 0.54-0.65x at stride 1)
        return depthwise.backward(gy, x, W, p.stride, p.pads, p.dilation, need_x, need_w)
    if batch_inner.use_backward(N, Wo, G, O > C):
        geometry = (p.kernel, p.stride, p.pads, p.dilation, p.out_hw)
        return batch_inner.backward(gy, x, W, geometry, need_x, need_w)
    if need_x and p.stride == (1, 1) and (G > 1 or O <= C):
        # one set of columns of gy for both gradients: measured 0.4x the time of the two-column
        # path on depthwise layers, 0.45x with padding wider than 'same', 0.65x dilated, 0.8x
        # grouped, equal on 'same' layers; but 1.6-2x slower where the output has more channels
        # than the input (LeNet's 6->16 valid 5x5: its columns would be the larger ones)
        return grads_stride1(gy, W, x if need_w else None, x.shape, p.pads, p.dilation, G)
    gY = gy.transpose(1, 0, 2, 3).reshape(G, O // G, N * Ho * Wo)  # (G, O/G, N*Ho*Wo)
    W2 = W.reshape(G, O // G, -1)
    pt, pb, pl, pr = p.pads
    # wide rows by the junk rule alone: the forward's extra condition (its output's copy) does
    # not apply to the gradients
    wide = use_wide_rows(p.stride, p.dilation, O // G, Wo, Wd + pl + pr)
    gx = gW = None
    if need_w:
        # an image input (C <= 3) makes few columns: spreading gy over wide rows costs more than
        # the narrow columns' short rows save (A/B: 0.72x on 1->32 3x3, 0.84x on LeNet's 1->6)
        xp = pad_hw(x, p.pads, copy=wide and C > 3)
        geometry = (p.kernel, p.stride, p.dilation, p.out_hw)
        gW = conv_weight_grad(gY, xp, geometry, wide and C > 3).reshape(W.shape)
    if need_x:
        padded = (C, N, H + pt + pb, Wd + pl + pr)
        if wide:
            gxp = input_grad_wide(W2, gY, p.kernel, p.out_hw, padded)
        else:
            geometry = (p.kernel, p.stride, p.dilation, p.out_hw)
            gxp = input_grad_cols(W2, gY, geometry, padded)
        gx = unpad_hw(gxp, p.pads, x.shape)
    return gx, gW


def bias_grad(gy: np.ndarray) -> np.ndarray:
    """dL/db = sum of gy (N, O, Ho, Wo) over n, p, q, as BLAS matrix-vector products with a cached
    vector of ones (3x faster than NumPy's sum over axes (0, 2, 3) on these shapes)."""
    N, O, Ho, Wo = gy.shape
    dtype = gy.dtype
    cm = gy.transpose(1, 0, 2, 3)
    if cm.flags.c_contiguous:  # channel-major, as a convolution's output is
        return cm.reshape(O, -1) @ _ones(N * Ho * Wo, dtype)
    if gy.flags.c_contiguous:
        return _ones(N, dtype) @ (gy.reshape(N, O, Ho * Wo) @ _ones(Ho * Wo, dtype))
    return gy.sum(axis=(0, 2, 3))


def _ones(n: int, dtype) -> np.ndarray:
    return constant(("ones", n, np.dtype(dtype)), lambda: np.ones(n, dtype))


def _pointwise(p: Plan) -> bool:
    """A 1x1 convolution without padding or groups: Y (O, N*Ho*Wo) = W (O, C) X (C, N*Ho*Wo)."""
    return p.kernel == (1, 1) and p.groups == 1 and not any(p.pads)


def _pointwise_grads(
    gy: np.ndarray, x: np.ndarray, W: np.ndarray, stride: tuple, need_x: bool, need_w: bool
) -> tuple[np.ndarray | None, np.ndarray | None]:
    """dL/dW = gY X^T and dL/dx = W^T gY of a 1x1 convolution (a strided one scatters dL/dx
    back to every stride-th pixel, zeros elsewhere)."""
    N, C, H, Wd = x.shape
    O = W.shape[0]
    Ho, Wo = gy.shape[2:]
    gY = channel_major(gy, tag="gy_cm")  # (O, N*Ho*Wo)
    gx = gW = None
    if need_w:
        gWT = np.zeros((C, O), gy.dtype)  # stays 0 for an empty batch
        add_matmul_t(gWT, channel_major(x, stride), gY)
        gW = np.ascontiguousarray(gWT.T).reshape(W.shape)
    if need_x:
        gX = recycled("gx", (C, N * Ho * Wo), gy.dtype)
        matmul_into(W.reshape(O, C).T, gY, gX)
        gx = gX.reshape(C, N, Ho, Wo).transpose(1, 0, 2, 3)
        if stride != (1, 1):
            full = np.zeros((C, N, H, Wd), gy.dtype).transpose(1, 0, 2, 3)
            full[:, :, :: stride[0], :: stride[1]] = gx
            gx = full
    return gx, gW
