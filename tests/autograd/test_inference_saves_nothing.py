"""Under no_grad an op records nothing: forward already knows it (ctx.needs_input_grad is all
False), no node is kept and nothing saved for backward outlives the call (measured with
tracemalloc and weak references)."""

import gc
import tracemalloc
import weakref

import numpy as np
import pytest

import glassnet
from glassnet.autograd.function import Op
from glassnet.kernels.cache import disabled
from glassnet.nn import functional as F


class _Spy(Op):
    """y = 2x, remembering what forward was told and keeping a weak reference to what it saved."""

    seen: list = []

    @staticmethod
    def forward(ctx, x):
        _Spy.seen.append(ctx.needs_input_grad)
        saved = x * 2
        ctx.save_for_backward(saved)
        _Spy.saved = weakref.ref(saved)
        return saved.copy()

    @staticmethod
    def backward(ctx, gy):
        return 2 * gy


def test_forward_is_told_before_it_runs_whether_a_gradient_is_wanted():
    x = glassnet.ones(3, requires_grad=True)
    _Spy.seen = []
    y = _Spy.apply(x)
    assert _Spy.seen[-1] == (True,) and y._ctx is not None and _Spy.saved() is not None
    with glassnet.no_grad():
        y = _Spy.apply(x)
    assert _Spy.seen[-1] == (False,) and y._ctx is None
    assert _Spy.saved() is None  # the saved array died with the node
    _Spy.apply(glassnet.ones(3))
    assert _Spy.seen[-1] == (False,)  # no input wants a gradient


def _model(x, p):
    h = F.conv2d(x, p["w1"], p["b1"], padding=1)
    h = F.batch_norm(h, p["mean"], p["var"], p["g"], p["beta"], training=False)
    h = F.max_pool2d(F.relu(h), 2)
    h = F.conv2d(h, p["w2"], p["b2"], stride=2)  # strided, valid
    return F.linear(h.flatten(1), p["fc"])


def _retained(fn) -> int:
    """Bytes still allocated once fn() returned, beyond its result's array."""
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    out = fn()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return after - before - out._data.nbytes


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_inference_keeps_nothing_for_backward(dtype):
    rng = np.random.default_rng(0)

    def param(*shape, positive=False):
        a = rng.random(shape) + 0.5 if positive else rng.standard_normal(shape)
        return glassnet.tensor(a.astype(dtype), requires_grad=not positive)

    p = dict(w1=param(8, 3, 3, 3), b1=param(8), g=param(8), beta=param(8),
             mean=param(8, positive=True), var=param(8, positive=True),
             w2=param(16, 8, 3, 3), b2=param(16), fc=param(10, 16 * 3 * 3))  # fmt: skip
    x = glassnet.tensor(rng.standard_normal((8, 3, 16, 16)).astype(dtype))
    activation = 8 * 8 * 16 * 16 * np.dtype(dtype).itemsize
    with disabled():  # no reuse: only what the graph holds stays allocated
        _model(x, p)  # warm-up: imports, first-call caches
        with glassnet.no_grad():
            inference = _retained(lambda: _model(x, p))
        training = _retained(lambda: _model(x, p))
    assert inference < activation // 8  # small Python objects (the output Tensor), no arrays
    assert training > 2 * activation  # the graph holds activations for backward
