"""Helpers for the distribution tests: the same float64 parameters as a glassnet and a torch leaf,
and a check that a scalar built from each gives the same value and the same gradients."""

import numpy as np
import torch

import glassnet


def leaves(*arrays):
    """(glassnet leaves, torch leaves), float64, requiring grad."""
    g = [glassnet.tensor(np.asarray(a, dtype=np.float64), requires_grad=True) for a in arrays]
    t = [torch.tensor(np.asarray(a, dtype=np.float64), requires_grad=True) for a in arrays]
    return g, t


def check_value_and_grads(g_out, t_out, g_leaves, t_leaves, rtol=1e-10, atol=1e-12):
    np.testing.assert_allclose(g_out.detach().numpy(), t_out.detach().numpy(), rtol, atol)
    g_out.sum().backward()
    t_out.sum().backward()
    for g, t in zip(g_leaves, t_leaves, strict=True):
        if t.grad is None:  # the output does not depend on this leaf
            assert g.grad is None
        else:
            np.testing.assert_allclose(g.grad.numpy(), t.grad.numpy(), rtol, atol)
