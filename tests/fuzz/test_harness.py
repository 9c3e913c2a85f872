"""The fuzz harness itself: it must catch raw exceptions and wrong values, not only pass."""

import numpy as np
import pytest
import torch

import glassnet
from tests.fuzz.harness import Case, Spec, check, clean_error


def _raised(fn):
    try:
        fn()
    except Exception as err:  # the error under judgement
        return err
    raise AssertionError("nothing raised")


def test_raw_python_and_numpy_errors_are_not_clean():
    assert "ZeroDivisionError" in clean_error(_raised(lambda: 1 // 0))
    assert "NumPy" in clean_error(_raised(lambda: np.zeros(2).sum(axis=3)))
    assert "outside glassnet" in clean_error(_raised(lambda: int("x")))


def test_glassnet_errors_are_clean():
    assert clean_error(_raised(lambda: glassnet.tensor("abc"))) is None
    assert clean_error(_raised(lambda: glassnet.ones(2) + glassnet.ones(3))) is None


def test_check_fails_on_a_wrong_dtype_and_on_a_wrong_value():
    x = (np.arange(3, dtype=np.float32),)
    wrong_dtype = Spec("double", lambda t: t.double(), lambda t: t * 1, None)
    with pytest.raises(AssertionError, match="dtype float64"):
        check(wrong_dtype, Case(x))
    wrong_value = Spec("plus", lambda t: t + 1, lambda t: t + 2, None)
    with pytest.raises(AssertionError, match="differs from torch"):
        check(wrong_value, Case(x))
    wrong_grad = Spec("square", lambda t: t * t, lambda t: t * t.detach(), None)
    with pytest.raises(AssertionError, match="gradient of input 0"):
        check(wrong_grad, Case(x))


def test_check_passes_a_matching_op():
    check(Spec("exp", glassnet.exp, torch.exp, None), Case((np.linspace(-1, 1, 5),)))
