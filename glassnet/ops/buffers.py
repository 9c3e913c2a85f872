"""Reusable memory for large arrays that ops produce every training step.

Fresh large temporaries each step make the C allocator hand memory back to the operating system
and fault it in again (a page fault per 4 KiB); `recycled` hands out the memory of an earlier
result once nothing refers to it any more.
"""

from __future__ import annotations

import sys
from typing import Any

import numpy as np

_POOL: dict = {}


def recycled(tag: str, shape: tuple, dtype: Any) -> np.ndarray:
    """An uninitialised array for a large result that outlives the op (columns saved for
    backward, outputs, input gradients), taken from a small pool of earlier ones that nothing
    refers to any more.

    An array is free when the pool holds the only reference to it: any view, saved tensor or
    Tensor built on it keeps its reference count up, so a buffer still in use is never handed
    out. Reusing the memory of the previous step avoids faulting fresh pages in every step."""
    key = (tag, shape, np.dtype(dtype))
    if key not in _POOL and len(_POOL) >= 64:  # shapes keep changing: do not hoard memory
        _POOL.clear()  # arrays still in use stay alive with their users
    pool = _POOL.setdefault(key, [])
    buf = _free_one(pool)
    if buf is None:
        buf = np.empty(shape, dtype=dtype)
        if len(pool) < 8:
            pool.append(buf)
    return buf


def _free_one(pool: list) -> np.ndarray | None:
    for buf in pool:
        if sys.getrefcount(buf) <= _FREE_REFS:
            return buf
    return None


def _unreferenced_count() -> int:
    """What sys.getrefcount reports inside `_free_one` for an array nobody else holds (the list,
    the loop variable, the call's argument: 3 on CPython 3.11, measured rather than assumed)."""
    pool = [np.empty(1)]
    for buf in pool:
        return sys.getrefcount(buf)
    raise AssertionError("unreachable")


_FREE_REFS = _unreferenced_count()
