"""glassnet.compile returns the model or function unchanged (glassnet runs eagerly), with
torch.compile's arguments accepted, also as a decorator."""

import pytest

import glassnet


def test_compile_returns_the_same_object():
    model = glassnet.nn.Linear(2, 3)
    assert glassnet.compile(model) is model
    assert glassnet.compile(model, mode="max-autotune", fullgraph=True, dynamic=False) is model

    def f(x):
        return x * 2

    assert glassnet.compile(f, backend="eager", options={"a": 1}, disable=True) is f


def test_compile_as_a_decorator():
    @glassnet.compile(mode="reduce-overhead")
    def g(x):
        return x + 1

    @glassnet.compile
    def h(x):
        return x + 2

    assert g(1) == 2 and h(1) == 3 and g.__name__ == "g"


def test_compile_refuses_what_is_not_callable():
    with pytest.raises(TypeError, match="compile: expected a Module or a function, got int"):
        glassnet.compile(3)
