"""Matrix products over long rows, cut to the sizes the BLAS runs fastest.

A convolution's products are thin and long: Y (O, L) = W (O, K) @ cols (K, L) with O and K in
the tens to hundreds and L (pixels of a chunk of images) in the thousands. OpenBLAS's x86-64
AVX-512 builds (SkylakeX, Cooperlake, Sapphire Rapids) run a product whose M * N * K is at most
10^6 on a "small-matrix" kernel that reads the operands in place instead of packing them first.
For thin products it is up to 2x faster (1 thread, float32, GFLOP/s on this project's 1 MB
chunks of columns; float64 gains alike):

    (O, K)        whole chunk   pieces of 10^6 / (O K) columns
    (6, 25)       44            89
    (16, 150)     66            97
    (16, 144)     80            98
    (32, 288)     88            98
    (64, 288)     94            93   (pieces of 54 columns)

so `matmul_into` takes such a product in pieces of columns that fit under the limit (where a
piece keeps at least MIN_PIECE columns: narrower ones pay more per call than they gain). Each
column of the result is the same dot products either way; the pieces only change which kernel
computes them (and so the last bits of a float32 result, the same on every run).

Matrices whose rows are a power-of-two number of bytes apart (the columns of 32x32 or 64x64
maps: 4 KB per image) make the products and the copies into them collide in the same cache
sets; `matrix_workspace` lays a chunk of columns out with LD_PAD numbers of slack after each
row (forward 0.68-0.80x, backward 0.83-0.88x the time on 32x32 and 64x64 maps, other maps
unchanged, the same bits).

The weight gradients sum over the long axis instead, dL/dW^T (K, O) += cols (K, L) @ gY^T
(L, O); `add_matmul_t` sums them SUM_PIECE columns at a time: 1.0-2.8x faster than one product
over a whole chunk (the product's operands then stay in cache), on every BLAS.
"""

from __future__ import annotations

import functools

import numpy as np

from glassnet.kernels.cache import workspace

SMALL_MATRIX_MNK = 1_000_000  # OpenBLAS's limit for its small-matrix kernel (M * N * K)
SMALL_MATRIX_CORES = ("skylakex", "cooperlake", "sapphirerapids")  # builds that have it
MIN_PIECE = 64  # narrowest piece of columns worth a call of its own (ResNet step: 64 0.993 of 128)
SUM_PIECE = 2048  # columns per product of a summed weight gradient
LD_PAD = 64  # numbers of slack after each row of a matrix workspace ...
ALIASING = 4096  # ... whose rows fill a multiple of this many bytes (the cache's set stride)


@functools.cache
def small_matrix_limit() -> int:
    """M * N * K up to which the BLAS NumPy uses has a faster unpacked kernel (0: none known).

    Read once from threadpoolctl's description of the loaded BLAS: OpenBLAS with one of the
    `SMALL_MATRIX_CORES` kernels."""
    from threadpoolctl import threadpool_info

    for lib in threadpool_info():
        core = str(lib.get("architecture", "")).lower()
        if lib.get("internal_api") == "openblas" and core in SMALL_MATRIX_CORES:
            return SMALL_MATRIX_MNK
    return 0


def matmul_into(a: np.ndarray, b: np.ndarray, out: np.ndarray) -> None:
    """out = a @ b for a (..., M, K), b (..., K, L), out (..., M, L): in pieces of columns small
    enough for the BLAS's small-matrix kernel where there is one and a piece stays at least
    MIN_PIECE wide, else in one call."""
    M, K = a.shape[-2:]
    L = b.shape[-1]
    piece = small_matrix_limit() // max(M * K, 1)
    if piece < MIN_PIECE or piece >= L:
        np.matmul(a, b, out=out)
        return
    for s in range(0, L, piece):
        np.matmul(a, b[..., s : s + piece], out=out[..., s : s + piece])


def add_matmul_t(acc: np.ndarray, a: np.ndarray, b: np.ndarray) -> None:
    """acc += a @ b^T for a (..., K, L), b (..., M, L), acc (..., K, M): the sum over the long
    axis L taken SUM_PIECE columns at a time."""
    L = a.shape[-1]
    for s in range(0, L, SUM_PIECE):
        acc += np.matmul(a[..., s : s + SUM_PIECE], np.swapaxes(b[..., s : s + SUM_PIECE], -1, -2))


def matrix_workspace(tag: str, rows: int, cols: int, dtype: object) -> np.ndarray:
    """A (rows, cols) scratch matrix (`glassnet.kernels.cache.workspace`) whose rows lie
    cols + LD_PAD numbers apart where cols fill a multiple of ALIASING bytes, so that no two
    rows share cache sets (other lengths stay contiguous: a padded copy of rows of 8x8 maps
    with the batch innermost was 1.04-1.14x slower)."""
    pad = LD_PAD if cols * np.dtype(dtype).itemsize % ALIASING == 0 else 0
    return workspace(tag, (rows, cols + pad), dtype)[:, :cols]
