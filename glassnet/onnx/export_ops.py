"""ONNX mappings of glassnet's tensor ops: elementwise math, activations, reductions.

Each mapping takes the graph builder and a recorded call (`call.inputs`, `call.params`,
`call.out`) and returns the name of the ONNX value holding the op's result.
"""

from __future__ import annotations

import math

import numpy as np

from glassnet.onnx.export_movement import MAPPINGS as MOVEMENT
from glassnet.onnx.graph import GraphBuilder, onnx_dtype
from glassnet.ops import activation as A
from glassnet.ops import elementwise as E
from glassnet.ops import linalg as L
from glassnet.ops import reduce as R
from glassnet.ops.info import result_type
from glassnet.tensor import Tensor


def _args(g: GraphBuilder, call) -> list[str]:
    return [g.name(t) for t in call.inputs]


def _same(op_type: str, **attrs):
    """An op whose ONNX counterpart has the same inputs."""

    def mapping(g: GraphBuilder, call) -> str:
        return g.op(op_type, *_args(g, call), **attrs)

    return mapping


def _c(g: GraphBuilder, call, value: float) -> str:
    return g.scalar_like(value, call.out._data.dtype)


def _pow_scalar(g, call):  # y = x^p  (x * x for p = 2, as exact as NumPy's square)
    (x,) = _args(g, call)
    p = call.params["p"]
    if p == 2:
        return g.op("Mul", x, x)
    return g.op("Pow", x, _c(g, call, p))


def _log1p(g, call):  # y = ln(1 + x)
    return g.op("Log", g.op("Add", _args(g, call)[0], _c(g, call, 1.0)))


def _rsqrt(g, call):  # y = 1 / sqrt(x)
    return g.op("Reciprocal", g.op("Sqrt", _args(g, call)[0]))


def _clamp(g, call):  # y = min(max(x, lo), hi)
    (x,) = _args(g, call)
    dtype = call.out._data.dtype
    lo, hi = call.params["lo"], call.params["hi"]
    lo = None if lo is None else g.name(lo) if not np.isscalar(lo) else g.scalar_like(lo, dtype)
    hi = None if hi is None else g.name(hi) if not np.isscalar(hi) else g.scalar_like(hi, dtype)
    return g.op("Clip", x, lo, hi)


def _cast(g, call):  # y = x converted to dtype
    return g.op("Cast", _args(g, call)[0], to=onnx_dtype(call.out._data.dtype))


def _where(g, call):  # y = a where cond else b
    cond, a, b = _args(g, call)
    if call.inputs[0]._data.dtype != np.bool_:
        cond = g.op("Cast", cond, to=onnx_dtype(np.bool_))
    return g.op("Where", cond, a, b)


def _hardtanh(g, call):  # y = clip(x, min_val, max_val)
    (x,) = _args(g, call)
    lo, hi = call.params["min_val"], call.params["max_val"]
    return g.op("Clip", x, _c(g, call, lo), _c(g, call, hi))


def _elu(g, call):  # y = scale * (x if x > 0 else alpha (e^x - 1)); SELU when scaled
    (x,) = _args(g, call)
    alpha, scale = call.params["alpha"], call.params["scale"]
    if scale == 1.0:
        return g.op("Elu", x, alpha=float(alpha))
    return g.op("Selu", x, alpha=float(alpha), gamma=float(scale))


def _gelu(g, call):  # y = x/2 (1 + erf(x / sqrt 2))
    (x,) = _args(g, call)
    if g.opset >= 20:
        return g.op("Gelu", x)
    erf = g.op("Erf", g.op("Mul", x, _c(g, call, 1 / math.sqrt(2))))
    return g.op("Mul", g.op("Mul", x, _c(g, call, 0.5)), g.op("Add", erf, _c(g, call, 1.0)))


def _gelu_tanh(g, call):  # y = x/2 (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
    (x,) = _args(g, call)
    if g.opset >= 20:
        return g.op("Gelu", x, approximate="tanh")
    x3 = g.op("Mul", g.op("Mul", x, x), x)
    inner = g.op("Add", x, g.op("Mul", x3, _c(g, call, 0.044715)))
    t = g.op("Tanh", g.op("Mul", inner, _c(g, call, math.sqrt(2 / math.pi))))
    return g.op("Mul", g.op("Mul", x, _c(g, call, 0.5)), g.op("Add", t, _c(g, call, 1.0)))


def _silu(g, call):  # y = x sigma(x)
    (x,) = _args(g, call)
    return g.op("Mul", x, g.op("Sigmoid", x))


def _mish(g, call):  # y = x tanh(softplus(x))
    (x,) = _args(g, call)
    return g.op("Mul", x, g.op("Tanh", g.op("Softplus", x)))


def _softplus(g, call):  # y = ln(1 + e^(b x)) / b, or x where b x > threshold
    (x,) = _args(g, call)
    beta, threshold = call.params["beta"], call.params["threshold"]
    bx = g.op("Mul", x, _c(g, call, beta))
    soft = g.op("Div", g.op("Softplus", bx), _c(g, call, beta))
    return g.op("Where", g.op("Greater", bx, _c(g, call, threshold)), x, soft)


def _hardsigmoid(g, call):  # y = clip(x/6 + 1/2, 0, 1)
    return g.op("HardSigmoid", _args(g, call)[0], alpha=1.0 / 6.0, beta=0.5)


def _logsigmoid(g, call):  # y = -softplus(-x)
    return g.op("Neg", g.op("Softplus", g.op("Neg", _args(g, call)[0])))


def _step(g, call):  # y = 1 if x >= 0 else low
    (x,) = _args(g, call)
    ge = g.op("GreaterOrEqual", x, _c(g, call, 0.0))
    return g.op("Where", ge, _c(g, call, 1.0), _c(g, call, call.params["low"]))


def _prelu(g, call):  # y = x if x >= 0 else a_c x, a_c per channel (axis 1)
    x, a = _args(g, call)
    n, ndim = call.inputs[1]._data.size, call.inputs[0]._data.ndim
    if n > 1 and ndim > 2:  # ONNX broadcasts the slope from the right: (C,) -> (C, 1, ..., 1)
        a = g.op("Reshape", a, g.ints([n] + [1] * (ndim - 2)))
    return g.op("PRelu", x, a)


def _softmax(op_type: str):  # y = e^x / sum e^x along axis (log of it for LogSoftmax)
    def mapping(g, call):
        return g.op(op_type, _args(g, call)[0], axis=int(call.params["axis"]))

    return mapping


def _matmul(g, call):  # y = a @ b (batched, broadcast)
    return g.op("MatMul", *_args(g, call))


def _linear(g, call):  # y = x W^T + b
    args = _args(g, call)
    x, W = args[0], args[1]
    if call.inputs[0]._data.ndim == 2:
        return g.op("Gemm", *args, transB=1)
    y = g.op("MatMul", x, g.op("Transpose", W, perm=[1, 0]))
    return g.op("Add", y, args[2]) if len(args) > 2 else y


def _reduce(op_type: str):  # y = reduction of x over axis (all axes when None)
    def mapping(g, call):
        p = call.params
        return g.reduce(op_type, _args(g, call)[0], p["axis"], p["keepdims"])

    return mapping


def _amax(g, call):  # y = max (or min) of x over axis
    op_type = "ReduceMax" if call.params["largest"] else "ReduceMin"
    return g.reduce(op_type, _args(g, call)[0], call.params["axis"], call.params["keepdims"])


def _var(g, call):  # var = sum (x - mean)^2 / (n - correction); std = sqrt(var)
    (x,) = _args(g, call)
    axis, keep, corr = call.params["axis"], call.params["keepdims"], call.params["correction"]
    shape = call.inputs[0]._data.shape
    axes = range(len(shape)) if axis is None else np.atleast_1d(axis)
    n = int(np.prod([shape[a] for a in axes]))
    d = g.op("Sub", x, g.reduce("ReduceMean", x, axis, True))
    ss = g.reduce("ReduceSum", g.op("Mul", d, d), axis, keep)
    var = g.op("Div", ss, _c(g, call, max(n - corr, 0)))
    return g.op("Sqrt", var) if call.op is R.Std else var


def _norm(g, call):  # y = (sum |x|^p)^(1/p) over axis
    (x,) = _args(g, call)
    p = call.params["p"]
    if p == 2:
        return g.reduce("ReduceL2", x, call.params["axis"], call.params["keepdims"])
    if p == 1:
        return g.reduce("ReduceL1", x, call.params["axis"], call.params["keepdims"])
    s = g.reduce("ReduceSum", g.op("Pow", g.op("Abs", x), _c(g, call, p)), call.params["axis"],
                 call.params["keepdims"])  # fmt: skip
    return g.op("Pow", s, _c(g, call, 1.0 / p))


class Compare:
    """Marks a recorded comparison (not an Op: comparisons carry no gradient)."""


_COMPARISONS = {
    "equal": ("Equal", False),
    "not_equal": ("Equal", True),
    "less": ("Less", False),
    "less_equal": ("LessOrEqual", False),
    "greater": ("Greater", False),
    "greater_equal": ("GreaterOrEqual", False),
    "logical_and": ("And", False),
    "logical_or": ("Or", False),
    "logical_xor": ("Xor", False),
}


def _compare(g, call):  # y = a (comparison) b, elementwise, boolean
    op_type, negate = _COMPARISONS[call.params["ufunc"]]
    a, b = call.params["operands"]
    if op_type in ("And", "Or", "Xor"):
        dtype = np.dtype(np.bool_)
    else:  # both sides at PyTorch's result type, as glassnet compares (int < 1.5 in float32)
        dtype = result_type(*(Tensor._wrap(v) if isinstance(v, np.ndarray) else v for v in (a, b)))
    args = [_operand(g, v, dtype) for v in (a, b)]
    y = g.op(op_type, *args)
    return g.op("Not", y) if negate else y


def _operand(g, v, dtype):
    """A comparison's operand in `dtype`: a graph value (cast when its dtype differs) or a
    number as a constant."""
    if not isinstance(v, np.ndarray):
        return g.const(np.asarray(v, dtype))
    name = g.name(v)
    return name if v.dtype == dtype else g.op("Cast", name, to=onnx_dtype(dtype))


MAPPINGS = {
    Compare: _compare,
    E.Add: _same("Add"),  # y = a + b
    E.Sub: _same("Sub"),  # y = a - b
    E.Mul: _same("Mul"),  # y = a * b
    E.Div: _same("Div"),  # y = a / b
    E.Pow: _same("Pow"),  # y = a ^ b
    E.PowScalar: _pow_scalar,
    E.Maximum: _same("Max"),  # y = max(a, b)
    E.Minimum: _same("Min"),  # y = min(a, b)
    E.Where: _where,
    E.Neg: _same("Neg"),  # y = -x
    E.Exp: _same("Exp"),  # y = e^x
    E.Log: _same("Log"),  # y = ln x
    E.Log1p: _log1p,
    E.Sqrt: _same("Sqrt"),  # y = sqrt x
    E.Rsqrt: _rsqrt,
    E.Sin: _same("Sin"),  # y = sin x
    E.Cos: _same("Cos"),  # y = cos x
    E.Abs: _same("Abs"),  # y = |x|
    E.Sign: _same("Sign"),  # y = sign x
    E.Clamp: _clamp,
    E.Cast: _cast,
    E.Clone: _same("Identity"),  # y = x
    A.Relu: _same("Relu"),  # y = max(x, 0)
    A.Sigmoid: _same("Sigmoid"),  # y = 1 / (1 + e^-x)
    A.Tanh: _same("Tanh"),  # y = tanh x
    A.Softmax: _softmax("Softmax"),
    A.LogSoftmax: _softmax("LogSoftmax"),
    A.LeakyRelu: lambda g, c: g.op(  # y = x if x > 0 else slope x
        "LeakyRelu", _args(g, c)[0], alpha=float(c.params["negative_slope"])
    ),
    A.Prelu: _prelu,
    A.Hardtanh: _hardtanh,
    A.Elu: _elu,
    A.Celu: lambda g, c: g.op(  # y = max(0, x) + min(0, alpha (e^(x/alpha) - 1))
        "Celu", _args(g, c)[0], alpha=float(c.params["alpha"])
    ),
    A.Gelu: _gelu,
    A.GeluTanh: _gelu_tanh,
    A.Silu: _silu,
    A.Mish: _mish,
    A.Softplus: _softplus,
    A.Softsign: _same("Softsign"),  # y = x / (1 + |x|)
    A.Hardsigmoid: _hardsigmoid,
    A.Hardswish: _same("HardSwish"),  # y = x clip(x/6 + 1/2, 0, 1)
    A.LogSigmoid: _logsigmoid,
    A.Step: _step,
    L.MatMul: _matmul,
    L.Linear: _linear,
    R.Sum: _reduce("ReduceSum"),  # y = sum of x over axis
    R.Mean: _reduce("ReduceMean"),  # y = mean of x over axis
    R.Prod: _reduce("ReduceProd"),  # y = product of x over axis
    R.LogSumExp: _reduce("ReduceLogSumExp"),  # y = ln sum e^x over axis
    R.Amax: _amax,
    R.MaxAlongDim: lambda g, c: g.reduce(  # y = max of x along one axis (the values)
        "ReduceMax", _args(g, c)[0], c.params["axis"], c.params["keepdims"]
    ),
    R.Var: _var,
    R.Std: _var,
    R.Norm: _norm,
    **MOVEMENT,
}
