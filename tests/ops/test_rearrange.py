"""roll, repeat_interleave, movedim, diagonal, diag, trace, masked_select, take_along_dim and
ravel against PyTorch (values, gradients, float64 gradcheck) and their errors."""

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import glassnet
from tests.ops._compare import SETTINGS, check_gradcheck, compare_with_torch, dtypes, randn, seeds
from tests.ops._compare import shapes as shape_strategy


@given(shape_strategy(min_dims=0, max_dims=3), dtypes, seeds, st.data())
@SETTINGS
def test_roll_matches_torch(shape, dtype, seed, data):
    x = np.asarray(randn(np.random.default_rng(seed), shape, dtype))
    n = max(len(shape), 1)
    k = data.draw(st.integers(1, n))
    dims = tuple(data.draw(st.lists(st.integers(-n, n - 1), min_size=k, max_size=k)))
    shifts = tuple(data.draw(st.lists(st.integers(-5, 5), min_size=k, max_size=k)))
    compare_with_torch(lambda t: glassnet.roll(t, 2), lambda t: torch.roll(t, 2), [x])
    if not shape:
        with pytest.raises(IndexError, match="roll: dimension specified as -?[01] but tensor has"):
            glassnet.roll(glassnet.tensor(x), shifts, dims)
        return
    compare_with_torch(lambda t: t.roll(shifts, dims), lambda t: t.roll(shifts, dims), [x])
    compare_with_torch(
        lambda t: glassnet.roll(t, shifts[0], dims[0]),
        lambda t: torch.roll(t, shifts[0], dims[0]),
        [x],
    )


def test_roll_gradcheck_and_errors():
    x = np.random.default_rng(0).standard_normal((3, 4))
    check_gradcheck(lambda t: glassnet.roll(t, (1, -2), (0, 1)), [x])
    check_gradcheck(lambda t: glassnet.roll(t, 5), [x])
    with pytest.raises(
        ValueError, match=r"roll: shifts and dimensions must align \(shifts: 2, dims: 1\)"
    ):
        glassnet.roll(glassnet.zeros(2, 3), (1, 2), (0,))
    with pytest.raises(
        ValueError, match=r"roll: shifts and dimensions must align \(shifts: 2, dims: 0\)"
    ):
        glassnet.roll(glassnet.zeros(2, 3), (1, 2))


@given(shape_strategy(min_dims=0, max_dims=3), dtypes, seeds, st.data())
@SETTINGS
def test_repeat_interleave_matches_torch(shape, dtype, seed, data):
    rng = np.random.default_rng(seed)
    x = np.asarray(randn(rng, shape, dtype))
    n = max(len(shape), 1)
    dim = data.draw(st.one_of(st.none(), st.integers(-n, n - 1))) if shape else None
    length = x.size if dim is None else (shape[dim] if shape else 1)
    if data.draw(st.booleans()):
        reps = data.draw(st.integers(0, 3))
        g_reps = t_reps = reps
    else:
        r = rng.integers(0, 4, length)
        g_reps, t_reps = glassnet.tensor(r), torch.tensor(r)
    compare_with_torch(
        lambda t: glassnet.repeat_interleave(t, g_reps, dim=dim),
        lambda t: torch.repeat_interleave(t, t_reps, dim=dim),
        [x],
    )


def test_repeat_interleave_forms_gradcheck_and_errors():
    x = np.random.default_rng(0).standard_normal((3, 2))
    check_gradcheck(lambda t: t.repeat_interleave(glassnet.tensor([2, 0, 3]), dim=0), [x])
    check_gradcheck(lambda t: glassnet.repeat_interleave(t, 2), [x])
    counts = glassnet.repeat_interleave(glassnet.tensor([2, 1]))
    assert counts.tolist() == torch.repeat_interleave(torch.tensor([2, 1])).tolist()
    one = glassnet.repeat_interleave(glassnet.tensor([1, 2]), glassnet.tensor([3]))
    assert one.tolist() == [1, 1, 1, 2, 2, 2]
    with pytest.raises(ValueError, match="repeat_interleave: repeats must have the same size as"):
        glassnet.repeat_interleave(glassnet.tensor([1, 2]), glassnet.tensor([1, 2, 3]))
    with pytest.raises(ValueError, match="repeat_interleave: repeats can not be negative"):
        glassnet.repeat_interleave(glassnet.tensor([1, 2]), glassnet.tensor([-1, 2]))
    with pytest.raises(TypeError, match="repeat_interleave: repeats must be an integer"):
        glassnet.repeat_interleave(glassnet.tensor([1, 2]), glassnet.tensor([1.0, 2.0]))
    with pytest.raises(ValueError, match="repeat_interleave: output_size=5 does not match"):
        glassnet.repeat_interleave(glassnet.tensor([1, 2]), 2, output_size=5)
    with pytest.raises(IndexError, match="repeat_interleave: dimension specified as 0 but"):
        glassnet.repeat_interleave(glassnet.tensor(1.0), 2, dim=0)
    zero_d = glassnet.repeat_interleave(glassnet.tensor(1.5), 3)
    assert zero_d.tolist() == torch.repeat_interleave(torch.tensor(1.5), 3).tolist()


@pytest.mark.parametrize(
    "source,destination", [(0, 2), (-1, 0), ((0, 1), (2, 0)), ((2, 0), (0, 1)), (1, 1)]
)
def test_movedim_matches_torch(source, destination):
    x = np.random.default_rng(0).standard_normal((2, 3, 4))
    compare_with_torch(
        lambda t: t.movedim(source, destination), lambda t: t.movedim(source, destination), [x]
    )
    with pytest.raises(ValueError, match="movedim: Invalid source or destination dims"):
        glassnet.movedim(glassnet.tensor(x), (0, 1), 2)


@pytest.mark.parametrize(
    "shape,offset,dim1,dim2",
    [((3, 4), 0, 0, 1), ((3, 4), 1, 0, 1), ((3, 4), -2, 0, 1), ((4, 3), 0, 1, 0),
     ((2, 3, 4), 1, -1, 0), ((3, 3), 5, 0, 1)],
)  # fmt: skip
def test_diagonal_matches_torch_and_gradcheck(shape, offset, dim1, dim2):
    x = np.random.default_rng(0).standard_normal(shape)
    compare_with_torch(
        lambda t: t.diagonal(offset, dim1, dim2), lambda t: t.diagonal(offset, dim1, dim2), [x]
    )
    if 0 not in glassnet.tensor(x).diagonal(offset, dim1, dim2).shape:
        check_gradcheck(lambda t: glassnet.diagonal(t, offset, dim1, dim2), [x])


@pytest.mark.parametrize(
    "shape,diagonal", [((3,), 0), ((3,), 1), ((3,), -2), ((3, 4), 1), ((4, 3), -1)]
)
def test_diag_and_trace_match_torch(shape, diagonal):
    x = np.random.default_rng(0).standard_normal(shape)
    compare_with_torch(lambda t: t.diag(diagonal), lambda t: t.diag(diagonal), [x])
    check_gradcheck(lambda t: glassnet.diag(t, diagonal), [x])
    if len(shape) == 2:
        compare_with_torch(glassnet.trace, torch.trace, [x])


def test_diagonal_diag_trace_errors():
    with pytest.raises(ValueError, match="diagonal: input must have at least 2 dims"):
        glassnet.diagonal(glassnet.zeros(3))
    with pytest.raises(ValueError, match="diagonal: dim1 and dim2 cannot be the same"):
        glassnet.diagonal(glassnet.zeros(3, 3), 0, 1, -1)
    with pytest.raises(ValueError, match="diag: input must be 1-D or 2-D"):
        glassnet.diag(glassnet.zeros(2, 2, 2))
    with pytest.raises(ValueError, match="trace: expected a matrix"):
        glassnet.trace(glassnet.zeros(3))


@given(shape_strategy(min_dims=0, max_dims=3), seeds)
@SETTINGS
def test_masked_select_matches_torch(shape, seed):
    rng = np.random.default_rng(seed)
    x = np.asarray(randn(rng, shape))
    mask = rng.random(shape[1:]) < 0.5  # broadcast over the first dim
    compare_with_torch(
        lambda t: t.masked_select(glassnet.tensor(mask)),
        lambda t: t.masked_select(torch.tensor(mask)),
        [x],
    )


def test_masked_select_errors():
    with pytest.raises(TypeError, match="masked_select: mask must be a bool tensor"):
        glassnet.masked_select(glassnet.zeros(2), glassnet.tensor([1, 0]))
    with pytest.raises(
        ValueError, match=r"masked_select: mask of shape \(3,\) cannot be broadcast"
    ):
        glassnet.masked_select(glassnet.zeros(2), glassnet.tensor([True, False, True]))


def test_take_along_dim_and_ravel_match_torch():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 4))
    idx = np.argsort(x, axis=1)[:, :2]
    compare_with_torch(
        lambda t: glassnet.take_along_dim(t, glassnet.tensor(idx), 1),
        lambda t: torch.take_along_dim(t, torch.tensor(idx), 1),
        [x],
    )
    col = rng.integers(0, 3, (1, 4))  # broadcast over the other dim
    compare_with_torch(
        lambda t: t.take_along_dim(glassnet.tensor(col), dim=0),
        lambda t: t.take_along_dim(torch.tensor(col), dim=0),
        [x],
    )
    flat = np.array([0, 5, 11])
    compare_with_torch(
        lambda t: glassnet.take_along_dim(t, glassnet.tensor(flat)),
        lambda t: torch.take_along_dim(t, torch.tensor(flat)),
        [x],
    )
    compare_with_torch(lambda t: t.ravel(), lambda t: t.ravel(), [x])


@pytest.mark.parametrize(
    "shape,dim,size,step",
    [((7,), 0, 3, 2), ((7,), 0, 2, 1), ((3, 8), 1, 4, 3), ((5, 2), 0, 2, 2), ((4, 3), -1, 3, 1),
     ((6,), 0, 6, 1), ((6,), 0, 0, 2)],
)  # fmt: skip
def test_unfold_matches_torch_and_gradcheck(shape, dim, size, step):
    x = np.random.default_rng(0).standard_normal(shape)
    compare_with_torch(
        lambda t: t.unfold(dim, size, step), lambda t: t.unfold(dim, size, step), [x]
    )
    if size:
        check_gradcheck(lambda t: t.unfold(dim, size, step), [x])
    with pytest.raises(ValueError, match="unfold: size 9 exceeds the size of dim"):
        glassnet.tensor(x).unfold(dim, 9, 1)
    with pytest.raises(ValueError, match="unfold: step is 0 but must be > 0"):
        glassnet.tensor(x).unfold(dim, 1, 0)


@pytest.mark.parametrize("sections", [3, 1, 8, [1, 5], [0, 2, 2, 9], [4]])
def test_tensor_split_matches_torch(sections):
    x = np.random.default_rng(0).standard_normal((7, 2))
    g = glassnet.tensor(x, requires_grad=True).tensor_split(sections)
    t = torch.tensor(x).tensor_split(sections)
    assert len(g) == len(t)
    for a, b in zip(g, t):
        np.testing.assert_array_equal(a.detach().numpy(), b.numpy())
    check_gradcheck(lambda v: glassnet.cat(v.tensor_split(sections), 0), [x])
    with pytest.raises(ValueError, match="tensor_split: number of sections must be larger than 0"):
        glassnet.tensor(x).tensor_split(0)


def test_split_with_sizes_and_take_match_torch():
    x = np.random.default_rng(0).standard_normal((5, 3))
    g, t = glassnet.tensor(x).split_with_sizes([2, 3]), torch.tensor(x).split_with_sizes([2, 3])
    for a, b in zip(g, t):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    index = np.array([[0, 14], [7, 7]])
    compare_with_torch(
        lambda v: v.take(glassnet.tensor(index)), lambda v: v.take(torch.tensor(index)), [x]
    )
    with pytest.raises(IndexError, match="take: index out of range for a tensor of 15 elements"):
        glassnet.take(glassnet.tensor(x), glassnet.tensor([15]))
    with pytest.raises(TypeError, match="take: index must be an integer tensor"):
        glassnet.take(glassnet.tensor(x), glassnet.tensor([1.0]))


@pytest.mark.parametrize(
    "n,dim,pre,app",
    [(1, -1, False, False), (2, 0, False, False), (1, 1, True, True), (3, 1, False, True),
     (5, 0, False, False)],
)  # fmt: skip
def test_diff_matches_torch(n, dim, pre, app):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 4))
    extra = rng.standard_normal((3, 4))
    gp = glassnet.tensor(extra) if pre else None
    ga = glassnet.tensor(extra) if app else None
    tp = torch.tensor(extra) if pre else None
    ta = torch.tensor(extra) if app else None
    compare_with_torch(lambda t: t.diff(n, dim, gp, ga), lambda t: t.diff(n, dim, tp, ta), [x])
    with pytest.raises(ValueError, match="diff: expected a tensor with at least 1 dimension"):
        glassnet.diff(glassnet.tensor(1.0))


@pytest.mark.parametrize("indices", [[-1], [1, -1], [-5, 2], [-2, -3]])
def test_tensor_split_negative_indices_count_from_the_end_like_torch(indices):
    x = np.arange(8.0).reshape(4, 2)
    got = glassnet.tensor(x).tensor_split(indices)
    want = torch.tensor(x).tensor_split(indices)
    assert [p.shape for p in got] == [tuple(p.shape) for p in want]
    for g, t in zip(got, want):
        np.testing.assert_array_equal(g.numpy(), t.numpy())
