"""The Tensor: an n-dimensional array (a NumPy ndarray, `._data`) that remembers how it was made.

A tensor made by an op holds `_ctx`, the graph node of that op; a leaf (made by the user) has
none. `backward()` walks these nodes from the output to the leaves and fills each leaf's `.grad`.
Every operator and method delegates to one op in `glassnet.ops`, where its math is written.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from glassnet import _dtypes
from glassnet.autograd import engine
from glassnet.autograd.grad_mode import STATE


def _array_from(data: Any, dtype: Any = None) -> np.ndarray:
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


def _inplace_error(t: Any, op: str, other: Any, err: TypeError) -> TypeError:
    """NumPy's casting error of an in-place update (bool += 0.5), with PyTorch's meaning."""
    other = getattr(other, "dtype", type(other).__name__)
    return TypeError(
        f"{op}: result type of {t._data.dtype} and {other} can't be cast to the tensor's "
        f"dtype {t._data.dtype} in place ({err})"
    )


class Tensor:
    """An ndarray with an optional gradient and the graph node that produced it.

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
        self._data = _array_from(data, dtype)
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
    def device(self) -> str:
        return "cpu"

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
        return self._data if dtype is None else self._data.astype(dtype)

    def astype(self, dtype: Any) -> Tensor:
        """A copy in another dtype; differentiable between float dtypes."""
        return _ops.cast(self, _dtypes.to_dtype(dtype))

    def to(self, *args: Any, dtype: Any = None, device: Any = None, copy: bool = False) -> Tensor:
        """`to(dtype)`, `to('cpu')`, `to('cpu', dtype)`, `to(other_tensor)`, as in PyTorch.

        glassnet runs on the CPU only: any other device is refused.
        """
        for arg in args:
            if isinstance(arg, Tensor):
                dtype = arg._data.dtype
            elif isinstance(arg, str) and arg.split(":")[0] in ("cpu", "cuda", "mps", "meta"):
                device = arg
            elif arg is not None:
                dtype = arg
        if device is not None and str(device).split(":")[0] != "cpu":
            raise ValueError(f"to: glassnet runs on the CPU only, got device {device!r}")
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

    def cpu(self) -> Tensor:
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
        except TypeError as err:
            raise _inplace_error(self, "add_", other, err) from None
        return self

    def sub_(self, other: Any, alpha: float = 1.0) -> Tensor:
        return self.add_(other, -alpha)

    def mul_(self, other: Any) -> Tensor:
        self._check_inplace("mul_")
        try:
            self._data *= self._rhs(other)
        except TypeError as err:
            raise _inplace_error(self, "mul_", other, err) from None
        return self

    def div_(self, other: Any) -> Tensor:
        self._check_inplace("div_")
        try:
            self._data /= self._rhs(other)
        except TypeError as err:
            raise _inplace_error(self, "div_", other, err) from None
        return self

    def clamp_(self, min: Any = None, max: Any = None) -> Tensor:
        self._check_inplace("clamp_")
        np.clip(self._data, min, max, out=self._data)
        return self

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


from glassnet import ops as _ops  # noqa: E402  (ops need Tensor defined first)


def _install_methods(names: Sequence[str]) -> None:
    """Expose `glassnet.ops.<name>(t, ...)` as the method `t.<name>(...)`."""
    for name in names:
        setattr(Tensor, name, getattr(_ops, name))


_install_methods(_ops.TENSOR_METHODS)
