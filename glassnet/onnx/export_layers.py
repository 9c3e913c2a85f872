"""ONNX mappings of the layer ops: convolution, pooling, normalisation, embedding, bilinear,
recurrent layers and attention."""

from __future__ import annotations

import numpy as np

from glassnet.kernels.attention import causal_mask
from glassnet.onnx.graph import GraphBuilder, OnnxExportError
from glassnet.ops import attention as At
from glassnet.ops import bilinear as Bi
from glassnet.ops import conv as C
from glassnet.ops import conv_transpose as CT
from glassnet.ops import dropout as D
from glassnet.ops import embedding as Em
from glassnet.ops import norm as N
from glassnet.ops import pool as P
from glassnet.ops import recurrent as R


def _args(g: GraphBuilder, call) -> list[str]:
    return [g.name(t) for t in call.inputs]


def _geometry(call, pads: tuple) -> dict:
    """Kernel attributes of a 1-d (N, C, L) or 2-d (N, C, H, W) op from glassnet's 2-d ones
    (a 1-d op runs as 2-d of height 1; pads are (top, bottom, left, right))."""
    p = call.params
    one_d = call.inputs[0]._data.ndim == 3
    begin, end = [pads[0], pads[2]], [pads[1], pads[3]]
    attrs = {"strides": list(p["stride"]), "pads": begin + end}
    if "dilation" in p:
        attrs["dilations"] = list(p["dilation"])
    if one_d:
        attrs = {k: v[1:] if k != "pads" else [v[1], v[3]] for k, v in attrs.items()}
    return {k: [int(i) for i in v] for k, v in attrs.items()}


def _conv(g, call):  # y[n,o] = b[o] + sum_c W[o,c] (*) x[n, group(o) c] (cross-correlation)
    attrs = _geometry(call, call.params["pads"])
    return g.op("Conv", *_args(g, call), group=int(call.params["groups"]), **attrs)


def _conv_transpose(g, call):  # y = the transpose of a convolution, cropped by padding
    p = call.params
    one_d = call.inputs[0]._data.ndim == 3
    pad = list(p["padding"])
    attrs = {
        "strides": list(p["stride"]),
        "pads": pad + pad,
        "output_padding": list(p["output_padding"]),
        "dilations": list(p["dilation"]),
    }
    if one_d:
        attrs = {k: v[1:] if k != "pads" else [v[1], v[3]] for k, v in attrs.items()}
    attrs = {k: [int(i) for i in v] for k, v in attrs.items()}
    return g.op("ConvTranspose", *_args(g, call), group=int(p["groups"]), **attrs)


def _max_pool(g, call):  # y = max over each (dilated) window, padding = -inf
    p = call.params
    attrs = _geometry(call, p["pads"])
    kernel = list(p["kernel"])[1:] if call.inputs[0]._data.ndim == 3 else list(p["kernel"])
    return g.op("MaxPool", _args(g, call)[0], kernel_shape=[int(k) for k in kernel], **attrs)


def _avg_pool(g, call):  # y = window sum / divisor (sum / (kh kw), rescaled where different)
    p = call.params
    attrs = _geometry(call, p["pads"])
    kernel = list(p["kernel"])[1:] if call.inputs[0]._data.ndim == 3 else list(p["kernel"])
    y = g.op(
        "AveragePool",
        _args(g, call)[0],
        kernel_shape=[int(k) for k in kernel],
        count_include_pad=1,
        **attrs,
    )
    size = float(np.prod(p["kernel"]))
    divisor = np.asarray(p["divisor"], dtype=call.out._data.dtype)
    if np.all(divisor == size):
        return y
    if call.inputs[0]._data.ndim == 3 and divisor.ndim == 2:
        divisor = divisor[0]
    return g.op("Mul", y, g.const((size / divisor).astype(call.out._data.dtype)))


def _adaptive_avg_pool(g, call):  # y = P_h x P_w^T, P the averaging matrices of the windows
    x = _args(g, call)[0]
    H, W = call.inputs[0]._data.shape[-2:]
    oh, ow = call.params["out_hw"]
    if (oh, ow) == (1, 1) and call.inputs[0]._data.ndim == 4:
        return g.op("GlobalAveragePool", x)
    dtype = call.out._data.dtype
    Ph = P._averaging_matrix(H, oh, dtype)
    Pw = P._averaging_matrix(W, ow, dtype)
    return g.op("MatMul", g.op("MatMul", g.const(Ph), x), g.const(np.ascontiguousarray(Pw.T)))


def _batch_norm(g, call):  # y = (x - running_mean) / sqrt(running_var + eps) * weight + bias
    p = call.params
    if p["training"]:
        raise OnnxExportError("onnx.export: batch norm in training mode")
    args = _args(g, call)
    C_ = call.inputs[0]._data.shape[1]
    dtype = call.out._data.dtype
    scale = args[1] if p["has_weight"] else g.const(np.ones(C_, dtype))
    bias = args[-1] if p["has_bias"] else g.const(np.zeros(C_, dtype))
    mean, var = g.name(p["running_mean"]), g.name(p["running_var"])
    return g.op("BatchNormalization", args[0], scale, bias, mean, var, epsilon=float(p["eps"]))


def _layer_norm(g, call):  # y = (x - mean) / sqrt(var + eps) * w + b over the last dims
    p = call.params
    args = _args(g, call)
    x, k = args[0], len(p["feature_shape"])
    dtype = call.out._data.dtype
    w = args[1] if p["has_weight"] else g.const(np.ones(p["feature_shape"], dtype))
    b = args[-1] if p["has_bias"] else None
    if p["centred"]:
        return g.op("LayerNormalization", x, w, b, axis=-k, epsilon=float(p["eps"]))
    axes = list(range(-k, 0))  # RMS norm: y = x / sqrt(mean(x^2) + eps) * w
    ms = g.reduce("ReduceMean", g.op("Mul", x, x), axes, True)
    inv = g.op("Reciprocal", g.op("Sqrt", g.op("Add", ms, g.scalar_like(p["eps"], dtype))))
    return g.op("Mul", g.op("Mul", x, inv), w)


def _embedding(g, call):  # y[..., :] = W[idx[...], :]
    W = _args(g, call)[0]
    return g.op("Gather", W, g.name(call.params["idx"]), axis=0)


def _bilinear(g, call):  # y_k = sum_ij x1_i W_kij x2_j + b_k, as (x1 W') * x2 summed over j
    args = _args(g, call)
    x1, x2, W = args[:3]
    K, I, J = call.inputs[2]._data.shape
    Wm = g.op("Reshape", g.op("Transpose", W, perm=[1, 0, 2]), g.ints([I, K * J]))  # (I, K*J)
    t = g.op("MatMul", x1, Wm)  # (..., K*J)
    t = g.op("Reshape", t, g.ints([0] * (call.inputs[0]._data.ndim - 1) + [K, J]))
    y = g.reduce("ReduceSum", g.op("Mul", t, g.unsqueeze(x2, -2)), [-1], False)  # (..., K)
    return g.op("Add", y, args[3]) if len(args) > 3 else y


# ONNX orders the gates i, o, f, c (LSTM) and z, r, h (GRU); glassnet/PyTorch i, f, g, o and r, z, n
_GATE_ORDER = {R.LSTMLayer: [0, 3, 1, 2], R.GRULayer: [1, 0, 2], R.RNNLayer: [0]}


def _rnn(g, call):  # one recurrent layer and direction over time, as ONNX RNN / LSTM / GRU
    p, op = call.params, call.op
    n_state = 3 if op is R.LSTMLayer else 2
    x = g.name(call.inputs[0])
    states = call.inputs[1:n_state]
    weights = [g.name(t) for t in call.inputs[n_state:]]
    H = states[0]._data.shape[-1]
    order = _GATE_ORDER[op]
    rows = np.concatenate([np.arange(i * H, (i + 1) * H) for i in order]).astype(np.int64)
    perm = g.const(rows)

    def onnx_layout(w: str) -> str:  # rows in ONNX's gate order, with a directions axis
        return g.unsqueeze(g.op("Gather", w, perm, axis=0), 0)

    W, Rw = onnx_layout(weights[0]), onnx_layout(weights[1])
    B = None
    if len(weights) > 2:
        B = g.op("Concat", onnx_layout(weights[2]), onnx_layout(weights[3]), axis=1)

    def initial(t) -> str | None:  # zero states that are constants are ONNX's default
        if not g.resolve.is_live(t) and not np.any(t._data):
            return None
        return g.unsqueeze(g.name(t), 0)

    attrs = {"hidden_size": int(H), "direction": "reverse" if p["reverse"] else "forward"}
    if op is R.RNNLayer:
        attrs["activations"] = ["Tanh" if p["nonlinearity"] == "tanh" else "Relu"]
        outs = g.op("RNN", x, W, Rw, B, None, initial(states[0]), outputs=2, **attrs)
    elif op is R.GRULayer:
        attrs["linear_before_reset"] = 1
        outs = g.op("GRU", x, W, Rw, B, None, initial(states[0]), outputs=2, **attrs)
    else:
        outs = g.op(
            "LSTM", x, W, Rw, B, None, initial(states[0]), initial(states[1]), outputs=3, **attrs
        )
    y = g.squeeze(outs[0], 1)  # (T, 1, B, H) -> (T, B, H)
    if op is not R.LSTMLayer:
        return y
    # glassnet's LSTM node returns h_t | c_t for every t; ONNX gives c only at the last step,
    # which is the only one nn.LSTM reads: it stands in for c_t at every t.
    c = g.op("Expand", outs[2], g.op("Shape", y))
    return g.op("Concat", y, c, axis=2)


def check_lstm_reads(calls: list) -> None:
    """ONNX's LSTM gives the cell state c only at the last step (which is all nn.LSTM reads):
    refuse a graph that reads c at another step, or reads the LSTM node other than by indexing."""
    from glassnet.ops.indexing import GetItem

    lstms = {id(c.out): c for c in calls if c.op is R.LSTMLayer}
    for call in calls:
        for t in call.inputs:
            if id(t) not in lstms:
                continue
            lstm = lstms[id(t)]
            H = lstm.inputs[1]._data.shape[-1]
            last = 0 if lstm.params["reverse"] else t._data.shape[0] - 1
            read = np.zeros(t._data.shape, dtype=bool)
            if call.op is GetItem:
                read[call.params["index"]] = True
            read[last, :, H:] = False  # the final cell state: what ONNX gives
            if call.op is not GetItem or read[:, :, H:].any():
                raise OnnxExportError(
                    f"onnx.export: {call.op.__name__} reads the LSTM cell states of steps "
                    f"other than the last, which ONNX's LSTM does not return "
                    f"(in module {call.path!r})"
                )


def _attention(g, call):  # O = softmax(scale Q K^T + M) V
    if call.params["keep"] is not None:
        raise OnnxExportError("onnx.export: attention dropout in training mode")
    args = _args(g, call)
    q, k, v = args[:3]
    nd = call.inputs[1]._data.ndim
    perm = list(range(nd - 2)) + [nd - 1, nd - 2]
    dtype = call.out._data.dtype
    s = g.op("MatMul", q, g.op("Transpose", k, perm=perm))
    s = g.op("Mul", s, g.scalar_like(call.params["scale"], dtype))
    if len(args) > 3:
        s = g.op("Add", s, args[3])
    elif call.params["causal"]:  # the mask the op adds itself, as a constant of this shape
        L, S = call.inputs[0]._data.shape[-2], call.inputs[1]._data.shape[-2]
        s = g.op("Add", s, g.const(causal_mask(L, S, dtype)))
    return g.op("MatMul", g.op("Softmax", s, axis=-1), v)


def _dropout(g, call):  # y = x m / (1 - p): training-mode dropout has no place in an export
    raise OnnxExportError("onnx.export: dropout in training mode")


MAPPINGS = {
    C.ConvNd: _conv,
    CT.ConvTransposeNd: _conv_transpose,
    P.MaxPool: _max_pool,
    P.AvgPool: _avg_pool,
    P.AdaptiveAvgPool2d: _adaptive_avg_pool,
    N.BatchNorm: _batch_norm,
    N.LayerNorm: _layer_norm,
    Em.EmbeddingLookup: _embedding,
    Bi.Bilinear: _bilinear,
    R.RNNLayer: _rnn,
    R.LSTMLayer: _rnn,
    R.GRULayer: _rnn,
    At.ScaledDotProductAttention: _attention,
    D.Dropout: _dropout,
}
