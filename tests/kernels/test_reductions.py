"""kernels.reductions: the cached vectors of ones behind the BLAS sums."""

import numpy as np
import pytest

from glassnet.kernels.cache import CACHE, disabled
from glassnet.kernels.reductions import column_sums, ones_vector, row_sums


def test_ones_vector_is_cached_read_only_and_of_the_asked_dtype():
    a = ones_vector(7, np.float32)
    assert a is ones_vector(7, np.float32)
    assert a.dtype == np.float32 and a.shape == (7,) and np.all(a == 1)
    assert ones_vector(7, np.float64).dtype == np.float64
    with pytest.raises(ValueError):
        a[0] = 2.0  # shared by every op: nobody may write into it


def test_ones_vector_cache_stays_within_the_one_cache_limit():
    limit = CACHE.limit
    CACHE.clear()
    CACHE.limit = 100_000  # bytes: room for ~25 of the vectors below
    try:
        for n in range(1000, 1200):
            ones_vector(n, np.float32)
            assert CACHE.nbytes <= CACHE.limit
    finally:
        CACHE.limit = limit
        CACHE.clear()


def test_ones_vector_is_fresh_and_right_with_the_cache_off():
    with disabled():
        a = ones_vector(5, np.float64)
        assert a is not ones_vector(5, np.float64) and np.all(a == 1)


@pytest.mark.parametrize("shape", [(3, 5), (2, 3, 4, 6), (4, 0), (0, 3)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_row_sums_is_the_sum_over_the_last_axis(shape, dtype):
    a = np.random.default_rng(0).standard_normal(shape).astype(dtype)
    got = row_sums(a)
    assert got.shape == shape[:-1] and got.dtype == dtype
    np.testing.assert_allclose(got, a.sum(axis=-1), rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("shape", [(3, 5), (4, 0), (0, 3)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_column_sums_is_the_sum_over_the_first_axis(shape, dtype):
    a = np.random.default_rng(1).standard_normal(shape).astype(dtype)
    got = column_sums(a)
    assert got.shape == shape[1:] and got.dtype == dtype
    np.testing.assert_allclose(got, a.sum(axis=0), rtol=1e-6, atol=1e-6)
