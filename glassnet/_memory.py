"""The one check every factory makes before it allocates: does the tensor fit in this machine?

`zeros(10**12)` would ask NumPy for 4 TB and fail with a bare `MemoryError` (or, below the
kernel's overcommit limit, succeed lazily and be killed later by the OOM killer while it is
filled). `check_allocation` refuses such a size first, with an error that names the function,
the size and the bytes it would need, and `allocating` turns a `MemoryError` that still happens
(memory in use by others) into the same error.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np


class AllocationError(ValueError):
    """A tensor would need more memory than this machine has (a ValueError: the size is wrong)."""


def memory_bytes() -> int | None:
    """This machine's physical memory in bytes (None where the OS does not say)."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None


def _message(op: str, shape: tuple, dtype: Any, reason: str) -> str:
    dt = np.dtype(dtype)
    need = math.prod(shape) * dt.itemsize
    return (
        f"{op}: a tensor of size {tuple(shape)} ({math.prod(shape):,} elements of {dt}) would "
        f"need {need:,} bytes ({need / 2**30:,.1f} GiB); {reason}"
    )


def check_allocation(op: str, shape: tuple, dtype: Any) -> None:
    """Refuse `shape` of `dtype` when its bytes exceed this machine's physical memory.

    Parameters
    ----------
    op : the public function asking (named in the error), e.g. "zeros"
    shape : the tensor's shape (non-negative Python ints; their product may exceed int64)
    dtype : the element type (its itemsize counts)

    Raises
    ------
    AllocationError
        `zeros: a tensor of size (1000000000000,) (1,000,000,000,000 elements of float32)
        would need 4,000,000,000,000 bytes (3,725.3 GiB); this machine has 125.6 GiB`
    """
    need = math.prod(shape) * np.dtype(dtype).itemsize
    memory = memory_bytes()
    if need > np.iinfo(np.int64).max or (memory is not None and need > memory):
        have = "more than int64 can count" if memory is None else f"{memory / 2**30:,.1f} GiB"
        raise AllocationError(_message(op, shape, dtype, f"this machine has {have}"))


@contextmanager
def allocating(op: str, shape: tuple, dtype: Any) -> Iterator[None]:
    """Check `shape` (see `check_allocation`), then run the allocation in the `with` block,
    turning NumPy's MemoryError (not enough memory free now) into an AllocationError."""
    check_allocation(op, shape, dtype)
    try:
        yield
    except MemoryError:
        raise AllocationError(_message(op, shape, dtype, "not enough memory is free")) from None
