"""Variable-length batches for recurrent layers: padding and packing, as `torch.nn.utils.rnn`.

A batch of B sequences of lengths L_0 >= L_1 >= ... (sorted, longest first) is *packed* by
reading it time step by time step and keeping, at step t, only the sequences still running:

    data = cat_t x[t, :batch_sizes[t]]        batch_sizes[t] = #{b : L_b > t}

so no padding is stored and a recurrent layer reading a `PackedSequence` stops each sequence at
its own length (its final state is the state at step L_b - 1). Unsorted batches are sorted on the
way in (`sorted_indices`) and put back in order on the way out (`unsorted_indices`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

from glassnet.ops import cat, full, stack, transpose
from glassnet.tensor import Tensor


class PackedSequence(NamedTuple):
    """A packed batch: ``data`` (sum of lengths, *), ``batch_sizes`` (max length,) int64, and the
    permutations ``sorted_indices`` / ``unsorted_indices`` (None when the batch came sorted)."""

    data: Tensor
    batch_sizes: Tensor
    sorted_indices: Tensor | None = None
    unsorted_indices: Tensor | None = None

    def to(self, *args: Any, **kwargs: Any) -> PackedSequence:
        """The same packed batch with ``data`` moved or cast by ``Tensor.to``."""
        return self._replace(data=self.data.to(*args, **kwargs))


def _lengths(lengths: Any) -> np.ndarray:
    if isinstance(lengths, Tensor):
        return lengths.numpy().astype(np.int64).reshape(-1)
    return np.asarray(lengths, dtype=np.int64).reshape(-1)


def pad_sequence(
    sequences: Sequence[Tensor],
    batch_first: bool = False,
    padding_value: float = 0.0,
    padding_side: str = "right",
) -> Tensor:
    """Stack sequences of shapes (L_b, *) into one (T, B, *) tensor (``batch_first``: (B, T, *)),
    T = max L_b, filling the rest with ``padding_value`` (after each sequence, or before it
    with ``padding_side="left"``). Differentiable in the sequences.

    >>> import glassnet
    >>> pad_sequence([glassnet.ones(2), glassnet.ones(1)], batch_first=True)
    tensor([[1., 1.],
            [1., 0.]])
    """
    if padding_side not in ("right", "left"):
        raise ValueError(
            f"pad_sequence: padding_side must be 'right' or 'left', got {padding_side!r}"
        )
    if len(sequences) == 0:
        raise ValueError("pad_sequence: got an empty list of sequences")
    T = max(s.shape[0] for s in sequences)
    rows = []
    for s in sequences:
        n = T - s.shape[0]
        if n:
            pad = full((n, *s.shape[1:]), padding_value, dtype=s.dtype)
            s = cat([s, pad] if padding_side == "right" else [pad, s], dim=0)
        rows.append(s)
    return stack(rows, dim=0 if batch_first else 1)


def pack_padded_sequence(
    input: Tensor, lengths: Any, batch_first: bool = False, enforce_sorted: bool = True
) -> PackedSequence:
    """Pack a padded (T, B, *) batch (``batch_first``: (B, T, *)) of the given lengths.

    With ``enforce_sorted`` the lengths must be decreasing; otherwise the batch is sorted first
    and the permutation is kept in the result. Differentiable in ``input``.
    """
    L = _lengths(lengths)
    x = transpose(input, 0, 1) if batch_first else input  # (T, B, *)
    if L.shape[0] != x.shape[1]:
        raise ValueError(
            f"pack_padded_sequence: {L.shape[0]} lengths for a batch of {x.shape[1]} sequences "
            f"(input shape {tuple(input.shape)}, batch_first={batch_first})"
        )
    if L.size and (L.min() <= 0 or L.max() > x.shape[0]):
        raise ValueError(
            f"pack_padded_sequence: lengths must be in [1, {x.shape[0]}], got {L.tolist()}"
        )
    sorted_indices = unsorted_indices = None
    if enforce_sorted:
        if np.any(np.diff(L) > 0):
            raise RuntimeError(
                f"pack_padded_sequence: lengths {L.tolist()} are not sorted in decreasing order; "
                "sort the batch or pass enforce_sorted=False"
            )
    else:
        order = np.argsort(-L, kind="stable")
        L = L[order]
        x = x[:, Tensor._wrap(order)]
        sorted_indices = Tensor._wrap(order)
        unsorted_indices = Tensor._wrap(np.argsort(order).astype(np.int64))
    batch_sizes = (L[None, :] > np.arange(L[0])[:, None]).sum(axis=1).astype(np.int64)
    data = cat([x[t, : int(n)] for t, n in enumerate(batch_sizes)], dim=0)
    return PackedSequence(data, Tensor._wrap(batch_sizes), sorted_indices, unsorted_indices)


def pack_sequence(sequences: Sequence[Tensor], enforce_sorted: bool = True) -> PackedSequence:
    """Pack a list of (L_b, *) sequences: ``pack_padded_sequence(pad_sequence(sequences), ...)``."""
    lengths = [s.shape[0] for s in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def pad_packed_sequence(
    sequence: PackedSequence,
    batch_first: bool = False,
    padding_value: float = 0.0,
    total_length: int | None = None,
) -> tuple[Tensor, Tensor]:
    """Undo packing: the padded (T, B, *) tensor (``batch_first``: (B, T, *)) in the original
    batch order, T = ``total_length`` or the longest length, and the lengths as an int64 tensor.
    """
    data, batch_sizes = sequence.data, sequence.batch_sizes.numpy().astype(np.int64)
    B, T = int(batch_sizes[0]), len(batch_sizes)
    if total_length is not None:
        if total_length < T:
            raise ValueError(
                f"pad_packed_sequence: total_length={total_length} is shorter than the longest "
                f"sequence ({T})"
            )
        T = total_length
    rows, start = [], 0
    for t in range(T):
        n = int(batch_sizes[t]) if t < len(batch_sizes) else 0
        step = data[start : start + n]
        start += n
        if n < B:
            step = cat([step, full((B - n, *data.shape[1:]), padding_value, dtype=data.dtype)])
        rows.append(step)
    padded = stack(rows)  # (T, B, *) in sorted order
    lengths = (batch_sizes[None, :] > np.arange(B)[:, None]).sum(axis=1).astype(np.int64)
    if sequence.unsorted_indices is not None:
        padded = padded[:, sequence.unsorted_indices]
        lengths = lengths[sequence.unsorted_indices.numpy()]
    if batch_first:
        padded = transpose(padded, 0, 1)
    return padded, Tensor._wrap(lengths)
