"""'Same' convolutions (stride 1, odd kernel, padding k // 2) by flat rows: no padded copy,
no junk columns, no crop.

The columns of such a convolution (`glassnet.kernels.reference.im2col`: column (n, p, q) holds
xp[n, c, p + i, q + j] for all (c, i, j)) are read straight from the UNPADDED planes, each laid
out as one flat run of H * W numbers. With ph = kh // 2, pw = kw // 2 and x[c, n] the plane
of channel c of image n (channel-major):

    cols[c, i, j, n, p * W + q] = flat(x[c, n])[(p + i - ph) * W + (q + j - pw)]

so window (c, i, j) of image n is ONE contiguous run of H * W numbers, at offset
(i - ph) * W + (j - pw) of its plane. Two kinds of entries of
that run read the wrong numbers and are set to zero after the copy (they read padding in the
textbook formula):

* rows p + i - ph outside [0, H): the first ph - i or the last i - ph rows of the window;
* columns q + j - pw outside [0, W): the run wraps into the neighbouring row there: the first
  pw - j or the last j - pw entries of every row.

A channel-major x is read in place; the first and the last chunk of images (whose runs would
reach past its ends), and every chunk of an x in another memory order, read a copy of their
planes with kh // 2 * W + kw // 2 zeros of slack on each side. Against the padded "wide rows" of
`glassnet.kernels.im2col` this saves the padded copy, the product's (Wp - W) / Wp junk columns
(7% at 28x28, 12.5% at 14x14 for 3x3) and the crop of the product into the output: the product
of a chunk is written straight into its place.

The backward of a 'same' convolution is again a 'same' convolution of the output gradient
(with the kernel flipped, `glassnet.kernels.im2col.grads_stride1`), and the weight gradient
takes the same columns times x channel-major, which needs no junk columns either.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from numpy.lib.stride_tricks import as_strided

from glassnet.kernels.cache import bordered, recycled
from glassnet.kernels.gemm import add_matmul_t, matmul_into, matrix_workspace
from glassnet.kernels.im2col import COLS_CHUNK, _view, channel_major


def use_flat_rows(kernel: tuple, stride: tuple, pads: tuple, dilation: tuple, hw: tuple) -> bool:
    """Whether a convolution is a 'same' one this module computes: stride 1, undilated, odd
    kernel, padding k // 2 on every side, planes larger than the padding."""
    kh, kw = kernel
    return (
        stride == (1, 1)
        and dilation == (1, 1)
        and kh % 2 == 1
        and kw % 2 == 1
        and pads == (kh // 2, kh // 2, kw // 2, kw // 2)
        and hw[0] > kh // 2
        and hw[1] > kw // 2
    )


def columns(x: np.ndarray, kernel: tuple, tag: str = "x") -> Iterator:
    """The columns of the 'same' convolution of x (N, C, H, W) a few images at a time: yields
    (n0, n1, cols), cols (C*kh*kw, (n1 - n0) * H * W), valid until the next chunk.

    A channel-major x is read in place: only the first and the last chunk, whose windows reach
    past its ends, copy their planes into a workspace with slack zeros around them (as does
    every chunk of an x in another memory order)."""
    N, C, H, W = x.shape
    kh, kw = kernel
    slack = kh // 2 * W + kw // 2
    X = x.transpose(1, 0, 2, 3)  # (C, N, H, W)
    in_place = X.flags.c_contiguous
    HW = H * W
    step = max(1, min(N, COLS_CHUNK // max(C * kh * kw * HW, 1)))
    buf = matrix_workspace("cols", C * kh * kw, step * HW, x.dtype)
    for n0 in range(0, N, step):
        m = min(N, n0 + step) - n0
        if in_place and 0 < n0 and n0 + m < N:
            src, per_channel = X.reshape(-1)[n0 * HW - slack :], N * HW
        else:
            src = _planes(X[:, n0 : n0 + m], slack, tag)
            per_channel = m * HW
        cols = buf[:, : m * HW]
        _copy_windows(cols, src, (C, kh, kw, m), per_channel, (H, W))
        yield n0, n0 + m, cols


def _copy_windows(cols: np.ndarray, src: np.ndarray, blocks: tuple, per_channel: int, hw: tuple):
    """Fill cols (C*kh*kw rows of m*H*W) with the flat-row windows of src: window (c, i, j) of
    plane n is src[slack + c * per_channel + n H W + (i - ph) W + (j - pw) ...], slack = ph W +
    pw; then zero the entries that read outside their plane. blocks = (C, kh, kw, m)."""
    H, W = hw
    s = src.itemsize
    shape = blocks + (H * W,)
    strides = (per_channel * s, W * s, s, H * W * s, s)
    part = _view(cols, shape)
    np.copyto(part, as_strided(src, shape, strides, writeable=False))
    _zero_outside(part, hw, (blocks[1] // 2, blocks[2] // 2))


SMALL_MAP = 256  # pixels per plane up to which a 3x3 depthwise forward takes flat rows


def use_depthwise(kernel: tuple, hw: tuple) -> bool:
    """Whether the forward of a 'same' depthwise convolution goes by flat rows: 3x3 kernels on
    maps of at most SMALL_MAP pixels (A/B against the wide rows of `kernels.im2col`: 8x8 0.50,
    16x16 0.73-0.82, 14x14 0.99, 32x32 1.06; a 5x5 on 32x32 1.56)."""
    return kernel == (3, 3) and hw[0] * hw[1] <= SMALL_MAP


def depthwise_forward(x: np.ndarray, W: np.ndarray) -> np.ndarray:
    """y[c] = w[c] (1, kh*kw) @ cols[c] (kh*kw, N*H*W) for a 'same' depthwise convolution, W
    (C, 1, kh, kw): the flat-row columns of one channel over ALL images (one run of N*H*W numbers
    per tap when x is channel-major), a few channels at a time. No padded copy, no junk columns,
    no crop. Returns the (N, C, H, W) view of a (C, N, H, W) array."""
    N, C, H, Wd = x.shape
    kh, kw = W.shape[2:]
    taps, HW = kh * kw, H * Wd
    L = N * HW
    slack = kh // 2 * Wd + kw // 2
    X = x.transpose(1, 0, 2, 3)  # (C, N, H, W)
    in_place = X.flags.c_contiguous
    step = max(1, min(C, COLS_CHUNK // (taps * L)))
    buf = matrix_workspace("dw_flat", step * taps, L, x.dtype)
    y = recycled("y", (C, 1, L), x.dtype)
    wt = W.reshape(C, 1, taps)
    for c0 in range(0, C, step):
        c1 = min(C, c0 + step)
        if in_place and 0 < c0 and c1 < C:
            src = X.reshape(-1)[c0 * L - slack :]
        else:  # the first and last blocks reach past x's ends: their planes with slack zeros
            src = _planes(X[c0:c1], slack, "dw")
        cols = buf[: (c1 - c0) * taps]
        _copy_windows(cols, src, (c1 - c0, kh, kw, N), L, (H, Wd))
        np.matmul(wt[c0:c1], _view(cols, (c1 - c0, taps, L)), out=y[c0:c1])
    return y.reshape(C, N, H, Wd).transpose(1, 0, 2, 3)


def _planes(X: np.ndarray, slack: int, tag: str) -> np.ndarray:
    """X (C, m, H, W) as one flat run inside a workspace with `slack` zeros before and after it
    (never written, so they stay zero)."""
    flat = bordered(f"flat_{tag}", (X.size + 2 * slack,), X.dtype, layout=(X.shape, slack))
    np.copyto(flat[slack : slack + X.size].reshape(X.shape), X)
    return flat


def _zero_outside(part: np.ndarray, hw: tuple, half: tuple) -> None:
    """Zero the entries of the columns part (C, kh, kw, m, H*W) that read outside their plane."""
    C, kh, kw, m, _ = part.shape
    H, W = hw
    ph, pw = half
    grid = _view(part, (C, kh, kw, m, H, W))
    for i in range(kh):
        if i < ph:
            grid[:, i, :, :, : ph - i] = 0
        elif i > ph:
            grid[:, i, :, :, H - (i - ph) :] = 0
    for j in range(kw):
        if j < pw:
            grid[:, :, j, :, :, : pw - j] = 0
        elif j > pw:
            grid[:, :, j, :, :, W - (j - pw) :] = 0


def forward(x: np.ndarray, W: np.ndarray) -> np.ndarray:
    """y = W (star) x of a 'same' convolution: (N, O, H, W), the view of a channel-major
    (O, N, H, W) array. W (O, C, kh, kw)."""
    N, _, H, Wd = x.shape
    O = W.shape[0]
    HW = H * Wd
    y = recycled("y", (O, N * HW), x.dtype)
    W2 = W.reshape(O, -1)
    for n0, n1, cols in columns(x, W.shape[2:]):
        matmul_into(W2, cols, y[:, n0 * HW : n1 * HW])
    return y.reshape(O, N, H, Wd).transpose(1, 0, 2, 3)


def backward(
    gy: np.ndarray, x: np.ndarray, W: np.ndarray, need_x: bool, need_w: bool
) -> tuple[np.ndarray | None, np.ndarray | None]:
    """dL/dx and dL/dW of a 'same' convolution (None where not needed). With dL/dx, both come
    from the columns of gy:

        dL/dx = Wflip (star) gy            Wflip[c, o, i, j] = W[o, c, kh-1-i, kw-1-j]
        (dL/dWflip)^T (O*kh*kw, C) = gcols X^T,   X (C, N*H*W) = x channel-major

    (the derivation is `glassnet.kernels.im2col.grads_stride1`'s with back-padding = padding);
    without it, from the columns of x: dL/dW^T (C*kh*kw, O) = cols gY^T. Returns dL/dx as the
    (N, C, H, W) view of a (C, N, H, W) array, and dL/dW (O, C, kh, kw)."""
    O, C, kh, kw = W.shape
    N, _, H, Wd = gy.shape
    HW = H * Wd
    if not need_x:
        return None, (_weight_grad(gy, x, (kh, kw)) if need_w else None)
    Wflip = W[:, :, ::-1, ::-1].transpose(1, 0, 2, 3).reshape(C, O * kh * kw)
    gX = recycled("gx", (C, N * HW), gy.dtype)
    X = channel_major(x, tag="x_cm") if need_w else None
    gWflipT = np.zeros((O * kh * kw, C), gy.dtype)  # stays 0 for an empty batch
    for n0, n1, cols in columns(gy, (kh, kw), tag="gy"):
        matmul_into(Wflip, cols, gX[:, n0 * HW : n1 * HW])
        if X is not None:
            add_matmul_t(gWflipT, cols, X[:, n0 * HW : n1 * HW])
    gx = gX.reshape(C, N, H, Wd).transpose(1, 0, 2, 3)
    if X is None:
        return gx, None
    gW = gWflipT.reshape(O, kh, kw, C)[:, ::-1, ::-1].transpose(0, 3, 1, 2)
    return gx, np.ascontiguousarray(gW)


def _weight_grad(gy: np.ndarray, x: np.ndarray, kernel: tuple) -> np.ndarray:
    """dL/dW (O, C, kh, kw) = gY cols(x)^T, summed chunk by chunk (taken transposed, as in
    `glassnet.kernels.im2col.conv_weight_grad`)."""
    N, C, H, Wd = x.shape
    O = gy.shape[1]
    HW = H * Wd
    gY = channel_major(gy, tag="gy_cm")
    gWT = np.zeros((C * kernel[0] * kernel[1], O), gy.dtype)
    for n0, n1, cols in columns(x, kernel):
        add_matmul_t(gWT, cols, gY[:, n0 * HW : n1 * HW])
    return np.ascontiguousarray(gWT.T).reshape(O, C, *kernel)
