"""Textbook NumPy versions of the tuned kernels, written to be read; the tests hold every kernel
in this package to them.

Convolution as im2col + one matrix product per group. With x (N, C, H, W), weight
W (O, C/G, kh, kw), stride (sh, sw), padding (top, bottom, left, right), dilation (dh, dw) and
G groups, the padded input xp gives one column per output pixel (n, p, q):

    cols[n, (c, i, j), (p, q)] = xp[n, c, p*sh + i*dh, q*sw + j*dw]

and, per group g (input channels g*C/G.., output channels g*O/G..):

    Y_g = W_g @ cols_g                      forward
    dL/dW_g = sum_n gY_g[n] @ cols_g[n]^T   weight gradient
    dL/dcols_g = W_g^T @ gY_g               column gradient
    dL/dx = col2im(dL/dcols)                each entry added back to the pixel it was read from
"""

from __future__ import annotations

import numpy as np


def _out_size(size: int, k: int, s: int, lo: int, hi: int, d: int) -> int:
    return (size + lo + hi - d * (k - 1) - 1) // s + 1


def im2col(x: np.ndarray, kernel: tuple, stride: tuple, pads: tuple, dilation: tuple) -> np.ndarray:
    """cols (N, C*kh*kw, Ho*Wo): column (p, q) of image n holds its receptive field, (c, i, j)
    in row-major order. One strided slice of the padded input per kernel offset (i, j)."""
    N, C, H, W = x.shape
    (kh, kw), (sh, sw), (dh, dw) = kernel, stride, dilation
    pt, pb, pl, pr = pads
    Ho = _out_size(H, kh, sh, pt, pb, dh)
    Wo = _out_size(W, kw, sw, pl, pr, dw)
    xp = np.pad(x, ((0, 0), (0, 0), (pt, pb), (pl, pr)))
    cols = np.empty((N, C, kh, kw, Ho, Wo), dtype=x.dtype)
    for i in range(kh):
        for j in range(kw):
            rows = slice(i * dh, i * dh + sh * (Ho - 1) + 1, sh)
            columns = slice(j * dw, j * dw + sw * (Wo - 1) + 1, sw)
            cols[:, :, i, j] = xp[:, :, rows, columns]
    return cols.reshape(N, C * kh * kw, Ho * Wo)


def col2im(
    cols: np.ndarray, x_shape: tuple, kernel: tuple, stride: tuple, pads: tuple, dilation: tuple
) -> np.ndarray:
    """The adjoint of `im2col`: cols (N, C*kh*kw, Ho*Wo) summed back into an (N, C, H, W) image;
    overlapping windows add up."""
    N, C, H, W = x_shape
    (kh, kw), (sh, sw), (dh, dw) = kernel, stride, dilation
    pt, pb, pl, pr = pads
    Ho = _out_size(H, kh, sh, pt, pb, dh)
    Wo = _out_size(W, kw, sw, pl, pr, dw)
    blocks = cols.reshape(N, C, kh, kw, Ho, Wo)
    xp = np.zeros((N, C, H + pt + pb, W + pl + pr), dtype=cols.dtype)
    for i in range(kh):
        for j in range(kw):
            rows = slice(i * dh, i * dh + sh * (Ho - 1) + 1, sh)
            columns = slice(j * dw, j * dw + sw * (Wo - 1) + 1, sw)
            xp[:, :, rows, columns] += blocks[:, :, i, j]
    return xp[:, :, pt : pt + H, pl : pl + W]


def conv2d_forward(
    x: np.ndarray,
    W: np.ndarray,
    stride: tuple = (1, 1),
    pads: tuple = (0, 0, 0, 0),
    dilation: tuple = (1, 1),
    groups: int = 1,
) -> np.ndarray:
    """y (N, O, Ho, Wo) = W (star) x: per group, Y_g = W_g @ im2col(x)_g (no bias)."""
    N = x.shape[0]
    O, Cg, kh, kw = W.shape
    cols = im2col(x, (kh, kw), stride, pads, dilation)  # (N, C*kh*kw, Ho*Wo)
    L = cols.shape[2]
    cols = cols.reshape(N, groups, Cg * kh * kw, L)
    W_g = W.reshape(groups, O // groups, Cg * kh * kw)
    Y = np.einsum("gok,ngkl->ngol", W_g, cols)  # (N, G, O/G, Ho*Wo)
    Ho = _out_size(x.shape[2], kh, stride[0], pads[0], pads[1], dilation[0])
    return Y.reshape(N, O, Ho, L // Ho)


def conv2d_backward(
    gy: np.ndarray,
    x: np.ndarray,
    W: np.ndarray,
    stride: tuple = (1, 1),
    pads: tuple = (0, 0, 0, 0),
    dilation: tuple = (1, 1),
    groups: int = 1,
) -> tuple[np.ndarray, np.ndarray]:
    """(dL/dx, dL/dW) of `conv2d_forward` for the output gradient gy (N, O, Ho, Wo):
    dL/dW_g = sum_n gY_g cols_g^T,  dL/dx = col2im(W_g^T gY_g)."""
    N = x.shape[0]
    O, Cg, kh, kw = W.shape
    G = groups
    cols = im2col(x, (kh, kw), stride, pads, dilation)
    L = cols.shape[2]
    cols = cols.reshape(N, G, Cg * kh * kw, L)
    gY = gy.reshape(N, G, O // G, L)
    W_g = W.reshape(G, O // G, Cg * kh * kw)
    gW = np.einsum("ngol,ngkl->gok", gY, cols).reshape(W.shape)
    gcols = np.einsum("gok,ngol->ngkl", W_g, gY).reshape(N, G * Cg * kh * kw, L)
    gx = col2im(gcols, x.shape, (kh, kw), stride, pads, dilation)
    return gx, gW
