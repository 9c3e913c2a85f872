"""The methods of `Tensor` that are ops, as mixin classes `Tensor` inherits.

`x.sum(dim)` is `glassnet.sum(x, dim)`: each method here is written out with PyTorch's
signature and delegates to the op function that holds the math (named in its docstring).

    arithmetic.py   add, mul, exp, comparisons, relu, softmax ...  (ops.elementwise, ops.activation)
    pointwise.py    trigonometry, rounding, special functions      (ops.pointwise, ops.binary_math)
    shape.py        view, permute, gather, scatter ...             (ops.movement, ops.indexing, ...)
    reduction.py    sum, max, sort, cumsum, matmul ...              (ops.reduce, ops.linalg, ...)
    in_place.py     x.sin_(), x.clip_(), ...: ops written back into x  (Tensor._apply_)

Methods that are not plain ops (autograd, conversion, in-place fills, Python protocols) are
defined in `glassnet/tensor.py` itself.
"""

from glassnet.tensor_methods.arithmetic import TensorArithmeticMethods
from glassnet.tensor_methods.in_place import TensorInPlaceMethods
from glassnet.tensor_methods.pointwise import TensorPointwiseMethods
from glassnet.tensor_methods.reduction import TensorReductionMethods
from glassnet.tensor_methods.shape import TensorShapeMethods

__all__ = [
    "TensorArithmeticMethods",
    "TensorInPlaceMethods",
    "TensorPointwiseMethods",
    "TensorReductionMethods",
    "TensorShapeMethods",
]
