"""glassnet/kernels/cache.py: one cache object, one limit, one clear(), one switch."""

import os
import subprocess
import sys

import numpy as np
import pytest

import glassnet
from glassnet.kernels.cache import CACHE, Cache, disabled, poisoned


def test_workspace_is_one_array_per_tag_shape_and_dtype():
    cache = Cache()
    a = cache.workspace("t", (3, 4), np.float32)
    assert a.shape == (3, 4) and a.dtype == np.float32
    assert cache.workspace("t", (3, 4), np.float32) is a
    assert cache.workspace("t", (3, 4), np.float64) is not a
    assert cache.workspace("u", (3, 4), np.float32) is not a
    assert cache.nbytes == a.nbytes * 2 + 3 * 4 * 8


def test_recycled_buffers_are_reused_only_when_nothing_refers_to_them():
    cache = Cache()
    a = cache.recycled("test", (3, 4), np.float32)
    a_address = a.ctypes.data
    view = a[1:]
    del a
    b = cache.recycled("test", (3, 4), np.float32)
    assert not np.shares_memory(b, view)  # a live view keeps its buffer in use
    del view, b
    assert cache.recycled("test", (3, 4), np.float32).ctypes.data == a_address  # free: reused


def test_constants_are_built_once_and_read_only():
    cache = Cache()
    calls = []

    def make():
        calls.append(1)
        return np.zeros(5)

    c = cache.constant("zeros5", make)
    assert cache.constant("zeros5", make) is c and len(calls) == 1
    assert not c.flags.writeable


def test_the_limit_clears_the_cache_and_refuses_what_does_not_fit():
    cache = Cache(limit=1000)
    a = cache.workspace("a", (100,), np.float32)  # 400 bytes
    cache.workspace("b", (100,), np.float32)
    assert cache.nbytes == 800
    cache.workspace("c", (100,), np.float32)  # 1,200 > 1,000: cleared first, then held
    assert cache.nbytes == 400 and cache.workspace("a", (100,), np.float32) is not a
    big = cache.workspace("big", (1000,), np.float32)  # larger than the limit: never held
    assert cache.nbytes == 0 and cache.workspace("big", (1000,), np.float32) is not big


def test_clear_and_the_switch():
    cache = Cache()
    a = cache.workspace("a", (4,), np.float32)
    cache.clear()
    assert cache.nbytes == 0 and cache.workspace("a", (4,), np.float32) is not a
    cache.clear()
    cache.enabled = False
    a = cache.workspace("a", (4,), np.float32)
    assert cache.workspace("a", (4,), np.float32) is not a and cache.nbytes == 0
    b = cache.bordered("b", (4,), np.float32, fill=1, layout=())
    assert (b == 1).all() and cache.bordered("b", (4,), np.float32, fill=1, layout=()) is not b
    r = cache.recycled("r", (4,), np.float32)
    del r
    assert cache.nbytes == 0 and cache.constant("k", lambda: np.ones(2)).flags.writeable


def test_disabled_block_turns_the_global_cache_off_and_back_on():
    assert CACHE.enabled
    with disabled() as cache:
        assert cache is CACHE and not CACHE.enabled and CACHE.nbytes == 0
    assert CACHE.enabled


def test_scalars_are_made_once_per_value_and_dtype_and_read_only():
    cache = Cache()
    one = cache.scalar(1, np.dtype(np.float32))
    assert one.shape == () and one.dtype == np.float32 and one == 1
    assert not one.flags.writeable
    assert cache.scalar(1, np.dtype(np.float32)) is one
    assert cache.scalar(1, np.dtype(np.float64)).dtype == np.float64
    assert cache.scalar(2, np.dtype(np.float32)) == 2
    assert cache.nbytes == 4 + 8 + 4
    x = np.arange(3, dtype=np.float32)
    assert (x * one).dtype == np.float32  # the operand's dtype is kept


def test_scalars_follow_clear_and_the_switch():
    cache = Cache()
    one = cache.scalar(1, np.dtype(np.float32))
    cache.clear()
    assert cache.nbytes == 0
    assert cache.scalar(1, np.dtype(np.float32)) is not one
    cache.clear()
    cache.enabled = False
    a = cache.scalar(0.5, np.dtype(np.float64))
    assert a == 0.5 and a.flags.writeable and cache.scalar(0.5, np.dtype(np.float64)) is not a
    assert cache.nbytes == 0


def test_the_ops_constants_live_in_the_global_cache():
    from glassnet.ops._common import const

    c = const(1, np.dtype(np.float32))
    assert CACHE.scalar(1, np.dtype(np.float32)) is c
    CACHE.clear()
    assert const(1, np.dtype(np.float32)) is not c
    with disabled():
        assert const(1, np.dtype(np.float32)) is not const(1, np.dtype(np.float32))


@pytest.mark.parametrize("fn", ["relu", "sigmoid", "tanh", "logsigmoid"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_ops_using_cached_scalars_give_the_same_bits_with_the_cache_off(fn, dtype):
    x = np.random.default_rng(3).standard_normal((4, 7)).astype(dtype) * 4
    f = getattr(glassnet.nn.functional, fn)

    def value_and_grad():
        t = glassnet.tensor(x, requires_grad=True)
        y = f(t)
        y.backward(glassnet.ones_like(y))
        return y.detach().numpy(), t.grad.numpy()

    y_on, g_on = value_and_grad()
    with disabled():
        y_off, g_off = value_and_grad()
    assert y_on.dtype == y_off.dtype == g_on.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(y_on, y_off)
    np.testing.assert_array_equal(g_on, g_off)


def test_scalar_keeps_negative_zero_apart_from_zero():
    cache = Cache()
    assert np.signbit(cache.scalar(-0.0, np.float32))
    assert not np.signbit(cache.scalar(0.0, np.float32))


def test_bordered_keeps_its_fill_and_is_keyed_by_layout():
    cache = Cache()
    a = cache.bordered("pad", (6,), np.float32, fill=-np.inf, layout=((1, 1), (4,)))
    assert (a == -np.inf).all()
    a[1:5] = 3  # the interior this layout's users write
    again = cache.bordered("pad", (6,), np.float32, fill=-np.inf, layout=((1, 1), (4,)))
    assert again is a and again[0] == again[5] == -np.inf
    other = cache.bordered("pad", (6,), np.float32, fill=-np.inf, layout=((2, 0), (4,)))
    assert other is not a and (other == -np.inf).all()  # same size, another interior
    assert cache.bordered("pad", (6,), np.float32, fill=0, layout=((1, 1), (4,))) is not a
    assert cache.workspace("pad", (6,), np.float32) is not a


def test_poison_fills_undefined_memory_on_every_call_and_bordered_with_its_fill():
    cache = Cache(poison=True)
    assert cache.poison and cache.enabled
    w = cache.workspace("w", (3,), np.float32)
    assert np.isnan(w).all()
    w[:] = 1
    assert np.isnan(cache.workspace("w", (3,), np.float32)).all()  # fresh, never reused
    assert (cache.workspace("i", (2,), np.int32) == np.iinfo(np.int32).max).all()
    assert (cache.workspace("u", (2,), np.uint8) == 255).all()
    assert cache.workspace("b", (2,), np.bool_).all()
    r = cache.recycled("r", (2, 2), np.float64)
    assert np.isnan(r).all() and r.dtype == np.float64
    b = cache.bordered("p", (4,), np.float32, fill=0, layout=())
    b[:] = 5
    assert (cache.bordered("p", (4,), np.float32, fill=0, layout=()) == 0).all()
    assert cache.nbytes == 0  # nothing is held
    cache.poison = False
    w = cache.workspace("w", (3,), np.float32)
    assert cache.workspace("w", (3,), np.float32) is w  # reuse is back


def test_the_poisoned_block_and_the_environment_variable():
    before = CACHE.poison  # True in a run under GLASSNET_POISON_WORKSPACES=1
    with poisoned() as cache:
        assert cache is CACHE and CACHE.poison
        assert np.isnan(glassnet.kernels.cache.workspace("t", (2,), np.float32)).all()
    assert CACHE.poison == before
    code = "from glassnet.kernels.cache import CACHE; print(CACHE.poison)"
    for value, want in (("1", "True"), ("0", "False"), ("", "False")):
        env = dict(os.environ, GLASSNET_POISON_WORKSPACES=value)
        out = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        )
        assert out.stdout.strip() == want
