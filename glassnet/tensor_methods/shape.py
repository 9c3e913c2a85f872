"""Shape, indexing and scatter methods of Tensor: `x.view(...)`, `x.permute(...)`, `x.gather(...)`.

Each method delegates to one op function (named in its docstring), where the math and the
backward are written; see `glassnet.tensor_methods.lazy` for why ops are reached through
`OpsModule` rather than imported at the top.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from glassnet.tensor_methods.lazy import OpsModule

if TYPE_CHECKING:
    from collections.abc import Sequence

    from glassnet.tensor import Tensor

_indexing = OpsModule("glassnet.ops.indexing")
_movement = OpsModule("glassnet.ops.movement")
_orientation = OpsModule("glassnet.ops.orientation")
_rearrange = OpsModule("glassnet.ops.rearrange")
_scatter = OpsModule("glassnet.ops.scatter")


class TensorShapeMethods:
    """Shape, indexing and scatter methods of Tensor (a mixin of Tensor)."""

    __slots__ = ()

    # ------------------------------------------------------------ glassnet.ops.movement
    def broadcast_to(self, shape: Sequence[int]) -> Tensor:
        """See `glassnet.ops.movement.broadcast_to`."""
        return _movement.broadcast_to(self, shape)

    def chunk(self, chunks: int, dim: int = 0) -> tuple:
        """Cut into `chunks` nearly equal pieces (fewer if the axis is short), as PyTorch."""
        return _movement.chunk(self, chunks, dim)

    def expand(self, *sizes: Any) -> Tensor:
        """Broadcast to a larger shape without copying; -1 keeps a dimension."""
        return _movement.expand(self, *sizes)

    def expand_as(self, other: Tensor) -> Tensor:
        """See `glassnet.ops.movement.expand_as`."""
        return _movement.expand_as(self, other)

    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> Tensor:
        """Merge dims start_dim..end_dim into one. See `glassnet.ops.movement.flatten`."""
        return _movement.flatten(self, start_dim, end_dim)

    def flip(self, *dims: Any) -> Tensor:
        """Reverse the order of elements along `dims` (`flip(x, (0, 1))` or `x.flip(0, 1)`)."""
        return _movement.flip(self, *dims)

    def permute(self, *dims: Any) -> Tensor:
        """Reorder the axes: output axis i is input axis dims[i]."""
        return _movement.permute(self, *dims)

    def repeat(self, *sizes: Any) -> Tensor:
        """Tile the tensor: `sizes[i]` copies along axis i (as torch.Tensor.repeat)."""
        return _movement.repeat(self, *sizes)

    def reshape(self, *shape: Any) -> Tensor:
        """The same elements in a new shape; one dimension may be -1 (inferred)."""
        return _movement.reshape(self, *shape)

    def split(self, split_size_or_sections: Any, dim: int = 0) -> tuple:
        """Cut into pieces of `split_size` (the last may be smaller) or of the listed sizes."""
        return _movement.split(self, split_size_or_sections, dim)

    def squeeze(self, dim: Any = None) -> Tensor:
        """Remove axes of size 1 (only `dim` when given; a dim of other size is left alone)."""
        return _movement.squeeze(self, dim)

    def swapaxes(self, dim0: int, dim1: int) -> Tensor:
        """Alias of `transpose`: Swap two axes. See `glassnet.ops.movement.transpose`."""
        return _movement.transpose(self, dim0, dim1)

    def swapdims(self, dim0: int, dim1: int) -> Tensor:
        """Alias of `transpose`: Swap two axes. See `glassnet.ops.movement.transpose`."""
        return _movement.transpose(self, dim0, dim1)

    def t(self) -> Tensor:
        """See `glassnet.ops.movement.t`."""
        return _movement.t(self)

    def transpose(self, dim0: int, dim1: int) -> Tensor:
        """Swap two axes. See `glassnet.ops.movement.transpose`."""
        return _movement.transpose(self, dim0, dim1)

    def tril(self, diagonal: int = 0) -> Tensor:
        """Keep the lower triangle (on and below the `diagonal`-th diagonal) of the last two
        axes.
        """
        return _movement.tril(self, diagonal)

    def triu(self, diagonal: int = 0) -> Tensor:
        """Keep the upper triangle (on and above the `diagonal`-th diagonal) of the last two
        axes.
        """
        return _movement.triu(self, diagonal)

    def unbind(self, dim: int = 0) -> tuple:
        """See `glassnet.ops.movement.unbind`."""
        return _movement.unbind(self, dim)

    def unflatten(self, dim: int, sizes: Sequence[int]) -> Tensor:
        """See `glassnet.ops.movement.unflatten`."""
        return _movement.unflatten(self, dim, sizes)

    def unsqueeze(self, dim: int) -> Tensor:
        """Insert an axis of size 1 at `dim` (negative counts from the end of the new shape)."""
        return _movement.unsqueeze(self, dim)

    def view(self, *shape: Any) -> Tensor:
        """Alias of `reshape`: The same elements in a new shape; one dimension may be -1
        (inferred).
        """
        return _movement.reshape(self, *shape)

    def view_as(self, other: Tensor) -> Tensor:
        """See `glassnet.ops.movement.view_as`."""
        return _movement.view_as(self, other)

    # ------------------------------------------------------------ glassnet.ops.rearrange
    def diag(self, diagonal: int = 0) -> Tensor:
        """A 1-D input becomes a square matrix with it on diagonal `diagonal`; a 2-D input gives
        its diagonal `diagonal` as a vector.
        """
        return _rearrange.diag(self, diagonal)

    def diagonal(self, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
        """The diagonal elements input[..., i, i + offset] of dims (dim1, dim2), as a new last
        dim.
        """
        return _rearrange.diagonal(self, offset, dim1, dim2)

    def diff(self, n: int = 1, dim: int = -1, prepend: Any = None, append: Any = None) -> Tensor:
        """The n-th forward difference along `dim`: y_i = x_{i+1} - x_i (applied n times), after
        putting `prepend` before and `append` after the input along that dim.
        """
        return _rearrange.diff(self, n, dim, prepend, append)

    def masked_select(self, mask: Any) -> Tensor:
        """The 1-D tensor of input's elements where the boolean `mask` (broadcast) is true."""
        return _rearrange.masked_select(self, mask)

    def moveaxis(self, source: Any, destination: Any) -> Tensor:
        """Alias of `movedim`: Move dims `source` to positions `destination`, keeping the others'
        order (a permute).
        """
        return _rearrange.movedim(self, source, destination)

    def movedim(self, source: Any, destination: Any) -> Tensor:
        """Move dims `source` to positions `destination`, keeping the others' order (a permute)."""
        return _rearrange.movedim(self, source, destination)

    def ravel(self) -> Tensor:
        """The elements as a 1-D tensor (row-major). See `glassnet.ops.rearrange.ravel`."""
        return _rearrange.ravel(self)

    def repeat_interleave(
        self, repeats: Any = None, dim: int | None = None, output_size: int | None = None
    ) -> Tensor:
        """Repeat each element `repeats` times (an int, or a 1-D tensor with one count per
        element along `dim`); without `dim` the input is flattened first. Called with only a
        tensor of counts, returns repeat_interleave(arange(len(counts)), counts).
        """
        return _rearrange.repeat_interleave(self, repeats, dim, output_size)

    def roll(self, shifts: Any, dims: Any = None) -> Tensor:
        """Shift elements cyclically: y[(i + shift) mod n] = x[i] along each dim in `dims`."""
        return _rearrange.roll(self, shifts, dims)

    def split_with_sizes(self, split_sizes: Any, dim: int = 0) -> tuple:
        """Cut along `dim` into pieces of the listed sizes (they must add up to the dim's size)."""
        return _rearrange.split_with_sizes(self, split_sizes, dim)

    def take(self, index: Any) -> Tensor:
        """input read as if flattened, at `index` (the result has index's shape)."""
        return _rearrange.take(self, index)

    def take_along_dim(self, indices: Any, dim: int | None = None) -> Tensor:
        """Pick along `dim` by `indices` (broadcast against input in the other dims); without
        dim, from the flattened input.
        """
        return _rearrange.take_along_dim(self, indices, dim)

    def tensor_split(self, indices_or_sections: Any, dim: int = 0) -> tuple:
        """Cut along `dim` into k nearly equal parts (an int k: the first n % k parts one
        longer), or at the listed indices (a list: the pieces [0, i0), [i0, i1), ..., [ik, n)).
        """
        return _rearrange.tensor_split(self, indices_or_sections, dim)

    def trace(self) -> Tensor:
        """The sum of the main diagonal of a 2-D input. See `glassnet.ops.rearrange.trace`."""
        return _rearrange.trace(self)

    def unfold(self, dimension: int, size: int, step: int) -> Tensor:
        """All windows of `size` elements along `dimension`, `step` apart: that dim becomes the
        number of windows, (n - size) // step + 1, and a last dim of `size` holds each window
        (Tensor.unfold in PyTorch).
        """
        return _rearrange.unfold(self, dimension, size, step)

    # ------------------------------------------------------------ glassnet.ops.indexing
    def gather(self, dim: int, index: Any) -> Tensor:
        """Pick along `dim` by `index`: out[i][j] = input[i][index[i][j]] for dim = 1."""
        return _indexing.gather(self, dim, index)

    def index_select(self, dim: int, index: Any) -> Tensor:
        """The entries of axis `dim` listed in the 1-D `index`."""
        return _indexing.index_select(self, dim, index)

    def masked_fill(self, mask: Any, value: Any) -> Tensor:
        """input with `value` wherever the boolean `mask` (broadcast to input) is true."""
        return _indexing.masked_fill(self, mask, value)

    def narrow(self, dim: int, start: int, length: int) -> Tensor:
        """The slice start:start+length of axis `dim`. See `glassnet.ops.indexing.narrow`."""
        return _indexing.narrow(self, dim, start, length)

    def scatter_add(self, dim: int, index: Any, src: Tensor) -> Tensor:
        """A copy of input with src[i][j] added at input[i][index[i][j]] (dim = 1)."""
        return _indexing.scatter_add(self, dim, index, src)

    def select(self, dim: int, index: int) -> Tensor:
        """The sub-tensor at position `index` of axis `dim` (that axis removed)."""
        return _indexing.select(self, dim, index)

    # ------------------------------------------------------------ glassnet.ops.orientation
    def fliplr(self) -> Tensor:
        """Reverse the order along dim 1 (left/right). See `glassnet.ops.orientation.fliplr`."""
        return _orientation.fliplr(self)

    def flipud(self) -> Tensor:
        """Reverse the order along dim 0 (up/down). See `glassnet.ops.orientation.flipud`."""
        return _orientation.flipud(self)

    def rot90(self, k: int = 1, dims: Any = (0, 1)) -> Tensor:
        """Rotate by 90 degrees k times in the plane of `dims`, from the first toward the second."""
        return _orientation.rot90(self, k, dims)

    def tile(self, dims: Any) -> Tensor:
        """Repeat the whole tensor dims[i] times along dim i; a shorter `dims` is padded with
        leading 1s, a shorter input gets leading dims of size 1 (unlike Tensor.repeat).
        """
        return _orientation.tile(self, dims)

    # ------------------------------------------------------------ glassnet.ops.scatter
    def index_add(self, dim: int, index: Any, source: Tensor, alpha: float = 1) -> Tensor:
        """A copy of input with alpha * slice k of source added to slice index[k] along dim
        (repeated indices accumulate).
        """
        return _scatter.index_add(self, dim, index, source, alpha)

    def index_copy(self, dim: int, index: Any, source: Tensor) -> Tensor:
        """A copy of input with slice index[k] along dim replaced by slice k of source."""
        return _scatter.index_copy(self, dim, index, source)

    def index_fill(self, dim: int, index: Any, value: Any) -> Tensor:
        """A copy of input with every slice input[..., i, ...] (i in `index`, along dim) set to
        `value`.
        """
        return _scatter.index_fill(self, dim, index, value)

    def index_put(self, indices: Any, values: Any, accumulate: bool = False) -> Tensor:
        """A copy of input with input[indices] = values (`indices` a tuple of index tensors, as
        `input[i, j] = values`); with `accumulate`, repeated places add up.
        """
        return _scatter.index_put(self, indices, values, accumulate)

    def scatter(
        self, dim: int, index: Any, src: Any = None, value: Any = None, reduce: str | None = None
    ) -> Tensor:
        """A copy of input with src[i][j] (or the number `value`) written at
        input[i][index[i][j]] (for dim = 1; likewise for other dims). `reduce="add"` adds instead
        (as scatter_add). With repeated indices the last write wins (PyTorch leaves that order
        undefined).
        """
        return _scatter.scatter(self, dim, index, src, value, reduce)
