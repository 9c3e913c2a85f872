"""scatter, index_fill, index_copy, index_add against PyTorch: values and gradients (distinct
indices, where PyTorch's result is defined), float64 gradcheck, errors."""

import numpy as np
import pytest
import torch

import glassnet
from tests.ops._compare import check_gradcheck, compare_with_torch


def _distinct_index(rng, shape, n, axis):
    """An index of `shape` whose entries along `axis` are distinct values in [0, n)."""
    moved = np.moveaxis(np.empty(shape, dtype=np.int64), axis, -1)
    for pos in np.ndindex(moved.shape[:-1]):
        moved[pos] = rng.permutation(n)[: moved.shape[-1]]
    return np.moveaxis(moved, -1, axis)


@pytest.mark.parametrize("dim", [0, 1, -1])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_scatter_src_matches_torch(dim, dtype):
    rng = np.random.default_rng(dim + 5)
    x = rng.standard_normal((4, 5)).astype(dtype)
    src = rng.standard_normal((3, 3)).astype(dtype)  # torch's backward needs src as index
    index = _distinct_index(rng, (3, 3), x.shape[dim], dim)
    compare_with_torch(
        lambda a, s: a.scatter(dim, glassnet.tensor(index), s),
        lambda a, s: a.scatter(dim, torch.tensor(index), s),
        [x, src],
    )
    check_gradcheck(lambda a, s: glassnet.scatter(a, dim, glassnet.tensor(index), s), [x, src])
    larger = rng.standard_normal((3, 4))  # only its leading (3, 3) block is read
    check_gradcheck(lambda a, s: glassnet.scatter(a, dim, glassnet.tensor(index), s), [x, larger])


def test_scatter_value_and_reduce_add_match_torch():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 4))
    index = np.array([[0, 2], [1, 3], [3, 0]])
    compare_with_torch(
        lambda a: a.scatter(1, glassnet.tensor(index), 7.5),
        lambda a: a.scatter(1, torch.tensor(index), 7.5),
        [x],
    )
    compare_with_torch(
        lambda a: glassnet.scatter(a, 1, glassnet.tensor(index), value=-1.0),
        lambda a: torch.scatter(a, 1, torch.tensor(index), value=-1.0),
        [x],
    )
    src = rng.standard_normal((3, 2))
    compare_with_torch(
        lambda a, s: a.scatter(1, glassnet.tensor(index), s, reduce="add"),
        lambda a, s: a.scatter_add(1, torch.tensor(index), s),
        [x, src],
    )


def test_scatter_errors():
    x = glassnet.zeros(2, 3)
    with pytest.raises(TypeError, match="scatter: give either src"):
        glassnet.scatter(x, 0, glassnet.tensor([[0]]))
    with pytest.raises(IndexError, match="scatter: index out of range for dim 1 of size 3"):
        x.scatter(1, glassnet.tensor([[3]]), 1.0)
    with pytest.raises(ValueError, match="scatter: index .* must have the same number of dims"):
        x.scatter(1, glassnet.tensor([0]), glassnet.zeros(1))
    with pytest.raises(ValueError, match="scatter: reduce must be 'add' or None, got 'max'"):
        x.scatter(1, glassnet.tensor([[0]]), glassnet.ones(1, 1), reduce="max")
    with pytest.raises(TypeError, match="scatter: index must be an integer tensor"):
        x.scatter(1, glassnet.tensor([[0.0]]), 1.0)


@pytest.mark.parametrize("dim", [0, 1, -1])
def test_index_fill_copy_add_match_torch(dim):
    rng = np.random.default_rng(1)
    x = rng.standard_normal((4, 5))
    n = x.shape[dim]
    index = rng.permutation(n)[:3]
    shape = list(x.shape)
    shape[dim] = 3
    src = rng.standard_normal(shape)
    gi, ti = glassnet.tensor(index), torch.tensor(index)
    compare_with_torch(
        lambda a: a.index_fill(dim, gi, 2.5), lambda a: a.index_fill(dim, ti, 2.5), [x]
    )
    compare_with_torch(
        lambda a, s: a.index_copy(dim, gi, s), lambda a, s: a.index_copy(dim, ti, s), [x, src]
    )
    compare_with_torch(
        lambda a, s: a.index_add(dim, gi, s, alpha=2.0),
        lambda a, s: a.index_add(dim, ti, s, alpha=2.0),
        [x, src],
    )
    check_gradcheck(lambda a, s: glassnet.index_copy(a, dim, gi, s), [x, src])
    check_gradcheck(lambda a, s: glassnet.index_add(a, dim, gi, s), [x, src])
    check_gradcheck(lambda a: glassnet.index_fill(a, dim, gi, 0.0), [x])


def test_index_add_accumulates_repeated_indices():
    rng = np.random.default_rng(2)
    x, src = rng.standard_normal((3, 2)), rng.standard_normal((4, 2))
    index = np.array([0, 2, 0, 0])
    compare_with_torch(
        lambda a, s: a.index_add(0, glassnet.tensor(index), s),
        lambda a, s: a.index_add(0, torch.tensor(index), s),
        [x, src],
    )


def test_index_op_errors():
    x = glassnet.zeros(3, 2)
    with pytest.raises(ValueError, match="index_fill: index must be a vector"):
        x.index_fill(0, glassnet.tensor([[0]]), 1.0)
    with pytest.raises(IndexError, match="index_add: index out of range for dim 0 of size 3"):
        x.index_add(0, glassnet.tensor([3]), glassnet.zeros(1, 2))
    with pytest.raises(ValueError, match=r"index_copy: source shape \(2, 2\) does not match"):
        x.index_copy(0, glassnet.tensor([0]), glassnet.zeros(2, 2))


@pytest.mark.parametrize("accumulate", [False, True])
def test_index_put_matches_torch(accumulate):
    rng = np.random.default_rng(3)
    x = rng.standard_normal((4, 3))
    rows, cols = np.array([0, 2, 3]), np.array([1, 1, 0])
    values = rng.standard_normal(3)
    gi = (glassnet.tensor(rows), glassnet.tensor(cols))
    ti = (torch.tensor(rows), torch.tensor(cols))
    compare_with_torch(
        lambda a, v: a.index_put(gi, v, accumulate),
        lambda a, v: a.index_put(ti, v, accumulate),
        [x, values],
    )
    check_gradcheck(lambda a, v: glassnet.index_put(a, gi, v, accumulate), [x, values])
    mask = (glassnet.tensor(x > 0),)
    g = glassnet.tensor(x).index_put_(mask, glassnet.tensor(0.0, dtype=glassnet.float64))
    t = torch.tensor(x).index_put_((torch.tensor(x > 0),), torch.tensor(0.0, dtype=torch.float64))
    np.testing.assert_array_equal(g.numpy(), t.numpy())
    with pytest.raises(
        IndexError, match=r"index_put: index 5 is out of bounds .*\(input shape \(4, 3\)\)"
    ):
        glassnet.tensor(x).index_put((glassnet.tensor([5]),), glassnet.tensor(1.0))
