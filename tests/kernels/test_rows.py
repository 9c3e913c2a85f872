"""glassnet/kernels/rows.py: add_rows equals np.add.at on both of its paths (the sparse product
and sort + reduceat), and the row lookups that use it equal torch's gradients."""

import numpy as np
import pytest
import torch

import glassnet
from glassnet.kernels import rows as krows


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize("n, n_rows, D", [(0, 5, 3), (1, 1, 1), (97, 7, 3), (5000, 27, 16)])
@pytest.mark.parametrize("sparse_min", [0, 1 << 40])  # every call sparse / none
def test_add_rows_equals_add_at(dtype, n, n_rows, D, sparse_min, monkeypatch):
    monkeypatch.setattr(krows, "SPARSE_MIN", sparse_min)
    rng = np.random.default_rng(n)
    index = rng.integers(0, n_rows, n)
    rows = rng.standard_normal((n, D)).astype(dtype)
    expected = np.zeros((n_rows, D), dtype)
    np.add.at(expected, index, rows)
    out = krows.add_rows(n_rows, index, rows)
    assert out.shape == (n_rows, D) and out.dtype == dtype
    tol = {np.float16: 2e-2, np.float32: 1e-5, np.float64: 1e-12}[dtype]
    np.testing.assert_allclose(out, expected, rtol=tol, atol=tol * max(1, n // n_rows))


LOOKUPS = {
    "x[idx]": (lambda x, i: x[i], lambda x, i: x[i]),
    "x[-idx-1]": (lambda x, i: x[-i - 1], lambda x, i: x[-i - 1]),
    "index_select 0": (
        lambda x, i: glassnet.index_select(x, 0, i),
        lambda x, i: torch.index_select(x, 0, i),
    ),
    "index_select 1": (
        lambda x, i: glassnet.index_select(x.transpose(0, 1), 1, i),
        lambda x, i: torch.index_select(x.transpose(0, 1), 1, i),
    ),
    "embedding": (
        lambda x, i: glassnet.nn.functional.embedding(i, x),
        lambda x, i: torch.nn.functional.embedding(i, x),
    ),
}


@pytest.mark.parametrize("name", sorted(LOOKUPS))
def test_row_lookups_of_many_rows_match_torch(name):
    """Large enough for the sparse path: 64 x 40 lookups of 27 rows of 48 (repeats galore)."""
    rng = np.random.default_rng(1)
    table = rng.standard_normal((27, 48)).astype(np.float32)
    index = rng.integers(0, 27, (64, 40))
    g_fn, t_fn = LOOKUPS[name]
    gx = glassnet.tensor(table, requires_grad=True)
    tx = torch.tensor(table, requires_grad=True)
    index_1d = name.startswith("index_select")
    gi = glassnet.tensor(index.reshape(-1) if index_1d else index)
    ti = torch.tensor(index.reshape(-1) if index_1d else index)
    gy, ty = g_fn(gx, gi), t_fn(tx, ti)
    seed = rng.standard_normal(tuple(ty.shape)).astype(np.float32)
    gy.backward(glassnet.tensor(seed))
    ty.backward(torch.tensor(seed))
    np.testing.assert_allclose(gy.detach().numpy(), ty.detach().numpy())
    np.testing.assert_allclose(gx.grad.numpy(), tx.grad.numpy(), rtol=1e-5, atol=1e-4)
