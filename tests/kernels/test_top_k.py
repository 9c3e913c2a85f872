"""glassnet/kernels/top_k.py: the candidates-then-sort top k equals the stable full sort's
first k (ties in index order, NaN largest, -0.0 equal to 0.0) for every dtype; topk on rows long
enough to take it matches torch's values and gradients."""

import numpy as np
import pytest
import torch

import glassnet
from glassnet.kernels import top_k
from glassnet.ops.sorting import _order

DTYPES = [np.float16, np.float32, np.float64, np.int8, np.int64, np.uint8, np.uint64, np.bool_]


def _row_values(rng: np.random.Generator, dtype, shape: tuple) -> np.ndarray:
    if dtype is np.bool_:
        return rng.random(shape) > 0.5
    if np.dtype(dtype).kind in "iu":
        info = np.iinfo(dtype)
        pool = np.array([info.min, info.min + 1, 0, 1, info.max - 1, info.max], dtype=dtype)
        return rng.choice(pool, shape)  # the extremes, where a negated key would overflow
    x = (rng.standard_normal(shape) * 3).round(0).astype(dtype)  # many ties
    x[0, :: max(1, shape[1] // 3)] = np.nan
    specials = np.array([-0.0, 0.0, np.inf, -np.inf], dtype)
    x[1, : min(4, shape[1])] = specials[: shape[1]]
    return x


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("largest", [True, False])
def test_top_k_equals_the_stable_sort(dtype, largest):
    rng = np.random.default_rng(0)
    for n in (2, 5, 17, 64):
        x = _row_values(rng, dtype, (6, n))
        for k in range(1, n // 2 + 1):
            got = top_k.top_k_indices(x, k, largest)
            if got is None:  # a row without k candidates: the caller sorts instead
                continue
            expected = np.take(_order(x, 1, largest), np.arange(k), axis=1)
            np.testing.assert_array_equal(got, expected, err_msg=f"n={n} k={k}")


def test_top_k_gives_up_where_a_row_lacks_candidates():
    """Smallest of a row whose blocks are all NaN: the threshold finds no numbers."""
    x = np.full((1, 8), np.nan, np.float32)
    assert top_k.top_k_indices(x, 2, largest=False) is None


@pytest.mark.parametrize("largest", [True, False])
@pytest.mark.parametrize("dim", [1, 0])
def test_topk_on_long_rows_matches_torch(largest, dim):
    rng = np.random.default_rng(1)
    x = rng.standard_normal((40, 300)).astype(np.float32)
    x = x if dim == 1 else np.ascontiguousarray(x.T)
    g = glassnet.tensor(x, requires_grad=True)
    t = torch.tensor(x, requires_grad=True)
    gv, gi = glassnet.topk(g, 7, dim=dim, largest=largest)
    tv, ti = torch.topk(t, 7, dim=dim, largest=largest)
    np.testing.assert_array_equal(gv.detach().numpy(), tv.detach().numpy())
    np.testing.assert_array_equal(gi.numpy(), ti.numpy())
    seed = rng.standard_normal(tuple(tv.shape)).astype(np.float32)
    gv.backward(glassnet.tensor(seed))
    tv.backward(torch.tensor(seed))
    np.testing.assert_array_equal(g.grad.numpy(), t.grad.numpy())
