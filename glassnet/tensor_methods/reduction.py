"""Reductions, sorting, scans, sampling and products as Tensor methods: `x.sum()`, `x @ y`.

Each method delegates to one op function (named in its docstring), where the math and the
backward are written; see `glassnet.tensor_methods.lazy` for why ops are reached through
`OpsModule` rather than imported at the top.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from glassnet.tensor_methods.lazy import OpsModule

if TYPE_CHECKING:
    from glassnet.tensor import Tensor

_linalg = OpsModule("glassnet.ops.linalg")
_products = OpsModule("glassnet.ops.products")
_reduce = OpsModule("glassnet.ops.reduce")
_sampling = OpsModule("glassnet.ops.sampling")
_scan = OpsModule("glassnet.ops.scan")
_sorting = OpsModule("glassnet.ops.sorting")
_statistics = OpsModule("glassnet.ops.statistics")
_truth = OpsModule("glassnet.ops.truth")


class TensorReductionMethods:
    """Reductions, sorting, scans, sampling and products as Tensor methods (a mixin of Tensor)."""

    __slots__ = ()

    # ------------------------------------------------------------ glassnet.ops.reduce
    def amax(self, dim: Any = None, keepdim: bool = False) -> Tensor:
        """Largest value over `dim`; ties share the gradient equally."""
        return _reduce.amax(self, dim, keepdim)

    def amin(self, dim: Any = None, keepdim: bool = False) -> Tensor:
        """Smallest value over `dim`; ties share the gradient equally."""
        return _reduce.amin(self, dim, keepdim)

    def argmax(self, dim: int | None = None, keepdim: bool = False) -> Tensor:
        """Index of the largest value (in the flattened tensor when dim is None)."""
        return _reduce.argmax(self, dim, keepdim)

    def argmin(self, dim: int | None = None, keepdim: bool = False) -> Tensor:
        """Index of the smallest value (in the flattened tensor when dim is None)."""
        return _reduce.argmin(self, dim, keepdim)

    def logsumexp(self, dim: Any = None, keepdim: bool = False) -> Tensor:
        """ln sum exp(x) over `dim`, without overflow (integers give floats, as in PyTorch)."""
        return _reduce.logsumexp(self, dim, keepdim)

    def max(self, dim: Any = None, keepdim: bool = False) -> Any:
        """max(x): the largest element.  max(x, dim): (values, indices) along dim, as PyTorch.
        max(x, other_tensor): the elementwise maximum.
        """
        return _reduce.max(self, dim, keepdim)

    def mean(self, dim: Any = None, keepdim: bool = False) -> Tensor:
        """Arithmetic mean over `dim` (all elements when None). Needs a float tensor, as PyTorch."""
        return _reduce.mean(self, dim, keepdim)

    def min(self, dim: Any = None, keepdim: bool = False) -> Any:
        """min(x): the smallest element.  min(x, dim): (values, indices) along dim."""
        return _reduce.min(self, dim, keepdim)

    def norm(self, p: Any = "fro", dim: Any = None, keepdim: bool = False) -> Tensor:
        """The p-norm over `dim` (all elements when None): p = 'fro'/2, 1, inf or any float > 0."""
        return _reduce.norm(self, p, dim, keepdim)

    def prod(self, dim: int | None = None, keepdim: bool = False) -> Tensor:
        """See `glassnet.ops.reduce.prod`."""
        return _reduce.prod(self, dim, keepdim)

    def std(
        self,
        dim: Any = None,
        unbiased: bool | None = None,
        keepdim: bool = False,
        correction: int | None = None,
    ) -> Tensor:
        """Standard deviation: sqrt(var), with Bessel's correction unless correction=0."""
        return _reduce.std(self, dim, unbiased, keepdim, correction)

    def sum(self, dim: Any = None, keepdim: bool = False, dtype: Any = None) -> Tensor:
        """Sum over `dim` (all elements when None). See `glassnet.ops.reduce.sum`."""
        return _reduce.sum(self, dim, keepdim, dtype)

    def var(
        self,
        dim: Any = None,
        unbiased: bool | None = None,
        keepdim: bool = False,
        correction: int | None = None,
    ) -> Tensor:
        """Variance over `dim` with Bessel's correction (divide by n - 1) unless correction=0."""
        return _reduce.var(self, dim, unbiased, keepdim, correction)

    # ------------------------------------------------------------ glassnet.ops.statistics
    def aminmax(self, dim: int | None = None, keepdim: bool = False) -> tuple[Tensor, Tensor]:
        """(min, max) over `dim` (or everything), as `amin` and `amax`."""
        return _statistics.aminmax(self, dim, keepdim)

    def kthvalue(self, k: int, dim: int = -1, keepdim: bool = False) -> tuple[Tensor, Tensor]:
        """(values, indices): the k-th smallest element (k counts from 1) along `dim`. dL/dinput
        = gy at the chosen element, 0 elsewhere.
        """
        return _statistics.kthvalue(self, k, dim, keepdim)

    def median(self, dim: int | None = None, keepdim: bool = False) -> Any:
        """The lower median (the ((n - 1) // 2 + 1)-th smallest element, as PyTorch): of all
        elements when dim is None (a 0-d tensor), else (values, indices) along `dim`. dL/dinput =
        gy at the chosen element.
        """
        return _statistics.median(self, dim, keepdim)

    def nanmean(self, dim: Any = None, keepdim: bool = False) -> Tensor:
        """The mean of the non-NaN elements (NaN where there are none)."""
        return _statistics.nanmean(self, dim, keepdim)

    def nansum(self, dim: Any = None, keepdim: bool = False) -> Tensor:
        """The sum treating NaN as 0. dL/dx = gy where x is not NaN, else 0."""
        return _statistics.nansum(self, dim, keepdim)

    # ------------------------------------------------------------ glassnet.ops.sorting
    def argsort(self, dim: int = -1, descending: bool = False, stable: bool = False) -> Tensor:
        """The indices that sort `input` along `dim` (int64), as `sort(...).indices`."""
        return _sorting.argsort(self, dim, descending, stable)

    def bincount(self, weights: Tensor | None = None, minlength: int = 0) -> Tensor:
        """How often each value 0, 1, ..., max(input) occurs in the 1-D non-negative integer
        input.
        """
        return _sorting.bincount(self, weights, minlength)

    def msort(self) -> Tensor:
        """input sorted along its first dimension (the values of `sort(input, dim=0)`)."""
        return _sorting.msort(self)

    def sort(
        self, dim: int = -1, descending: bool = False, stable: bool = False
    ) -> tuple[Tensor, Tensor]:
        """Sort along `dim`: returns (values, indices) with values = input.gather(dim, indices)."""
        return _sorting.sort(self, dim, descending, stable)

    def topk(
        self, k: int, dim: int = -1, largest: bool = True, sorted: bool = True
    ) -> tuple[Tensor, Tensor]:
        """The k largest (or smallest, `largest=False`) elements along `dim`, with their indices."""
        return _sorting.topk(self, k, dim, largest, sorted)

    def unique(
        self,
        sorted: bool = True,
        return_inverse: bool = False,
        return_counts: bool = False,
        dim: int | None = None,
    ) -> Any:
        """The distinct elements of `input` (flattened when dim is None), in ascending order."""
        return _sorting.unique(self, sorted, return_inverse, return_counts, dim)

    # ------------------------------------------------------------ glassnet.ops.scan
    def cummax(self, dim: int) -> tuple[Tensor, Tensor]:
        """(values, indices): the running maximum along `dim` and where it was reached (the
        latest position on ties, as PyTorch). dL/dx = gy added at those positions.
        """
        return _scan.cummax(self, dim)

    def cummin(self, dim: int) -> tuple[Tensor, Tensor]:
        """(values, indices): the running minimum along `dim` and where it was reached."""
        return _scan.cummin(self, dim)

    def cumprod(self, dim: int, dtype: Any = None) -> Tensor:
        """Running product along `dim`: y_i = x_0 * ... * x_i; the gradient is exact with zeros."""
        return _scan.cumprod(self, dim, dtype)

    def cumsum(self, dim: int, dtype: Any = None) -> Tensor:
        """Running sum along `dim`: y_i = x_0 + ... + x_i. Integers and bools sum in int64."""
        return _scan.cumsum(self, dim, dtype)

    def logcumsumexp(self, dim: int) -> Tensor:
        """y_i = ln(e^{x_0} + ... + e^{x_i}) along `dim`, computed without overflow."""
        return _scan.logcumsumexp(self, dim)

    # ------------------------------------------------------------ glassnet.ops.truth
    def all(self, dim: Any = None, keepdim: bool = False) -> Tensor:
        """True where every element (over `dim`, or all of them) is non-zero; a bool tensor."""
        return _truth.all(self, dim, keepdim)

    def any(self, dim: Any = None, keepdim: bool = False) -> Tensor:
        """True where some element (over `dim`, or all of them) is non-zero; a bool tensor."""
        return _truth.any(self, dim, keepdim)

    def argwhere(self) -> Tensor:
        """The (n, ndim) indices of the non-zero elements, as nonzero(input)."""
        return _truth.argwhere(self)

    def count_nonzero(self, dim: Any = None) -> Tensor:
        """How many elements (over `dim`, or all of them) are non-zero; int64."""
        return _truth.count_nonzero(self, dim)

    def nonzero(self, as_tuple: bool = False) -> Any:
        """The indices of the non-zero elements: an (n, ndim) int64 tensor, one row per element
        in row-major order; with `as_tuple`, one 1-D tensor of indices per dimension.
        """
        return _truth.nonzero(self, as_tuple)

    # ------------------------------------------------------------ glassnet.ops.sampling
    def bernoulli(self, p: float | None = None, generator: Any = None) -> Tensor:
        """out_i = 1 with probability input_i (or `p` for every element when given), else 0."""
        return _sampling.bernoulli(self, p, generator)

    def multinomial(
        self, num_samples: int, replacement: bool = False, generator: Any = None
    ) -> Tensor:
        """Draw `num_samples` category indices from each row of non-negative weights (need not
        sum to 1): category j with probability input[j] / sum(input).
        """
        return _sampling.multinomial(self, num_samples, replacement, generator)

    # ------------------------------------------------------------ glassnet.ops.linalg
    def bmm(self, mat2: Tensor) -> Tensor:
        """See `glassnet.ops.linalg.bmm`."""
        return _linalg.bmm(self, mat2)

    def dot(self, other: Tensor) -> Tensor:
        """See `glassnet.ops.linalg.dot`."""
        return _linalg.dot(self, other)

    def matmul(self, other: Any) -> Tensor:
        """Matrix product with PyTorch's rules for 1-D, 2-D and batched (broadcast) inputs."""
        return _linalg.matmul(self, other)

    def mm(self, mat2: Tensor) -> Tensor:
        """See `glassnet.ops.linalg.mm`."""
        return _linalg.mm(self, mat2)

    def outer(self, vec2: Tensor) -> Tensor:
        """See `glassnet.ops.linalg.outer`."""
        return _linalg.outer(self, vec2)

    # ------------------------------------------------------------ glassnet.ops.products
    def addbmm(self, batch1: Tensor, batch2: Tensor, beta: float = 1, alpha: float = 1) -> Tensor:
        """y = beta * input + alpha * sum_b batch1[b] @ batch2[b]."""
        return _products.addbmm(self, batch1, batch2, beta, alpha)

    def addmm(self, mat1: Tensor, mat2: Tensor, beta: float = 1, alpha: float = 1) -> Tensor:
        """y = beta * input + alpha * (mat1 @ mat2); input broadcasts to (n, p)."""
        return _products.addmm(self, mat1, mat2, beta, alpha)

    def addmv(self, mat: Tensor, vec: Tensor, beta: float = 1, alpha: float = 1) -> Tensor:
        """y = beta * input + alpha * (mat @ vec). See `glassnet.ops.products.addmv`."""
        return _products.addmv(self, mat, vec, beta, alpha)

    def addr(self, vec1: Tensor, vec2: Tensor, beta: float = 1, alpha: float = 1) -> Tensor:
        """y = beta * input + alpha * outer(vec1, vec2). See `glassnet.ops.products.addr`."""
        return _products.addr(self, vec1, vec2, beta, alpha)

    def baddbmm(self, batch1: Tensor, batch2: Tensor, beta: float = 1, alpha: float = 1) -> Tensor:
        """y = beta * input + alpha * (batch1 @ batch2) per batch: (b, n, m) @ (b, m, p)."""
        return _products.baddbmm(self, batch1, batch2, beta, alpha)

    def cross(self, other: Tensor, dim: int | None = None) -> Tensor:
        """The 3-D cross product along `dim` (default: the first dim of size 3): y = (a1 b2 - a2
        b1, a2 b0 - a0 b2, a0 b1 - a1 b0).
        """
        return _products.cross(self, other, dim)

    def dist(self, other: Tensor, p: float = 2) -> Tensor:
        """The p-norm of input - other (all elements as one vector)."""
        return _products.dist(self, other, p)

    def inner(self, other: Tensor) -> Tensor:
        """Sum over the last dimension of both: (..., n) and (..., n) -> (input dims, other
        dims).
        """
        return _products.inner(self, other)

    def kron(self, other: Tensor) -> Tensor:
        """The Kronecker product: every element of input times the whole of other, laid out in
        blocks: shape (a0 b0, a1 b1, ...), the shorter shape padded with leading 1s.
        """
        return _products.kron(self, other)

    def mv(self, vec: Tensor) -> Tensor:
        """The matrix-vector product input @ vec, (n, m) @ (m,) -> (n,)."""
        return _products.mv(self, vec)
