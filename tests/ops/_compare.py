"""Shared harness for the op tests: run one op in glassnet and in PyTorch on the same random
inputs, compare values, dtypes and the gradients of every input, and gradcheck in float64.

Shapes come from hypothesis (including 0-d, size-1 and broadcast shapes); values come from a
NumPy Generator seeded by hypothesis, so a failing example is reproducible.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import hypothesis.extra.numpy as hnp
import numpy as np
import torch
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

import glassnet
from glassnet.autograd import gradcheck

FLOATS = [np.float32, np.float64]
TOLERANCE = {
    np.dtype(np.float32): {"rtol": 2e-4, "atol": 2e-5},
    np.dtype(np.float64): {"rtol": 1e-9, "atol": 1e-11},
}
SETTINGS = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,
)

seeds = st.integers(0, 2**32 - 1)
dtypes = st.sampled_from(FLOATS)


def shapes(min_dims: int = 0, max_dims: int = 4, min_side: int = 1, max_side: int = 4):
    return hnp.array_shapes(
        min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=max_side
    )


def broadcast_pairs(num_shapes: int = 2, min_side: int = 1, max_side: int = 4):
    """Shapes that broadcast together (0-d, size-1 and missing leading axes included)."""
    return hnp.mutually_broadcastable_shapes(
        num_shapes=num_shapes, min_dims=0, max_dims=4, min_side=min_side, max_side=max_side
    ).map(lambda bs: bs.input_shapes)


def randn(rng: np.random.Generator, shape: Sequence[int], dtype=np.float64) -> np.ndarray:
    return rng.standard_normal(shape).astype(dtype)


def positive(rng: np.random.Generator, shape: Sequence[int], dtype=np.float64) -> np.ndarray:
    return rng.uniform(0.5, 2.0, shape).astype(dtype)


def torch_dtype_of(dtype: np.dtype) -> torch.dtype:
    return torch.from_numpy(np.zeros(0, dtype=dtype)).dtype


def numpy_dtype_of(dtype: torch.dtype) -> np.dtype:
    return torch.zeros(0, dtype=dtype).numpy().dtype


def assert_close(actual: np.ndarray, expected: np.ndarray, dtype: np.dtype, what: str) -> None:
    tol = TOLERANCE.get(np.dtype(dtype), {"rtol": 0, "atol": 0})
    np.testing.assert_allclose(actual, expected, err_msg=what, **tol)


def compare_with_torch(
    gfn: Callable,
    tfn: Callable,
    arrays: Sequence[np.ndarray],
    grad: bool | Sequence[bool] = True,
    seed: int = 0,
) -> tuple:
    """Run gfn on glassnet tensors and tfn on torch tensors made from the same arrays.

    Checks the output's shape, dtype and values, then (for float outputs) backpropagates one
    random upstream gradient through both and checks every input's gradient. `grad` says which
    inputs require grad (float arrays only). Returns (glassnet output, torch output).
    """
    wants = [grad] * len(arrays) if isinstance(grad, bool) else list(grad)
    wants = [w and a.dtype.kind == "f" for w, a in zip(wants, arrays)]
    g_in = [glassnet.tensor(a, requires_grad=w) for a, w in zip(arrays, wants)]
    t_in = [torch.tensor(a, requires_grad=w) for a, w in zip(arrays, wants)]
    g_out = gfn(*g_in)
    t_out = tfn(*t_in)
    assert isinstance(g_out, glassnet.Tensor), type(g_out)
    assert type(g_out._data) is np.ndarray, type(g_out._data)
    expected = t_out.detach().numpy()
    assert g_out.shape == expected.shape, f"shape {g_out.shape} != torch {expected.shape}"
    assert g_out.dtype == expected.dtype, f"dtype {g_out.dtype} != torch {expected.dtype}"
    assert_close(g_out._data, expected, expected.dtype, "forward values")
    if any(wants) and t_out.requires_grad:
        assert g_out.requires_grad
        rng = np.random.default_rng(seed)
        gy = rng.standard_normal(expected.shape).astype(expected.dtype)
        g_out.backward(glassnet.tensor(gy))
        t_out.backward(torch.tensor(gy))
        for k, (g, t, w) in enumerate(zip(g_in, t_in, wants)):
            if not w:
                assert g.grad is None
                continue
            tg = np.zeros_like(arrays[k]) if t.grad is None else t.grad.numpy()
            gg = np.zeros_like(arrays[k]) if g.grad is None else g.grad._data
            assert gg.shape == arrays[k].shape, f"grad {k} shape {gg.shape}"
            assert gg.dtype == arrays[k].dtype, f"grad {k} dtype {gg.dtype}"
            assert_close(gg, tg, arrays[k].dtype, f"gradient of input {k}")
    return g_out, t_out


def check_gradcheck(gfn: Callable, arrays: Sequence[np.ndarray], grad=True, **kw) -> None:
    """Finite differences in float64 agree with backward for every float input."""
    wants = [grad] * len(arrays) if isinstance(grad, bool) else list(grad)
    inputs = []
    for a, w in zip(arrays, wants):
        if a.dtype.kind == "f":
            inputs.append(glassnet.tensor(a.astype(np.float64), requires_grad=w))
        else:
            inputs.append(glassnet.tensor(a))
    assert gradcheck(gfn, inputs, **kw)
