"""Elementwise ops against PyTorch: values and gradients on random broadcast shapes (0-d and
size-1 included), float32 and float64, float64 finite differences, dtype rules and errors."""

import numpy as np
import pytest
import torch
from hypothesis import given

import glassnet
from glassnet.autograd.function import GlassnetShapeError
from tests.ops._compare import (
    SETTINGS,
    broadcast_pairs,
    check_gradcheck,
    compare_with_torch,
    dtypes,
    positive,
    randn,
    seeds,
    shapes,
)

# name -> (glassnet fn, torch fn, input maker); inputs broadcast against each other
BINARY = {
    "add": (lambda a, b: a + b, lambda a, b: a + b, randn),
    "add_fn_alpha": (
        lambda a, b: glassnet.add(a, b, alpha=0.5),
        lambda a, b: torch.add(a, b, alpha=0.5),
        randn,
    ),
    "sub": (lambda a, b: a - b, lambda a, b: a - b, randn),
    "sub_fn_alpha": (
        lambda a, b: glassnet.sub(a, b, alpha=2),
        lambda a, b: torch.sub(a, b, alpha=2),
        randn,
    ),
    "mul": (lambda a, b: a * b, lambda a, b: a * b, randn),
    "div": (lambda a, b: a / b, lambda a, b: a / b, positive),
    "pow": (lambda a, b: a**b, lambda a, b: a**b, positive),
    "maximum": (glassnet.maximum, torch.maximum, randn),
    "minimum": (glassnet.minimum, torch.minimum, randn),
    "max_of_two": (glassnet.max, torch.max, randn),
    "min_of_two": (glassnet.min, torch.min, randn),
}

UNARY = {
    "neg": (lambda x: -x, lambda x: -x, randn),
    "abs": (glassnet.abs, torch.abs, randn),
    "abs_operator": (abs, abs, randn),
    "exp": (glassnet.exp, torch.exp, randn),
    "log": (glassnet.log, torch.log, positive),
    "log1p": (glassnet.log1p, torch.log1p, positive),
    "sqrt": (glassnet.sqrt, torch.sqrt, positive),
    "rsqrt": (glassnet.rsqrt, torch.rsqrt, positive),
    "sin": (glassnet.sin, torch.sin, randn),
    "cos": (glassnet.cos, torch.cos, randn),
    "sign": (glassnet.sign, torch.sign, randn),
    "square": (glassnet.square, torch.square, randn),
    "pow_2": (lambda x: x**2, lambda x: x**2, randn),
    "pow_3": (lambda x: x.pow(3), lambda x: x.pow(3), randn),
    "pow_0": (lambda x: x**0, lambda x: x**0, randn),
    "pow_half": (lambda x: x**0.5, lambda x: x**0.5, positive),
    "pow_neg": (lambda x: x**-1.5, lambda x: x**-1.5, positive),
    "rpow": (lambda x: 2.0**x, lambda x: 2.0**x, randn),
    "radd": (lambda x: 1.5 + x, lambda x: 1.5 + x, randn),
    "rsub": (lambda x: 1.5 - x, lambda x: 1.5 - x, randn),
    "rmul": (lambda x: 3 * x, lambda x: 3 * x, randn),
    "rdiv": (lambda x: 2.0 / x, lambda x: 2.0 / x, positive),
    "div_scalar": (lambda x: x / 4, lambda x: x / 4, randn),
    "clamp": (lambda x: x.clamp(-0.5, 0.7), lambda x: x.clamp(-0.5, 0.7), randn),
    "clamp_min": (lambda x: glassnet.clamp(x, min=0.1), lambda x: torch.clamp(x, min=0.1), randn),
    "clip_max": (lambda x: glassnet.clip(x, max=0.2), lambda x: torch.clip(x, max=0.2), randn),
    "where_scalar": (
        lambda x: glassnet.where(x > 0, x, 0.0),
        lambda x: torch.where(x > 0, x, 0.0),
        randn,
    ),
    "method_where": (lambda x: x.where(x < 0.3, -x), lambda x: x.where(x < 0.3, -x), randn),
    "clone": (glassnet.clone, torch.clone, randn),
}


@pytest.mark.parametrize("name", sorted(BINARY))
@SETTINGS
@given(pair=broadcast_pairs(min_side=0), dtype=dtypes, seed=seeds)
def test_binary_matches_torch(name, pair, dtype, seed):
    gfn, tfn, make = BINARY[name]
    rng = np.random.default_rng(seed)
    arrays = [make(rng, s, dtype) for s in pair]
    compare_with_torch(gfn, tfn, arrays, seed=seed)


@pytest.mark.parametrize("name", sorted(UNARY))
@SETTINGS
@given(shape=shapes(min_side=0), dtype=dtypes, seed=seeds)
def test_unary_matches_torch(name, shape, dtype, seed):
    gfn, tfn, make = UNARY[name]
    x = make(np.random.default_rng(seed), shape, dtype)
    compare_with_torch(gfn, tfn, [x], seed=seed)


@pytest.mark.parametrize("name", sorted(BINARY))
def test_binary_gradcheck(name):
    gfn, _, make = BINARY[name]
    rng = np.random.default_rng(1)
    check_gradcheck(gfn, [make(rng, (2, 3)), make(rng, (3,))])
    check_gradcheck(gfn, [make(rng, ()), make(rng, (2, 1))])


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_gradcheck(name):
    gfn, _, make = UNARY[name]
    check_gradcheck(gfn, [make(np.random.default_rng(2), (2, 3))])
    check_gradcheck(gfn, [make(np.random.default_rng(3), ())])


@SETTINGS
@given(shapes3=broadcast_pairs(3), dtype=dtypes, seed=seeds)
def test_where_three_way_broadcast(shapes3, dtype, seed):
    rng = np.random.default_rng(seed)
    cond = rng.random(shapes3[0]) > 0.5
    a, b = randn(rng, shapes3[1], dtype), randn(rng, shapes3[2], dtype)

    def gfn(x, y):
        return glassnet.where(glassnet.tensor(cond), x, y)

    def tfn(x, y):
        return torch.where(torch.tensor(cond), x, y)

    compare_with_torch(gfn, tfn, [a, b], seed=seed)
    check_gradcheck(gfn, [a, b])


def test_where_condition_as_numpy_or_list():
    x = glassnet.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = glassnet.where([True, False, True], x, -x)
    y.sum().backward()
    np.testing.assert_array_equal(y._data, [1.0, -2.0, 3.0])
    np.testing.assert_array_equal(x.grad._data, [1.0, -1.0, 1.0])


def test_empty_tensors_broadcast_and_backprop():
    a = glassnet.zeros(0, 3, requires_grad=True)
    b = glassnet.ones(3, requires_grad=True)
    (a * b + a.exp()).sum().backward()
    assert a.grad.shape == (0, 3)
    np.testing.assert_array_equal(b.grad._data, np.zeros(3, np.float32))


@pytest.mark.parametrize("fn", [glassnet.maximum, glassnet.minimum])
def test_maximum_minimum_ties_split_gradient_as_torch(fn):
    tfn = getattr(torch, fn.__name__)
    a = np.array([1.0, 2.0, 3.0, -1.0])
    b = np.array([1.0, 0.0, 3.0, 5.0])
    compare_with_torch(fn, tfn, [a, b])


def test_clamp_gradient_at_the_bounds_matches_torch():
    x = np.array([-1.0, -0.5, 0.0, 0.7, 2.0])
    compare_with_torch(lambda t: t.clamp(-0.5, 0.7), lambda t: t.clamp(-0.5, 0.7), [x])


def test_abs_and_pow_gradients_at_zero_match_torch():
    x = np.array([0.0, 1.0, -2.0])
    compare_with_torch(glassnet.abs, torch.abs, [x])
    compare_with_torch(lambda t: t**2, lambda t: t**2, [x])
    compare_with_torch(lambda t: t**0, lambda t: t**0, [x])


BOOL_EXPONENTS = [False, True, 0, 1, 3, 2.5, np.array([1, 2]), np.array([0.5, 2.0]), np.array(3)]


@pytest.mark.parametrize("exponent", BOOL_EXPONENTS, ids=repr)
def test_pow_of_a_bool_base_matches_torch(exponent):
    """b ** True is b, b ** False all True (bool); an int exponent gives int64, a float one the
    float dtype; as torch (NumPy would give int8)."""
    base = np.array([True, False])
    arg = (lambda lib: lib.tensor(exponent)) if isinstance(exponent, np.ndarray) else None
    got = glassnet.pow(glassnet.tensor(base), arg(glassnet) if arg else exponent)
    want = torch.pow(torch.tensor(base), arg(torch) if arg else exponent)
    assert got.dtype == want.numpy().dtype
    np.testing.assert_array_equal(got._data, want.numpy())


def test_pow_gradients_at_a_zero_base_match_torch():
    """d/dx x**y is 0 where y == 0; d/dy x**y = x**y ln x is 0 where x == 0 and y >= 0, -inf
    for x == 0 and y < 0 (not 0 * ln 0 = NaN)."""
    x = np.array([0.0, 0.0, 0.0, -2.0, -2.0, 3.0, 0.0, 0.0])
    y = np.array([0.5, -0.5, 0.0, 2.0, 0.5, 0.0, np.inf, -np.inf])
    with np.errstate(all="ignore"):
        compare_with_torch(glassnet.pow, torch.pow, [x, y])


def test_pow_of_two_bool_tensors_is_refused_as_in_torch():
    b = glassnet.tensor([True, False])
    with pytest.raises(TypeError, match=r"pow: not implemented for two bool operands"):
        b ** glassnet.tensor(True)
    with pytest.raises(NotImplementedError):
        torch.tensor([True]) ** torch.tensor(True)


def test_clamp_with_tensor_bounds():
    x = np.array([-2.0, 0.1, 3.0])
    lo, hi = np.array([-1.0, 0.0, 0.0]), np.array([1.0, 1.0, 2.0])
    compare_with_torch(
        lambda t, a, b: glassnet.clamp(t, a, b), lambda t, a, b: torch.clamp(t, a, b), [x, lo, hi]
    )


# ----------------------------------------------------------------------------- comparisons
COMPARE = {
    "eq": (lambda a, b: a == b, lambda a, b: a == b),
    "ne": (lambda a, b: a != b, lambda a, b: a != b),
    "lt": (lambda a, b: a < b, lambda a, b: a < b),
    "le": (lambda a, b: a <= b, lambda a, b: a <= b),
    "gt": (lambda a, b: a > b, lambda a, b: a > b),
    "ge": (lambda a, b: a >= b, lambda a, b: a >= b),
    "logical_and": (glassnet.logical_and, torch.logical_and),
    "logical_or": (glassnet.logical_or, torch.logical_or),
    "logical_xor": (glassnet.logical_xor, torch.logical_xor),
}


@pytest.mark.parametrize("name", sorted(COMPARE))
@SETTINGS
@given(pair=broadcast_pairs(), seed=seeds)
def test_comparisons_match_torch_and_have_no_gradient(name, pair, seed):
    gfn, tfn = COMPARE[name]
    rng = np.random.default_rng(seed)
    a, b = (rng.integers(-1, 2, s).astype(np.float32) for s in pair)  # ties are common
    g_out, _ = compare_with_torch(gfn, tfn, [a, b])
    assert g_out.dtype == glassnet.bool
    assert not g_out.requires_grad


def test_logical_not_isnan_isfinite():
    x = np.array([0.0, np.nan, np.inf, 2.0], dtype=np.float32)
    compare_with_torch(glassnet.isnan, torch.isnan, [x])
    compare_with_torch(glassnet.isfinite, torch.isfinite, [x])
    compare_with_torch(lambda t: ~(t > 1), lambda t: ~(t > 1), [x])


def test_allclose_and_equal():
    a = glassnet.tensor([1.0, 2.0])
    assert glassnet.allclose(a, a + 1e-9)
    assert not glassnet.allclose(a, a + 1)
    assert glassnet.equal(a, glassnet.tensor([1.0, 2.0]))
    assert not glassnet.equal(a, glassnet.tensor([1.0, 2.0, 3.0]))


# ----------------------------------------------------------------------------- dtype rules
@pytest.mark.parametrize("name", sorted(BINARY))
def test_python_scalars_keep_the_tensor_dtype(name):
    gfn, tfn, _ = BINARY[name]
    if name.endswith("of_two"):
        return
    for dtype in (np.float32, np.float64):
        x = glassnet.tensor(np.array([0.5, 1.5], dtype=dtype))
        for scalar in (2, 2.5, np.float64(2.5), np.float32(1.5)):
            assert gfn(x, scalar).dtype == dtype, (scalar, dtype)


def test_no_float32_to_float64_upcast_from_mixed_operands():
    f32 = glassnet.tensor([1.5, 2.5])
    i64 = glassnet.tensor([1, 2])
    b = glassnet.tensor([True, False])
    assert (f32 * i64).dtype == glassnet.float32
    assert (i64 + f32).dtype == glassnet.float32
    assert (i64 * 2.5).dtype == glassnet.float32
    assert (i64 / 2).dtype == glassnet.float32
    assert (i64 / i64).dtype == glassnet.float32
    assert (2 / i64).dtype == glassnet.float32
    assert (i64**0.5).dtype == glassnet.float32
    assert (f32 + b).dtype == glassnet.float32
    assert glassnet.where(b, i64, f32).dtype == glassnet.float32
    assert glassnet.maximum(i64, f32).dtype == glassnet.float32
    assert (f32 @ i64.float()).dtype == glassnet.float32
    # a 0-d float64 tensor does not upcast a float32 tensor with dimensions (as in PyTorch)
    assert (f32 * glassnet.tensor(np.float64(2.0))).dtype == glassnet.float32


PROMOTIONS = [
    (np.float32, (3,), np.float64, (3,)),
    (np.float32, (3,), np.float64, ()),
    (np.float32, (), np.float64, ()),
    (np.int64, (3,), np.float32, (3,)),
    (np.int64, (3,), np.float64, ()),
    (np.int32, (3,), np.int64, ()),
    (np.int32, (3,), np.int64, (3,)),
    (np.bool_, (3,), np.int64, ()),
    (np.bool_, (3,), np.float32, (3,)),
    (np.int64, (), np.float32, (3,)),
]


@pytest.mark.parametrize("da, sa, db, sb", PROMOTIONS)
def test_type_promotion_between_tensors_matches_torch(da, sa, db, sb):
    a = (np.arange(int(np.prod(sa))).reshape(sa) % 2 + 1).astype(da)
    b = (np.arange(int(np.prod(sb))).reshape(sb) % 3 + 1).astype(db)
    for op in (lambda x, y: x + y, lambda x, y: x * y, lambda x, y: y * x):
        g = op(glassnet.tensor(a), glassnet.tensor(b))
        t = op(torch.tensor(a), torch.tensor(b))
        assert g.dtype == t.numpy().dtype
        np.testing.assert_allclose(g._data, t.numpy())


def test_mixed_dtype_gradients_come_back_in_each_input_dtype():
    x32 = glassnet.tensor([1.0, 2.0], requires_grad=True)
    x64 = glassnet.tensor(np.array([3.0, 4.0]), requires_grad=True)
    (x32 * x64).sum().backward()
    assert x32.grad.dtype == glassnet.float32 and x64.grad.dtype == glassnet.float64
    np.testing.assert_array_equal(x32.grad._data, [3.0, 4.0])
    np.testing.assert_array_equal(x64.grad._data, [1.0, 2.0])


def test_integer_arithmetic_stays_integer():
    i = glassnet.tensor([1, 2, 3])
    assert (i + 1).dtype == glassnet.int64
    assert (i * i).dtype == glassnet.int64
    assert (i**2).dtype == glassnet.int64
    assert (-i).dtype == glassnet.int64
    np.testing.assert_array_equal((i * 2 - 1)._data, [1, 3, 5])


# ----------------------------------------------------------------------------- errors
def test_broadcast_error_names_op_and_both_shapes():
    a, b = glassnet.ones(2, 3), glassnet.ones(4)
    with pytest.raises(ValueError, match=r"add.*\(2, 3\).*\(4,\)") as info:
        a + b
    assert isinstance(info.value, GlassnetShapeError)
    with pytest.raises(ValueError, match=r"mul.*\(2, 3\).*\(4,\)"):
        a * b
    with pytest.raises(ValueError, match=r"maximum.*\(2, 3\).*\(4,\)"):
        glassnet.maximum(a, b)
    with pytest.raises(ValueError, match=r"gt.*\(2, 3\).*\(4,\)"):
        glassnet.gt(a, b)


def test_clamp_without_bounds_is_refused():
    with pytest.raises(ValueError, match="clamp: at least one of min and max"):
        glassnet.clamp(glassnet.ones(2))
