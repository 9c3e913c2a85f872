"""Recurrent layers, one node per layer and direction: the loop over time runs inside forward
(and backward through time inside backward), on NumPy arrays.

Every cell first needs x_t W_ih^T for all t; that is one matrix product over the whole sequence
before the loop. Inside the loop only h_{t-1} W_hh^T remains. Backward runs the loop in the
opposite order, collects the gradient of every step's pre-activations in one array, and turns
it into the weight gradients with one matrix product each at the end:

    dL/dW_ih = sum_t gA_t^T x_t,    dL/dW_hh = sum_t gA_t^T h_{t-1},    dL/dx_t = gA_t W_ih.

Layouts follow PyTorch: W_ih (G*H, I), W_hh (G*H, H), b_ih and b_hh (G*H,), with the G gate
blocks stacked in PyTorch's order (LSTM: i, f, g, o; GRU: r, z, n). Inputs are time-major,
x (T, B, I), h0 (B, H). `reverse=True` runs from t = T-1 down to 0 (the backward direction of a
bidirectional layer); outputs stay aligned with the input positions either way.
"""

from __future__ import annotations

import numpy as np

from glassnet.autograd.function import Op
from glassnet.kernels.gemm import matrix_workspace


def _sigmoid(x: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """sigma(x) = 1 / (1 + e^-x) = (1 + tanh(x / 2)) / 2: one transcendental, never overflows.
    Written into `out` (which may be x itself) when given."""
    y = np.multiply(x, 0.5, out=out)
    np.tanh(y, out=y)
    y += 1
    y *= 0.5
    return y


def _step_weights(W_hh: np.ndarray) -> np.ndarray:
    """W_hh^T (H, G*H) as the step product's contiguous operand: its rows lie G*H + LD_PAD
    numbers apart where G*H numbers fill a multiple of 4 KB (H = 256 or 512 for an LSTM), so that
    they do not all fall into the same cache sets: (32, 256) @ (256, 1024) 65 -> 89 GFLOP/s.
    A reused workspace: valid for one layer's forward loop."""
    WT = matrix_workspace("rnn_step_weights", W_hh.shape[1], W_hh.shape[0], W_hh.dtype)
    np.copyto(WT, W_hh.T)
    return WT


def _input_product(x, W_ih, biases):
    """x_t W_ih^T + (the biases) for every t at once: (T, B, I) -> (T, B, G*H), as ONE product
    of (T*B, I) rows (a (T, B, I) operand would be T products: 1.6x slower)."""
    xw = (x.reshape(-1, x.shape[-1]) @ W_ih.T).reshape(x.shape[:2] + (W_ih.shape[0],))
    for b in biases:
        if b is not None:
            xw += b
    return xw


def _previous_states(hs, h0, reverse):
    """h_{t-1} for every t in processing order: h0, then the states before each step."""
    if reverse:
        return np.concatenate([hs[1:], h0[None]], axis=0)
    return np.concatenate([h0[None], hs[:-1]], axis=0)


def _weight_grads(ctx, gA, gA_hidden, x, h_prev, gh0, extra=()):
    """Gradients of (x, h0, *extra, W_ih, W_hh, b_ih, b_hh) from the per-step pre-activation
    gradients gA (T, B, G*H) of the input part and gA_hidden of the hidden part."""
    need = ctx.needs_input_grad
    n_state = 2 + len(extra)
    W_ih = ctx.W_ih
    G = gA.shape[-1]
    gx = (gA.reshape(-1, G) @ W_ih).reshape(gA.shape[:2] + W_ih.shape[1:]) if need[0] else None
    gW_ih = gA.reshape(-1, G).T @ x.reshape(-1, x.shape[-1]) if need[n_state] else None
    gW_hh = None
    if need[n_state + 1]:
        gW_hh = gA_hidden.reshape(-1, G).T @ h_prev.reshape(-1, h_prev.shape[-1])
    grads = [gx, gh0 if need[1] else None, *extra, gW_ih, gW_hh]
    if len(need) > n_state + 2:  # with biases
        grads.append(gA.sum(axis=(0, 1)) if need[n_state + 2] else None)
        grads.append(gA_hidden.sum(axis=(0, 1)) if need[n_state + 3] else None)
    return tuple(grads)


class RNNLayer(Op):
    """h_t = act(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh), act = tanh or relu; y = all h_t.

    Backward through time, with gh the gradient reaching h_t (from y_t and from step t+1):
        gA_t = gh * act'(h_t)   [tanh: 1 - h_t^2;  relu: h_t > 0],    gh_{t-1} = gA_t W_hh.
    Output: (T, B, H).
    """

    @staticmethod
    def forward(ctx, x, h0, W_ih, W_hh, b_ih=None, b_hh=None, *, nonlinearity, reverse):
        T = x.shape[0]
        xw = _input_product(x, W_ih, (b_ih, b_hh))  # (T, B, H)
        hs = np.empty(xw.shape, dtype=xw.dtype)
        WT = _step_weights(W_hh)  # a contiguous operand: 1.2x faster products
        h = h0
        for t in range(T - 1, -1, -1) if reverse else range(T):
            a = xw[t] + h @ WT
            h = np.tanh(a, out=a) if nonlinearity == "tanh" else np.maximum(a, 0, out=a)
            hs[t] = h
        ctx.save_for_backward(x, h0, W_hh, hs)
        ctx.W_ih = W_ih
        ctx.args = (nonlinearity, reverse)
        return hs

    @staticmethod
    def backward(ctx, gy):
        x, h0, W_hh, hs = ctx.saved_tensors
        nonlinearity, reverse = ctx.args
        T = x.shape[0]
        gA = np.empty(hs.shape, dtype=gy.dtype)
        gh = np.zeros_like(h0)
        for t in range(T) if reverse else range(T - 1, -1, -1):
            gh = gh + gy[t]
            if nonlinearity == "tanh":
                ga = gh * (1 - hs[t] * hs[t])
            else:
                ga = gh * (hs[t] > 0)
            gA[t] = ga
            gh = ga @ W_hh
        return _weight_grads(ctx, gA, gA, x, _previous_states(hs, h0, reverse), gh)


class LSTMLayer(Op):
    """Long short-term memory, gates in PyTorch's order i, f, g, o:

        [a_i, a_f, a_g, a_o] = x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh
        i = sigma(a_i),  f = sigma(a_f),  g = tanh(a_g),  o = sigma(a_o)
        c_t = f c_{t-1} + i g,        h_t = o tanh(c_t)

    Backward through time, with gh and gc the gradients reaching h_t and c_t:
        go = gh tanh(c_t),   gc += gh o (1 - tanh^2 c_t),
        gi = gc g,   gf = gc c_{t-1},   gg = gc i,   gc_{t-1} = gc f,
        gA_t = [gi i(1-i), gf f(1-f), gg (1-g^2), go o(1-o)],   gh_{t-1} = gA_t W_hh.
    Every factor that does not involve gh or gc (g i(1-i), c_{t-1} f(1-f), i(1-g^2),
    tanh(c_t) o(1-o) and o(1 - tanh^2 c_t)) is computed for all t at once before the loop, so
    each step is a handful of (B, H) operations and one product (2.2x fewer per step).
    Output: (T, B, 2H), h_t and c_t side by side (the caller splits them).
    """

    @staticmethod
    def forward(ctx, x, h0, c0, W_ih, W_hh, b_ih=None, b_hh=None, *, reverse):
        T, H = x.shape[0], h0.shape[-1]
        xw = _input_product(x, W_ih, (b_ih, b_hh))  # (T, B, 4H)
        acts = np.empty(xw.shape, dtype=xw.dtype)  # the gate values i, f, g, o of every step
        out = np.empty(xw.shape[:2] + (2 * H,), dtype=xw.dtype)
        WT = _step_weights(W_hh)  # a contiguous operand: 1.2x faster products
        h, c = h0, c0
        for t in range(T - 1, -1, -1) if reverse else range(T):
            gates = np.matmul(h, WT, out=acts[t])  # (B, 4H), then the gate values in place
            gates += xw[t]
            np.tanh(gates[:, 2 * H : 3 * H], out=gates[:, 2 * H : 3 * H])
            _sigmoid(gates[:, : 2 * H], out=gates[:, : 2 * H])
            _sigmoid(gates[:, 3 * H :], out=gates[:, 3 * H :])
            i, f, g, o = np.split(gates, 4, axis=1)  # (B, H) each
            c_t, h_t = out[t, :, H:], out[t, :, :H]
            np.multiply(f, c, out=c_t)
            c_t += i * g
            np.tanh(c_t, out=h_t)
            h_t *= o
            h, c = h_t, c_t
        ctx.save_for_backward(x, h0, c0, W_hh, acts, out)
        ctx.W_ih = W_ih
        ctx.reverse = reverse
        return out

    @staticmethod
    def backward(ctx, gy):
        x, h0, c0, W_hh, acts, out = ctx.saved_tensors
        reverse = ctx.reverse
        T, H = x.shape[0], h0.shape[-1]
        hs, cs = out[..., :H], out[..., H:]
        factors, carry = _lstm_factors(acts, cs, _previous_states(cs, c0, reverse))
        gA = np.empty(acts.shape, dtype=gy.dtype)
        B = acts.shape[1]
        gh = np.zeros_like(h0)
        gc = np.zeros_like(c0)
        for t in range(T) if reverse else range(T - 1, -1, -1):
            gh = gh + gy[t, :, :H]
            gc = gc + gy[t, :, H:]
            gc += gh * carry[t]
            ga = gA[t].reshape(B, 4, H)
            np.multiply(gc[:, None, :], factors[t, :, :3], out=ga[:, :3])
            np.multiply(gh, factors[t, :, 3], out=ga[:, 3])
            gc *= acts[t, :, H : 2 * H]  # f
            gh = gA[t] @ W_hh
        h_prev = _previous_states(hs, h0, reverse)
        gc0 = gc if ctx.needs_input_grad[2] else None
        return _weight_grads(ctx, gA, gA, x, h_prev, gh, extra=(gc0,))


def _lstm_factors(acts: np.ndarray, cs: np.ndarray, c_prev: np.ndarray) -> tuple:
    """For every step at once: the factors (T, B, 4, H) that turn gc (gates i, f, g) and gh
    (gate o) into the pre-activation gradients, [g i(1-i), c_{t-1} f(1-f), i(1-g^2),
    tanh(c_t) o(1-o)], and o (1 - tanh^2 c_t), which carries gh into gc."""
    T, B, G = acts.shape
    H = G // 4
    i, f, g, o = (acts[..., k * H : (k + 1) * H] for k in range(4))
    tc = np.tanh(cs)
    factors = np.empty((T, B, 4, H), acts.dtype)
    np.multiply(g * i, 1 - i, out=factors[:, :, 0])
    np.multiply(c_prev * f, 1 - f, out=factors[:, :, 1])
    np.multiply(i, 1 - g * g, out=factors[:, :, 2])
    np.multiply(tc * o, 1 - o, out=factors[:, :, 3])
    carry = o * (1 - tc * tc)
    return factors, carry


class GRULayer(Op):
    """Gated recurrent unit, gates in PyTorch's order r, z, n:

        [u_r, u_z, u_n] = x_t W_ih^T + b_ih,      [v_r, v_z, v_n] = h_{t-1} W_hh^T + b_hh
        r = sigma(u_r + v_r),  z = sigma(u_z + v_z),  n = tanh(u_n + r v_n)
        h_t = (1 - z) n + z h_{t-1}

    Backward through time, with gh the gradient reaching h_t:
        gn = gh (1 - z) (1 - n^2),   gz = gh (h_{t-1} - n) z (1 - z),   gr = gn v_n r (1 - r)
        input part  gU_t = [gr, gz, gn],      hidden part  gV_t = [gr, gz, gn r]
        gh_{t-1} = gh z + gV_t W_hh.
    Output: (T, B, H).
    """

    @staticmethod
    def forward(ctx, x, h0, W_ih, W_hh, b_ih=None, b_hh=None, *, reverse):
        T, H = x.shape[0], h0.shape[-1]
        xw = _input_product(x, W_ih, (b_ih,))  # (T, B, 3H)
        saved = np.empty(xw.shape[:2] + (4 * H,), dtype=xw.dtype)  # r, z, n, v_n of every step
        hs = np.empty(xw.shape[:2] + (H,), dtype=xw.dtype)
        WT = _step_weights(W_hh)
        h = h0
        for t in range(T - 1, -1, -1) if reverse else range(T):
            v = h @ WT  # (B, 3H)
            if b_hh is not None:
                v += b_hh
            rz = _sigmoid(xw[t, :, : 2 * H] + v[:, : 2 * H])
            r, z = rz[:, :H], rz[:, H:]
            n = np.tanh(xw[t, :, 2 * H :] + r * v[:, 2 * H :])
            h = n + z * (h - n)
            saved[t, :, : 2 * H] = rz
            saved[t, :, 2 * H : 3 * H] = n
            saved[t, :, 3 * H :] = v[:, 2 * H :]
            hs[t] = h
        ctx.save_for_backward(x, h0, W_hh, saved, hs)
        ctx.W_ih = W_ih
        ctx.reverse = reverse
        return hs

    @staticmethod
    def backward(ctx, gy):
        x, h0, W_hh, saved, hs = ctx.saved_tensors
        reverse = ctx.reverse
        T, H = x.shape[0], h0.shape[-1]
        h_prev = _previous_states(hs, h0, reverse)
        gU = np.empty(saved.shape[:2] + (3 * H,), dtype=gy.dtype)
        gV = np.empty_like(gU)
        gh = np.zeros_like(h0)
        for t in range(T) if reverse else range(T - 1, -1, -1):
            gh = gh + gy[t]
            r, z, n, vn = np.split(saved[t], 4, axis=1)
            gn = gh * (1 - z) * (1 - n * n)
            gz = gh * (h_prev[t] - n) * z * (1 - z)
            gr = gn * vn * r * (1 - r)
            gU[t, :, :H] = gr
            gU[t, :, H : 2 * H] = gz
            gU[t, :, 2 * H :] = gn
            gV[t, :, : 2 * H] = gU[t, :, : 2 * H]
            gV[t, :, 2 * H :] = gn * r
            gh = gh * z + gV[t] @ W_hh
        return _weight_grads(ctx, gU, gV, x, h_prev, gh)
