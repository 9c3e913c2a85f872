"""Keep the memory of freed large arrays in the process, so the next training step reuses it.

A training step allocates the same large arrays every time (activations, gradients, columns) and
frees them at the end. glibc's malloc serves arrays above a threshold (128 KB, raised as it sees
larger frees) straight from the operating system with mmap and hands them back on free, and trims
the heap whenever its free top passes twice that threshold. Each step then faults every page of
its arrays in again (a page fault per 4 KB: 800 of them for one 3 MB activation), which cost
10-20% of a GPT or ResNet step here. Two settings stop that:

    M_MMAP_THRESHOLD = 32 MB   arrays up to glibc's largest threshold come from the heap
    M_TRIM_THRESHOLD = 1 GB    freed heap memory stays mapped for the next step

The price is that memory freed by a model stays with the process (as PyTorch's caching
allocators keep theirs); peak memory does not grow. It is a setting of the whole process, so a
library must not make it behind the user's back: `import glassnet` changes nothing, and the
settings are applied by `glassnet.tune_allocator()`, which what trains calls (the benchmarks,
`glassnet.train.fit` and the `glassnet` command, and the construction of an optimizer, where a
PyTorch-style loop starts training) and a user may call.
It applies on Linux with glibc, unless the environment already sets MALLOC_MMAP_THRESHOLD_ or
MALLOC_TRIM_THRESHOLD_ (the user's own choice wins) or asks for GLASSNET_MALLOC_TUNING=0.
"""

from __future__ import annotations

import ctypes
import os
import sys

M_TRIM_THRESHOLD = -1  # glibc's <malloc.h> parameter numbers
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 32 * 1024 * 1024  # glibc's maximum (HEAP_MAX_SIZE / 2 on 64-bit)
TRIM_THRESHOLD = 1024 * 1024 * 1024

_USER_SETTINGS = ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_")
_applied = {"tuned": False}  # whether this process's malloc was tuned by tune_allocator()


def tune_allocator() -> bool:
    """Keep freed large arrays' memory in the process for the next training step.

    Sets glibc's M_MMAP_THRESHOLD to 32 MB and M_TRIM_THRESHOLD to 1 GB for the whole process
    (see this module's docstring for why); calling it again changes nothing more.

    Returns
    -------
    bool
        True when the settings are in force; False where they do not apply (not glibc, the user
        set MALLOC_MMAP_THRESHOLD_/MALLOC_TRIM_THRESHOLD_, or GLASSNET_MALLOC_TUNING=0).

    Example
    -------
    >>> glassnet.tune_allocator()  # before a training loop
    True
    """
    if not _applied["tuned"]:
        _applied["tuned"] = _apply()
    return _applied["tuned"]


def is_tuned() -> bool:
    """True once `tune_allocator()` has put the settings in force in this process."""
    return _applied["tuned"]


def _apply() -> bool:
    """mallopt the two settings, where they apply; True when both took."""
    if os.environ.get("GLASSNET_MALLOC_TUNING", "1").strip() == "0":
        return False
    if not sys.platform.startswith("linux") or any(v in os.environ for v in _USER_SETTINGS):
        return False
    try:
        mallopt = ctypes.CDLL("libc.so.6").mallopt
    except (OSError, AttributeError):  # not glibc (musl, ...)
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(
        mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD)
    )
