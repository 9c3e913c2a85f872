"""Movement ops against PyTorch (values and gradients, float32 and float64, random shapes with
0-d and size-1 axes) and float64 gradchecks; shape errors name the op and the shapes."""

import numpy as np
import pytest
import torch
import torch.nn.functional as TF
from hypothesis import given
from hypothesis import strategies as st

import glassnet
from tests.ops._compare import (
    SETTINGS,
    check_gradcheck,
    compare_with_torch,
    dtypes,
    randn,
    seeds,
    shapes,
)


def _both(fn):
    """The same call works on glassnet and torch tensors."""
    return fn, fn


@st.composite
def shape_and_perm(draw):
    shape = draw(shapes())
    return shape, tuple(draw(st.permutations(range(len(shape)))))


@st.composite
def shape_and_axis(draw, min_dims=1):
    shape = draw(shapes(min_dims=min_dims))
    n = len(shape)
    return shape, draw(st.integers(-n, n - 1))


def _check(gfn, tfn, shape, dtype, seed):
    x = randn(np.random.default_rng(seed), shape, dtype)
    compare_with_torch(gfn, tfn, [x], seed=seed)


@SETTINGS
@given(sp=shape_and_perm(), dtype=dtypes, seed=seeds)
def test_permute_reshape_flatten(sp, dtype, seed):
    shape, perm = sp
    _check(*_both(lambda t: t.permute(perm)), shape, dtype, seed)
    _check(*_both(lambda t: t.permute(perm).reshape(-1)), shape, dtype, seed)
    _check(*_both(lambda t: t.reshape(tuple(reversed(shape)))), shape, dtype, seed)
    _check(*_both(lambda t: t.view(-1, 1)), shape, dtype, seed)
    _check(*_both(lambda t: t.flatten()), shape, dtype, seed)
    _check(*_both(lambda t: t.T if t.ndim != 3 else t.permute(2, 1, 0)), shape, dtype, seed)


@SETTINGS
@given(sa=shape_and_axis(min_dims=2), dtype=dtypes, seed=seeds)
def test_transpose_swapaxes_flatten_range(sa, dtype, seed):
    shape, axis = sa
    _check(*_both(lambda t: t.transpose(axis, 0)), shape, dtype, seed)
    _check(*_both(lambda t: t.swapaxes(-1, axis)), shape, dtype, seed)
    _check(*_both(lambda t: t.mT), shape, dtype, seed)
    _check(*_both(lambda t: t.flatten(1)), shape, dtype, seed)
    _check(*_both(lambda t: t.flatten(0, -2)), shape, dtype, seed)
    _check(
        lambda t: glassnet.unflatten(t, 0, (1, shape[0])),
        lambda t: torch.unflatten(t, 0, (1, shape[0])),
        shape,
        dtype,
        seed,
    )


@SETTINGS
@given(shape=shapes(), dtype=dtypes, seed=seeds, data=st.data())
def test_squeeze_unsqueeze(shape, dtype, seed, data):
    n = len(shape)
    new_axis = data.draw(st.integers(-n - 1, n))
    _check(*_both(lambda t: t.unsqueeze(new_axis)), shape, dtype, seed)
    _check(*_both(lambda t: t.squeeze()), shape, dtype, seed)
    if n:
        axis = data.draw(st.integers(-n, n - 1))
        _check(*_both(lambda t: t.squeeze(axis)), shape, dtype, seed)
        _check(lambda t: glassnet.squeeze(t, axis), lambda t: t.squeeze(axis), shape, dtype, 0)


@SETTINGS
@given(shape=shapes(max_dims=3), dtype=dtypes, seed=seeds, data=st.data())
def test_expand_broadcast_to_repeat(shape, dtype, seed, data):
    lead = data.draw(st.lists(st.integers(1, 3), max_size=2))
    target = tuple(lead) + tuple(data.draw(st.integers(2, 3)) if s == 1 else s for s in shape)
    keep = tuple(lead) + tuple(-1 if s != 1 else t for s, t in zip(shape, target[len(lead) :]))
    _check(*_both(lambda t: t.expand(target)), shape, dtype, seed)
    _check(*_both(lambda t: t.expand(keep)), shape, dtype, seed)
    _check(
        lambda t: glassnet.broadcast_to(t, target),
        lambda t: torch.broadcast_to(t, target),
        shape,
        dtype,
        seed,
    )
    reps = tuple(lead) + tuple(data.draw(st.integers(1, 3)) for _ in shape)
    _check(*_both(lambda t: t.repeat(reps)), shape, dtype, seed)


def test_expand_as_and_view_as():
    x, y = np.arange(3.0).reshape(3, 1), np.zeros((2, 3, 4))
    compare_with_torch(lambda a, b: a.expand_as(b), lambda a, b: a.expand_as(b), [x, y])
    compare_with_torch(lambda a, b: a.view_as(b), lambda a, b: a.view_as(b), [y, y])


@st.composite
def cat_case(draw):
    shape = draw(shapes(min_dims=1, max_dims=3))
    n = len(shape)
    axis = draw(st.integers(-n, n - 1))
    k = draw(st.integers(1, 4))
    sizes = draw(st.lists(st.integers(0, 3), min_size=k, max_size=k))
    out = []
    for s in sizes:
        piece = list(shape)
        piece[axis] = s
        out.append(tuple(piece))
    return out, axis


@SETTINGS
@given(case=cat_case(), dtype=dtypes, seed=seeds)
def test_cat_matches_torch(case, dtype, seed):
    pieces, axis = case
    rng = np.random.default_rng(seed)
    arrays = [randn(rng, s, dtype) for s in pieces]
    compare_with_torch(
        lambda *ts: glassnet.cat(ts, axis), lambda *ts: torch.cat(ts, axis), arrays, seed=seed
    )


@SETTINGS
@given(shape=shapes(), k=st.integers(1, 3), dtype=dtypes, seed=seeds, data=st.data())
def test_stack_matches_torch(shape, k, dtype, seed, data):
    n = len(shape) + 1
    axis = data.draw(st.integers(-n, n - 1))
    rng = np.random.default_rng(seed)
    arrays = [randn(rng, shape, dtype) for _ in range(k)]
    compare_with_torch(
        lambda *ts: glassnet.stack(list(ts), dim=axis),
        lambda *ts: torch.stack(ts, dim=axis),
        arrays,
        seed=seed,
    )


def _joined(parts):
    """Reduce a tuple of pieces to one tensor with a different weight per piece."""
    return sum((p * (i + 1)).sum() for i, p in enumerate(parts))


@SETTINGS
@given(sa=shape_and_axis(), size=st.integers(1, 4), chunks=st.integers(1, 5), seed=seeds)
def test_split_chunk_unbind_match_torch(sa, size, chunks, seed):
    shape, axis = sa
    x = randn(np.random.default_rng(seed), shape)
    for gfn, tfn in [
        (lambda t: t.split(size, axis), lambda t: t.split(size, axis)),
        (lambda t: glassnet.chunk(t, chunks, axis), lambda t: torch.chunk(t, chunks, axis)),
        (lambda t: t.unbind(axis), lambda t: t.unbind(axis)),
    ]:
        g, t = gfn(glassnet.tensor(x)), tfn(torch.tensor(x))
        assert isinstance(g, tuple) and len(g) == len(t)
        for a, b in zip(g, t):
            np.testing.assert_array_equal(a._data, b.numpy())
        compare_with_torch(lambda v, f=gfn: _joined(f(v)), lambda v, f=tfn: _joined(f(v)), [x])


def test_cat_and_stack_of_mixed_dtypes_promote_as_torch():
    parts = [np.ones(2, np.float32), np.arange(2), np.ones(2, np.float64)]
    for k in (2, 3):
        for fn in ("cat", "stack"):
            g = getattr(glassnet, fn)([glassnet.tensor(p) for p in parts[:k]])
            t = getattr(torch, fn)([torch.tensor(p) for p in parts[:k]])
            assert g.dtype == t.numpy().dtype, (fn, k)
            np.testing.assert_array_equal(g._data, t.numpy())


def test_split_by_sections():
    x = randn(np.random.default_rng(0), (2, 6))
    gfn = lambda t: _joined(t.split([1, 2, 3], dim=1))  # noqa: E731
    compare_with_torch(gfn, gfn, [x])
    check_gradcheck(gfn, [x])


@SETTINGS
@given(shape=shapes(min_dims=1, max_dims=3), dtype=dtypes, seed=seeds, data=st.data())
def test_pad_matches_torch(shape, dtype, seed, data):
    k = data.draw(st.integers(1, len(shape)))
    widths = tuple(data.draw(st.integers(0, 2)) for _ in range(2 * k))
    value = data.draw(st.sampled_from([0.0, -1.5]))
    _check(
        lambda t: glassnet.pad(t, widths, value=value),
        lambda t: TF.pad(t, widths, value=value),
        shape,
        dtype,
        seed,
    )


@pytest.mark.parametrize(
    "widths", [(-1, 2), (-1, -1), (-2, -2), (0, -4), (1, -1, -1, 2), (1, 1, -3, 0, -1, 0)]
)
def test_negative_pad_widths_crop_as_torch(widths):
    """A negative width cuts elements away (torch crops); their gradient is zero."""
    x = randn(np.random.default_rng(0), (2, 3, 4))
    compare_with_torch(
        lambda t: glassnet.pad(t, widths, value=2.5), lambda t: TF.pad(t, widths, value=2.5), [x]
    )
    check_gradcheck(lambda t: glassnet.pad(t, widths, value=2.5), [x])


def test_pad_cutting_more_than_a_dim_holds_is_a_clear_error():
    x = glassnet.zeros(2, 3, 4)
    with pytest.raises(ValueError, match=r"pad: padding \(-5, 2\) cuts more than the 4 elements"):
        glassnet.pad(x, (-5, 2))
    with pytest.raises(RuntimeError):
        TF.pad(torch.zeros(2, 3, 4), (-5, 2))  # torch refuses it too
    with pytest.raises(ValueError, match=r"pad: a tensor of size \(2, 3, 1000000000004\)"):
        glassnet.pad(x, (0, 10**12))


def test_split_of_an_empty_dim_by_zero_gives_one_piece_as_torch():
    for shape, dim in [((0,), 0), ((0, 3), 0), ((2, 0), 1)]:
        got = glassnet.split(glassnet.zeros(*shape), 0, dim=dim)
        want = torch.split(torch.zeros(*shape), 0, dim=dim)
        assert [p.shape for p in got] == [tuple(p.shape) for p in want]
    with pytest.raises(ValueError, match=r"split: split_size must be positive .* got 0 for dim 0"):
        glassnet.split(glassnet.zeros(3), 0)
    with pytest.raises(ValueError, match=r"split: split_size must be positive .* got -1"):
        glassnet.split(glassnet.zeros(0), -1)


@SETTINGS
@given(shape=shapes(min_dims=1), dtype=dtypes, seed=seeds, data=st.data())
def test_flip_matches_torch(shape, dtype, seed, data):
    n = len(shape)
    axes = tuple(data.draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=n, unique=True)))
    _check(lambda t: glassnet.flip(t, axes), lambda t: torch.flip(t, axes), shape, dtype, seed)
    _check(*_both(lambda t: t.flip(*axes)), shape, dtype, seed)
    _check(*_both(lambda t: t.flip(-1)), shape, dtype, seed)


@SETTINGS
@given(shape=shapes(min_dims=2), k=st.integers(-2, 2), dtype=dtypes, seed=seeds)
def test_tril_triu_match_torch(shape, k, dtype, seed):
    _check(*_both(lambda t: t.tril(k)), shape, dtype, seed)
    _check(lambda t: glassnet.triu(t, k), lambda t: torch.triu(t, k), shape, dtype, seed)


GRADCHECKS = {
    "reshape": lambda t: t.reshape(3, 2),
    "permute": lambda t: t.permute(1, 0),
    "transpose": lambda t: t.transpose(0, 1),
    "expand": lambda t: t[:, :1].expand(4, 2, 3),
    "repeat": lambda t: t.repeat(2, 1, 2),
    "cat": lambda t: glassnet.cat([t, t * 2, t[:, :1]], dim=1),
    "stack": lambda t: glassnet.stack([t, t.exp()], dim=1),
    "chunk": lambda t: _joined(t.chunk(2, dim=1)),
    "pad": lambda t: glassnet.pad(t, (1, 2, 0, 1), value=3.0),
    "flip": lambda t: t.flip(0, 1),
    "tril": lambda t: t.tril(),
    "triu": lambda t: t.triu(1),
    "squeeze": lambda t: t.unsqueeze(0).squeeze(0),
    "flatten": lambda t: t.flatten(),
}


@pytest.mark.parametrize("name", sorted(GRADCHECKS))
def test_movement_gradcheck(name):
    check_gradcheck(GRADCHECKS[name], [randn(np.random.default_rng(6), (2, 3))])


# ----------------------------------------------------------------------------- errors
def test_cat_shape_mismatch_names_op_and_both_shapes():
    a, b = glassnet.ones(2, 3), glassnet.ones(2, 4)
    with pytest.raises(ValueError, match=r"cat: tensor 1 has shape \(2, 4\).*\(2, 3\)"):
        glassnet.cat([a, b], dim=0)
    with pytest.raises(ValueError, match=r"cat: tensor 1 has shape \(3,\).*\(2, 3\)"):
        glassnet.cat([a, glassnet.ones(3)])
    with pytest.raises(ValueError, match="cat: zero-dimensional"):
        glassnet.cat([glassnet.tensor(1.0), glassnet.tensor(2.0)])
    with pytest.raises(TypeError, match="cat: expects a non-empty sequence"):
        glassnet.cat([])


def test_stack_shape_mismatch_is_refused():
    with pytest.raises(ValueError, match=r"stack: tensor 1 has shape \(3,\), but tensor 0 has"):
        glassnet.stack([glassnet.ones(2), glassnet.ones(3)])


def test_reshape_expand_permute_errors_name_the_shapes():
    x = glassnet.ones(2, 3)
    with pytest.raises(ValueError, match=r"reshape: shape \(2, 3\) \(6 elements\).*\(4, 2\)"):
        x.reshape(4, 2)
    with pytest.raises(ValueError, match=r"expand: shape \(2, 3\) cannot be expanded to \(4, 3\)"):
        x.expand(4, 3)
    with pytest.raises(ValueError, match="expand: the shape"):
        x.expand(3)
    with pytest.raises(ValueError, match=r"permute: dims \(0, 0\)"):
        x.permute(0, 0)
    with pytest.raises(ValueError, match="repeat: give at least one repeat per dimension"):
        x.repeat(2)
    with pytest.raises(ValueError, match=r"split: sections \[1, 1\] do not add up"):
        x.split([1, 1], dim=1)
    with pytest.raises(ValueError, match="pad: only mode='constant'"):
        glassnet.pad(x, (1, 1), mode="reflect")
    with pytest.raises(ValueError, match="tril: needs at least 2 dimensions"):
        glassnet.ones(3).tril()
    with pytest.raises(IndexError, match="unsqueeze: dim 3 is out of range"):
        x.unsqueeze(3)
    with pytest.raises(ValueError, match="flatten: start_dim 1 comes after end_dim 0"):
        x.flatten(1, 0)
