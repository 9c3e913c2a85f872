"""The backward engine visits a tensor only after every tensor that consumes it (a DAG, not a
tree): a value reused on two paths of different lengths gets the sum of both gradients."""

import numpy as np
import torch

import glassnet


def test_reused_intermediate_on_paths_of_different_length():
    # z = y + 6y with y = x: dz/dx = 7. The long path (y*2*3) used to reach y after y was
    # already visited, and its gradient was lost.
    x = glassnet.tensor([1.0, 2.0], requires_grad=True)
    y = x * 1
    z = y + (y * 2) * 3
    z.sum().backward()
    np.testing.assert_array_equal(x.grad._data, [7.0, 7.0])


def test_diamond_chains_match_torch():
    a = np.random.default_rng(0).standard_normal(4)
    gx, tx = glassnet.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    outs = []
    for x, lib in ((gx, glassnet), (tx, torch)):
        y = lib.tanh(x * 1.5)
        u = lib.sigmoid(y) * y
        v = lib.exp(u) + y * y
        outs.append((v * u + y).sum())
    outs[0].backward()
    outs[1].backward()
    np.testing.assert_allclose(gx.grad._data, tx.grad.numpy(), rtol=1e-12)
