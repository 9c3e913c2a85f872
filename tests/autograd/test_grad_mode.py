"""no_grad / enable_grad / set_grad_enabled: as context managers, as decorators, nested, and
restored after an exception; is_grad_enabled reports the mode."""

import pytest
import torch

import glassnet


def _records(x: glassnet.Tensor) -> bool:
    return (x * 2).requires_grad


def test_no_grad_context_manager_records_nothing_and_restores():
    x = glassnet.ones(2, requires_grad=True)
    assert glassnet.is_grad_enabled()
    with glassnet.no_grad():
        assert not glassnet.is_grad_enabled()
        y = x * 2
        assert not y.requires_grad and y.grad_fn is None
    assert glassnet.is_grad_enabled() and _records(x)


def test_no_grad_as_decorator():
    x = glassnet.ones(2, requires_grad=True)

    @glassnet.no_grad()
    def evaluate(t):
        return t * 2

    assert not evaluate(x).requires_grad
    assert glassnet.is_grad_enabled()
    assert evaluate.__name__ == "evaluate"  # functools.wraps


def test_enable_grad_inside_no_grad_and_as_decorator():
    x = glassnet.ones(2, requires_grad=True)

    @glassnet.enable_grad()
    def train_step(t):
        return t * 2

    with glassnet.no_grad():
        with glassnet.enable_grad():
            assert _records(x)
        assert not _records(x)
        assert train_step(x).requires_grad
        assert not glassnet.is_grad_enabled()


def test_set_grad_enabled_as_call_context_and_decorator():
    x = glassnet.ones(2, requires_grad=True)
    with glassnet.set_grad_enabled(False):
        assert not _records(x)
    assert _records(x)
    glassnet.set_grad_enabled(False)  # a plain call switches the mode, as in PyTorch
    try:
        assert not _records(x)
    finally:
        glassnet.set_grad_enabled(True)
    assert _records(x)

    @glassnet.set_grad_enabled(False)
    def frozen(t):
        return t * 2

    assert glassnet.is_grad_enabled()  # decorating does not change the mode
    assert not frozen(x).requires_grad
    assert glassnet.is_grad_enabled()


def test_modes_are_restored_after_an_exception():
    with pytest.raises(ZeroDivisionError):
        with glassnet.no_grad():
            raise ZeroDivisionError
    assert glassnet.is_grad_enabled()

    @glassnet.no_grad()
    def fails():
        raise KeyError("boom")

    with pytest.raises(KeyError):
        fails()
    assert glassnet.is_grad_enabled()


def test_nested_no_grad_blocks():
    with glassnet.no_grad():
        with glassnet.no_grad():
            assert not glassnet.is_grad_enabled()
        assert not glassnet.is_grad_enabled()
    assert glassnet.is_grad_enabled()


def test_grad_mode_names_are_also_in_glassnet_autograd():
    assert glassnet.autograd.no_grad is glassnet.no_grad
    assert glassnet.autograd.enable_grad is glassnet.enable_grad
    assert glassnet.autograd.set_grad_enabled is glassnet.set_grad_enabled


def test_decorators_work_without_parentheses_too():
    x = glassnet.ones(2, requires_grad=True)

    @glassnet.no_grad
    def evaluate(t):
        return t * 2

    @glassnet.enable_grad
    def train_step(t):
        return t * 2

    assert not evaluate(x).requires_grad
    with glassnet.no_grad():
        assert train_step(x).requires_grad
    assert glassnet.is_grad_enabled()


def test_inference_mode_as_context_and_decorators_like_torch():
    x = glassnet.ones(2, requires_grad=True)
    tx = torch.ones(2, requires_grad=True)
    assert glassnet.is_inference_mode_enabled() is torch.is_inference_mode_enabled() is False
    with glassnet.inference_mode(), torch.inference_mode():
        assert not _records(x) and not (tx * 2).requires_grad
        assert glassnet.is_inference_mode_enabled() is torch.is_inference_mode_enabled() is True
        assert glassnet.is_grad_enabled() is torch.is_grad_enabled() is False
        with glassnet.inference_mode(False), torch.inference_mode(False):
            # inference_mode(False) turns grad mode back on, as in PyTorch
            assert glassnet.is_inference_mode_enabled() is torch.is_inference_mode_enabled()
            assert glassnet.is_grad_enabled() is torch.is_grad_enabled() is True
            assert _records(x)
    with glassnet.no_grad(), torch.no_grad():
        with glassnet.inference_mode(False), torch.inference_mode(False):
            assert glassnet.is_grad_enabled() is torch.is_grad_enabled()
    assert glassnet.is_grad_enabled() and not glassnet.is_inference_mode_enabled()

    @glassnet.inference_mode
    def bare(t):
        return glassnet.is_inference_mode_enabled(), _records(t)

    @glassnet.inference_mode()
    def called(t):
        return glassnet.is_inference_mode_enabled(), _records(t)

    @glassnet.inference_mode(mode=False)
    def off(t):
        return glassnet.is_inference_mode_enabled(), _records(t)

    assert bare(x) == called(x) == (True, False) and off(x) == (False, True)
    assert bare.__name__ == "bare" and glassnet.is_grad_enabled()
    assert glassnet.inference_mode().clone().mode is True


def test_inference_mode_restores_after_an_exception():
    with pytest.raises(KeyError), glassnet.inference_mode():
        raise KeyError
    assert glassnet.is_grad_enabled() and not glassnet.is_inference_mode_enabled()
