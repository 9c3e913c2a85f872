"""Depthwise convolutions (groups = in channels = out channels) over stride-phase planes.

Each channel has its own kh x kw kernel, so the im2col path's products are one (1, kh*kw) row
per channel, and it spends its time making and scattering columns of short rows (Wo numbers,
every stride-th one). Here every kernel tap t = (i, j) reads ONE contiguous block of memory for
all channels. The padded input is stored split by stride phase (a, b) = (row mod sh, column
mod sw), laid out (sh, sw, C, N, Hq, Wq) (`phase_planes`):

    P[a, b, c, n*Hq*Wq + r*Wq + s] = xp[n, c, r*sh + a, s*sw + b]

and the output is computed on that whole grid (m = n*Hq*Wq + p*Wq + q; the positions p >= Ho
or q >= Wo are junk). Tap (i, j) reads phase k_t = (i*dh mod sh, j*dw mod sw) at offset
off_t = (i*dh // sh) * Wq + j*dw // sw, so with G the output gradient laid over the grid (zero
at the junk positions):

    Y[c, m] = sum_t w[c, t] P[k_t, c, off_t + m]             forward (strided layers)
    dL/dw[c, t] = sum_m G[c, m] P[k_t, c, off_t + m]          one `np.vecdot` per tap
    dL/dP[k, c, u] = sum_{t in phase k} w[c, t] G[c, u - off_t]   then unpadded, unphased

The sums over taps are products: the shifted blocks are copied as the columns of one
(1, taps) @ (taps, grid) product per channel, a few channels at a time (as sums of broadcast
multiplies and adds per tap, without the product, both directions were slower: see
docs/performance.md). A stride-1 forward keeps the im2col path's wide rows, which cost less
there. Plain version: `reference.conv2d_forward` / `conv2d_backward` with groups = channels.
"""

from __future__ import annotations

import numpy as np

from glassnet.kernels.cache import bordered, recycled, workspace

COLS_CHUNK = 1 << 19  # numbers of columns per block of channels (2 MB; 256 KB-8 MB: no better)


def _geometry(x_shape: tuple, kernel: tuple, stride: tuple, pads: tuple, dilation: tuple):
    """Phase-plane sizes (Hq, Wq), the grid length per channel, and each tap's (phase, offset)."""
    N, C, H, W = x_shape
    (kh, kw), (sh, sw), (dh, dw) = kernel, stride, dilation
    Hp, Wp = H + pads[0] + pads[1], W + pads[2] + pads[3]
    Hq, Wq = -(-Hp // sh), -(-Wp // sw)
    taps = []
    for i in range(kh):
        for j in range(kw):
            phase = (i * dh % sh) * sw + j * dw % sw
            taps.append((phase, (i * dh // sh) * Wq + j * dw // sw))
    return Hq, Wq, N * Hq * Wq, taps


def phase_planes(x: np.ndarray, stride: tuple, pads: tuple, Hq: int, Wq: int, tag: str):
    """P (sh*sw*C*N*Hq*Wq + Hq*Wq,): x padded and split by stride phase, laid out
    (sh, sw, C, N, Hq, Wq) (see the module docstring) in a workspace whose zero border is
    written once. Every tap's view of all channels is then one contiguous block
    (`_tap`); the Hq*Wq of slack at the end keeps the last one inside the buffer."""
    N, C, H, W = x.shape
    sh, sw = stride
    size = (sh * sw * C * N * Hq * Wq + Hq * Wq,)
    P = bordered(tag, size, x.dtype, layout=(stride, pads, x.shape, Hq, Wq))
    planes = P[: sh * sw * C * N * Hq * Wq].reshape(sh, sw, C, N, Hq, Wq)
    xc = x.transpose(1, 0, 2, 3)  # (C, N, H, W)
    for a, b, (r0, r1, h0), (s0, s1, w0) in phase_ranges(x.shape, stride, pads):
        planes[a, b, :, :, r0:r1, s0:s1] = xc[:, :, h0::sh, w0::sw]
    return P


def phase_ranges(x_shape: tuple, stride: tuple, pads: tuple):
    """For each stride phase (a, b) holding input pixels: (a, b, rows, columns), rows =
    (r0, r1, h0): phase rows r0..r1-1 hold input rows h0, h0 + sh, ... (columns alike)."""
    H, W = x_shape[2:]
    for a in range(stride[0]):
        rows = _phase_range(H, stride[0], pads[0], a)
        for b in range(stride[1]):
            cols = _phase_range(W, stride[1], pads[2], b)
            if rows[0] < rows[1] and cols[0] < cols[1]:
                yield a, b, rows, cols


def _phase_range(size: int, s: int, pad: int, a: int) -> tuple:
    """Phase index r holds padded index r*s + a = input index r*s + a - pad."""
    r0 = max(0, -(-(pad - a) // s))
    h0 = r0 * s + a - pad
    n = max(0, -(-(size - h0) // s))
    return r0, r0 + n, h0


def _tap(P: np.ndarray, tap: tuple, C: int, grid: int) -> np.ndarray:
    """Tap (phase, offset)'s view of P, all channels: (C, grid), one contiguous block."""
    phase, off = tap
    start = phase * C * grid + off
    return P[start : start + C * grid].reshape(C, grid)


def forward(
    x: np.ndarray, w: np.ndarray, stride: tuple, pads: tuple, dilation: tuple, out_hw: tuple
) -> np.ndarray:
    """y (N, C, Ho, Wo) of the depthwise convolution of x (N, C, H, W) with w (C, 1, kh, kw):
    on the grid, Y[c, m] = sum_t w[c, t] P[phase_t, c, off_t + m], each tap's block copied as a
    column of one product per channel (a few channels at a time), the junk dropped at the end.
    The view of a channel-major (C, N, Ho, Wo) array."""
    N, C = x.shape[:2]
    Ho, Wo = out_hw
    Hq, Wq, grid, taps = _geometry(x.shape, w.shape[2:], stride, pads, dilation)
    P = phase_planes(x, stride, pads, Hq, Wq, "dw_x")
    wt = w.reshape(C, 1, -1)
    Y = workspace("dw_y", (C, 1, grid), x.dtype)
    step = max(1, min(C, COLS_CHUNK // (len(taps) * grid)))
    for c0 in range(0, C, step):
        c1 = min(C, c0 + step)
        cols = workspace("dw_cols", (c1 - c0, len(taps), grid), x.dtype)
        for t, (phase, off) in enumerate(taps):
            start = (phase * C + c0) * grid + off
            cols[:, t] = P[start : start + (c1 - c0) * grid].reshape(c1 - c0, grid)
        np.matmul(wt[c0:c1], cols, out=Y[c0:c1])
    y = recycled("y", (C, N, Ho, Wo), x.dtype)
    np.copyto(y, Y.reshape(C, N, Hq, Wq)[:, :, :Ho, :Wo])
    return y.transpose(1, 0, 2, 3)


def backward(
    gy: np.ndarray,
    x: np.ndarray,
    w: np.ndarray,
    stride: tuple,
    pads: tuple,
    dilation: tuple,
    need_x: bool,
    need_w: bool,
) -> tuple[np.ndarray | None, np.ndarray | None]:
    """(dL/dx, dL/dw) of the depthwise convolution of x (N, C, H, W) with w (C, 1, kh, kw)
    for the output gradient gy (N, C, Ho, Wo); None where not needed:

        dL/dw[c, t] = sum_m G[c, m] P[phase_t, c, off_t + m]
        dL/dP[k, c, u] = sum_{t in phase k} w[c, t] G[c, u - off_t]   (then unpadded, unphased)

    dL/dx is the (N, C, H, W) view of a channel-major array."""
    N, C, H, W = x.shape
    Ho, Wo = gy.shape[2:]
    Hq, Wq, grid, taps = _geometry(x.shape, w.shape[2:], stride, pads, dilation)
    # G behind a zero prefix as long as the largest offset (read by `_input_grad`)
    lead = taps[-1][1]
    # zero prefix and junk positions: the border; the interior is G's valid (Ho, Wo) positions
    layout = (lead, C, N, Hq, Wq, Ho, Wo)
    Gs = bordered("dw_gy", (lead + C * grid,), gy.dtype, layout=layout)
    G = Gs[lead:].reshape(C, grid)
    np.copyto(G.reshape(C, N, Hq, Wq)[:, :, :Ho, :Wo], gy.transpose(1, 0, 2, 3))
    gw = gx = None
    if need_w:
        P = phase_planes(x, stride, pads, Hq, Wq, "dw_x")
        gw = np.empty((C, len(taps)), gy.dtype)
        for t, tap in enumerate(taps):
            gw[:, t] = np.vecdot(_tap(P, tap, C, grid), G)
        gw = gw.reshape(w.shape)
    if need_x:
        gP = _input_grad(Gs, w.reshape(C, -1), taps, stride[0] * stride[1], grid)
        gx = _unphase(gP, x.shape, stride, pads, Hq, Wq)
    return gx, gw


def _input_grad(Gs: np.ndarray, wt: np.ndarray, taps: list, phases: int, grid: int):
    """dL/dP (phases*C*grid,), gathered per phase instead of added per tap:

        dL/dP[k, c, u] = sum_{t in phase k} w[c, t] G[c, u - off_t]

    (G's zero prefix in Gs, and the zero junk at the end of every channel's grid, at least as
    long as the largest offset, stand for the reads before a channel's first number). The
    shifted copies of G are the columns of one product per channel, w[c, taps of k] @ cols:
    contiguous copies and a batched product instead of a broadcast multiply and an add per tap
    (A/B: 0.45x on that part), a few channels at a time. A phase no tap reads gets zeros."""
    C = wt.shape[0]
    lead = taps[-1][1]
    gP = workspace("dw_gx", (phases * C * grid,), Gs.dtype)
    for k in range(phases):
        mine = [t for t, tap in enumerate(taps) if tap[0] == k]
        out = gP[k * C * grid : (k + 1) * C * grid].reshape(C, 1, grid)
        if not mine:
            out.fill(0)
            continue
        wk = wt[:, mine][:, None, :]  # (C, 1, taps of k)
        step = max(1, min(C, COLS_CHUNK // (len(mine) * grid)))
        for c0 in range(0, C, step):
            c1 = min(C, c0 + step)
            cols = workspace("dw_cols", (c1 - c0, len(mine), grid), Gs.dtype)
            for col, t in enumerate(mine):
                start = lead - taps[t][1] + c0 * grid
                cols[:, col] = Gs[start : start + (c1 - c0) * grid].reshape(c1 - c0, grid)
            np.matmul(wk[c0:c1], cols, out=out[c0:c1])
    return gP


def _unphase(gP: np.ndarray, x_shape: tuple, stride: tuple, pads: tuple, Hq: int, Wq: int):
    """dL/dx (N, C, H, W) from the phase-plane gradient: the adjoint of `phase_planes` (the
    view of a channel-major array). Every pixel lies in exactly one phase, so each is written
    once (zero where no tap reads it: the gathered sums are zero there)."""
    N, C, H, W = x_shape
    sh, sw = stride
    planes = gP[: sh * sw * C * N * Hq * Wq].reshape(sh, sw, C, N, Hq, Wq)
    gx = recycled("gx", (C, N, H, W), gP.dtype)
    for a, b, (r0, r1, h0), (s0, s1, w0) in phase_ranges(x_shape, stride, pads):
        gx[:, :, h0::sh, w0::sw] = planes[a, b, :, :, r0:r1, s0:s1]
    return gx.transpose(1, 0, 2, 3)
