"""glassnet.testing.assert_close against torch.testing.assert_close: the same pass/fail decision,
exception type and message (dtype and shape printed glassnet's way) on the same inputs."""

import re

import numpy as np
import pytest
import torch

import glassnet
from glassnet.testing import assert_close

NAN, INF = float("nan"), float("inf")

# (actual, expected, kwargs): built twice, with glassnet.tensor and with torch.tensor (`T`).
CASES = [
    (lambda T: T([1.0, 2.0, 3.0]), lambda T: T([1.0, 2.5, 3.0]), {}),
    (lambda T: T([1.0, 2.0, 3.0]), lambda T: T([1.0, 2.0 + 1e-6, 3.0]), {}),
    (lambda T: T([[1.0, 2.0], [3.0, 4.0]]), lambda T: T([[1.0, 2.1], [3.2, 4.0]]), {}),
    (lambda T: T([1.0, 2.0]), lambda T: T([1.0, 2.5]), {"rtol": 0.0, "atol": 0.0}),
    (lambda T: T([1.0, 2.0]), lambda T: T([1.0, 2.5]), {"rtol": 0.3, "atol": 0.0}),
    (lambda T: T([0.0, 1.0]), lambda T: T([1.0, 1.0]), {}),
    (lambda T: T([1, 2, 3]), lambda T: T([1, 2, 4]), {}),
    (lambda T: T([1, 2, 3]), lambda T: T([1, 2, 3]), {}),
    (lambda T: T([1, 0]), lambda T: T([1, 5]), {}),
    (lambda T: T([True, False]), lambda T: T([True, True]), {}),
    (lambda T: T(1.0), lambda T: T(1.1), {}),
    (lambda T: T([NAN, 1.0]), lambda T: T([NAN, 1.0]), {}),
    (lambda T: T([NAN, 1.0]), lambda T: T([NAN, 1.0]), {"equal_nan": True}),
    (lambda T: T([INF, 1.0]), lambda T: T([INF, 1.0]), {}),
    (lambda T: T([INF, 1.0]), lambda T: T([-INF, 1.0]), {}),
    (lambda T: T([1.0, 2.0, 3.0]), lambda T: T([1.0, 2.0]), {}),
    (lambda T: T([1.0, 2.0]), lambda T: T([1.0, 2.0], dtype=_f64(T)), {}),
    (lambda T: T([1.0, 2.0]), lambda T: T([1.0, 2 + 1e-6], dtype=_f64(T)), {"check_dtype": False}),
    (lambda T: T([1, 2]), lambda T: T([1.0, 2.0]), {"check_dtype": False}),
    (lambda T: T([1.0, 2.0]), lambda T: T([1.0, 2.5]), {"msg": "custom"}),
    (lambda T: T([1.0, 2.0]), lambda T: T([1.0, 2.5]), {"msg": lambda m: "X" + m}),
    (lambda T: T([1.0]), lambda T: T([1.0]), {"rtol": 1e-3}),
    (lambda T: {"a": T([1.0]), "b": [T([2.0])]}, lambda T: {"a": T([1.0]), "b": [T([3.0])]}, {}),
    (lambda T: {"a": 1.0}, lambda T: {"b": 1.0}, {}),
    (lambda T: [T([1.0]), T([2.0])], lambda T: (T([1.0]),), {}),
    (lambda T: [T([1.0]), 2.0, None], lambda T: (T([1.0]), 2.0, None), {}),
    (lambda T: 1.0, lambda T: 1.1, {}),
    (lambda T: 1, lambda T: 2, {}),
    (lambda T: 1, lambda T: 1.0, {}),
    (lambda T: True, lambda T: False, {}),
    (lambda T: T(1.0), lambda T: 1.0, {}),
    (lambda T: "a", lambda T: "a", {}),
]


def _f64(T):
    return glassnet.float64 if T is glassnet.tensor else torch.float64


def _outcome(fn, actual, expected, kwargs):
    try:
        fn(actual, expected, **kwargs)
    except Exception as e:  # noqa: BLE001  (the type is part of what is compared)
        return type(e).__name__, str(e)
    return None


def _as_glassnet(text):
    text = re.sub(r"torch\.Size\(\[(\d+)\]\)", r"(\1,)", text)
    text = re.sub(r"torch\.Size\(\[([\d, ]+)\]\)", r"(\1)", text)
    text = text.replace("<class 'torch.Tensor'>", "<class 'glassnet.tensor.Tensor'>")
    return text.replace("torch.", "glassnet.")


@pytest.mark.parametrize("i", range(len(CASES)))
def test_assert_close_matches_torch(i):
    make_a, make_e, kwargs = CASES[i]
    ours = _outcome(assert_close, make_a(glassnet.tensor), make_e(glassnet.tensor), kwargs)
    ref = _outcome(torch.testing.assert_close, make_a(torch.tensor), make_e(torch.tensor), kwargs)
    if ref is None:
        assert ours is None
    else:
        assert ours == (ref[0], _as_glassnet(ref[1]))


def test_default_tolerances_per_dtype():
    for dtype, (rtol, atol) in [
        (np.float16, (1e-3, 1e-5)),
        (np.float32, (1.3e-6, 1e-5)),
        (np.float64, (1e-7, 1e-7)),
    ]:
        e = glassnet.tensor(np.array([100.0], dtype=dtype))
        inside = 100.0 + 0.9 * (atol + rtol * 100.0)
        outside = 100.0 + 1.5 * (atol + rtol * 100.0)
        assert_close(glassnet.tensor(np.array([inside], dtype=dtype)), e)
        with pytest.raises(AssertionError, match="not close"):
            assert_close(glassnet.tensor(np.array([outside], dtype=dtype)), e)


def test_numpy_arrays_compare_with_each_other():
    assert_close(np.array([1.0]), np.array([1.0]))
    with pytest.raises(AssertionError, match="Tensor-likes are not close"):
        assert_close(np.array([1.0]), np.array([2.0]))
    with pytest.raises(TypeError, match="No comparison pair"):
        assert_close(glassnet.tensor([1.0]), np.array([1.0], dtype=np.float32))
