"""Run one function in glassnet and in PyTorch on copies of the same arrays and compare the
output and the gradient of every input (float64 by default, so the comparison is tight)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import torch

import glassnet


def both(
    gfn: Callable,
    tfn: Callable,
    arrays: Sequence[np.ndarray | None],
    rtol: float = 1e-9,
    atol: float = 1e-10,
    seed: int = 0,
) -> tuple:
    """Compare gfn(*glassnet tensors) with tfn(*torch tensors); None entries pass through.

    Checks shape, dtype and values of the (first) output, then backpropagates one random upstream
    gradient through both and compares the gradient of every array input."""
    g_in = [None if a is None else glassnet.tensor(a, requires_grad=True) for a in arrays]
    t_in = [None if a is None else torch.tensor(a, requires_grad=True) for a in arrays]
    g_out, t_out = gfn(*g_in), tfn(*t_in)
    if isinstance(t_out, tuple):
        g_out, t_out = g_out[0], t_out[0]
    expected = t_out.detach().numpy()
    assert g_out.shape == expected.shape, f"shape {g_out.shape} != torch {expected.shape}"
    assert g_out.dtype == expected.dtype, f"dtype {g_out.dtype} != torch {expected.dtype}"
    np.testing.assert_allclose(g_out._data, expected, rtol=rtol, atol=atol, err_msg="forward")
    gy = np.random.default_rng(seed).standard_normal(expected.shape).astype(expected.dtype)
    g_out.backward(glassnet.tensor(gy))
    t_out.backward(torch.tensor(gy))
    for k, (g, t) in enumerate(zip(g_in, t_in)):
        if g is None:
            continue
        assert g.grad is not None, f"input {k} got no gradient"
        assert g.grad.shape == g.shape and g.grad.dtype == g.dtype, f"input {k} grad shape/dtype"
        np.testing.assert_allclose(
            g.grad._data, t.grad.numpy(), rtol=rtol, atol=atol, err_msg=f"gradient of input {k}"
        )
    return g_out, t_out


def randn(shape: Sequence[int], seed: int = 0, dtype=np.float64) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)
