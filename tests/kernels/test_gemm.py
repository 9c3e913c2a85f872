"""glassnet/kernels/gemm.py: products in pieces of columns and sums in pieces equal one product;
the small-matrix limit is read from the BLAS threadpoolctl describes."""

import numpy as np
import pytest

from glassnet.kernels import gemm


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("batch", [(), (3,)])
def test_matmul_into_in_pieces_equals_one_product(dtype, batch, monkeypatch):
    rng = np.random.default_rng(0)
    a = rng.standard_normal(batch + (4, 6)).astype(dtype)
    b = rng.standard_normal(batch + (6, 1000)).astype(dtype)
    monkeypatch.setattr(gemm, "small_matrix_limit", lambda: 24 * 70)  # pieces of 70 columns
    monkeypatch.setattr(gemm, "MIN_PIECE", 64)
    calls = []
    real = np.matmul

    def counting(x, y, out):
        calls.append(y.shape[-1])
        return real(x, y, out=out)

    monkeypatch.setattr(gemm.np, "matmul", counting)
    out = np.full(batch + (4, 1000), np.nan, dtype)
    gemm.matmul_into(a, b, out)
    assert calls == [70] * 14 + [20]
    np.testing.assert_allclose(out, real(a, b), rtol=1e-5 if dtype == np.float32 else 1e-12)


@pytest.mark.parametrize("limit, expected_calls", [(0, 1), (24 * 63, 1), (10**9, 1)])
def test_matmul_into_takes_one_call_without_a_useful_piece(limit, expected_calls, monkeypatch):
    """No small-matrix kernel, pieces narrower than MIN_PIECE, or one piece for everything."""
    rng = np.random.default_rng(1)
    a, b = rng.standard_normal((4, 6)), rng.standard_normal((6, 500))
    monkeypatch.setattr(gemm, "small_matrix_limit", lambda: limit)
    monkeypatch.setattr(gemm, "MIN_PIECE", 64)
    calls = []
    real = np.matmul
    monkeypatch.setattr(gemm.np, "matmul", lambda x, y, out: calls.append(1) or real(x, y, out=out))
    out = np.empty((4, 500))
    gemm.matmul_into(a, b, out)
    assert len(calls) == expected_calls
    np.testing.assert_allclose(out, a @ b, rtol=1e-12)


@pytest.mark.parametrize("L", [1, 999, 1000, 1001, 5000])
def test_add_matmul_t_sums_in_pieces(L, monkeypatch):
    monkeypatch.setattr(gemm, "SUM_PIECE", 1000)
    rng = np.random.default_rng(2)
    a, b = rng.standard_normal((2, 5, L)), rng.standard_normal((2, 3, L))
    acc = np.ones((2, 5, 3))
    gemm.add_matmul_t(acc, a, b)
    np.testing.assert_allclose(acc, 1 + a @ b.transpose(0, 2, 1), rtol=1e-12)


@pytest.mark.parametrize(
    "info, expected",
    [
        ([{"internal_api": "openblas", "architecture": "SkylakeX"}], gemm.SMALL_MATRIX_MNK),
        ([{"internal_api": "openblas", "architecture": "SapphireRapids"}], gemm.SMALL_MATRIX_MNK),
        ([{"internal_api": "openblas", "architecture": "Haswell"}], 0),
        ([{"internal_api": "mkl", "architecture": None}], 0),
        ([], 0),
    ],
)
def test_small_matrix_limit_only_for_openblas_kernels_that_have_one(info, expected, monkeypatch):
    import threadpoolctl

    monkeypatch.setattr(threadpoolctl, "threadpool_info", lambda: info)
    gemm.small_matrix_limit.cache_clear()
    try:
        assert gemm.small_matrix_limit() == expected
    finally:
        gemm.small_matrix_limit.cache_clear()


def test_matrix_workspace_pads_rows_of_a_multiple_of_the_aliasing_stride():
    padded = gemm.matrix_workspace("test_pad", 3, 1024, np.float32)  # rows of 4 KB
    plain = gemm.matrix_workspace("test_plain", 3, 1000, np.float32)
    assert padded.shape == (3, 1024) and padded.strides == ((1024 + gemm.LD_PAD) * 4, 4)
    assert plain.shape == (3, 1000) and plain.flags.c_contiguous


@pytest.mark.parametrize("pad", [1, 2])
def test_convolutions_on_padded_columns_give_the_same_bits(pad, monkeypatch):
    """32x32 maps make rows of 4 KB per image: the padded and the contiguous layouts of the
    columns must give the same numbers (flat rows, pad 1; wide rows, pad 2)."""
    from glassnet.kernels import conv as kconv
    from glassnet.kernels.cache import CACHE

    rng = np.random.default_rng(3)
    x = rng.standard_normal((4, 3, 32, 32)).astype(np.float32)
    w = rng.standard_normal((5, 3, 3, 3)).astype(np.float32)
    p = kconv.plan(x.shape, w.shape, (1, 1), (pad,) * 4, (1, 1), 1)
    gy = rng.standard_normal((4, 5) + p.out_hw).astype(np.float32)
    results = []
    for ld_pad in (gemm.LD_PAD, 0):
        monkeypatch.setattr(gemm, "LD_PAD", ld_pad)
        CACHE.clear()
        y = np.array(kconv.forward(x, w, p))
        gx, gw = kconv.backward(gy, x, w, p, True, True)
        results.append((y, np.array(gx), np.array(gw)))
    for padded, plain in zip(*results):
        np.testing.assert_array_equal(padded, plain)
