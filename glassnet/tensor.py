"""The Tensor: an n-dimensional array (a NumPy ndarray, `._data`) that remembers how it was made.

A tensor made by an op holds `_ctx`, the graph node of that op; a leaf (made by the user) has
none. `backward()` walks these nodes from the output to the leaves and fills each leaf's `.grad`.
Every operator and method delegates to one op in `glassnet.ops`, where its math is written.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

import glassnet._device as _device
import glassnet._dtypes as _dtypes
from glassnet._memory import AllocationError, check_allocation
from glassnet.autograd import engine
from glassnet.autograd.grad_mode import STATE
from glassnet.tensor_methods import (
    TensorArithmeticMethods,
    TensorInPlaceMethods,
    TensorPointwiseMethods,
    TensorReductionMethods,
    TensorShapeMethods,
)
from glassnet.tensor_methods.lazy import OpsModule

# glassnet.ops, reached on first use: ops import Tensor (see glassnet/tensor_methods/lazy.py)
_ops = OpsModule("glassnet.ops")


def array_from(data: Any, dtype: Any = None) -> np.ndarray:
    """Convert user data to an ndarray with PyTorch's dtype rules.

    Python floats become the default float dtype (float32), Python ints int64, bools bool; a NumPy
    array keeps its dtype unless `dtype` is given.
    """
    if isinstance(data, Tensor):
        data = data._data
    if dtype is not None:
        return np.array(data, dtype=_dtypes.to_dtype(dtype))
    if isinstance(data, np.ndarray):
        return data.copy()
    if isinstance(data, np.generic):
        return np.array(data)
    arr = np.array(data)
    if arr.dtype.kind == "f":
        return arr.astype(_dtypes.get_default_dtype(), copy=False)
    if arr.dtype.kind in "iu":
        return arr.astype(np.int64, copy=False)
    if arr.dtype.kind == "b":
        return arr
    if arr.dtype == object:
        raise TypeError(f"tensor: cannot build a tensor from {type(data).__name__} ({data!r:.60})")
    return arr


def _inplace_error(t: Any, op: str, other: Any, err: Exception) -> Exception:
    """NumPy's casting error of an in-place update (bool += 0.5), or its broadcasting error
    (a (1,) tensor += a (2, 3) one), with PyTorch's meaning."""
    if isinstance(err, ValueError):
        return ValueError(
            f"{op}: other's shape {np.shape(other)} does not broadcast to this tensor's shape "
            f"{t._data.shape} (an in-place op cannot grow a tensor)"
        )
    other = getattr(other, "dtype", type(other).__name__)
    return TypeError(
        f"{op}: result type of {t._data.dtype} and {other} can't be cast to the tensor's "
        f"dtype {t._data.dtype} in place ({err})"
    )


class Tensor(
    TensorArithmeticMethods,
    TensorPointwiseMethods,
    TensorShapeMethods,
    TensorReductionMethods,
    TensorInPlaceMethods,
):
    """An ndarray with an optional gradient and the graph node that produced it.

    The methods that are ops (`x.sum()`, `x.view(...)`, `x.sin_()`) are written out in the mixin
    classes of `glassnet/tensor_methods/`, each delegating to its op in `glassnet.ops`; the
    methods below are the Tensor's own (autograd, conversion, fills, Python protocols).

    Parameters
    ----------
    data : array_like
        Numbers, nested lists, a NumPy array or another Tensor.
    dtype : dtype, optional
        `glassnet.float32` (default for Python floats), `float64`, `int64`, `int32`, `bool`.
    requires_grad : bool
        Record operations on this tensor so that `backward()` can compute its gradient.

    Example
    -------
    >>> x = glassnet.tensor([1.0, 2.0, 3.0], requires_grad=True)
    >>> (x * x).sum().backward()
    >>> x.grad
    tensor([2., 4., 6.])
    """

    __slots__ = ("_data", "grad", "requires_grad", "_ctx", "_retains_grad", "__weakref__")
    __array_priority__ = 1000
    __array_ufunc__ = None  # make `ndarray + Tensor` call Tensor.__radd__

    def __init__(self, data: Any, dtype: Any = None, requires_grad: bool = False) -> None:
        self._data = array_from(data, dtype)
        self.grad: Tensor | None = None
        self._ctx = None
        self._retains_grad = False
        self.requires_grad = False
        if requires_grad:
            self.requires_grad_(True)

    @classmethod
    def _wrap(cls, data: np.ndarray) -> Tensor:
        """Fast constructor for ops: wraps an ndarray without copying or checking."""
        t = object.__new__(cls)
        t._data = data
        t.grad = None
        t.requires_grad = False
        t._ctx = None
        t._retains_grad = False
        return t

    # ----------------------------------------------------------------- properties
    @property
    def data(self) -> Tensor:
        """The same values as a tensor outside the graph, sharing memory (as in PyTorch).

        In-place changes through it (`p.data.add_(g, alpha=-lr)`, `w.data.normal_(0, 0.02)`)
        change this tensor, and are seen by an optimizer holding it. The NumPy array is
        `.numpy()` (on `.data` or a detached tensor).
        """
        return Tensor._wrap(self._data)

    @data.setter
    def data(self, value: Any) -> None:
        """`t.data = other`: this tensor now holds `other`'s values (shared, not copied)."""
        if isinstance(value, Tensor):
            self._data = value._data
        elif isinstance(value, np.ndarray):
            self._data = value
        else:
            raise TypeError(
                f"data: can only assign a Tensor (or a NumPy array), got {type(value).__name__}"
            )

    @property
    def shape(self) -> tuple:
        return self._data.shape

    def size(self, dim: int | None = None) -> Any:
        """The shape (as PyTorch's `size()`), or the length of one dimension."""
        return self._data.shape if dim is None else self._data.shape[dim]

    @property
    def dtype(self) -> np.dtype:
        return self._data.dtype

    @property
    def ndim(self) -> int:
        return self._data.ndim

    def dim(self) -> int:
        return self._data.ndim

    def numel(self) -> int:
        return self._data.size

    @property
    def is_leaf(self) -> bool:
        """True for tensors made by the user (not by an op on tensors that require grad)."""
        return self._ctx is None

    @property
    def grad_fn(self) -> Any:
        return self._ctx

    @property
    def device(self) -> _device.device:
        """Where the tensor lives: always `glassnet.device("cpu")`."""
        return _device.get_default_device()

    @property
    def is_cuda(self) -> bool:
        """False: glassnet tensors live on the CPU."""
        return False

    def get_device(self) -> int:
        """The CUDA index of the tensor's device; -1 for the CPU, as in PyTorch."""
        return -1

    @property
    def T(self) -> Tensor:
        return self.permute(*range(self._data.ndim - 1, -1, -1))

    @property
    def mT(self) -> Tensor:
        return self.transpose(-2, -1)

    def is_floating_point(self) -> bool:
        return self._data.dtype.kind == "f"

    # ----------------------------------------------------------------- autograd
    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        if requires_grad and self._data.dtype.kind != "f":
            raise RuntimeError(
                f"requires_grad: only tensors of floating point dtype can require gradients "
                f"(this one is {self._data.dtype})"
            )
        if not requires_grad and self._ctx is not None:
            raise RuntimeError(
                "requires_grad_(False): only leaf tensors can be detached this way; use detach()"
            )
        self.requires_grad = requires_grad
        return self

    def register_post_accumulate_grad_hook(self, hook: Any) -> engine.RemovableHandle:
        """Call `hook(self)` in each backward pass once `.grad` holds the pass's whole gradient
        (as PyTorch's). Leaves only. Returns a handle whose `remove()` takes the hook away."""
        if self._ctx is not None:
            raise RuntimeError(
                "register_post_accumulate_grad_hook: only leaf tensors accumulate a .grad"
            )
        if not callable(hook):
            raise TypeError(
                f"register_post_accumulate_grad_hook: hook must be callable, "
                f"got {type(hook).__name__}"
            )
        return engine.add_post_accumulate_hook(self, hook)

    def retain_grad(self) -> None:
        """Keep `.grad` on this non-leaf tensor after backward (leaves always keep it)."""
        if self._ctx is not None:
            self._retains_grad = True

    def backward(self, gradient: Any = None, retain_graph: bool = False) -> None:
        """Add d(self)/d(leaf) to `leaf.grad` for every leaf that requires grad.

        `gradient` is dL/d(self) for a non-scalar tensor. The graph is freed afterwards unless
        `retain_graph=True`.
        """
        engine.backward(self, gradient, retain_graph)

    def detach(self) -> Tensor:
        """The same data, cut from the graph (shares memory, as in PyTorch)."""
        return Tensor._wrap(self._data)

    def detach_(self) -> Tensor:
        self._ctx = None
        self.requires_grad = False
        return self

    # ----------------------------------------------------------------- conversion
    def numpy(self) -> np.ndarray:
        """The underlying array (shared memory). Refused while it requires grad, as in PyTorch."""
        if self.requires_grad:
            raise RuntimeError(
                "numpy: can't call numpy() on a tensor that requires grad; "
                "use tensor.detach().numpy()"
            )
        return self._data

    def item(self) -> Any:
        if self._data.size != 1:
            raise ValueError(
                f"item: only a tensor with one element can be converted to a Python scalar "
                f"(shape {self._data.shape})"
            )
        return self._data.item()

    def tolist(self) -> Any:
        return self._data.tolist()

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        if dtype is None or np.dtype(dtype) == self._data.dtype:
            return self._data  # no copy when the dtype already fits
        return self._data.astype(dtype)

    def astype(self, dtype: Any) -> Tensor:
        """A copy in another dtype; differentiable between float dtypes."""
        return _ops.cast(self, _dtypes.to_dtype(dtype))

    def to(
        self,
        *args: Any,
        dtype: Any = None,
        device: Any = None,
        non_blocking: bool = False,
        copy: bool = False,
        memory_format: Any = None,
    ) -> Tensor:
        """`to(dtype)`, `to(device)`, `to(device, dtype)`, `to(other_tensor)`, as in PyTorch.

        Returns this tensor when nothing changes (a copy when `copy=True`), else a converted copy
        that stays in the graph. glassnet runs on the CPU only: any other device ("cuda",
        `glassnet.device("mps")`, an int CUDA index) is refused with an error naming it.
        `non_blocking` and `memory_format` are accepted for PyTorch scripts; every copy is
        immediate and contiguous.
        """
        for arg in args:
            if isinstance(arg, Tensor):
                dtype = arg._data.dtype
            elif _device.is_device(arg) or (isinstance(arg, int) and not isinstance(arg, bool)):
                device = arg
            elif arg is not None:
                dtype = arg
        _device.check(device, "to")
        out = self if dtype is None else self.astype(dtype)
        return out.clone() if copy and out is self else out

    def type(self, dtype: Any) -> Tensor:
        return self.astype(dtype)

    def type_as(self, other: Tensor) -> Tensor:
        return self.astype(other._data.dtype)

    def where(self, condition: Any, other: Any) -> Tensor:
        """`x.where(condition, y)`: x where condition holds, else y (as torch.Tensor.where)."""
        return _ops.where(condition, self, other)

    def float(self) -> Tensor:
        return self.astype(_dtypes.float32)

    def double(self) -> Tensor:
        return self.astype(_dtypes.float64)

    def long(self) -> Tensor:
        return self.astype(_dtypes.int64)

    def int(self) -> Tensor:
        return self.astype(_dtypes.int32)

    def bool(self) -> Tensor:
        return self.astype(_dtypes.bool_)

    def clone(self) -> Tensor:
        return _ops.clone(self)

    def contiguous(self) -> Tensor:
        return self

    def cpu(self, memory_format: Any = None) -> Tensor:
        """This tensor (it is already on the CPU, as PyTorch returns a CPU tensor itself)."""
        return self

    def cuda(
        self, device: Any = None, non_blocking: bool = False, memory_format: Any = None
    ) -> Tensor:
        """Refused: glassnet has no CUDA device (the error names the one asked for; an int
        `device` is a CUDA index, as in PyTorch)."""
        _device.check("cuda" if device is None else device, "cuda")
        return self

    # ----------------------------------------------------------------- in-place (leaves, no graph)
    def _check_inplace(self, name: str) -> None:
        if STATE.enabled and self.requires_grad:
            what = "a leaf tensor" if self._ctx is None else "a tensor in the graph"
            raise RuntimeError(
                f"{name}: {what} that requires grad can't be modified in place while the graph is "
                f"recorded; wrap the update in `with glassnet.no_grad():`"
            )

    def _rhs(self, other: Any) -> Any:
        return other._data if isinstance(other, Tensor) else other

    def zero_(self) -> Tensor:
        self._check_inplace("zero_")
        self._data[...] = 0
        return self

    def fill_(self, value: Any) -> Tensor:
        self._check_inplace("fill_")
        self._data[...] = self._rhs(value)
        return self

    def copy_(self, src: Any) -> Tensor:
        self._check_inplace("copy_")
        src = np.asarray(self._rhs(src))
        try:
            np.copyto(self._data, np.broadcast_to(src, self._data.shape), casting="unsafe")
        except ValueError:
            raise ValueError(
                f"copy_: source shape {src.shape} does not fit {self._data.shape}"
            ) from None
        return self

    def add_(self, other: Any, alpha: float = 1.0) -> Tensor:
        self._check_inplace("add_")
        other = self._rhs(other)
        try:
            self._data += other if alpha == 1 else alpha * np.asarray(other)
        except (TypeError, ValueError) as err:
            raise _inplace_error(self, "add_", other, err) from None
        return self

    def sub_(self, other: Any, alpha: float = 1.0) -> Tensor:
        return self.add_(other, -alpha)

    def mul_(self, other: Any) -> Tensor:
        self._check_inplace("mul_")
        try:
            self._data *= self._rhs(other)
        except (TypeError, ValueError) as err:
            raise _inplace_error(self, "mul_", other, err) from None
        return self

    def div_(self, other: Any) -> Tensor:
        self._check_inplace("div_")
        try:
            self._data /= self._rhs(other)
        except (TypeError, ValueError) as err:
            raise _inplace_error(self, "div_", other, err) from None
        return self

    def clamp_(self, min: Any = None, max: Any = None) -> Tensor:
        return self._apply_("clamp_", _ops.clamp, min, max)

    def uniform_(self, a: float = 0.0, b: float = 1.0, generator: Any = None) -> Tensor:
        from glassnet.random import rng_of

        self._check_inplace("uniform_")
        self._data[...] = rng_of(generator).uniform(a, b, self._data.shape)
        return self

    def normal_(self, mean: float = 0.0, std: float = 1.0, generator: Any = None) -> Tensor:
        from glassnet.random import rng_of

        self._check_inplace("normal_")
        self._data[...] = rng_of(generator).normal(mean, std, self._data.shape)
        return self

    # ----------------------------------------------------------------- in-place forms of ops
    def _apply_(self, name: str, fn: Any, *args: Any, **kwargs: Any) -> Tensor:
        """In place, as PyTorch's `x.op_(...)`: self takes the values of `fn(self, *args)`.

        Outside the graph (nothing requires grad, or under no_grad) the result is written into
        self's memory, so views such as `p.data` see it. A tensor inside the graph (made by an
        op) takes the result's values and graph node, so gradients flow through the in-place
        step as in PyTorch; a leaf that requires grad is refused, as in PyTorch.
        """
        grad_args = any(isinstance(a, Tensor) and a.requires_grad for a in args)
        if STATE.enabled and (self.requires_grad or grad_args):
            if self._ctx is None and self.requires_grad:
                self._check_inplace(name)
            out = self._fits(name, fn(self._alias(), *args, **kwargs))  # self as it was
            self._data, self._ctx, self.requires_grad = out._data, out._ctx, out.requires_grad
            return self
        out = self._fits(name, fn(self, *args, **kwargs))
        np.copyto(self._data, out._data, casting="unsafe")
        return self

    def _fits(self, name: str, out: Tensor) -> Tensor:
        """The result of an in-place op, checked to fit self's shape and dtype (cast between
        floats; an integer tensor cannot take float results, as in PyTorch)."""
        if out._data.shape != self._data.shape:
            raise ValueError(
                f"{name}: the result's shape {out._data.shape} does not match this tensor's "
                f"shape {self._data.shape} (an in-place op cannot grow a tensor by broadcasting)"
            )
        if out._data.dtype != self._data.dtype:
            if not np.can_cast(out._data.dtype, self._data.dtype, casting="same_kind"):
                raise TypeError(
                    f"{name}: result type {out._data.dtype} can't be cast to the desired output "
                    f"type {self._data.dtype}"
                )
            out = _ops.cast(out, self._data.dtype)
        return out

    def lerp_(self, end: Tensor, weight: Any) -> Tensor:
        """self = self + weight * (end - self), in place."""
        return self._apply_("lerp_", _ops.lerp, end, weight)

    def addcmul_(self, tensor1: Any, tensor2: Any, value: float = 1) -> Tensor:
        """self += value * tensor1 * tensor2, in place."""
        return self._apply_("addcmul_", _ops.addcmul, tensor1, tensor2, value=value)

    def addcdiv_(self, tensor1: Any, tensor2: Any, value: float = 1) -> Tensor:
        """self += value * tensor1 / tensor2, in place."""
        return self._apply_("addcdiv_", _ops.addcdiv, tensor1, tensor2, value=value)

    def masked_fill_(self, mask: Any, value: Any) -> Tensor:
        """self = value where mask, in place."""
        return self._apply_("masked_fill_", _ops.masked_fill, mask, value)

    def clamp_min_(self, min: Any) -> Tensor:
        return self._apply_("clamp_min_", _ops.clamp_min, min)

    def clamp_max_(self, max: Any) -> Tensor:
        return self._apply_("clamp_max_", _ops.clamp_max, max)

    def pow_(self, exponent: Any) -> Tensor:
        return self._apply_("pow_", _ops.pow, exponent)

    def exp_(self) -> Tensor:
        return self._apply_("exp_", _ops.exp)

    def log_(self) -> Tensor:
        return self._apply_("log_", _ops.log)

    def sqrt_(self) -> Tensor:
        return self._apply_("sqrt_", _ops.sqrt)

    def rsqrt_(self) -> Tensor:
        return self._apply_("rsqrt_", _ops.rsqrt)

    def square_(self) -> Tensor:
        return self._apply_("square_", _ops.square)

    def neg_(self) -> Tensor:
        return self._apply_("neg_", _ops.neg)

    def abs_(self) -> Tensor:
        return self._apply_("abs_", _ops.abs)

    def reciprocal_(self) -> Tensor:
        return self._apply_("reciprocal_", _ops.reciprocal)

    def sigmoid_(self) -> Tensor:
        return self._apply_("sigmoid_", _ops.sigmoid)

    def tanh_(self) -> Tensor:
        return self._apply_("tanh_", _ops.tanh)

    def relu_(self) -> Tensor:
        return self._apply_("relu_", _ops.relu)

    def floor_(self) -> Tensor:
        return self._apply_("floor_", _ops.floor)

    def ceil_(self) -> Tensor:
        return self._apply_("ceil_", _ops.ceil)

    def round_(self, decimals: int = 0) -> Tensor:
        return self._apply_("round_", _ops.round, decimals)

    def trunc_(self) -> Tensor:
        return self._apply_("trunc_", _ops.trunc)

    def tril_(self, diagonal: int = 0) -> Tensor:
        return self._apply_("tril_", _ops.tril, diagonal)

    def triu_(self, diagonal: int = 0) -> Tensor:
        return self._apply_("triu_", _ops.triu, diagonal)

    def cumsum_(self, dim: int) -> Tensor:
        return self._apply_("cumsum_", _ops.cumsum, dim)

    def nan_to_num_(
        self, nan: float = 0.0, posinf: float | None = None, neginf: float | None = None
    ) -> Tensor:
        return self._apply_("nan_to_num_", _ops.nan_to_num, nan, posinf, neginf)

    def scatter_(
        self, dim: int, index: Any, src: Any = None, value: Any = None, reduce: Any = None
    ) -> Tensor:
        """self[i][index[i][j]] = src[i][j] (dim = 1), in place (see glassnet.scatter)."""
        return self._apply_("scatter_", _ops.scatter, dim, index, src, value=value, reduce=reduce)

    def scatter_add_(self, dim: int, index: Any, src: Tensor) -> Tensor:
        """self[i][index[i][j]] += src[i][j] (dim = 1), in place."""
        return self._apply_("scatter_add_", _ops.scatter_add, dim, index, src)

    def index_fill_(self, dim: int, index: Any, value: Any) -> Tensor:
        return self._apply_("index_fill_", _ops.index_fill, dim, index, value)

    def index_add_(self, dim: int, index: Any, source: Tensor, alpha: float = 1) -> Tensor:
        return self._apply_("index_add_", _ops.index_add, dim, index, source, alpha=alpha)

    def index_copy_(self, dim: int, index: Any, source: Tensor) -> Tensor:
        return self._apply_("index_copy_", _ops.index_copy, dim, index, source)

    def index_put_(self, indices: Any, values: Any, accumulate: bool = False) -> Tensor:
        """self[indices] = values (or += with accumulate), in place."""
        return self._apply_("index_put_", _ops.index_put, indices, values, accumulate)

    def fill_diagonal_(self, fill_value: Any, wrap: bool = False) -> Tensor:
        """Write fill_value on the main diagonal (all indices equal), in place; a tall matrix
        starts again below each square block when `wrap`."""
        self._check_inplace("fill_diagonal_")
        if self._data.ndim < 2 or (self._data.ndim > 2 and len(set(self._data.shape)) != 1):
            raise ValueError(
                f"fill_diagonal_: dimensions must be larger than 1 and all of equal length for "
                f"more than 2 dims (shape {self._data.shape})"
            )
        np.fill_diagonal(self._data, self._rhs(fill_value), wrap=wrap)
        return self

    def bernoulli_(self, p: Any = 0.5, generator: Any = None) -> Tensor:
        """Fill with 1 with probability p (a number or a tensor of probabilities), else 0."""
        from glassnet.random import rng_of

        self._check_inplace("bernoulli_")
        probs = np.asarray(self._rhs(p))
        if probs.size and not (np.all(probs >= 0) and np.all(probs <= 1)):
            raise ValueError("bernoulli_: expected 0 <= p <= 1 for every probability")
        self._data[...] = rng_of(generator).random(self._data.shape) < probs
        return self

    def exponential_(self, lambd: float = 1.0, generator: Any = None) -> Tensor:
        """Fill with exponential draws of rate lambd (density lambd e^(-lambd x))."""
        from glassnet.random import rng_of

        self._check_inplace("exponential_")
        self._data[...] = rng_of(generator).exponential(1.0 / lambd, self._data.shape)
        return self

    # ----------------------------------------------------------------- layout questions
    def nelement(self) -> int:
        """The number of elements (as numel)."""
        return self._data.size

    def element_size(self) -> int:
        """Bytes per element (4 for float32)."""
        return self._data.itemsize

    def stride(self, dim: int | None = None) -> Any:
        """Steps in elements between neighbours along each dim (PyTorch's strides, in elements)."""
        strides = tuple(s // self._data.itemsize for s in self._data.strides)
        return strides if dim is None else strides[dim]

    def is_contiguous(self, memory_format: Any = None) -> bool:
        """True when the elements lie in row-major order without gaps."""
        return bool(self._data.flags.c_contiguous)

    def data_ptr(self) -> int:
        """The address of the first element."""
        return self._data.ctypes.data

    def ndimension(self) -> int:
        return self._data.ndim

    @property
    def nbytes(self) -> int:
        """Bytes held by the elements."""
        return self._data.nbytes

    @property
    def itemsize(self) -> int:
        """Bytes per element."""
        return self._data.itemsize

    def is_signed(self) -> bool:
        """True for signed dtypes (floats and signed integers)."""
        return self._data.dtype.kind in "fi"

    def is_complex(self) -> bool:
        """Always False: glassnet has no complex dtypes."""
        return False

    def reshape_as(self, other: Tensor) -> Tensor:
        return self.reshape(*other._data.shape)

    def half(self) -> Tensor:
        return self.astype(_dtypes.float16)

    def short(self) -> Tensor:
        return self.astype(_dtypes.int16)

    def char(self) -> Tensor:
        return self.astype(_dtypes.int8)

    def byte(self) -> Tensor:
        return self.astype(_dtypes.uint8)

    # ----------------------------------------------------------------- in-place shape changes
    def _reshape_(self, name: str, fn: Any, *args: Any) -> Tensor:
        """self becomes fn(self, *args), a view with another shape (graph node included)."""
        if self._ctx is None and self.requires_grad and STATE.enabled:
            self._check_inplace(name)
        out = fn(self._alias(), *args)
        self._data = out._data
        if STATE.enabled:  # under no_grad a parameter stays a parameter
            self._ctx, self.requires_grad = out._ctx, out.requires_grad
        return self

    def _alias(self) -> Tensor:
        before = Tensor._wrap(self._data)
        before.requires_grad, before._ctx = self.requires_grad, self._ctx
        return before

    def squeeze_(self, dim: Any = None) -> Tensor:
        return self._reshape_("squeeze_", _ops.squeeze, dim)

    def unsqueeze_(self, dim: int) -> Tensor:
        return self._reshape_("unsqueeze_", _ops.unsqueeze, dim)

    def t_(self) -> Tensor:
        return self._reshape_("t_", _ops.t)

    def transpose_(self, dim0: int, dim1: int) -> Tensor:
        return self._reshape_("transpose_", _ops.transpose, dim0, dim1)

    # ----------------------------------------------------------------- more random fills
    def random_(self, from_: int = 0, to: int | None = None, generator: Any = None) -> Tensor:
        """Fill with integers drawn uniformly from [from_, to) (random_(to) means [0, to)); without
        `to`, up to 2^mantissa for floats or the dtype's maximum for integers."""
        from glassnet.random import rng_of

        self._check_inplace("random_")
        lo, hi = (0, from_) if to is None and from_ else (from_, to)
        if hi is None:
            kind = self._data.dtype
            hi = 2 ** (np.finfo(kind).nmant + 1) if kind.kind == "f" else np.iinfo(kind).max
        if hi <= lo:
            raise ValueError(f"random_: expects 'from' < 'to', got from={lo} >= to={hi}")
        self._data[...] = rng_of(generator).integers(lo, hi, self._data.shape)
        return self

    def log_normal_(self, mean: float = 1.0, std: float = 2.0, generator: Any = None) -> Tensor:
        """Fill with e^z, z ~ Normal(mean, std)."""
        from glassnet.random import rng_of

        self._check_inplace("log_normal_")
        self._data[...] = rng_of(generator).lognormal(mean, std, self._data.shape)
        return self

    def geometric_(self, p: float, generator: Any = None) -> Tensor:
        """Fill with the number of trials up to the first success (success probability p)."""
        from glassnet.random import rng_of

        self._check_inplace("geometric_")
        self._data[...] = rng_of(generator).geometric(p, self._data.shape)
        return self

    def cauchy_(self, median: float = 0.0, sigma: float = 1.0, generator: Any = None) -> Tensor:
        """Fill with draws from the Cauchy distribution: median + sigma * tan(pi (u - 1/2))."""
        from glassnet.random import rng_of

        self._check_inplace("cauchy_")
        self._data[...] = median + sigma * rng_of(generator).standard_cauchy(self._data.shape)
        return self

    # ----------------------------------------------------------------- new tensors like this one
    def _new(
        self, name: str, size: tuple, fill: Any, dtype: Any, device: Any, requires_grad: bool
    ) -> Tensor:
        _device.check(device, name)
        if len(size) == 1 and isinstance(size[0], (tuple, list)):
            size = tuple(size[0])
        dt = self._data.dtype if dtype is None else _dtypes.to_dtype(dtype)
        try:
            shape = tuple(int(n) for n in size)
            if min(shape, default=0) >= 0:
                check_allocation(name, shape, dt)
            data = np.empty(shape, dt) if fill is None else np.full(shape, self._rhs(fill), dt)
        except AllocationError:
            raise
        except (ValueError, TypeError) as err:
            raise ValueError(f"{name}: invalid size {size}: {err}") from None
        out = Tensor._wrap(data)
        return out.requires_grad_(True) if requires_grad else out

    def new_zeros(
        self,
        *size: Any,
        dtype: Any = None,
        device: Any = None,
        requires_grad: bool = False,
        **unused: Any,
    ) -> Tensor:
        """Zeros of `size`, with this tensor's dtype unless `dtype` is given (as PyTorch).
        `device` may name the CPU; layout=/pin_memory= are accepted and ignored."""
        return self._new("new_zeros", size, 0, dtype, device, requires_grad)

    def new_ones(
        self,
        *size: Any,
        dtype: Any = None,
        device: Any = None,
        requires_grad: bool = False,
        **unused: Any,
    ) -> Tensor:
        """Ones of `size`, with this tensor's dtype unless `dtype` is given."""
        return self._new("new_ones", size, 1, dtype, device, requires_grad)

    def new_empty(
        self,
        *size: Any,
        dtype: Any = None,
        device: Any = None,
        requires_grad: bool = False,
        **unused: Any,
    ) -> Tensor:
        """An uninitialised tensor of `size`, with this tensor's dtype unless `dtype` is given."""
        return self._new("new_empty", size, None, dtype, device, requires_grad)

    def new_full(
        self,
        size: Any,
        fill_value: Any,
        dtype: Any = None,
        device: Any = None,
        requires_grad: bool = False,
        **unused: Any,
    ) -> Tensor:
        """A tensor of `size` filled with fill_value, with this tensor's dtype unless given."""
        return self._new("new_full", (size,), fill_value, dtype, device, requires_grad)

    def new_tensor(
        self,
        data: Any,
        dtype: Any = None,
        device: Any = None,
        requires_grad: bool = False,
        **unused: Any,
    ) -> Tensor:
        """A new tensor (a copy) of `data`, with this tensor's dtype unless `dtype` is given
        (checked as `glassnet.tensor` checks its data and device)."""
        _device.check(device, "new_tensor")
        dt = self._data.dtype if dtype is None else dtype
        return _ops.tensor(data, dtype=dt, requires_grad=requires_grad)

    def _inplace(self, name: str, ufunc: Any, other: Any, out_of_place: Any) -> Tensor:
        """`t += x` and friends: in place on the data when no graph is recorded (an optimizer
        step under no_grad); a new graph node when this tensor is an intermediate of the graph."""
        other_grad = isinstance(other, Tensor) and other.requires_grad
        if STATE.enabled and (self.requires_grad or other_grad):
            if self._ctx is None and self.requires_grad:
                self._check_inplace(name)
            return out_of_place(self, other)
        ufunc(self._data, self._rhs(other), out=self._data, casting="same_kind")
        return self

    def __iadd__(self, other: Any) -> Tensor:
        return self._inplace("__iadd__", np.add, other, _ops.add)

    def __isub__(self, other: Any) -> Tensor:
        return self._inplace("__isub__", np.subtract, other, _ops.sub)

    def __imul__(self, other: Any) -> Tensor:
        return self._inplace("__imul__", np.multiply, other, _ops.mul)

    def __itruediv__(self, other: Any) -> Tensor:
        return self._inplace("__itruediv__", np.true_divide, other, _ops.div)

    def __setitem__(self, index: Any, value: Any) -> None:
        self._check_inplace("__setitem__")
        self._data[_ops.to_index(index)] = self._rhs(value)

    # ----------------------------------------------------------------- python protocol
    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self) -> Iterator[Tensor]:
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self._data.shape[0]))

    def __bool__(self) -> bool:
        if self._data.size != 1:
            raise RuntimeError(
                f"bool: the truth value of a tensor with {self._data.size} elements is ambiguous"
            )
        return bool(self._data)

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __index__(self) -> int:
        if self._data.dtype.kind not in "iu" or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self._data.item())

    def __repr__(self) -> str:
        body = np.array2string(self._data, separator=", ", prefix="tensor(", precision=4)
        extra = ""
        if self._data.dtype not in (_dtypes.get_default_dtype(), _dtypes.int64, _dtypes.bool_):
            extra += f", dtype=glassnet.{self._data.dtype}"
        if self._ctx is not None:
            extra += f", grad_fn=<{type(self._ctx).__name__}Backward>"
        elif self.requires_grad:
            extra += ", requires_grad=True"
        return f"tensor({body}{extra})"

    def __format__(self, format_spec: str) -> str:
        """`f"{loss:.4f}"`: a 0-d tensor formats as its Python number (as in PyTorch); any
        other tensor takes only the empty spec (its str), else TypeError."""
        if self._data.ndim == 0:
            return format(self._data.item(), format_spec)
        if format_spec:
            raise TypeError(
                f"unsupported format string {format_spec!r} passed to Tensor.__format__: only a "
                f"0-d tensor formats like a number (this one has shape {self._data.shape}; "
                f"use t.item() for a one-element tensor)"
            )
        return str(self)

    __hash__ = object.__hash__

    # ----------------------------------------------------------------- arithmetic
    def __add__(self, other: Any) -> Tensor:
        return _ops.add(self, other)

    def __radd__(self, other: Any) -> Tensor:
        return _ops.add(other, self)

    def __sub__(self, other: Any) -> Tensor:
        return _ops.sub(self, other)

    def __rsub__(self, other: Any) -> Tensor:
        return _ops.sub(other, self)

    def __mul__(self, other: Any) -> Tensor:
        return _ops.mul(self, other)

    def __rmul__(self, other: Any) -> Tensor:
        return _ops.mul(other, self)

    def __truediv__(self, other: Any) -> Tensor:
        return _ops.div(self, other)

    def __rtruediv__(self, other: Any) -> Tensor:
        return _ops.div(other, self)

    def __pow__(self, other: Any) -> Tensor:
        return _ops.pow(self, other)

    def __rpow__(self, other: Any) -> Tensor:
        return _ops.pow(other, self)

    def __matmul__(self, other: Any) -> Tensor:
        return _ops.matmul(self, other)

    def __rmatmul__(self, other: Any) -> Tensor:
        return _ops.matmul(other, self)

    def __neg__(self) -> Tensor:
        return _ops.neg(self)

    def __pos__(self) -> Tensor:
        return self

    def __abs__(self) -> Tensor:
        return _ops.abs(self)

    def __getitem__(self, index: Any) -> Tensor:
        return _ops.getitem(self, index)

    # comparisons: no gradient
    def __eq__(self, other: Any) -> Tensor:  # type: ignore[override]
        return _ops.eq(self, other)

    def __ne__(self, other: Any) -> Tensor:  # type: ignore[override]
        return _ops.ne(self, other)

    def __lt__(self, other: Any) -> Tensor:
        return _ops.lt(self, other)

    def __le__(self, other: Any) -> Tensor:
        return _ops.le(self, other)

    def __gt__(self, other: Any) -> Tensor:
        return _ops.gt(self, other)

    def __ge__(self, other: Any) -> Tensor:
        return _ops.ge(self, other)

    def __invert__(self) -> Tensor:
        return _ops.logical_not(self)

    def __and__(self, other: Any) -> Tensor:
        return _ops.logical_and(self, other)

    def __or__(self, other: Any) -> Tensor:
        return _ops.logical_or(self, other)

    def __xor__(self, other: Any) -> Tensor:
        return _ops.logical_xor(self, other)
