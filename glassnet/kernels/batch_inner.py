"""Convolutions of small maps: im2col columns with the batch innermost.

On a 4x4 or 7x7 map the usual columns (C*kh*kw, N*Ho*Wo) are copied as rows of Wo = 4-7
numbers (NumPy's strided copy pays ~10 ns per row: more than the numbers cost), and wide rows
make the GEMM compute 50% junk. Laid out with the batch innermost instead, the padded input
xp (C, Hp, Wp, m) of m images gives columns

    cols[(c, i, j), (p, q, n)] = xp[c, p*sh + i*dh, q*sw + j*dw, n]

whose copy runs over Wo*m contiguous numbers (a strided convolution first splits xp by stride
phase, xq[a, b, c, r, s, n] = xp[c, r*sh + a, s*sw + b, n], so that each kernel offset reads
one phase plane at stride 1), and the convolution is still ONE product per chunk of images,
with no junk:

    Y (O, Ho*Wo*m) = W (O, C*kh*kw) @ cols,    dL/dW = gY cols^T,    dL/dcols = W^T gY

dL/dx adds dL/dcols back one kernel offset at a time (`col2im`'s adjoint, on the same runs).
Only the input and the output change layout ((N, C, H, W) <-> (C, H, W, N), one copy each).
`glassnet.kernels.conv` sends ungrouped convolutions of small outputs here (`use_forward`,
`use_backward`). Plain version: `reference.conv2d_forward` / `conv2d_backward`.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import as_strided

from glassnet.kernels.cache import bordered, recycled, workspace
from glassnet.kernels.depthwise import phase_ranges
from glassnet.kernels.gemm import add_matmul_t, matmul_into, matrix_workspace
from glassnet.kernels.im2col import _view

# numbers of columns per chunk of images: 2 MB (A/B forward + backward against 8 MB chunks:
# 0.86-0.93x, 1.07x on LeNet's C3)
CHUNK = 1 << 19
MAX_WO = 10  # output rows at most this long take this path ...
MAX_WO_NARROWING = 8  # ... or this long for the backward of layers with O <= C
MIN_N = 8  # with fewer images the runs are no longer than the usual columns' rows


def use_forward(N: int, out_w: int, groups: int) -> bool:
    """Whether a forward goes through the batch-innermost columns. In-process A/B against the
    usual paths (1 thread, CPU time): Wo = 4: 0.73x, 6: 0.92x, 8: 0.85-0.97x, 10: 0.82-0.91x,
    7: 1.0x, 12: 1.24x, 14: 1.31x."""
    return groups == 1 and N >= MIN_N and out_w <= MAX_WO


def use_backward(N: int, out_w: int, groups: int, widens: bool) -> bool:
    """Whether a backward does. A/B: Wo = 4: 0.74x, 6: 0.77x, 7: 0.95-1.01x, 8: 0.60-0.88x;
    at 10 a widening layer (LeNet's 6 -> 16, on the two-column path otherwise) 0.65x, but one
    with O <= C (on the one-column `grads_stride1` path otherwise) 0.98-1.19x."""
    limit = MAX_WO if widens else MAX_WO_NARROWING
    return groups == 1 and N >= MIN_N and out_w <= limit


def _chunks(N: int, K: int, out_hw: tuple):
    """Image ranges whose columns hold about CHUNK numbers."""
    step = max(1, min(N, CHUNK // max(K * out_hw[0] * out_hw[1], 1)))
    for n0 in range(0, N, step):
        yield n0, min(N, n0 + step)


def _padded(x: np.ndarray, pads: tuple, n0: int, n1: int, tag: str) -> np.ndarray:
    """xp (C, Hp, Wp, n1 - n0): images n0..n1-1 of x padded, batch innermost, in a workspace
    whose zero border is written once (keyed by its layout)."""
    N, C, H, W = x.shape
    pt, pb, pl, pr = pads
    m = n1 - n0
    shape = (C, H + pt + pb, W + pl + pr, m)
    xp = bordered(tag, shape, x.dtype, layout=(pads, (C, H, W, m)))
    xp[:, pt : pt + H, pl : pl + W, :] = x[n0:n1].transpose(1, 2, 3, 0)
    return xp


def _windows(xp: np.ndarray, kernel: tuple, stride: tuple, dilation: tuple, out_hw: tuple):
    """The strided view (C, kh, kw, Ho, Wo, m) of xp (C, Hp, Wp, m): [c, i, j, p, q, n] =
    xp[c, p*sh + i*dh, q*sw + j*dw, n]."""
    C, _, _, m = xp.shape
    sC, sH, sW, sN = xp.strides
    shape = (C, *kernel, *out_hw, m)
    strides = (sC, sH * dilation[0], sW * dilation[1], sH * stride[0], sW * stride[1], sN)
    return as_strided(xp, shape, strides, writeable=False)


def _columns(x, n0, n1, geometry) -> np.ndarray:
    """cols (C*kh*kw, Ho*Wo*m) of images n0..n1-1, in a workspace."""
    kernel, stride, pads, dilation, out_hw = geometry
    C = x.shape[1]
    cols = _cols_workspace(C, kernel, out_hw, n1 - n0, x.dtype)
    if stride != (1, 1):
        xq = _phased(x, stride, pads, n0, n1)
        for i, j, window in _tap_windows(xq, geometry):
            cols[:, i, j] = window
    else:
        xp = _padded(x, pads, n0, n1, "bi_x")
        np.copyto(cols, _windows(xp, kernel, stride, dilation, out_hw))
    return _view(cols, (C * kernel[0] * kernel[1], -1))


def _cols_workspace(C: int, kernel: tuple, out_hw: tuple, m: int, dtype) -> np.ndarray:
    """The (C, kh, kw, Ho, Wo, m) view of a (C*kh*kw, Ho*Wo*m) matrix workspace (rows padded:
    `glassnet.kernels.gemm.matrix_workspace`), shared by the columns and dL/dcols."""
    rows = C * kernel[0] * kernel[1]
    buf = matrix_workspace("bi_cols", rows, out_hw[0] * out_hw[1] * m, dtype)
    return _view(buf, (C, *kernel, *out_hw, m))


def _phased(x: np.ndarray, stride: tuple, pads: tuple, n0: int, n1: int) -> np.ndarray:
    """xq (sh, sw, C, Hq, Wq, m): images n0..n1-1 of x padded and split by stride phase,
    xq[a, b, c, r, s, n] = xp[n, c, r*sh + a, s*sw + b], in a workspace with a zero border."""
    N, C, H, W = x.shape
    sh, sw = stride
    Hq, Wq = -(-(H + pads[0] + pads[1]) // sh), -(-(W + pads[2] + pads[3]) // sw)
    shape = (sh, sw, C, Hq, Wq, n1 - n0)
    xq = bordered("bi_xq", shape, x.dtype, layout=(stride, pads, (C, H, W, n1 - n0)))
    for a, b, (r0, r1, h0), (s0, s1, w0) in phase_ranges(x.shape, stride, pads):
        xq[a, b, :, r0:r1, s0:s1] = x[n0:n1, :, h0::sh, w0::sw].transpose(1, 2, 3, 0)
    return xq


def _tap_windows(xq: np.ndarray, geometry: tuple):
    """(i, j, window) per kernel offset: window (C, Ho, Wo, m) = the phase plane's block it
    reads, whose rows are runs of Wo*m numbers."""
    (kh, kw), (sh, sw), _, (dh, dw), (Ho, Wo) = geometry
    for i in range(kh):
        a, r = i * dh % sh, i * dh // sh
        for j in range(kw):
            b, s = j * dw % sw, j * dw // sw
            yield i, j, xq[a, b, :, r : r + Ho, s : s + Wo]


def forward(x: np.ndarray, W: np.ndarray, geometry: tuple) -> np.ndarray:
    """y (N, O, Ho, Wo) = W (star) x, the view of a channel-major (O, N, Ho, Wo) array.
    geometry = (kernel, stride, pads, dilation, (Ho, Wo))."""
    N = x.shape[0]
    O = W.shape[0]
    Ho, Wo = geometry[4]
    W2 = W.reshape(O, -1)
    y = recycled("y", (O, N, Ho, Wo), x.dtype)
    for n0, n1 in _chunks(N, W2.shape[1], (Ho, Wo)):
        Y = workspace("bi_y", (O, Ho, Wo, n1 - n0), x.dtype)
        matmul_into(W2, _columns(x, n0, n1, geometry), Y.reshape(O, -1))
        y[:, n0:n1] = Y.transpose(0, 3, 1, 2)
    return y.transpose(1, 0, 2, 3)


def backward(
    gy: np.ndarray, x: np.ndarray, W: np.ndarray, geometry: tuple, need_x: bool, need_w: bool
) -> tuple[np.ndarray | None, np.ndarray | None]:
    """(dL/dx, dL/dW) for the output gradient gy (N, O, Ho, Wo); None where not needed.
    dL/dx is the (N, C, H, W) view of a channel-major array."""
    kernel, stride, pads, dilation, (Ho, Wo) = geometry
    N, C, H, Wd = x.shape
    O = W.shape[0]
    W2 = W.reshape(O, -1)
    pt, _, pl, _ = pads
    gWT = np.zeros((W2.shape[1], O), gy.dtype) if need_w else None  # 0 for an empty batch
    gx = recycled("gx", (C, N, H, Wd), gy.dtype) if need_x else None
    for n0, n1 in _chunks(N, W2.shape[1], (Ho, Wo)):
        m = n1 - n0
        gY = workspace("bi_gy", (O, Ho, Wo, m), gy.dtype)
        np.copyto(gY, gy[n0:n1].transpose(1, 2, 3, 0))
        gY = gY.reshape(O, -1)
        if need_w:
            # summed transposed, cols gY^T, as `im2col.conv_weight_grad` does
            add_matmul_t(gWT, _columns(x, n0, n1, geometry), gY)
        if need_x:  # dL/dcols in the columns' workspace: the product above is done with them
            dcols = _cols_workspace(C, kernel, (Ho, Wo), m, gy.dtype)
            matmul_into(W2.T, gY, _view(dcols, (W2.shape[1], -1)))
            if stride == (1, 1):
                shape = _padded_shape(x.shape, pads, m)
                gxp = workspace("bi_gx", shape, gy.dtype)
                gxp.fill(0)
                _col2im_add(gxp, dcols, stride, dilation)
                gx[:, n0:n1] = gxp[:, pt : pt + H, pl : pl + Wd, :].transpose(0, 3, 1, 2)
            else:
                _unphase_add(gx[:, n0:n1], dcols, x.shape, geometry)
    gW = None if gWT is None else np.ascontiguousarray(gWT.T).reshape(W.shape)
    return (None if gx is None else gx.transpose(1, 0, 2, 3)), gW


def _padded_shape(x_shape: tuple, pads: tuple, m: int) -> tuple:
    C, H, W = x_shape[1:]
    return (C, H + pads[0] + pads[1], W + pads[2] + pads[3], m)


def _unphase_add(gx: np.ndarray, dcols: np.ndarray, x_shape: tuple, geometry: tuple) -> None:
    """gx (C, m, H, W) = the adjoint of `_phased` + `_tap_windows` applied to dcols: each
    kernel offset's block added into its phase plane (runs of Wo*m numbers), then every phase
    copied to its pixels (each pixel lies in exactly one phase)."""
    _, stride, pads, _, _ = geometry
    H, W = x_shape[2:]
    sh, sw = stride
    m = dcols.shape[-1]
    Hq, Wq = -(-(H + pads[0] + pads[1]) // sh), -(-(W + pads[2] + pads[3]) // sw)
    gxq = workspace("bi_gxq", (sh, sw, gx.shape[0], Hq, Wq, m), gx.dtype)
    gxq.fill(0)
    for i, j, window in _tap_windows(gxq, geometry):
        window += dcols[:, i, j]
    for a, b, (r0, r1, h0), (s0, s1, w0) in phase_ranges(x_shape, stride, pads):
        gx[:, :, h0::sh, w0::sw] = gxq[a, b, :, r0:r1, s0:s1].transpose(0, 3, 1, 2)


def _col2im_add(gxp: np.ndarray, dcols: np.ndarray, stride: tuple, dilation: tuple) -> None:
    """gxp[c, p*sh + i*dh, q*sw + j*dw, n] += dcols[c, i, j, p, q, n], one add per (i, j)."""
    _, kh, kw, Ho, Wo, _ = dcols.shape
    (sh, sw), (dh, dw) = stride, dilation
    for i in range(kh):
        rows = slice(i * dh, i * dh + sh * (Ho - 1) + 1, sh)
        for j in range(kw):
            gxp[:, rows, j * dw : j * dw + sw * (Wo - 1) + 1 : sw] += dcols[:, i, j]
