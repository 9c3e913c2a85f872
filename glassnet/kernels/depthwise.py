"""The backward of a depthwise convolution (groups = in channels = out channels) as a sum over
the kernel's taps: no columns, no GEMM.

Each channel has its own kh x kw kernel, so the im2col path's products are one (1, kh*kw) row
per channel, and its backward spends its time making and scattering columns. Here both
gradients run over the taps t = (i, j), one vectorised pass over all channels each:

    y[n, c, p, q] = sum_{i,j} w[c, i, j] xp[n, c, p*sh + i*dh, q*sw + j*dw]
    dL/dw[c, i, j] = sum_{n,p,q} gy[n, c, p, q] xp[n, c, p*sh + i*dh, q*sw + j*dw]
    dL/dxp[n, c, p*sh + i*dh, q*sw + j*dw] += w[c, i, j] gy[n, c, p, q]

To make every tap's view of all channels ONE contiguous block, the padded input is stored
split by stride phase (a, b) = (row mod sh, column mod sw), laid out (sh, sw, C, N, Hq, Wq)
(`phase_planes`):

    P[a, b, c, n*Hq*Wq + r*Wq + s] = xp[n, c, r*sh + a, s*sw + b]

and gy is laid over that grid (G[c, n*Hq*Wq + p*Wq + q] = gy[n, c, p, q], zero at the junk
positions p >= Ho or q >= Wo). Tap (i, j) then reads phase (i*dh mod sh, j*dw mod sw) at offset
(i*dh // sh) * Wq + j*dw // sw: dL/dw[:, t] is one row-wise dot product (`np.vecdot`) of G with
that block, and dL/dP gets G * w[:, t] added at it. Junk positions of G are zero, so they add
nothing. The forward stays on the im2col path: as a tap sum it was 1.0-1.8x slower (see
docs/performance.md). Plain version: `reference.conv2d_backward` with groups = channels.
"""

from __future__ import annotations

import numpy as np

from glassnet.kernels.cache import recycled, workspace


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
    # keyed by the layout: another one of the same size has its interior where this one's border is
    key = f"{tag}{stride}{pads}{(N, H, W, Hq, Wq)}"
    P = workspace(key, (sh * sw * C * N * Hq * Wq + Hq * Wq,), x.dtype)
    planes = P[: sh * sw * C * N * Hq * Wq].reshape(sh, sw, C, N, Hq, Wq)
    xc = x.transpose(1, 0, 2, 3)  # (C, N, H, W)
    for a, b, (r0, r1, h0), (s0, s1, w0) in _phases(x.shape, stride, pads, Hq, Wq):
        planes[a, b, :, :, r0:r1, s0:s1] = xc[:, :, h0::sh, w0::sw]
    return P


def _phases(x_shape: tuple, stride: tuple, pads: tuple, Hq: int, Wq: int):
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
        dL/dP[phase_t, c, off_t + m] += w[c, t] G[c, m]        (then unpadded, unphased)

    dL/dx is the (N, C, H, W) view of a channel-major array."""
    N, C, H, W = x.shape
    Ho, Wo = gy.shape[2:]
    Hq, Wq, grid, taps = _geometry(x.shape, w.shape[2:], stride, pads, dilation)
    # G behind a zero prefix as long as the largest offset (read by `_input_grad_stride1`)
    lead = taps[-1][1]
    Gs = workspace(f"dw_gy{(N, Hq, Wq, Ho, Wo)}", (lead + C * grid,), gy.dtype)  # junk stays 0
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


COLS_CHUNK = 1 << 21  # numbers of columns per block of channels (8 MB of float32)


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
    view of a channel-major array)."""
    N, C, H, W = x_shape
    sh, sw = stride
    planes = gP[: sh * sw * C * N * Hq * Wq].reshape(sh, sw, C, N, Hq, Wq)
    gx = recycled("gx", (C, N, H, W), gP.dtype)
    if sh > 1 or sw > 1:  # pixels no tap reads (a stride past the kernel) get no gradient
        gx.fill(0)
    for a, b, (r0, r1, h0), (s0, s1, w0) in _phases(x_shape, stride, pads, Hq, Wq):
        gx[:, :, h0::sh, w0::sw] = planes[a, b, :, :, r0:r1, s0:s1]
    return gx.transpose(1, 0, 2, 3)
