"""einsum against PyTorch: matrix, batch, trace, diagonal, outer, implicit output, ellipsis and
size-1 broadcasting; gradients of every operand and float64 gradcheck; error messages."""

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import glassnet
from tests.ops._compare import SETTINGS, check_gradcheck, compare_with_torch, dtypes, randn, seeds

CASES = [
    ("ij,jk->ik", [(2, 3), (3, 4)]),
    ("ij,jk", [(2, 3), (3, 4)]),
    ("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)]),
    ("ii->", [(3, 3)]),
    ("ii->i", [(4, 4)]),
    ("ii", [(4, 4)]),
    ("iij->ji", [(3, 3, 2)]),
    ("i,j->ij", [(3,), (4,)]),
    ("i,i->", [(5,), (5,)]),
    ("ij->", [(2, 3)]),
    ("ij->j", [(2, 3)]),
    ("ij->ji", [(2, 3)]),
    ("ba", [(2, 3)]),
    ("ij,ij->ij", [(2, 3), (2, 3)]),
    ("ij,kl->", [(2, 3), (4, 5)]),
    ("ijk,ikl,ilm->ijm", [(2, 3, 4), (2, 4, 5), (2, 5, 2)]),
    ("...ij,...jk->...ik", [(2, 3, 4), (4, 5)]),
    ("...ij->...ji", [(2, 2, 3, 4)]),
    ("b...i,...i->b", [(2, 1, 3), (4, 3)]),
    ("...ij->ij", [(2, 3, 4)]),
    ("i...->...", [(3, 2, 2)]),
    ("ij,jk->ik", [(2, 1), (3, 4)]),
    ("bhqd,bhkd->bhqk", [(2, 2, 3, 4), (2, 2, 5, 4)]),
    ("Ab,bC->AC", [(2, 3), (3, 2)]),
    ("->", [()]),
    (",->", [(), ()]),
    ("i,->i", [(3,), ()]),
    (" i j , j k -> i k ", [(2, 3), (3, 2)]),
]


@pytest.mark.parametrize("equation,shapes", CASES)
def test_einsum_matches_torch_values_and_gradients(equation, shapes):
    rng = np.random.default_rng(0)
    arrays = [randn(rng, s) for s in shapes]
    compare_with_torch(
        lambda *t: glassnet.einsum(equation, *t), lambda *t: torch.einsum(equation, *t), arrays
    )


@pytest.mark.parametrize("equation,shapes", CASES)
def test_einsum_gradcheck(equation, shapes):
    rng = np.random.default_rng(1)
    check_gradcheck(lambda *t: glassnet.einsum(equation, *t), [randn(rng, s) for s in shapes])


@given(dtypes, seeds, st.integers(1, 3), st.integers(1, 3), st.integers(0, 3))
@SETTINGS
def test_einsum_random_batched_products(dtype, seed, n, m, batch):
    rng = np.random.default_rng(seed)
    lead = (2,) * batch
    a, b = randn(rng, lead + (n, m), dtype), randn(rng, (m, n), dtype)
    compare_with_torch(
        lambda x, y: glassnet.einsum("...nm,mk->...kn", x, y),
        lambda x, y: torch.einsum("...nm,mk->...kn", x, y),
        [a, b],
    )


def test_einsum_takes_operands_as_a_list_and_integers():
    a = glassnet.tensor([[1, 2], [3, 4]])
    out = glassnet.einsum("ij,jk->ik", [a, a])
    assert out.dtype == np.int64 and out.tolist() == [[7, 10], [15, 22]]
    assert glassnet.einsum("ii", a).item() == 5


@pytest.mark.parametrize(
    "equation,shapes,error,message",
    [
        ("ij,jk", [(2, 3), (4, 4)], ValueError, "subscript j has size 4 for operand 1 which does"),
        ("ij,jk->ik", [(2, 3)], ValueError, "fewer operands were provided than specified"),
        ("ij", [(2, 3), (3, 3)], ValueError, "more operands were provided than specified"),
        ("ij->k", [(2, 3)], ValueError, "output subscript k does not appear in the equation"),
        ("ij->ii", [(2, 3)], ValueError, "output subscript i appears more than once"),
        ("ijk->ij", [(2, 3)], ValueError, r"number of subscripts in the equation \(3\) does not"),
        ("ijk...->ij", [(2, 3)], ValueError, r"\(3\) is more than the number of dimensions \(2\)"),
        ("i1,j->ij", [(2, 2), (3,)], ValueError, "subscripts must be in \\[a-zA-Z\\]: '1'"),
        ("...i...->i", [(2, 3)], ValueError, "found more than one ellipsis"),
    ],
)
def test_einsum_errors(equation, shapes, error, message):
    tensors = [glassnet.zeros(*s) for s in shapes]
    with pytest.raises(error, match="einsum\\(\\): .*" + message):
        glassnet.einsum(equation, *tensors)


def test_einsum_dtype_and_argument_errors():
    with pytest.raises(TypeError, match="einsum\\(\\): all operands must have the same dtype"):
        glassnet.einsum("i,i", glassnet.zeros(2), glassnet.zeros(2, dtype=glassnet.float64))
    with pytest.raises(TypeError, match="einsum\\(\\): the equation must be a string"):
        glassnet.einsum(glassnet.zeros(2), [0])
    with pytest.raises(ValueError, match="einsum\\(\\): must provide at least one operand"):
        glassnet.einsum("i")
