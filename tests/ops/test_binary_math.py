"""Binary float math (binary_math.py) against PyTorch: values, dtypes and gradients on random
broadcast shapes, float64 gradcheck, NaN handling of fmax/fmin, integer-only bitwise ops."""

import numpy as np
import pytest
import torch
from hypothesis import given

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
)

BINARY = {
    "atan2": (randn, randn),
    "logaddexp": (randn, randn),
    "hypot": (randn, randn),
    "xlogy": (randn, positive),
    "remainder": (randn, positive),
    "fmod": (randn, positive),
    "fmax": (randn, randn),
    "fmin": (randn, randn),
    "copysign": (positive, randn),
    "float_power": (positive, randn),
}


@pytest.mark.parametrize("name", sorted(BINARY))
@given(shape_pair=broadcast_pairs(), dtype=dtypes, seed=seeds)
@SETTINGS
def test_binary_matches_torch(name, shape_pair, dtype, seed):
    rng = np.random.default_rng(seed)
    make_a, make_b = BINARY[name]
    a, b = (
        np.asarray(make_a(rng, shape_pair[0], dtype)),
        np.asarray(make_b(rng, shape_pair[1], dtype)),
    )
    compare_with_torch(
        lambda x, y: getattr(glassnet, name)(x, y), lambda x, y: getattr(torch, name)(x, y), [a, b]
    )


@pytest.mark.parametrize("name", sorted(BINARY))
def test_binary_gradcheck(name):
    rng = np.random.default_rng(0)
    make_a, make_b = BINARY[name]
    check_gradcheck(getattr(glassnet, name), [make_a(rng, (3, 4)), make_b(rng, (4,))])


def test_xlogy_is_zero_where_x_is_zero_and_floor_divide():
    x, y = np.array([0.0, 2.0, 0.0]), np.array([0.0, 3.0, 5.0])
    compare_with_torch(glassnet.xlogy, torch.xlogy, [x, y + np.array([1.0, 0, 0])])
    np.testing.assert_array_equal(
        glassnet.xlogy(glassnet.tensor(x), glassnet.tensor(y)).numpy()[[0, 2]], 0
    )
    a, b = np.array([7, -7, 7]), np.array([2, 2, -2])
    g = glassnet.floor_divide(glassnet.tensor(a), glassnet.tensor(b))
    assert g.tolist() == torch.floor_divide(torch.tensor(a), torch.tensor(b)).tolist()


def test_fmax_fmin_ignore_nan_like_torch():
    a = np.array([1.0, np.nan, np.nan, 2.0, 3.0])
    b = np.array([np.nan, 2.0, np.nan, 2.0, -1.0])
    for name in ("fmax", "fmin"):
        compare_with_torch(getattr(glassnet, name), getattr(torch, name), [a, b])


def test_float_power_is_float64_and_heaviside():
    g = glassnet.float_power(glassnet.tensor([2.0, 3.0]), 2)
    assert g.dtype == np.float64 and g.tolist() == [4.0, 9.0]
    x, v = np.array([-1.0, 0.0, 2.0, np.nan, np.inf]), np.array([0.5])
    assert (
        glassnet.heaviside(glassnet.tensor(x), glassnet.tensor(v)).tolist()
        == torch.heaviside(torch.tensor(x), torch.tensor(v)).tolist()
    )  # NaN gives 0, as in torch


def test_float_power_casts_each_operand_to_float64_as_torch():
    """A float32 0-d exponent with a float16 base is not rounded to float16 first."""
    a, e = np.array([1.5, 2.3], dtype=np.float16), np.array(1.37, dtype=np.float32)
    got = glassnet.float_power(glassnet.tensor(a), glassnet.tensor(e))
    np.testing.assert_array_equal(got.numpy(), torch.float_power(torch.tensor(a), torch.tensor(e)))
    got = glassnet.float_power(glassnet.tensor(a), 0.1)
    np.testing.assert_array_equal(got.numpy(), torch.float_power(torch.tensor(a), 0.1))


@pytest.mark.parametrize("name", ["bitwise_and", "bitwise_or", "bitwise_xor"])
def test_bitwise_ops_match_torch(name):
    a, b = np.array([5, 3, 12]), np.array([3, 6, 10])
    g = getattr(glassnet.tensor(a), name)(glassnet.tensor(b))
    assert g.tolist() == getattr(torch.tensor(a), name)(torch.tensor(b)).tolist()
    m = np.array([True, False, True])
    g = getattr(glassnet, name)(glassnet.tensor(m), glassnet.tensor(~m))
    assert g.dtype == np.bool_
    assert g.tolist() == getattr(torch, name)(torch.tensor(m), torch.tensor(~m)).tolist()
    with pytest.raises(TypeError, match=f"{name}: only integer and bool tensors, got dtype"):
        getattr(glassnet, name)(glassnet.tensor([1.0]), glassnet.tensor([1.0]))
    assert (
        glassnet.bitwise_not(glassnet.tensor(a)).tolist()
        == torch.bitwise_not(torch.tensor(a)).tolist()
    )
    with pytest.raises(TypeError, match="bitwise_not: only integer and bool tensors"):
        glassnet.bitwise_not(glassnet.tensor([1.0]))


@pytest.mark.parametrize(
    "name", ["heaviside", "bitwise_and", "bitwise_or", "bitwise_xor", "floor_divide", "isclose"]
)
def test_step_and_bitwise_refuse_shapes_that_do_not_broadcast(name):
    a, b = glassnet.zeros(2, dtype=glassnet.int64), glassnet.zeros(3, dtype=glassnet.int64)
    with pytest.raises(ValueError, match=rf"{name}: shapes \(2,\) and \(3,\) do not broadcast"):
        getattr(glassnet, name)(a, b)
