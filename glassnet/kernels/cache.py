"""The one cache of the kernels: reused buffers and cached constants, behind one object.

Fresh large temporaries every training step make the C allocator hand memory back to the
operating system and fault it in again (a page fault per 4 KiB: ~2,000 per step in a NumPy CNN,
2x slower). The kernels therefore reuse memory, and all of that reuse goes through `CACHE`:

* `CACHE.workspace(tag, shape, dtype)`  scratch that never leaves the kernel that asked for it
  (column chunks, products before a crop): one array per (tag, shape, dtype), handed out again
  every time with undefined contents. Its caller writes every entry it later reads.
* `CACHE.bordered(tag, shape, dtype, fill=, layout=)`  scratch whose border keeps `fill` between
  calls (a padded input's padding, a zero prefix, zero junk columns): every caller writes the
  same entries (the interior), which `layout` (part of the key) determines, and reads the rest
  as `fill`. Two layouts never share one buffer. (The bordered ones: `im2col.pad_hw`,
  `depthwise.phase_planes` and its zero-prefixed output gradient, `batch_inner`'s padded and
  phase-split inputs, `flat_rows`' planes with slack; every other scratch is a `workspace`.)
* `CACHE.recycled(tag, shape, dtype)`  memory for a result that outlives the op (outputs, input
  gradients): an earlier result of that (tag, shape, dtype) that nothing refers to any more,
  with undefined contents.
* `CACHE.constant(key, make)`  an array built once by `make()` (a row of zeros, a mask).
* `CACHE.scalar(value, dtype)`  a 0-d array of `value` in `dtype`, for the numbers inside an
  op's formula (`gy * (y > scalar(0, y.dtype))`).

One size limit (`CACHE.limit`, bytes held by the cache), one `CACHE.clear()`, and one switch:
with `CACHE.enabled = False` every call returns a fresh array (`glassnet.kernels.cache.disabled()`
does that for a block). The answers of the kernels are the same either way; only their speed
differs, and the tests run both ways.

Poison mode checks these contracts. With `CACHE.poison = True` (or the environment
variable GLASSNET_POISON_WORKSPACES=1 when glassnet is imported; `poisoned()` for a block), every
`workspace` and `recycled` array is a fresh one filled with NaN (the largest value for integers,
True for booleans), and every `bordered` one a fresh one filled with its `fill`: a kernel that
reads an entry it never wrote gives NaN, and one whose `layout` misses what its callers write
gives another answer than with poison off (tests/kernels/test_poison.py compares the two, bit
for bit). Off, it costs nothing: the one check the calls make anyway (`enabled`) covers it.

Example
-------
>>> from glassnet.kernels.cache import CACHE
>>> CACHE.clear()                     # drop every held buffer
>>> with disabled():                  # no reuse inside the block
...     y = conv2d(x, w)
"""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

DEFAULT_LIMIT = 1 << 30  # bytes: far above what one model's repeating shapes hold
POOL_DEPTH = 8  # results of one (tag, shape, dtype) that may be alive at once and still pooled


class Cache:
    """Reused buffers and cached constants, with one byte limit, `clear()` and an on/off switch.

    Attributes
    ----------
    enabled : bool
        False: nothing is reused or kept; every call builds a fresh array.
    poison : bool
        True: nothing is reused; `workspace` and `recycled` arrays come filled with NaN (see
        `poison_value`), `bordered` ones with their `fill`, fresh on every call (a debug mode
        that makes a read of a never-written entry show up as NaN).
    limit : int
        Bytes the cache may hold; a new buffer that would pass it clears the cache first (arrays
        still in use stay alive with their users).
    nbytes : int
        Bytes held now.
    """

    def __init__(self, limit: int = DEFAULT_LIMIT, poison: bool = False) -> None:
        self._enabled = True
        self._poison = poison
        self._reuse = not poison  # enabled and not poison: the one check on the hot path
        self.limit = limit
        self.nbytes = 0
        self._scratch: dict = {}
        self._pools: dict = {}
        self._constants: dict = {}

    @property
    def enabled(self) -> bool:
        return self._enabled

    @enabled.setter
    def enabled(self, value: bool) -> None:
        self._enabled = bool(value)
        self._reuse = self._enabled and not self._poison

    @property
    def poison(self) -> bool:
        return self._poison

    @poison.setter
    def poison(self, value: bool) -> None:
        self._poison = bool(value)
        self._reuse = self._enabled and not self._poison

    def clear(self) -> None:
        """Forget every held buffer and constant."""
        self._scratch.clear()
        self._pools.clear()
        self._constants.clear()
        self.nbytes = 0

    def _hold(self, array: np.ndarray) -> bool:
        """Count a new array against the limit; False (and nothing held) past it."""
        if self.nbytes + array.nbytes > self.limit:
            self.clear()
            if array.nbytes > self.limit:
                return False
        self.nbytes += array.nbytes
        return True

    def _fresh(self, shape: tuple, dtype: Any) -> np.ndarray:
        """A new array of undefined contents: filled with `poison_value` in poison mode."""
        if self._poison:
            return np.full(shape, poison_value(dtype), dtype=dtype)
        return np.empty(shape, dtype=dtype)

    def workspace(self, tag: str, shape: tuple, dtype: Any) -> np.ndarray:
        """Scratch for a temporary that never leaves the caller: the same array for every call
        with this (tag, shape, dtype), its contents UNDEFINED on every call (whatever the last
        user left; NaN in poison mode). The caller writes every entry it later reads; a caller
        that relies on entries it does not write takes `bordered` instead."""
        if not self._reuse:
            return self._fresh(shape, dtype)
        key = (tag, shape, np.dtype(dtype))
        buf = self._scratch.get(key)
        if buf is None:
            buf = np.empty(shape, dtype=dtype)
            if self._hold(buf):
                self._scratch[key] = buf
        return buf

    def bordered(
        self, tag: str, shape: tuple, dtype: Any, *, fill: Any = 0, layout: Any
    ) -> np.ndarray:
        """Scratch whose border keeps `fill` from call to call: created filled with `fill`, one
        array per (tag, layout, fill, shape, dtype).

        The contract: every caller of one key writes the same set of entries (the interior:
        a padded input's pixels, a gradient's valid positions) and nothing else, and may read
        the others (padding, slack, junk positions) as `fill`. `layout` is a hashable value
        that, with `shape`, determines that set (the paddings and the sizes of the interior):
        two layouts of one size (another padding, another number of channels) then never share
        a buffer, where one's interior would lie on the other's border. Poison mode hands out
        a fresh array filled with `fill` on every call."""
        if not self._reuse:
            return np.full(shape, fill, dtype=dtype)
        key = (tag, layout, fill, shape, np.dtype(dtype))
        buf = self._scratch.get(key)
        if buf is None:
            buf = np.full(shape, fill, dtype=dtype)
            if self._hold(buf):
                self._scratch[key] = buf
        return buf

    def recycled(self, tag: str, shape: tuple, dtype: Any) -> np.ndarray:
        """An uninitialised array for a result that outlives the op, taken from the pool of
        earlier ones of this (tag, shape, dtype) that nothing refers to any more.

        An array is free when the pool holds the only reference to it: any view, saved array or
        Tensor built on it keeps its reference count up, so a buffer in use is never handed
        out."""
        if not self._reuse:
            return self._fresh(shape, dtype)
        key = (tag, shape, np.dtype(dtype))
        pool = self._pools.get(key)
        if pool is None:
            pool = self._pools[key] = []
        for buf in pool:
            if sys.getrefcount(buf) <= _FREE_REFS:
                return buf
        buf = np.empty(shape, dtype=dtype)
        if len(pool) < POOL_DEPTH and self._hold(buf):
            self._pools.setdefault(key, pool).append(buf)
        return buf

    def constant(self, key: Any, make: Callable[[], np.ndarray]) -> np.ndarray:
        """The array `make()` builds, built once per key and kept (read-only) while enabled."""
        if not self._enabled:
            return make()
        value = self._constants.get(key)
        if value is None:
            value = make()
            value.flags.writeable = False
            if self._hold(value):
                self._constants[key] = value
        return value

    def scalar(self, value: float, dtype: Any) -> np.ndarray:
        """A 0-d read-only array holding `value` in `dtype`, made once per (value, dtype).

        NumPy 2 converts a Python number anew on every call (about 0.4 us, as much as a whole op
        on a small array); a cached 0-d array of the operand's dtype costs nothing and keeps the
        dtype (`float32_array * scalar(2, float32)` stays float32)."""
        if not self._enabled:
            return np.array(value, dtype=dtype)
        sign = math.copysign(1.0, value) if value == 0 else 1.0  # -0.0 == 0.0, kept apart
        key = ("scalar", value, sign, dtype)
        c = self._constants.get(key)
        if c is None:
            c = np.array(value, dtype=dtype)
            c.flags.writeable = False
            if self._hold(c):
                self._constants[key] = c
        return c


def poison_value(dtype: Any) -> Any:
    """What poison mode fills undefined memory with: NaN for floating and complex dtypes, the
    largest value for integers, True for booleans (0 for any other dtype)."""
    dtype = np.dtype(dtype)
    if dtype.kind in "fc":
        return np.nan
    if dtype.kind in "iu":
        return np.iinfo(dtype).max
    if dtype.kind == "b":
        return True
    return 0


def _unreferenced_count() -> int:
    """What sys.getrefcount reports inside `Cache.recycled`'s loop for an array nobody else
    holds (the list, the loop variable, the call's argument), measured rather than assumed."""
    pool = [np.empty(1)]
    for buf in pool:
        return sys.getrefcount(buf)
    raise RuntimeError("unreachable")


_FREE_REFS = _unreferenced_count()

# read once, at import: a poisoned run is set up before it starts
CACHE = Cache(poison=os.environ.get("GLASSNET_POISON_WORKSPACES", "0") not in ("", "0"))


@contextmanager
def disabled() -> Iterator[Cache]:
    """Turn all reuse off inside a `with` block (and clear what was held before)."""
    prev = CACHE.enabled
    CACHE.enabled = False
    CACHE.clear()
    try:
        yield CACHE
    finally:
        CACHE.enabled = prev


@contextmanager
def poisoned() -> Iterator[Cache]:
    """Poison mode (see `Cache.poison`) inside a `with` block."""
    prev = CACHE.poison
    CACHE.poison = True
    try:
        yield CACHE
    finally:
        CACHE.poison = prev


# The global cache's methods under their own names, for kernels that only need one of them.
workspace = CACHE.workspace
bordered = CACHE.bordered
recycled = CACHE.recycled
constant = CACHE.constant
scalar = CACHE.scalar
