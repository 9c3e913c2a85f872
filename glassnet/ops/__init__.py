"""All tensor ops, one Op class each with forward and backward side by side.

The functions here are the public `glassnet.*` functions; TENSOR_METHODS lists those that are
also `Tensor` methods (`x.sum()` is `glassnet.sum(x)`).
"""

from glassnet.ops.activation import log_softmax, relu, sigmoid, softmax, tanh
from glassnet.ops.creation import (
    arange, as_tensor, empty, empty_like, eye, from_numpy, full, full_like, linspace, normal,
    ones, ones_like, rand, rand_like, randint, randn, randn_like, randperm, tensor, zeros,
    zeros_like,
)
from glassnet.ops.elementwise import (
    abs, add, allclose, cast, clamp, clip, clone, cos, div, eq, equal, exp, ge, gt, isfinite,
    isnan, le, log, log1p, logical_and, logical_not, logical_or, logical_xor, lt, maximum,
    minimum, mul, ne, neg, pow, rsqrt, sign, sin, sqrt, square, sub, where,
)
from glassnet.ops.indexing import (
    gather, getitem, index_select, masked_fill, narrow, scatter_add, select, to_index,
)
from glassnet.ops.linalg import bmm, dot, linear, matmul, mm, outer
from glassnet.ops.movement import (
    broadcast_to, cat, chunk, concat, concatenate, expand, expand_as, flatten, flip, pad,
    permute, repeat, reshape, split, squeeze, stack, swapaxes, t, transpose, tril, triu, unbind,
    unflatten, unsqueeze, view, view_as,
)
from glassnet.ops.reduce import (
    amax, amin, argmax, argmin, logsumexp, max, mean, min, norm, prod, std, sum, var,
)

subtract, multiply, divide, negative = sub, mul, div, neg

TENSOR_METHODS = (
    "abs", "add", "allclose", "amax", "amin", "argmax", "argmin", "chunk", "clamp", "clip", "cos",
    "div", "eq", "equal", "exp", "expand", "expand_as", "flatten", "flip", "gather", "ge", "gt",
    "index_select", "isfinite", "isnan", "le", "log", "log1p", "log_softmax", "logsumexp", "lt",
    "masked_fill", "matmul", "max", "maximum", "mean", "min", "minimum", "mul", "narrow", "ne",
    "neg", "norm", "permute", "pow", "prod", "relu", "repeat", "reshape", "rsqrt",
    "scatter_add", "select", "sigmoid", "sign", "sin", "softmax", "split", "sqrt", "square",
    "squeeze", "std", "sub", "sum", "swapaxes", "t", "tanh", "transpose", "tril", "triu",
    "unbind", "unflatten", "unsqueeze", "var", "view", "view_as", "mm", "bmm", "dot",
    "logical_not", "where",
)
