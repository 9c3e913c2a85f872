"""matmul (every 1-D / 2-D / batched-and-broadcast combination), mm, bmm, dot, outer and the fused
linear against PyTorch: values and gradients in float32 and float64, gradchecks, shape errors."""

import numpy as np
import pytest
import torch
import torch.nn.functional as TF
from hypothesis import given
from hypothesis import strategies as st

import glassnet
from tests.ops._compare import SETTINGS, check_gradcheck, compare_with_torch, dtypes, randn, seeds


@st.composite
def matmul_shapes(draw):
    """Two shapes matmul accepts: 1-D or matrices with broadcastable batch dims."""
    n, k, m = (draw(st.integers(1, 4)) for _ in range(3))
    a_kind, b_kind = (
        draw(st.sampled_from(["vec", "mat", "batch"])),
        draw(st.sampled_from(["vec", "mat", "batch"])),
    )
    batch = draw(st.lists(st.integers(1, 3), min_size=1, max_size=2))
    a_batch = [b if draw(st.booleans()) else 1 for b in batch]
    b_batch = [b if draw(st.booleans()) else 1 for b in batch]
    b_batch = b_batch[draw(st.integers(0, len(b_batch))) :]  # fewer leading dims broadcast
    a = {"vec": (k,), "mat": (n, k), "batch": (*a_batch, n, k)}[a_kind]
    b = {"vec": (k,), "mat": (k, m), "batch": (*b_batch, k, m)}[b_kind]
    return a, b


@SETTINGS
@given(pair=matmul_shapes(), dtype=dtypes, seed=seeds)
def test_matmul_matches_torch(pair, dtype, seed):
    rng = np.random.default_rng(seed)
    a, b = (randn(rng, s, dtype) for s in pair)
    compare_with_torch(lambda x, y: x @ y, lambda x, y: x @ y, [a, b], seed=seed)


@pytest.mark.parametrize(
    "sa, sb",
    [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 2)), ((2, 1, 2, 3), (4, 3, 2)), ((3,), (2, 3, 1))],
)
def test_matmul_gradcheck(sa, sb):
    rng = np.random.default_rng(8)
    check_gradcheck(glassnet.matmul, [randn(rng, sa), randn(rng, sb)])


def test_matmul_with_only_one_input_requiring_grad():
    rng = np.random.default_rng(9)
    a, b = randn(rng, (2, 3)), randn(rng, (3, 4))
    compare_with_torch(glassnet.matmul, torch.matmul, [a, b], grad=[True, False])
    compare_with_torch(glassnet.matmul, torch.matmul, [a, b], grad=[False, True])


def test_mm_bmm_dot_outer_match_torch():
    rng = np.random.default_rng(10)
    compare_with_torch(glassnet.mm, torch.mm, [randn(rng, (2, 3)), randn(rng, (3, 4))])
    compare_with_torch(glassnet.bmm, torch.bmm, [randn(rng, (2, 2, 3)), randn(rng, (2, 3, 4))])
    compare_with_torch(glassnet.dot, torch.dot, [randn(rng, (5,)), randn(rng, (5,))])
    compare_with_torch(glassnet.outer, torch.outer, [randn(rng, (3,)), randn(rng, (2,))])
    pair = [randn(rng, (1, 3)), randn(rng, (3, 1))]
    compare_with_torch(lambda x, y: x.mm(y), lambda x, y: x.mm(y), pair)


@SETTINGS
@given(
    lead=st.lists(st.integers(1, 3), max_size=2),
    fin=st.integers(1, 5),
    fout=st.integers(1, 5),
    bias=st.booleans(),
    dtype=dtypes,
    seed=seeds,
)
def test_linear_matches_torch(lead, fin, fout, bias, dtype, seed):
    rng = np.random.default_rng(seed)
    arrays = [randn(rng, (*lead, fin), dtype), randn(rng, (fout, fin), dtype)]
    if bias:
        arrays.append(randn(rng, (fout,), dtype))
    compare_with_torch(glassnet.linear, TF.linear, arrays, seed=seed)


def test_linear_gradcheck():
    rng = np.random.default_rng(11)
    x, W, b = randn(rng, (2, 3, 4)), randn(rng, (5, 4)), randn(rng, (5,))
    check_gradcheck(glassnet.linear, [x, W, b])
    check_gradcheck(glassnet.linear, [x[0, 0], W])
    check_gradcheck(glassnet.linear, [x, W, b], grad=[False, True, True])


def test_integer_matmul_stays_integer():
    a = glassnet.tensor([[1, 2], [3, 4]])
    out = a @ a
    assert out.dtype == glassnet.int64
    np.testing.assert_array_equal(out._data, [[7, 10], [15, 22]])


# ----------------------------------------------------------------------------- errors
def test_matmul_shape_mismatch_names_op_and_both_shapes():
    with pytest.raises(ValueError, match=r"matmul: shapes \(2, 3\) and \(4, 5\) are not aligned"):
        glassnet.ones(2, 3) @ glassnet.ones(4, 5)
    with pytest.raises(ValueError, match=r"matmul: shapes \(3,\) and \(4,\)"):
        glassnet.matmul(glassnet.ones(3), glassnet.ones(4))
    with pytest.raises(ValueError, match=r"matmul: the batch dimensions of shapes \(2, 2, 3\)"):
        glassnet.ones(2, 2, 3) @ glassnet.ones(3, 3, 4)  # batch dims do not broadcast
    with pytest.raises(ValueError, match=r"matmul: both arguments need at least 1 dimension"):
        glassnet.tensor(2.0) @ glassnet.ones(2)


def test_mm_bmm_dot_linear_errors():
    with pytest.raises(ValueError, match=r"mm: expects 2-D matrices, got \(3,\) and \(3, 2\)"):
        glassnet.mm(glassnet.ones(3), glassnet.ones(3, 2))
    with pytest.raises(ValueError, match="bmm: expects two 3-D tensors with the same batch"):
        glassnet.bmm(glassnet.ones(2, 2, 3), glassnet.ones(3, 3, 2))
    with pytest.raises(ValueError, match="dot: expects 1-D tensors"):
        glassnet.dot(glassnet.ones(2, 2), glassnet.ones(2))
    with pytest.raises(ValueError, match=r"linear: input of shape \(2, 3\).*weight of shape"):
        glassnet.linear(glassnet.ones(2, 3), glassnet.ones(4, 5))
    with pytest.raises(ValueError, match=r"linear: bias shape \(3,\) should be \(4,\)"):
        glassnet.linear(glassnet.ones(2, 5), glassnet.ones(4, 5), glassnet.ones(3))
