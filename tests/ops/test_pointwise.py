"""The extra elementwise ops against PyTorch: values, dtypes and gradients on random broadcast
shapes (0-d and size-1 included), float64 gradcheck, integer inputs, errors."""

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import glassnet
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


def _inside(rng, shape, dtype):
    return rng.uniform(-0.9, 0.9, shape).astype(dtype)


# name -> input maker
UNARY = {
    "reciprocal": positive,
    "log2": positive,
    "log10": positive,
    "exp2": randn,
    "expm1": randn,
    "erf": randn,
    "erfc": randn,
    "erfinv": _inside,
    "tan": _inside,
    "sinh": randn,
    "cosh": randn,
    "asin": _inside,
    "acos": _inside,
    "atan": randn,
    "asinh": randn,
    "atanh": _inside,
    "frac": randn,
    "floor": randn,
    "ceil": randn,
    "trunc": randn,
    "round": randn,
    "lgamma": positive,
    "digamma": positive,
    "sinc": randn,
    "logit": lambda rng, shape, dtype: rng.uniform(0.05, 0.95, shape).astype(dtype),
    "rad2deg": randn,
    "deg2rad": randn,
    "absolute": randn,
}


@pytest.mark.parametrize("name", sorted(UNARY))
@given(shape=shapes(), dtype=dtypes, seed=seeds)
@SETTINGS
def test_unary_matches_torch(name, shape, dtype, seed):
    x = np.asarray(UNARY[name](np.random.default_rng(seed), shape, dtype))
    compare_with_torch(lambda t: getattr(t, name)(), lambda t: getattr(torch, name)(t), [x])


@pytest.mark.parametrize("name", sorted(n for n in UNARY if n not in ("floor", "ceil", "round")))
def test_unary_gradcheck(name):
    x = np.asarray(UNARY[name](np.random.default_rng(0), (3, 4), np.float64))
    if name in ("trunc",):
        x = x + 0.25  # away from the integers where the step is
    check_gradcheck(getattr(glassnet, name), [x])


@pytest.mark.parametrize("name", ["reciprocal", "log2", "exp2", "erf", "atan"])
def test_unary_of_integers_gives_the_default_float(name):
    x = np.array([1, 2, 3])
    g, t = getattr(glassnet, name)(glassnet.tensor(x)), getattr(torch, name)(torch.tensor(x))
    assert g.dtype == t.numpy().dtype == np.float32
    np.testing.assert_allclose(g.numpy(), t.numpy(), rtol=1e-6)


@pytest.mark.parametrize("name", ["floor", "ceil", "round", "trunc"])
def test_rounding_keeps_integer_dtypes(name):
    x = np.array([1, -2, 3], dtype=np.int32)
    g = getattr(glassnet, name)(glassnet.tensor(x))
    assert g.dtype == np.int32 and g.tolist() == x.tolist()


def test_round_half_to_even_and_decimals():
    x = np.array([0.5, 1.5, 2.5, -0.5, 1.2345, 2.675])
    for d in (0, 2):
        g = glassnet.round(glassnet.tensor(x), decimals=d)
        np.testing.assert_allclose(g.numpy(), torch.round(torch.tensor(x), decimals=d).numpy())


@given(shape_pair=broadcast_pairs(3), dtype=dtypes, seed=seeds)
@SETTINGS
def test_lerp_with_a_tensor_weight_matches_torch(shape_pair, dtype, seed):
    rng = np.random.default_rng(seed)
    a, b, w = (np.asarray(randn(rng, s, dtype)) for s in shape_pair)
    # torch.lerp broadcasts all three, and checks that the result has start's shape only
    # for in-place; the function form broadcasts
    compare_with_torch(glassnet.lerp, torch.lerp, [a, b, w])


@given(shape_pair=broadcast_pairs(), dtype=dtypes, seed=seeds, weight=st.floats(-1, 2))
@SETTINGS
def test_lerp_with_a_number_weight_matches_torch(shape_pair, dtype, seed, weight):
    rng = np.random.default_rng(seed)
    a, b = (np.asarray(randn(rng, s, dtype)) for s in shape_pair)
    compare_with_torch(
        lambda x, y: glassnet.lerp(x, y, weight), lambda x, y: torch.lerp(x, y, weight), [a, b]
    )


def test_lerp_gradcheck_and_errors():
    rng = np.random.default_rng(0)
    check_gradcheck(glassnet.lerp, [randn(rng, (3, 4)), randn(rng, (4,)), randn(rng, (3, 1))])
    check_gradcheck(lambda a, b: glassnet.lerp(a, b, 0.3), [randn(rng, (2, 3)), randn(rng, (2, 3))])
    with pytest.raises(TypeError, match="lerp: expected dtype float32 for `end` but got dtype"):
        glassnet.lerp(glassnet.zeros(2), glassnet.zeros(2, dtype=glassnet.float64), 0.5)
    with pytest.raises(TypeError, match="lerp: expected dtype float32 for `weight` but got"):
        glassnet.lerp(
            glassnet.zeros(2), glassnet.zeros(2), glassnet.zeros(2, dtype=glassnet.float64)
        )


@pytest.mark.parametrize("name", ["addcmul", "addcdiv"])
@given(shape_pair=broadcast_pairs(3), dtype=dtypes, seed=seeds, value=st.sampled_from([1, 0.5, -2]))
@SETTINGS
def test_addcmul_addcdiv_match_torch(name, shape_pair, dtype, seed, value):
    rng = np.random.default_rng(seed)
    a, b = (np.asarray(randn(rng, s, dtype)) for s in shape_pair[:2])
    c = np.asarray(positive(rng, shape_pair[2], dtype))
    compare_with_torch(
        lambda x, y, z: getattr(x, name)(y, z, value=value),
        lambda x, y, z: getattr(torch, name)(x, y, z, value=value),
        [a, b, c],
    )


def test_nan_to_num_matches_torch_with_gradient():
    x = np.array([np.nan, np.inf, -np.inf, 1.5, -2.0], dtype=np.float32)
    compare_with_torch(glassnet.nan_to_num, torch.nan_to_num, [x])
    compare_with_torch(
        lambda t: t.nan_to_num(nan=1.0, posinf=9.0, neginf=-9.0),
        lambda t: t.nan_to_num(nan=1.0, posinf=9.0, neginf=-9.0),
        [x.astype(np.float64)],
    )
    ints = glassnet.nan_to_num(glassnet.tensor([1, 2]))
    assert ints.dtype == np.int64 and ints.tolist() == [1, 2]


@given(shape=shapes(), dtype=dtypes, seed=seeds, bound=st.floats(-1, 1))
@SETTINGS
def test_clamp_min_max_match_torch(shape, dtype, seed, bound):
    x = np.asarray(randn(np.random.default_rng(seed), shape, dtype))
    compare_with_torch(lambda t: t.clamp_min(bound), lambda t: t.clamp_min(bound), [x])
    compare_with_torch(lambda t: glassnet.clamp_max(t, bound), lambda t: t.clamp_max(bound), [x])


def test_clamp_min_with_a_tensor_and_of_integers():
    rng = np.random.default_rng(0)
    compare_with_torch(glassnet.clamp_min, torch.clamp_min, [randn(rng, (3, 4)), randn(rng, (4,))])
    g = glassnet.tensor([1, -2]).clamp_min(0.5)
    assert g.dtype == np.float32 and g.tolist() == [1.0, 0.5]
    assert glassnet.tensor([1, -2]).clamp_max(0).tolist() == [0, -2]


def test_isinf_isposinf_isneginf_isclose():
    x = np.array([np.inf, -np.inf, np.nan, 1.0])
    for name in ("isinf", "isposinf", "isneginf"):
        g, t = getattr(glassnet, name)(glassnet.tensor(x)), getattr(torch, name)(torch.tensor(x))
        assert g.dtype == np.bool_ and g.tolist() == t.tolist()
    a, b = np.array([1.0, 1.0 + 1e-6, np.nan]), np.array([1.0, 1.0, np.nan])
    for equal_nan in (False, True):
        g = glassnet.tensor(a).isclose(glassnet.tensor(b), equal_nan=equal_nan)
        assert (
            g.tolist()
            == torch.isclose(torch.tensor(a), torch.tensor(b), equal_nan=equal_nan).tolist()
        )


def test_logit_with_eps_clamps_like_torch():
    x = np.array([0.0, 0.001, 0.5, 0.999, 1.0])
    compare_with_torch(lambda t: t.logit(eps=0.01), lambda t: t.logit(eps=0.01), [x])
    compare_with_torch(lambda t: glassnet.sinc(t), torch.sinc, [np.array([0.0, 0.5, -1.5])])


def test_signbit_and_sgn():
    x = np.array([-1.0, -0.0, 0.0, 2.0])
    assert glassnet.tensor(x).sgn().tolist() == torch.tensor(x).sgn().tolist()
    assert glassnet.tensor(x).signbit().tolist() == torch.tensor(x).signbit().tolist()


def test_frac_of_integers_is_refused():
    with pytest.raises(TypeError, match="frac: input must be a floating point tensor"):
        glassnet.frac(glassnet.tensor([1, 2]))


def test_lgamma_of_minus_infinity_is_plus_infinity_like_torch():
    x = np.array([-np.inf, np.inf, -2.5, 0.0], dtype=np.float32)
    got = glassnet.lgamma(glassnet.tensor(x))
    want = torch.lgamma(torch.tensor(x))
    assert got.dtype == np.float32
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-6)


def test_logit_gradient_is_nan_outside_zero_one_like_torch():
    x = np.array([-0.5, 0.25, 0.5, 1.5], dtype=np.float64)
    g = glassnet.tensor(x, requires_grad=True)
    t = torch.tensor(x, requires_grad=True)
    glassnet.logit(g).sum().backward()
    torch.logit(t).sum().backward()
    np.testing.assert_allclose(g.grad.numpy(), t.grad.numpy(), rtol=1e-12)
    assert np.isnan(g.grad.numpy()[[0, 3]]).all()
