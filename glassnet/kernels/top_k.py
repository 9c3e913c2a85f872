"""The k largest (or smallest) entries of each row without sorting whole rows.

A stable sort costs O(n log n) per row (65 ms for 256 rows of 4,096 float32 numbers, where
PyTorch's topk takes 2 ms), and `np.argpartition` still ~10 ms (and breaks ties arbitrarily,
while glassnet's topk keeps a stable sort's order: equal values in index order, NaN the largest
value). Instead, a threshold that at least k entries of the row reach:

    split the row into k blocks; every block's maximum is an entry of the row, so at least k
    entries are >= t = the smallest of the k block maxima (NaN-aware: a NaN block maximum is
    left out unless every block has one, and NaN entries are always candidates)

One pass for the block maxima, one for the comparison, one for `np.nonzero`; only the few
candidates (every entry >= t, ties included, so nothing the stable order would pick is lost) are
then sorted, by row, value and index. Smallest: the largest of the block minima, entries <= t.
Plain version: `np.argsort(x, kind="stable")[..., :k]` (reversed for largest, `sorting._order`).
"""

from __future__ import annotations

import numpy as np


def top_k_indices(x: np.ndarray, k: int, largest: bool) -> np.ndarray | None:
    """Indices (..., k) of the k largest (smallest) entries of each row of x (..., n), in the
    order a stable sort gives them (largest first when `largest`), for 0 < k <= n // 2; None
    where some row lacks k candidates (NaN-only blocks when looking for the smallest)."""
    n = x.shape[-1]
    rows = x.reshape(-1, n)
    R = rows.shape[0]
    blocks = rows[:, : k * (n // k)].reshape(R, k, n // k)
    floats = x.dtype.kind == "f"
    if largest:
        t = np.fmin.reduce(blocks.max(axis=2), axis=1)  # max propagates NaN, fmin skips it
        candidate = rows >= t[:, None]
        if floats:
            candidate |= np.isnan(rows)
    else:
        t = np.fmax.reduce(np.fmin.reduce(blocks, axis=2), axis=1)
        candidate = rows <= t[:, None]
    row_of, col = np.nonzero(candidate)
    counts = np.bincount(row_of, minlength=R)
    if counts.min(initial=k) < k:
        return None
    values = rows[row_of, col]
    if floats:
        nan_last = np.isnan(values) != largest  # largest: NaN first; smallest: NaN last
        value_key = -values if largest else values
    else:  # integers and bools: ~v = -v - 1 reverses their order without overflow
        nan_last = np.zeros(values.shape, bool)
        value_key = ~values if largest else values
    order = np.lexsort((col, value_key, nan_last, row_of))  # the last key sorts first
    starts = np.cumsum(counts) - counts
    picked = col[order][starts[:, None] + np.arange(k)]
    return picked.reshape(x.shape[:-1] + (k,)).astype(np.int64)
