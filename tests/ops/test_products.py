"""addmm, baddbmm, addbmm, addmv, addr, mv, inner, cross against PyTorch (values and gradients,
beta/alpha, broadcast input), float64 gradcheck, errors."""

import numpy as np
import pytest
import torch

import glassnet
from tests.ops._compare import check_gradcheck, compare_with_torch

SCALES = [(1, 1), (0.5, 2.0), (0, 1)]


@pytest.mark.parametrize("beta,alpha", SCALES)
@pytest.mark.parametrize(
    "name,shapes",
    [
        ("addmm", [(2, 4), (2, 3), (3, 4)]),
        ("addmm", [(4,), (2, 3), (3, 4)]),
        ("baddbmm", [(2, 3, 5), (2, 3, 4), (2, 4, 5)]),
        ("baddbmm", [(1, 5), (2, 3, 4), (2, 4, 5)]),
        ("addbmm", [(3, 5), (2, 3, 4), (2, 4, 5)]),
        ("addmv", [(3,), (3, 4), (4,)]),
        ("addr", [(3, 4), (3,), (4,)]),
    ],
)
def test_add_products_match_torch(name, shapes, beta, alpha):
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(s) for s in shapes]
    compare_with_torch(
        lambda *t: getattr(glassnet, name)(*t, beta=beta, alpha=alpha),
        lambda *t: getattr(torch, name)(*t, beta=beta, alpha=alpha),
        arrays,
    )
    check_gradcheck(lambda *t: getattr(t[0], name)(*t[1:], beta=beta, alpha=alpha), arrays)


def test_beta_zero_ignores_nan_in_input():
    a = glassnet.full((2, 2), float("nan"))
    out = glassnet.addmm(a, glassnet.eye(2), glassnet.ones(2, 2), beta=0)
    assert out.tolist() == [[1.0, 1.0], [1.0, 1.0]]


@pytest.mark.parametrize("shapes", [[(3, 4), (4,)], [(4,), (4,)], [(2, 3, 4), (5, 4)], [(), (3,)]])
def test_inner_matches_torch(shapes):
    rng = np.random.default_rng(1)
    arrays = [np.asarray(rng.standard_normal(s)) for s in shapes]
    compare_with_torch(glassnet.inner, torch.inner, arrays)


def test_mv_matches_torch():
    rng = np.random.default_rng(2)
    compare_with_torch(
        lambda m, v: m.mv(v), torch.mv, [rng.standard_normal((3, 4)), rng.standard_normal(4)]
    )


@pytest.mark.parametrize(
    "shape,dim", [((3,), None), ((4, 3), 1), ((3, 5), 0), ((2, 3, 3), -1), ((2, 3, 3), None)]
)
def test_cross_matches_torch(shape, dim):
    rng = np.random.default_rng(3)
    a, b = rng.standard_normal(shape), rng.standard_normal(shape)
    tdim = dim if dim is not None else [d for d, n in enumerate(shape) if n == 3][0]
    compare_with_torch(
        lambda x, y: glassnet.cross(x, y, dim=dim),
        lambda x, y: torch.linalg.cross(x, y, dim=tdim),
        [a, b],
    )
    check_gradcheck(lambda x, y: x.cross(y, dim), [a, b])


def test_product_errors():
    with pytest.raises(ValueError, match=r"addmm: mat1 must be 2-D, got shape \(3,\)"):
        glassnet.addmm(glassnet.zeros(3), glassnet.zeros(3), glassnet.zeros(3, 3))
    with pytest.raises(ValueError, match="baddbmm: batch2 must be 3-D"):
        glassnet.baddbmm(glassnet.zeros(3), glassnet.zeros(1, 3, 3), glassnet.zeros(3, 3))
    with pytest.raises(ValueError, match="mv: vec must be 1-D"):
        glassnet.mv(glassnet.zeros(3, 3), glassnet.zeros(3, 1))
    with pytest.raises(ValueError, match="cross: input and other must have the same shape"):
        glassnet.cross(glassnet.zeros(3), glassnet.zeros(2, 3))
    with pytest.raises(ValueError, match="cross: no dimension of size 3"):
        glassnet.cross(glassnet.zeros(2), glassnet.zeros(2))
    with pytest.raises(ValueError, match="cross: dimension 0 does not have size 3"):
        glassnet.cross(glassnet.zeros(2, 3), glassnet.zeros(2, 3), dim=0)


@pytest.mark.parametrize(
    "sa,sb,dims",
    [((2, 3, 4), (3, 4, 5), 2), ((2, 3), (3, 4), 1), ((2, 3), (4, 5), 0),
     ((3, 4, 5), (5, 3), ([0, 2], [1, 0])), ((3, 4), (4, 2), ([1], [0]))],
)  # fmt: skip
def test_tensordot_matches_torch(sa, sb, dims):
    rng = np.random.default_rng(4)
    a, b = rng.standard_normal(sa), rng.standard_normal(sb)
    compare_with_torch(
        lambda x, y: glassnet.tensordot(x, y, dims),
        lambda x, y: torch.tensordot(x, y, dims),
        [a, b],
    )
    check_gradcheck(lambda x, y: glassnet.tensordot(x, y, dims), [a, b])


@pytest.mark.parametrize("sa,sb", [((2, 2), (2, 3)), ((3,), (2,)), ((2, 1, 2), (3, 2)), ((), (2,))])
def test_kron_and_dist_match_torch(sa, sb):
    rng = np.random.default_rng(5)
    a, b = np.asarray(rng.standard_normal(sa)), np.asarray(rng.standard_normal(sb))
    compare_with_torch(glassnet.kron, torch.kron, [a, b])
    c = rng.standard_normal(sa)
    for p in (2, 1, 3):
        compare_with_torch(
            lambda x, y, p=p: x.dist(y, p), lambda x, y, p=p: x.dist(y, p), [a, np.asarray(c)]
        )


def test_tensordot_errors():
    with pytest.raises(ValueError, match=r"tensordot: dims=3 must be in \[0, 2\]"):
        glassnet.tensordot(glassnet.zeros(2, 2), glassnet.zeros(2, 2), 3)
    with pytest.raises(ValueError, match="tensordot: both dim lists should have same length"):
        glassnet.tensordot(glassnet.zeros(2, 2), glassnet.zeros(2, 2), ([0, 1], [0]))
