"""ONNX layer ops run with glassnet ops: Gemm/MatMul, convolution, pooling, normalisation and the
recurrent layers (RNN, LSTM, GRU).

Each entry takes (inputs: list of Tensors or None, attributes: dict, the NodeProto) and returns
a Tensor or a tuple of them.
"""

from __future__ import annotations

import numpy as np

import glassnet.ops as G
from glassnet.nn import functional as F
from glassnet.ops.recurrent import GRULayer, LSTMLayer, RNNLayer
from glassnet.tensor import Tensor


def _opt(args: list, i: int) -> Tensor | None:
    return args[i] if len(args) > i else None


def _gemm(args, attrs, node):  # y = alpha A' B' + beta C  (A', B' transposed when asked)
    A, B, C = args[0], args[1], _opt(args, 2)
    alpha, beta = attrs.get("alpha", 1.0), attrs.get("beta", 1.0)
    trans_a, trans_b = attrs.get("transA", 0), attrs.get("transB", 0)
    if trans_b and not trans_a and alpha == 1.0 and (C is None or (beta == 1.0 and C.ndim == 1)):
        return F.linear(A, B, C)  # x W^T + b, glassnet's fused linear
    y = G.matmul(A.t() if trans_a else A, B.t() if trans_b else B)
    if alpha != 1.0:
        y = y * alpha
    if C is not None:
        y = y + (C * beta if beta != 1.0 else C)
    return y


def _spatial(attrs, x: Tensor, name: str):
    """(kernel, strides, dilations, begin pads, end pads) of a 1-d or 2-d kernel op."""
    nd = x.ndim - 2
    if nd not in (1, 2):
        raise ValueError(f"{name}: only 1-d and 2-d inputs are supported, got shape {x.shape}")
    if attrs.get("auto_pad", b"NOTSET") not in (b"NOTSET", "NOTSET", b"VALID", "VALID"):
        raise ValueError(f"{name}: auto_pad={attrs['auto_pad']!r} is not supported")
    pads = list(attrs.get("pads", [0] * 2 * nd))
    strides = list(attrs.get("strides", [1] * nd))
    dilations = list(attrs.get("dilations", [1] * nd))
    return list(attrs.get("kernel_shape", [])), strides, dilations, pads[:nd], pads[nd:]


def _prepad(x: Tensor, begin: list, end: list, value: float) -> Tensor:
    """x padded on its spatial axes (last axis first in glassnet.pad's order)."""
    widths: list[int] = []
    for b, e in reversed(list(zip(begin, end))):
        widths += [b, e]
    return G.pad(x, widths, value=value)


def _conv(args, attrs, node):  # y[n,o] = b[o] + sum_c W[o,c] (*) x[n, group(o) c]
    x, W, b = args[0], args[1], _opt(args, 2)
    _, strides, dilations, begin, end = _spatial(attrs, x, "Conv")
    if begin != end:
        x, begin = _prepad(x, begin, end, 0.0), [0] * len(begin)
    conv = F.conv2d if x.ndim == 4 else F.conv1d
    return conv(x, W, b, tuple(strides), tuple(begin), tuple(dilations), int(attrs.get("group", 1)))


def _conv_transpose(args, attrs, node):  # y = the transpose of a convolution, cropped by pads
    x, W, b = args[0], args[1], _opt(args, 2)
    _, strides, dilations, begin, end = _spatial(attrs, x, "ConvTranspose")
    if begin != end or "output_shape" in attrs:
        raise ValueError("ConvTranspose: asymmetric pads and output_shape are not supported")
    out_pad = list(attrs.get("output_padding", [0] * len(begin)))
    conv = F.conv_transpose2d if x.ndim == 4 else F.conv_transpose1d
    groups = int(attrs.get("group", 1))
    return conv(x, W, b, tuple(strides), tuple(begin), tuple(out_pad), groups, tuple(dilations))


def _max_pool(args, attrs, node):  # y = max over each window, padding = -inf
    x = args[0]
    kernel, strides, dilations, begin, end = _spatial(attrs, x, "MaxPool")
    if len(node.output) > 1 and node.output[1]:
        raise ValueError("MaxPool: the Indices output is not supported")
    if begin != end:
        x, begin = _prepad(x, begin, end, -np.inf), [0] * len(begin)
    pool = F.max_pool2d if x.ndim == 4 else F.max_pool1d
    ceil = bool(attrs.get("ceil_mode", 0))
    return pool(x, tuple(kernel), tuple(strides), tuple(begin), tuple(dilations), ceil)


def _avg_pool(args, attrs, node):  # y = mean over each window (padding counted or not)
    x = args[0]
    kernel, strides, _, begin, end = _spatial(attrs, x, "AveragePool")
    include = bool(attrs.get("count_include_pad", 0))
    if begin != end:
        if not include:
            raise ValueError("AveragePool: asymmetric pads need count_include_pad=1")
        x, begin = _prepad(x, begin, end, 0.0), [0] * len(begin)
    pool = F.avg_pool2d if x.ndim == 4 else F.avg_pool1d
    ceil = bool(attrs.get("ceil_mode", 0))
    return pool(x, tuple(kernel), tuple(strides), tuple(begin), ceil, include)


def _global_avg_pool(args, attrs, node):  # y[n, c] = mean of x[n, c] over the spatial axes
    x = args[0]
    return G.mean(x, dim=tuple(range(2, x.ndim)), keepdim=True)


def _batch_norm(args, attrs, node):  # y = (x - mean) / sqrt(var + eps) * scale + B
    if attrs.get("training_mode", 0):
        raise ValueError("BatchNormalization: training_mode=1 is not supported")
    x, scale, bias, mean, var = args[:5]
    return F.batch_norm(x, mean, var, scale, bias, training=False, eps=attrs.get("epsilon", 1e-5))


def _layer_norm(args, attrs, node):  # y = (x - mean) / sqrt(var + eps) * scale + B
    x, scale, bias = args[0], args[1], _opt(args, 2)
    axis = int(attrs.get("axis", -1)) % x.ndim
    if len(node.output) > 1 and any(node.output[1:]):
        raise ValueError("LayerNormalization: the Mean and InvStdDev outputs are not supported")
    return F.layer_norm(x, x.shape[axis:], scale, bias, eps=attrs.get("epsilon", 1e-5))


# glassnet's gate k is ONNX's gate ORDER[k]: ONNX orders i, o, f, c and z, r, h
_ORDER = {"LSTM": [0, 2, 3, 1], "GRU": [1, 0, 2], "RNN": [0]}
_DEFAULT_ACTS = {"LSTM": ["Sigmoid", "Tanh", "Tanh"], "GRU": ["Sigmoid", "Tanh"]}


def _recurrent(kind: str):  # ONNX RNN / LSTM / GRU: one glassnet layer op per direction
    def run(args, attrs, node):
        x, W, R, B = args[0], args[1], args[2], _opt(args, 3)
        if attrs.get("layout", 0) or attrs.get("clip") is not None:
            raise ValueError(f"{kind}: layout=1 and clip are not supported")
        if attrs.get("input_forget", 0) or _opt(args, 4) is not None or _opt(args, 7) is not None:
            raise ValueError(f"{kind}: sequence_lens, peepholes, input_forget not supported")
        acts = [a.decode() if isinstance(a, bytes) else a for a in attrs.get("activations", [])]
        if kind == "GRU" and not attrs.get("linear_before_reset", 0):
            raise ValueError("GRU: only linear_before_reset=1 (PyTorch's GRU) is supported")
        direction = attrs.get("direction", b"forward")
        direction = direction.decode() if isinstance(direction, bytes) else direction
        D = 2 if direction == "bidirectional" else 1
        if kind in _DEFAULT_ACTS and acts and acts != _DEFAULT_ACTS[kind] * D:
            raise ValueError(f"{kind}: activations {acts} are not supported")
        nonlinearity = (acts[0] if acts else "Tanh").lower()
        if kind == "RNN" and nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"RNN: activation {acts[0]} is not supported")
        H = int(attrs.get("hidden_size", R.shape[-1]))
        rows = np.concatenate([np.arange(g * H, (g + 1) * H) for g in _ORDER[kind]])
        GH = len(rows)
        h_init, c_init = _opt(args, 5), _opt(args, 6)
        zeros = np.zeros((x.shape[1], H), dtype=x._data.dtype)
        ys, hs, cs = [], [], []
        for d in range(D):
            reverse = direction == "reverse" or d == 1
            weights = [G.getitem(W, (d, rows)), G.getitem(R, (d, rows))]
            if B is not None:
                weights += [G.getitem(B, (d, rows)), G.getitem(B, (d, GH + rows))]
            h0 = h_init[d] if h_init is not None else Tensor._wrap(zeros)
            last = 0 if reverse else x.shape[0] - 1
            if kind == "LSTM":
                c0 = c_init[d] if c_init is not None else Tensor._wrap(zeros)
                out = LSTMLayer.apply(x, h0, c0, *weights, reverse=reverse)  # (T, B, 2H)
                y = out[:, :, :H]
                cs.append(out[last, :, H:])
            elif kind == "GRU":
                y = GRULayer.apply(x, h0, *weights, reverse=reverse)
            else:
                y = RNNLayer.apply(x, h0, *weights, nonlinearity=nonlinearity, reverse=reverse)
            ys.append(y)
            hs.append(y[last])
        outs = [G.stack(ys, dim=1), G.stack(hs, dim=0)]  # Y (T, D, B, H), Y_h (D, B, H)
        if kind == "LSTM":
            outs.append(G.stack(cs, dim=0))
        return tuple(outs)

    return run


OPS = {
    "MatMul": lambda args, attrs, node: G.matmul(args[0], args[1]),  # y = a @ b
    "Gemm": _gemm,
    "Conv": _conv,
    "ConvTranspose": _conv_transpose,
    "MaxPool": _max_pool,
    "AveragePool": _avg_pool,
    "GlobalAveragePool": _global_avg_pool,
    "BatchNormalization": _batch_norm,
    "LayerNormalization": _layer_norm,
    "RNN": _recurrent("RNN"),
    "LSTM": _recurrent("LSTM"),
    "GRU": _recurrent("GRU"),
}
