"""Creation functions: PyTorch's names, defaults and dtypes; `dtype=` everywhere; random functions
reproducible through glassnet.manual_seed and through an explicit `generator=`."""

import numpy as np
import pytest
import torch

import glassnet


@pytest.mark.parametrize(
    "data",
    [1.5, 2, True, [1.0, 2.0], [1, 2], [True, False], [[1, 2.5]], [], np.float64(1.5)],
)
def test_tensor_dtype_inference_matches_torch(data):
    g = glassnet.tensor(data)
    t = torch.tensor(data)
    assert g.dtype == t.numpy().dtype
    assert g.shape == tuple(t.shape)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64, np.int32, np.int64, bool])
def test_numpy_arrays_keep_their_dtype_and_are_copied(dtype):
    a = np.ones(3, dtype=dtype)
    t = glassnet.tensor(a)
    assert t.dtype == a.dtype
    a[0] = 0
    assert t._data[0] == 1  # tensor() copies
    shared = glassnet.from_numpy(a)
    a[1] = 0
    assert shared._data[1] == 0 and shared.dtype == a.dtype  # from_numpy shares memory
    assert glassnet.as_tensor(a)._data is a


def test_as_tensor_converts_dtype_and_passes_tensors_through():
    t = glassnet.tensor([1.0, 2.0])
    assert glassnet.as_tensor(t) is t
    assert glassnet.as_tensor(t, dtype=glassnet.float64).dtype == glassnet.float64
    assert glassnet.as_tensor([1, 2], dtype=glassnet.float32).dtype == glassnet.float32
    with pytest.raises(TypeError, match="from_numpy: expected a numpy.ndarray"):
        glassnet.from_numpy([1, 2])


@pytest.mark.parametrize("name", ["zeros", "ones", "empty"])
def test_zeros_ones_empty(name):
    g = getattr(glassnet, name)
    t = getattr(torch, name)
    for args in [(2, 3), ((2, 3),), ([4],), ((),)]:
        assert g(*args).shape == tuple(t(*args).shape)
        assert g(*args).dtype == glassnet.float32
    assert g(2, dtype=glassnet.float64).dtype == glassnet.float64
    assert g(2, dtype=glassnet.int64).dtype == glassnet.int64
    assert g(2, dtype="float64").dtype == glassnet.float64
    x = g(2, requires_grad=True)
    assert x.requires_grad and x.is_leaf
    if name != "empty":
        np.testing.assert_array_equal(g(2, 2)._data, t(2, 2).numpy())


def test_full_and_like_functions():
    assert glassnet.full((2, 2), 1.5).dtype == torch.full((2, 2), 1.5).numpy().dtype
    assert glassnet.full((2,), 3).dtype == torch.full((2,), 3).numpy().dtype
    assert glassnet.full((2,), True).dtype == glassnet.bool
    np.testing.assert_array_equal(glassnet.full([2, 3], 7.0)._data, np.full((2, 3), 7.0))
    x = glassnet.ones(2, 3, dtype=glassnet.float64)
    for fn in ["zeros_like", "ones_like", "empty_like", "randn_like", "rand_like"]:
        y = getattr(glassnet, fn)(x)
        assert y.shape == x.shape and y.dtype == glassnet.float64, fn
        z = getattr(glassnet, fn)(x, dtype=glassnet.float32)
        assert z.dtype == glassnet.float32, fn
    assert glassnet.full_like(x, 2).dtype == glassnet.float64
    np.testing.assert_array_equal(glassnet.full_like(x, 2)._data, np.full((2, 3), 2.0))
    np.testing.assert_array_equal(glassnet.zeros_like(x)._data, np.zeros((2, 3)))
    np.testing.assert_array_equal(glassnet.ones_like(x)._data, np.ones((2, 3)))
    assert glassnet.zeros_like(x, requires_grad=True).requires_grad


@pytest.mark.parametrize(
    "args", [(5,), (1, 4), (0, 1, 0.25), (2.0,), (5, 0, -1), (0, 1, 0.1), (-3, 3, 2)]
)
def test_arange_matches_torch(args):
    g, t = glassnet.arange(*args), torch.arange(*args)
    assert g.dtype == t.numpy().dtype
    np.testing.assert_allclose(g._data, t.numpy(), rtol=1e-6)
    assert glassnet.arange(3, dtype=glassnet.float64).dtype == glassnet.float64
    with pytest.raises(ValueError, match="arange: step must be nonzero"):
        glassnet.arange(0, 1, 0)


def test_linspace_and_eye_match_torch():
    np.testing.assert_allclose(glassnet.linspace(-1, 1, 5)._data, torch.linspace(-1, 1, 5).numpy())
    assert glassnet.linspace(0, 1, 3).dtype == glassnet.float32
    assert glassnet.linspace(0, 1, 3, dtype=glassnet.float64).dtype == glassnet.float64
    np.testing.assert_array_equal(glassnet.eye(3)._data, torch.eye(3).numpy())
    np.testing.assert_array_equal(glassnet.eye(2, 3)._data, torch.eye(2, 3).numpy())
    with pytest.raises(ValueError, match="linspace: number of steps must be non-negative"):
        glassnet.linspace(0, 1, -1)
    with pytest.raises(ValueError, match=r"negative dimension in size \(2, -1\)"):
        glassnet.zeros(2, -1)


RANDOM = {
    "rand": lambda **kw: glassnet.rand(3, 4, **kw),
    "randn": lambda **kw: glassnet.randn(3, 4, **kw),
    "randint": lambda **kw: glassnet.randint(0, 10, (3, 4), **kw),
    "randint_high_size": lambda **kw: glassnet.randint(10, (3, 4), **kw),
    "randperm": lambda **kw: glassnet.randperm(10, **kw),
    "normal": lambda **kw: glassnet.normal(1.0, 2.0, (3, 4), **kw),
    "randn_like": lambda **kw: glassnet.randn_like(glassnet.zeros(2, 2), **kw),
    "rand_like": lambda **kw: glassnet.rand_like(glassnet.zeros(2, 2), **kw),
}


@pytest.mark.parametrize("name", sorted(RANDOM))
def test_random_functions_follow_manual_seed_and_generator(name):
    make = RANDOM[name]
    glassnet.manual_seed(123)
    a = make()
    glassnet.manual_seed(123)
    b = make()
    np.testing.assert_array_equal(a._data, b._data)
    c = make()
    assert not np.array_equal(b._data, c._data)  # the global stream moves on
    g1, g2 = glassnet.Generator().manual_seed(7), glassnet.Generator().manual_seed(7)
    glassnet.manual_seed(0)
    x = make(generator=g1)
    make()  # the global stream does not disturb an explicit generator
    y = make(generator=g2)
    np.testing.assert_array_equal(x._data, y._data)
    z = make(generator=np.random.default_rng(7))
    assert z.shape == x.shape


def test_random_dtypes_and_ranges():
    assert glassnet.rand(2).dtype == glassnet.float32
    assert glassnet.randn(2, dtype=glassnet.float64).dtype == glassnet.float64
    r = glassnet.rand(1000)
    assert 0 <= r._data.min() and r._data.max() < 1
    i = glassnet.randint(-2, 3, (1000,))
    assert i.dtype == glassnet.int64 and set(np.unique(i._data)) == {-2, -1, 0, 1, 2}
    assert glassnet.randint(5, (2,), dtype=glassnet.int32).dtype == glassnet.int32
    p = glassnet.randperm(20)
    assert p.dtype == glassnet.int64 and sorted(p.tolist()) == list(range(20))
    assert glassnet.randn(3, requires_grad=True).requires_grad
    n = glassnet.randn(20000, generator=glassnet.Generator(1))
    assert abs(float(n.mean().item())) < 0.05 and abs(float(n.std().item()) - 1) < 0.05


def test_random_errors():
    with pytest.raises(ValueError, match=r"randint: empty range \[3, 3\)"):
        glassnet.randint(3, 3, (2,))
    with pytest.raises(TypeError, match="randint: missing the size argument"):
        glassnet.randint(0, 3)
    with pytest.raises(TypeError, match="generator must be a glassnet.Generator"):
        glassnet.randn(2, generator=42)


def test_generator_state_round_trip():
    g = glassnet.Generator(5)
    state = g.get_state()
    a = glassnet.randn(4, generator=g)
    g.set_state(state)
    b = glassnet.randn(4, generator=g)
    np.testing.assert_array_equal(a._data, b._data)
    assert g.initial_seed() == 5


HUGE = 10**12  # 4 TB of float32: more than any machine running these tests
ABSURD = {
    "zeros": (lambda: glassnet.zeros(HUGE), "4,000,000,000,000 bytes"),
    "ones": (lambda: glassnet.ones(HUGE, 2), "8,000,000,000,000 bytes"),
    "empty": (lambda: glassnet.empty((HUGE,), dtype=glassnet.float64), "8,000,000,000,000"),
    "full": (lambda: glassnet.full((HUGE,), 1.5), "4,000,000,000,000 bytes"),
    "rand": (lambda: glassnet.rand(HUGE), "8,000,000,000,000 bytes"),  # drawn in float64
    "randn": (lambda: glassnet.randn(HUGE), "8,000,000,000,000 bytes"),
    "randint": (lambda: glassnet.randint(0, 5, (HUGE,)), "8,000,000,000,000 bytes"),
    "randperm": (lambda: glassnet.randperm(HUGE), "8,000,000,000,000 bytes"),
    "normal": (lambda: glassnet.normal(0.0, 1.0, (HUGE,)), "8,000,000,000,000 bytes"),
    "arange": (lambda: glassnet.arange(HUGE), "8,000,000,000,000 bytes"),
    "linspace": (lambda: glassnet.linspace(0, 1, HUGE), "4,000,000,000,000 bytes"),
    "eye": (lambda: glassnet.eye(10**6), "4,000,000,000,000 bytes"),
    "new_zeros": (lambda: glassnet.zeros(2).new_zeros(HUGE), "4,000,000,000,000 bytes"),
    "new_full": (lambda: glassnet.zeros(2).new_full((HUGE,), 2.0), "4,000,000,000,000 bytes"),
}


@pytest.mark.parametrize("name", sorted(ABSURD))
def test_absurd_sizes_are_refused_before_allocating(name):
    """An absurd size is a ValueError naming the function, the size and the bytes needed (torch
    raises a RuntimeError from its allocator; NumPy a bare MemoryError)."""
    make, need = ABSURD[name]
    with pytest.raises(ValueError, match=rf"^{name}: a tensor of size \(.*would need") as err:
        make()
    assert need in str(err.value) and "this machine has" in str(err.value)


def test_sizes_beyond_int64_and_unbounded_ranges_are_clear_errors():
    with pytest.raises(ValueError, match=r"zeros: a tensor of size \(10{30},\)"):
        glassnet.zeros(10**30)
    with pytest.raises(ValueError, match=r"arange: a tensor of size"):
        glassnet.arange(0, 1e30, 0.5)
    with pytest.raises(ValueError, match=r"arange: unsupported range 0 -> inf"):
        glassnet.arange(0, float("inf"))
    with pytest.raises(TypeError, match=r"zeros: size must be integers, got \(2.5,\)"):
        glassnet.zeros(2.5)
    with pytest.raises(TypeError, match=r"linspace: steps must be an integer"):
        glassnet.linspace(0, 1, 2.0)
    with pytest.raises(TypeError, match=r"arange: start, end and step must be numbers"):
        glassnet.arange("a", "b")


@pytest.mark.parametrize("data", [None, [1, None], [[1.0, 2.0], [3.0, None]]])
def test_none_among_the_data_is_refused_even_with_a_float_dtype(data):
    """NumPy turns None into NaN under a float dtype; torch refuses it, and so does glassnet."""
    with pytest.raises(TypeError, match="tensor: cannot convert .* None .* is not a number"):
        glassnet.tensor(data, dtype=glassnet.float32)
    with pytest.raises(TypeError, match="tensor: cannot convert .* None .* is not a number"):
        glassnet.zeros(2).new_tensor(data)
    with pytest.raises((TypeError, RuntimeError)):
        torch.tensor(data, dtype=torch.float32)
