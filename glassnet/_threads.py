"""`glassnet.set_num_threads(n)` / `glassnet.get_num_threads()`: PyTorch's names for the number
of threads the math runs on. glassnet's heavy work is BLAS (matrix products, via NumPy), so these
set and read the BLAS thread pools through threadpoolctl (OpenBLAS, MKL or BLIS alike).

On small models (the tabular data sets: a few thousand samples, layers of a few hundred units)
each matrix product is too small to share among threads, and more than one thread costs time:
`glassnet train` uses `SMALL_MODEL_THREADS` for them unless `--threads` says otherwise (measured
in docs/performance.md, "Threads").
"""

from __future__ import annotations

from typing import Any

SMALL_MODEL_THREADS = 1

_limits: Any = None  # the threadpool_limits object in force (kept so that it stays applied)


def set_num_threads(n: int) -> None:
    """Run BLAS (and so every matrix product) on `n` threads, as `torch.set_num_threads(n)`.

    Example
    -------
    >>> glassnet.set_num_threads(1)
    >>> glassnet.get_num_threads()
    1
    """
    global _limits
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"set_num_threads: n must be a positive integer, got {n!r}")
    import numpy  # noqa: F401  (loads the BLAS so that threadpoolctl sees it)
    from threadpoolctl import threadpool_limits

    _limits = threadpool_limits(limits=n, user_api="blas")


def get_num_threads() -> int:
    """The number of threads BLAS runs on (the largest over the BLAS libraries loaded)."""
    import numpy  # noqa: F401
    from threadpoolctl import threadpool_info

    counts = [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]
    return max(counts, default=1)
