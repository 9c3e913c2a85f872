"""im2col and col2im: a convolution as matrix products, the array-level kernels under
the convolution ops (`glassnet.kernels.conv` picks among them).

im2col: every receptive field of the (padded) input becomes one column of a matrix. With
input x (N, C, H, W), kernel (kh, kw), stride s, dilation d, the column for output pixel (n, p, q)
holds x[n, c, p*s + i*d, q*s + j*d] for all (c, i, j). The columns are read through a strided view
of x (np.lib.stride_tricks.as_strided, no copy) and copied into the layout

    cols (C*kh*kw, N*Ho*Wo)

so that the convolution is a matrix product:  Y (O, N*Ho*Wo) = W (O, C*kh*kw) @ cols.

The columns of a whole batch are kh*kw times the input, so they are made and multiplied a few
images at a time (`column_chunks`: one product per 2 MB chunk, read while still in cache), and
backward makes them again from the input for dL/dW; a stride-1 convolution instead takes both
of its gradients from the columns of its padded output gradient (`grads_stride1`). Stride-1
convolutions use "wide rows" (each window one contiguous run of the padded plane; see
`column_chunks`).

col2im, the adjoint: each column entry is added back to the input pixel it was read from, one
strided slab of all pixels per kernel offset (never a loop over pixels or channels).
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np
from numpy.lib.stride_tricks import as_strided

from glassnet.kernels.cache import bordered, recycled, workspace
from glassnet.kernels.gemm import add_matmul_t, matmul_into, matrix_workspace


def out_size(size: int, k: int, s: int, p_lo: int, p_hi: int, d: int) -> int:
    """Number of window positions: floor((size + p_lo + p_hi - d (k - 1) - 1) / s) + 1."""
    return (size + p_lo + p_hi - d * (k - 1) - 1) // s + 1


def pad_hw(
    x: np.ndarray, pads: tuple, value: float = 0.0, tag: str = "pad", copy: bool = False
) -> np.ndarray:
    """x (N, C, H, W) padded by pads = (top, bottom, left, right) with `value`.

    The result lives in a reused buffer laid out (C, N, Hp, Wp) in memory and is returned as its
    (N, C, Hp, Wp) view. Its border is written once when the buffer is made and never touched
    again, so each call only copies the interior (a `bordered` workspace, keyed by the pads and
    the interior's size). The result must not outlive the caller's op.
    """
    pt, pb, pl, pr = pads
    if not (pt or pb or pl or pr or copy):  # copy: into the buffer even without padding
        return x
    N, C, H, W = x.shape
    Hp, Wp = H + pt + pb, W + pl + pr
    # Wp elements of slack after the last row (border too): a wide window (see `column_chunks`)
    # reads up to kw - 1 elements past the last plane
    size = (C * N * Hp * Wp + Wp,)
    flat = bordered(tag, size, x.dtype, fill=value, layout=(pads, x.shape))
    buf = flat[: C * N * Hp * Wp].reshape(C, N, Hp, Wp)
    buf[:, :, pt : pt + H, pl : pl + W] = x.transpose(1, 0, 2, 3)
    return buf.transpose(1, 0, 2, 3)


def windows(xp: np.ndarray, kernel: tuple, stride: tuple, dilation: tuple, out: tuple):
    """Strided view (N, C, kh, kw, Ho, Wo) of xp (N, C, Hp, Wp): element [n, c, i, j, p, q] is
    xp[n, c, p*sh + i*dh, q*sw + j*dw]. No copy; read-only."""
    N, C = xp.shape[:2]
    sN, sC, sH, sW = xp.strides
    shape = (N, C, kernel[0], kernel[1], out[0], out[1])
    strides = (sN, sC, sH * dilation[0], sW * dilation[1], sH * stride[0], sW * stride[1])
    return as_strided(xp, shape, strides, writeable=False)


def im2col(
    xp: np.ndarray, kernel: tuple, stride: tuple, dilation: tuple, out: tuple, tag: str = ""
):
    """Columns (C, kh, kw, N, Ho, Wo) of the padded input: one copy of a strided view.

    With a `tag` the columns are written into the reused workspace buffer of that tag (for
    columns that die with the op, e.g. under no_grad); without one they come from `recycled`."""
    win = windows(xp, kernel, stride, dilation, out)
    shape = win.shape[1:4] + (win.shape[0],) + win.shape[4:]
    cols = workspace(tag, shape, xp.dtype) if tag else recycled("cols", shape, xp.dtype)
    np.copyto(cols, win.transpose(1, 2, 3, 0, 4, 5))
    return cols


# elements of columns per chunk: 1 MB of float32 stays in L2 between its copy and its products
# (against 2 MB, whole models: the CIFAR tutorial's CNN 0.95, LeNet-5 0.97-0.99, others 1.00)
COLS_CHUNK = 1 << 18
WIDE_GRAD_CHUNK = 1 << 21  # elements of dL/dcols per chunk in `input_grad_wide` (8 MB)


WIDE_JUNK_LIMIT = 256  # output channels x junk columns per output row


def use_wide_rows(
    stride: tuple, dilation: tuple, out_channels: int, out_w: int, padded_w: int
) -> bool:
    """Whether to compute a stride-1 convolution on the padded width (see `column_chunks`).

    Wide rows turn the im2col copy's rows of Wo numbers (NumPy's strided copy pays ~10 ns per
    row) into runs of Ho * Wp, while the GEMM also computes Wp - Wo junk columns per output row,
    ~0.04 ns per output channel each: worth it while out_channels * (Wp - Wo) stays under
    WIDE_JUNK_LIMIT (all of LeNet-5's and the small ResNet's stride-1 convolutions)."""
    return (
        stride == (1, 1)
        and dilation == (1, 1)
        and out_channels * (padded_w - out_w) <= WIDE_JUNK_LIMIT
    )


def column_chunks(xp: np.ndarray, geometry: tuple, groups: int, wide: bool = False) -> Iterator:
    """The im2col columns of xp a few images at a time: yields (n0, n1, cols), cols
    (G, Cg*kh*kw, (n1 - n0) * Ho * Wo) the columns of images n0..n1-1.

    Every chunk is written into the same 1 MB workspace, so a product with it reads cache, not
    memory, and the columns of a whole batch (e.g. 78 MB for LeNet-5's first layer on 1,000
    images, 29 MB per 3x3 layer of a 16-channel ResNet) never exist at once. A chunk is only
    valid until the next one is made. geometry = (kernel, stride, dilation, (Ho, Wo)).

    wide (stride 1, undilated, xp from `pad_hw`, which leaves slack after its last plane): each
    output row runs over the whole padded
    width Wp, so that window (c, i, j) of image n is ONE contiguous run of Ho * Wp elements of
    the padded plane, starting at row i, column j:
        cols[c, i, j, n, p * Wp + q] = xp[n, c, p + i, q + j]   (q >= Wo: junk, never used)
    and the chunk has (n1 - n0) * Ho * Wp columns."""
    kernel, stride, dilation, (Ho, Wo) = geometry
    if wide:
        N, C, _, Wp = xp.shape
        sN, sC, sH, sW = xp.strides
        shape = (C, kernel[0], kernel[1], N, Ho * Wp)
        win = as_strided(xp, shape, (sC, sH, sW, sN, sW), writeable=False)
    else:
        win = windows(xp, kernel, stride, dilation, (Ho, Wo)).transpose(1, 2, 3, 0, 4, 5)
    C, kh, kw, N = win.shape[:4]
    per_image = math.prod(win.shape[4:])
    K = C * kh * kw // groups
    step = max(1, min(N, COLS_CHUNK // max(C * kh * kw * per_image, 1)))
    buf = matrix_workspace("cols", C * kh * kw, step * per_image, xp.dtype)
    for n0 in range(0, N, step):
        n1 = min(N, n0 + step)
        cols = buf[:, : (n1 - n0) * per_image]
        np.copyto(_view(cols, (C, kh, kw, n1 - n0) + win.shape[4:]), win[:, :, :, n0:n1])
        yield n0, n1, _view(cols, (groups, K, (n1 - n0) * per_image))


def conv_gemm(
    W2: np.ndarray, xp: np.ndarray, geometry: tuple, y: np.ndarray, wide: bool = False
) -> None:
    """y (G, O/G, N*Ho*Wo) = W2 (G, O/G, Cg*kh*kw) @ im2col(xp), chunk by chunk."""
    row = xp.shape[3] if wide else geometry[3][1]
    for n0, n1, cols in column_chunks(xp, geometry, W2.shape[0], wide):
        _chunk_product(W2, cols, y, n0, n1, geometry[3], row)


def _chunk_product(
    W2: np.ndarray, cols: np.ndarray, y: np.ndarray, n0: int, n1: int, out_hw: tuple, row: int
) -> None:
    """y[:, :, images n0..n1-1] = W2 @ cols, for columns of `row` numbers per output row: row ==
    Wo writes straight into y; wide rows (row = Wp) land in a workspace and only the valid Wo
    columns of each row are copied into y."""
    Ho, Wo = out_hw
    HW = Ho * Wo
    if row == Wo:
        matmul_into(W2, cols, y[:, :, n0 * HW : n1 * HW])
        return
    G, Og, _ = y.shape
    m = n1 - n0
    out = workspace("wide_y", (G, Og, m * Ho * row), y.dtype)
    matmul_into(W2, cols, out)
    dst = _view(y[:, :, n0 * HW : n1 * HW], (G, Og, m, Ho, Wo))
    np.copyto(dst, _view(out, (G, Og, m, Ho, row))[..., :Wo])


def conv_weight_grad(
    gY: np.ndarray, xp: np.ndarray, geometry: tuple, wide: bool = False
) -> np.ndarray:
    """dL/dW = gY (G, O/G, N*Ho*Wo) @ im2col(xp)^T, summed chunk by chunk: (G, O/G, Cg*kh*kw).

    The columns are made again from the input instead of being kept from the forward pass:
    the convolution then holds only its input for backward (as PyTorch does), not the kh*kw
    times larger columns, for one more in-cache copy. With wide rows, gY is spread over the
    padded width with zeros in the junk columns, so they add nothing. The sum is taken transposed,
    dL/dW^T = cols gY^T (as in `grads_stride1`), and returned as the (G, O/G, Cg*kh*kw) view."""
    G, Og = gY.shape[:2]
    Ho, Wo = geometry[3]
    HW = Ho * Wo
    kh, kw = geometry[0]
    gWT = np.zeros((G, xp.shape[1] // G * kh * kw, Og), gY.dtype)  # stays 0 for an empty batch
    for n0, n1, cols in column_chunks(xp, geometry, G, wide):
        g = gY[:, :, n0 * HW : n1 * HW]
        if wide:
            g = _spread_wide(g, (Ho, Wo), xp.shape[3])
        add_matmul_t(gWT, cols, g)
    return gWT.transpose(0, 2, 1)


def _spread_wide(g: np.ndarray, out_hw: tuple, padded_w: int) -> np.ndarray:
    """g (G, O/G, m*Ho*Wo) laid over the padded width: (G, O/G, m*Ho*Wp), zero in the junk
    columns q >= Wo (a workspace: its junk columns are zeroed on every call, since a layer of
    another kernel width but the same padded width writes real columns there)."""
    G, Og, L = g.shape
    Ho, Wo = out_hw
    m = L // (Ho * Wo)
    spread = workspace("wide_gy", (G, Og, m, Ho, padded_w), g.dtype)
    np.copyto(spread[..., :Wo], g.reshape(G, Og, m, Ho, Wo))
    spread[..., Wo:] = 0  # the same buffer serves every Wo of this padded width
    return _view(spread, (G, Og, m * Ho * padded_w))


def _view(a: np.ndarray, shape: tuple) -> np.ndarray:
    """a reshaped without a copy (raises if the strides do not allow it: a copy would silently
    detach the data written into it)."""
    v = a.view()
    v.shape = shape
    return v


def col2im_add(
    gxp: np.ndarray, gwin: np.ndarray, kernel: tuple, stride: tuple, dilation: tuple
) -> None:
    """The adjoint of `windows`: gxp[n, c, p*sh + i*dh, q*sw + j*dw] += gwin[n, c, i, j, p, q].

    gxp (N, C, Hp, Wp) and gwin (N, C, kh, kw, Ho, Wo) may have any strides. One vectorised add
    per kernel offset (i, j); windows overlap when the stride is smaller than the kernel, which is
    why this is an accumulation and not a reshape."""
    kh, kw = kernel
    sh, sw = stride
    dh, dw = dilation
    Ho, Wo = gwin.shape[4:]
    for i in range(kh):
        rows = slice(i * dh, i * dh + sh * (Ho - 1) + 1, sh)
        for j in range(kw):
            gxp[:, :, rows, j * dw : j * dw + sw * (Wo - 1) + 1 : sw] += gwin[:, :, i, j]


def unpad_hw(gxp: np.ndarray, pads: tuple, shape: tuple) -> np.ndarray:
    pt, _, pl, _ = pads
    return gxp[:, :, pt : pt + shape[2], pl : pl + shape[3]]


def input_grad_cols(W2: np.ndarray, gY: np.ndarray, geometry: tuple, padded: tuple) -> np.ndarray:
    """dL/dx_pad of any convolution: dL/dcols (G, Cg*kh*kw, N*Ho*Wo) = W^T gY, added back to
    the pixels the columns were read from (`col2im_add`). geometry = (kernel, stride, dilation,
    (Ho, Wo)), padded = (C, N, Hp, Wp). Returns the (N, C, Hp, Wp) view of a (C, N, Hp, Wp)
    array."""
    kernel, stride, dilation, (Ho, Wo) = geometry
    C, N = padded[:2]
    G = W2.shape[0]
    gcols = recycled("gcols", (G, W2.shape[2], N * Ho * Wo), gY.dtype)
    matmul_into(W2.transpose(0, 2, 1), gY, gcols)
    gwin = gcols.reshape(C, *kernel, N, Ho, Wo).transpose(3, 0, 1, 2, 4, 5)
    gxp = recycled("gx", padded, gY.dtype)
    gxp.fill(0)
    gxp = gxp.transpose(1, 0, 2, 3)
    col2im_add(gxp, gwin, kernel, stride, dilation)
    return gxp


def input_grad_wide(
    W2: np.ndarray, gY: np.ndarray, kernel: tuple, out_hw: tuple, padded: tuple
) -> np.ndarray:
    """dL/dx_pad of a stride-1 convolution in wide rows: the adjoint of `column_chunks`' wide
    windows. gY is spread over the padded width (zeros in the junk columns), dL/dcols = W^T gY
    then has exactly zero junk, and each window (c, i, j) of image n adds back as ONE contiguous
    run of Ho * Wp numbers at row i, column j of its plane, instead of Ho rows of Wo:

        gx_pad[n, c, p + i, q + j] += dcols[c, i, j, n, p * Wp + q]

    (a run's junk tail adds zeros to the next plane, or to the buffer's slack). Within one (i, j)
    the runs of different planes never overlap. Made and added back a few images at a time (as
    `column_chunks` does). Returns the (N, C, Hp, Wp) view."""
    G, _, K = W2.shape
    C, N, Hp, Wp = padded
    Ho, Wo = out_hw
    kh, kw = kernel
    size = C * N * Hp * Wp
    flat = recycled("gx_wide", (size + Wp,), gY.dtype)  # Wp of slack for the last run's tail
    flat.fill(0)
    step = flat.itemsize
    WT = W2.transpose(0, 2, 1)
    # a few images at a time, so that their dL/dcols is added back while still in cache (8 MB
    # chunks: A/B -7% on a 32->64 3x3 valid backward against 2 MB; 2 MB was +14% on LeNet's C3)
    images = max(1, min(N, WIDE_GRAD_CHUNK // max(C * kh * kw * Ho * Wp, 1)))
    for n0 in range(0, N, images):
        m = min(N, n0 + images) - n0
        dcols = _view(
            matrix_workspace("gcols_wide", G * K, m * Ho * Wp, gY.dtype), (G, K, m * Ho * Wp)
        )
        g = gY[:, :, n0 * Ho * Wo : (n0 + m) * Ho * Wo]
        matmul_into(WT, _spread_wide(g, out_hw, Wp), dcols)
        dcols = _view(dcols, (C, kh, kw, m, Ho * Wp))
        for i in range(kh):
            for j in range(kw):
                start = n0 * Hp * Wp + i * Wp + j
                runs = as_strided(
                    flat[start:], (C, m, Ho * Wp), (N * Hp * Wp * step, Hp * Wp * step, step)
                )
                runs += dcols[:, i, j]
    return flat[:size].reshape(C, N, Hp, Wp).transpose(1, 0, 2, 3)


def grads_stride1(
    gy: np.ndarray,
    W: np.ndarray,
    x: np.ndarray | None,
    x_shape: tuple,
    pads: tuple,
    dilation: tuple,
    groups: int,
) -> tuple[np.ndarray, np.ndarray | None]:
    """dL/dx, and dL/dW when x is given, of a stride-1 convolution (any padding, dilation and
    groups), both from ONE set of columns of the padded output gradient.

    dL/dx is another convolution (one GEMM per group), of gy padded by
    back = (dh (kh-1) - pt, dh (kh-1) - pb, dw (kw-1) - pl, dw (kw-1) - pr) with the kernel
    flipped and its two channel axes swapped (per group g, o in g's outputs, c in its inputs):

        gx[n, c, h, w] = sum_{o,i,j} W[o, c, i, j] gy_pad[n, o, h + pt - i dh, w + pl - j dw]
                       = sum_{o,i,j} Wflip[c, o, i, j] gyp[n, o, h + i dh, w + j dw]

    with Wflip[c, o, i, j] = W[o, c, kh-1-i, kw-1-j]: gX_g (Cg, N*H*W) = Wflip_g @ gcols_g,
    gcols = im2col(gyp), one column per input pixel. The same columns give the weight gradient,
    by the substitution h = p + i dh - pt:

        dL/dW[o, c, i, j] = sum_{n,p,q} gy[n, o, p, q] x[n, c, p + i dh - pt, q + j dw - pl]
                          = sum_{n,h,w} x[n, c, h, w] gyp[n, o, h + (kh-1-i) dh, w + (kw-1-j) dw]
        i.e.  (dL/dWflip_g)^T (Og*kh*kw, Cg) = gcols_g @ X_g^T

    so backward makes one set of columns instead of two (and needs no padded copy of x). A
    negative `back` (padding wider than the dilated kernel) crops gy instead: those outputs read
    padding only. With wide rows the columns run over the padded width Wp; X is laid out the same
    way, with zeros in its Wp - W junk columns, so they add nothing. Returns gx as the (N, C, H, W)
    view of a (C, N, H, W) array, and gW (O, C/groups, kh, kw) or None."""
    O, Cg, kh, kw = W.shape
    N, C, H, Wd = x_shape
    G, Og = groups, O // groups
    gyp, wide = _padded_output_grad(gy, (kh, kw), Wd, Cg, pads, dilation)
    Wflip = W.reshape(G, Og, Cg, kh, kw)[..., ::-1, ::-1].transpose(0, 2, 1, 3, 4)
    Wflip = Wflip.reshape(G, Cg, Og * kh * kw)
    gX = recycled("gx", (G, Cg, N * H * Wd), gy.dtype)
    row = Wd + dilation[1] * (kw - 1) if wide else Wd  # columns per output row (Wp if wide)
    if x is not None:
        X = _x_rows(x, G, row)
    gWflipT = np.zeros((G, Og * kh * kw, Cg), gy.dtype)  # stays 0 for an empty batch
    geometry = ((kh, kw), (1, 1), dilation, (H, Wd))
    for n0, n1, cols in column_chunks(gyp, geometry, G, wide):
        _chunk_product(Wflip, cols, gX, n0, n1, (H, Wd), row)
        if x is not None:
            # (dL/dWflip)^T = gcols X^T: the same product as X gcols^T, 7-14% faster through
            # OpenBLAS for these shapes (a long inner dimension, few output rows)
            add_matmul_t(gWflipT, cols, X[:, :, n0 * H * row : n1 * H * row])
    gx = gX.reshape(C, N, H, Wd).transpose(1, 0, 2, 3)
    if x is None:
        return gx, None
    gW = gWflipT.reshape(G, Og, kh, kw, Cg)[:, :, ::-1, ::-1].transpose(0, 1, 4, 2, 3)
    return gx, np.ascontiguousarray(gW).reshape(O, Cg, kh, kw)


def _padded_output_grad(
    gy: np.ndarray, kernel: tuple, Wd: int, Cg: int, pads: tuple, dilation: tuple
) -> tuple[np.ndarray, bool]:
    """gy padded by `back` (cropped where negative), and whether its columns use wide rows."""
    kh, kw = kernel
    dh, dw = dilation
    back = [dh * (kh - 1) - pads[0], dh * (kh - 1) - pads[1]]
    back += [dw * (kw - 1) - pads[2], dw * (kw - 1) - pads[3]]
    if min(back) < 0:
        t, b, left, r = (max(-v, 0) for v in back)
        gy = gy[:, :, t : gy.shape[2] - b, left : gy.shape[3] - r]
        back = [max(v, 0) for v in back]
    Wp = Wd + dw * (kw - 1)  # gy padded by back: as wide as x plus the dilated kernel
    wide = use_wide_rows((1, 1), dilation, Cg, Wd, Wp)
    return pad_hw(gy, tuple(back), tag="gpad", copy=wide), wide


def _x_rows(x: np.ndarray, G: int, row: int) -> np.ndarray:
    """X (G, Cg, N*H*row): x channel-major, rows `row` wide with zero junk columns past W."""
    N, C, H, Wd = x.shape
    X = x.transpose(1, 0, 2, 3)
    if row != Wd or not X.flags.c_contiguous:
        X = pad_hw(x, (0, 0, 0, row - Wd), tag="xrows", copy=True).transpose(1, 0, 2, 3)
    return _view(X, (G, C // G, N * H * row))


def channel_major(x: np.ndarray, stride: tuple = (1, 1), tag: str = "x_cm") -> np.ndarray:
    """(C, N*Ho*Wo): the pixels of x (N, C, H, W) that a 1x1 convolution of this stride reads
    (all of them at stride 1), channel-major. A view when x already is channel-major (a
    convolution's output); else one copy into a workspace (valid until the caller's next
    call)."""
    xs = x[:, :, :: stride[0], :: stride[1]] if stride != (1, 1) else x
    N, C, Ho, Wo = xs.shape
    X = xs.transpose(1, 0, 2, 3)
    if not X.flags.c_contiguous:
        buf = workspace(tag, X.shape, x.dtype)
        np.copyto(buf, X)
        X = buf
    return X.reshape(C, N * Ho * Wo)
