"""The methods of `Tensor` that are ops, as mixin classes `Tensor` inherits.

`x.sum(dim)` is `glassnet.sum(x, dim)`: each method here is written out with PyTorch's
signature and delegates to the op function that holds the math (named in its docstring).

    arithmetic.py   add, mul, exp, comparisons, relu, softmax ...  (ops.elementwise, ops.activation)
    pointwise.py    trigonometry, rounding, special functions      (ops.pointwise, ops.binary_math)
    shape.py        view, permute, gather, scatter ...             (ops.movement, ops.indexing, ...)
    reduction.py    sum, max, sort, cumsum, matmul ...              (ops.reduce, ops.linalg, ...)
    in_place.py     x.sin_(), x.clip_(), ...: ops written back into x  (Tensor._apply_)

and Tensor's own methods that are not plain ops:

    autograd.py     requires_grad_, backward, retain_grad, hooks, detach
    conversion.py   numpy, item, to, float, clone, cpu, new_zeros, new_tensor ...
    writes.py       in-place writes: zero_, fill_, copy_, add_, t += x, t[i] = x, _apply_, squeeze_
    random_fills.py uniform_, normal_, bernoulli_, random_ ...
    protocols.py    operators (a + b, a @ b, a < b ...), len, iter, bool, repr, format

`glassnet/tensor.py` keeps the class itself: its data, shape, dtype, device and layout.
"""

from glassnet.tensor_methods.arithmetic import TensorArithmeticMethods
from glassnet.tensor_methods.autograd import TensorAutogradMethods
from glassnet.tensor_methods.conversion import TensorConversionMethods
from glassnet.tensor_methods.in_place import TensorInPlaceMethods
from glassnet.tensor_methods.pointwise import TensorPointwiseMethods
from glassnet.tensor_methods.protocols import TensorProtocolMethods
from glassnet.tensor_methods.random_fills import TensorRandomFillMethods
from glassnet.tensor_methods.reduction import TensorReductionMethods
from glassnet.tensor_methods.shape import TensorShapeMethods
from glassnet.tensor_methods.writes import TensorWriteMethods

__all__ = [
    "TensorArithmeticMethods",
    "TensorAutogradMethods",
    "TensorConversionMethods",
    "TensorInPlaceMethods",
    "TensorPointwiseMethods",
    "TensorProtocolMethods",
    "TensorRandomFillMethods",
    "TensorReductionMethods",
    "TensorShapeMethods",
    "TensorWriteMethods",
]
