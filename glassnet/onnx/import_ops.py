"""ONNX ops run with glassnet ops: elementwise math, activations, reductions, shapes.

Each entry takes (inputs: list of Tensors or None, attributes: dict, the NodeProto) and returns
a Tensor or a tuple of them. Float values go through glassnet ops (so gradients flow); integer
and boolean values (shapes, indices, masks) are computed with NumPy: they carry no gradient.
"""

from __future__ import annotations

import math

import numpy as np
from onnx import helper, numpy_helper
from scipy.special import erf

import glassnet.ops as G
from glassnet.autograd.function import Op
from glassnet.nn import functional as F
from glassnet.onnx.import_shape import OPS as SHAPE_OPS
from glassnet.tensor import Tensor


class Erf(Op):
    """y = erf(x) = 2/sqrt(pi) int_0^x e^-t^2 dt.   dL/dx = gy 2/sqrt(pi) e^-x^2."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return erf(x).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, gy):
        (x,) = ctx.saved_tensors
        return gy * (2 / math.sqrt(math.pi)) * np.exp(-x * x)


def _wrap(array) -> Tensor:
    return Tensor._wrap(np.asarray(array))


def _is_float(t: Tensor) -> bool:
    return t._data.dtype.kind == "f"


def _binary(fn, np_fn):  # y = a (op) b, broadcast; NumPy for integers
    def run(args, attrs, m):
        a, b = args
        if _is_float(a) or _is_float(b):
            return fn(a, b)
        return _wrap(np_fn(a._data, b._data))

    return run


def _variadic(fn):  # y = fn(x_0, fn(x_1, ...)) (Max, Min, Sum over any number of inputs)
    def run(args, attrs, m):
        y = args[0]
        for x in args[1:]:
            y = fn(y, x)
        return y

    return run


def _unary(fn):
    return lambda args, attrs, m: fn(args[0])


def _compare(np_fn):  # boolean result, no gradient
    return lambda args, attrs, m: _wrap(np_fn(*[a._data for a in args]))


def _clip(args, attrs, m):  # y = min(max(x, lo), hi)
    x = args[0]
    lo = args[1] if len(args) > 1 and args[1] is not None else None
    hi = args[2] if len(args) > 2 and args[2] is not None else None
    lo = None if lo is None else float(lo._data)
    hi = None if hi is None else float(hi._data)
    if not _is_float(x):
        return _wrap(np.clip(x._data, lo, hi))
    return G.clamp(x, lo, hi)


def _where(args, attrs, m):  # y = a where cond else b
    cond, a, b = args
    if not (_is_float(a) or _is_float(b)):
        return _wrap(np.where(cond._data, a._data, b._data))
    return G.where(cond._data.astype(bool), a, b)


def _cast(args, attrs, m):  # y = x converted to the element type `to`
    x = args[0]
    dtype = helper.tensor_dtype_to_np_dtype(attrs["to"])
    if _is_float(x) and np.dtype(dtype).kind == "f":
        return G.cast(x, dtype) if x._data.dtype != dtype else x
    return _wrap(x._data.astype(dtype))


def _softmax(fn):  # y = e^x / sum e^x along axis (default -1 from opset 13 on)
    return lambda args, attrs, m: fn(args[0], dim=int(attrs.get("axis", -1)))


def _reduce(fn, np_fn):  # y = reduction over axes (attribute, or input from opset 18 / Sum 13)
    def run(args, attrs, m):
        x = args[0]
        axes = attrs.get("axes")
        if len(args) > 1 and args[1] is not None:
            axes = [int(a) for a in args[1]._data.reshape(-1)]
        keep = bool(attrs.get("keepdims", 1))
        if not axes:
            if attrs.get("noop_with_empty_axes", 0):
                return x
            axes = list(range(x.ndim))
        axes = tuple(int(a) % max(x.ndim, 1) for a in axes)
        if not _is_float(x):
            return _wrap(np_fn(x._data, axis=axes, keepdims=keep))
        return fn(x, axes, keep)

    return run


def _reduce_l2(x, axes, keep):  # y = sqrt(sum x^2)
    return G.sqrt(G.sum(x * x, dim=axes, keepdim=keep))


def _reduce_logsumexp(x, axes, keep):  # y = ln sum e^x
    return G.logsumexp(x, dim=axes, keepdim=keep)


def _gelu(args, attrs, m):  # y = x Phi(x) (or its tanh approximation)
    return F.gelu(args[0], approximate=attrs.get("approximate", "none"))


def _hardsigmoid(args, attrs, m):  # y = clip(alpha x + beta, 0, 1)
    alpha, beta = attrs.get("alpha", 0.2), attrs.get("beta", 0.5)
    if abs(alpha - 1 / 6) < 1e-7 and beta == 0.5:
        return F.hardsigmoid(args[0])
    return G.clamp(args[0] * alpha + beta, 0.0, 1.0)


def _elu(args, attrs, m):  # y = x if x > 0 else alpha (e^x - 1)
    return F.elu(args[0], alpha=attrs.get("alpha", 1.0))


def _selu(args, attrs, m):  # y = gamma (x if x > 0 else alpha (e^x - 1))
    alpha = attrs.get("alpha", 1.67326319217681884765625)
    gamma = attrs.get("gamma", 1.05070102214813232421875)
    return gamma * F.elu(args[0], alpha=alpha)


def _prelu(args, attrs, m):  # y = x if x >= 0 else slope x (slope broadcast from the right)
    x, slope = args
    return G.where(x._data >= 0, x, x * slope)


def _constant(args, attrs, m):  # y = the value attribute
    if "value" in attrs:
        return _wrap(numpy_helper.to_array(attrs["value"]).copy())
    for key, dtype in (("value_float", np.float32), ("value_int", np.int64)):
        if key in attrs:
            return _wrap(np.asarray(attrs[key], dtype=dtype))
    for key, dtype in (("value_floats", np.float32), ("value_ints", np.int64)):
        if key in attrs:
            return _wrap(np.asarray(list(attrs[key]), dtype=dtype))
    raise ValueError(f"Constant: unsupported attributes {sorted(attrs)}")


def _mod(args, attrs, m):  # y = a mod b (C's fmod when fmod=1, else Python's sign rule)
    a, b = args[0]._data, args[1]._data
    return _wrap(np.fmod(a, b) if attrs.get("fmod", 0) else np.mod(a, b))


def _dropout(args, attrs, m):  # inference: y = x (and an all-true mask)
    x = args[0]
    return x, _wrap(np.ones(x.shape, dtype=bool))


OPS = {
    "Add": _binary(G.add, np.add),  # y = a + b
    "Sub": _binary(G.sub, np.subtract),  # y = a - b
    "Mul": _binary(G.mul, np.multiply),  # y = a * b
    "Div": _binary(G.div, lambda a, b: np.trunc(a / b).astype(a.dtype)),  # y = a / b
    "Pow": _binary(G.pow, np.power),  # y = a ^ b
    "Max": _variadic(G.maximum),  # y = max of the inputs
    "Min": _variadic(G.minimum),  # y = min of the inputs
    "Sum": _variadic(G.add),  # y = sum of the inputs
    "Neg": _unary(G.neg),  # y = -x
    "Exp": _unary(G.exp),  # y = e^x
    "Log": _unary(G.log),  # y = ln x
    "Sqrt": _unary(G.sqrt),  # y = sqrt x
    "Reciprocal": _unary(lambda x: 1.0 / x),  # y = 1 / x
    "Abs": _unary(G.abs),  # y = |x|
    "Sign": _unary(G.sign),  # y = sign x
    "Sin": _unary(G.sin),  # y = sin x
    "Cos": _unary(G.cos),  # y = cos x
    "Erf": _unary(Erf.apply),  # y = erf x
    "Relu": _unary(G.relu),  # y = max(x, 0)
    "Sigmoid": _unary(G.sigmoid),  # y = 1 / (1 + e^-x)
    "Tanh": _unary(G.tanh),  # y = tanh x
    "Softplus": _unary(F.softplus),  # y = ln(1 + e^x)
    "Softsign": _unary(F.softsign),  # y = x / (1 + |x|)
    "HardSwish": _unary(F.hardswish),  # y = x clip(x/6 + 1/2, 0, 1)
    "Identity": _unary(lambda x: x),  # y = x
    "LeakyRelu": lambda a, at, m: F.leaky_relu(a[0], at.get("alpha", 0.01)),  # max(x, alpha x)
    "Celu": lambda a, at, m: F.celu(a[0], at.get("alpha", 1.0)),  # celu with alpha
    "Elu": _elu,
    "Selu": _selu,
    "HardSigmoid": _hardsigmoid,
    "PRelu": _prelu,
    "Gelu": _gelu,
    "Softmax": _softmax(G.softmax),
    "LogSoftmax": _softmax(G.log_softmax),
    "Clip": _clip,
    "Where": _where,
    "Cast": _cast,
    "Constant": _constant,
    "Dropout": _dropout,
    "Mod": _mod,
    "Equal": _compare(np.equal),  # y = a == b
    "Greater": _compare(np.greater),  # y = a > b
    "GreaterOrEqual": _compare(np.greater_equal),  # y = a >= b
    "Less": _compare(np.less),  # y = a < b
    "LessOrEqual": _compare(np.less_equal),  # y = a <= b
    "Not": _compare(np.logical_not),  # y = not a
    "And": _compare(np.logical_and),  # y = a and b
    "Or": _compare(np.logical_or),  # y = a or b
    "ReduceSum": _reduce(lambda x, a, k: G.sum(x, dim=a, keepdim=k), np.sum),  # y = sum x
    "ReduceMean": _reduce(lambda x, a, k: G.mean(x, dim=a, keepdim=k), np.mean),  # y = mean x
    "ReduceMax": _reduce(lambda x, a, k: G.amax(x, dim=a, keepdim=k), np.max),  # y = max x
    "ReduceMin": _reduce(lambda x, a, k: G.amin(x, dim=a, keepdim=k), np.min),  # y = min x
    "ReduceProd": _reduce(lambda x, a, k: G.prod(x, dim=a, keepdim=k), np.prod),  # y = prod x
    "ReduceL1": _reduce(lambda x, a, k: G.sum(G.abs(x), dim=a, keepdim=k), np.sum),  # sum |x|
    "ReduceL2": _reduce(_reduce_l2, np.sum),
    "ReduceLogSumExp": _reduce(_reduce_logsumexp, np.sum),
    **SHAPE_OPS,
}
