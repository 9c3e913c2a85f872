"""Reused workspaces must not leak one call's numbers into the next: convolutions of different
kernel widths but the same padded width share the wide-row buffers, whose junk columns must be
zero again for the narrower output (a stale column once gave an input gradient 0.4 off)."""

import itertools

import numpy as np
import torch
import torch.nn.functional as TF

import glassnet as G


def _grads(conv_g, conv_t, x, w, **kw):
    rng = np.random.default_rng(x.size * 7 + w.size)
    gx, gw = G.tensor(x, requires_grad=True), G.tensor(w, requires_grad=True)
    tx, tw = torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True)
    y, yt = conv_g(gx, gw, **kw), conv_t(tx, tw, **kw)
    up = rng.standard_normal(tuple(yt.shape)).astype(x.dtype)
    (y * G.tensor(up)).sum().backward()
    (yt * torch.tensor(up)).sum().backward()
    return (gx.grad.numpy(), gw.grad.numpy()), (tx.grad.numpy(), tw.grad.numpy())


def test_a_narrower_kernel_after_a_wider_output_of_the_same_padded_width():
    rng = np.random.default_rng(0)
    f = np.float32
    first = (rng.standard_normal((1, 2, 1)).astype(f), rng.standard_normal((3, 2, 1)).astype(f))
    _grads(G.nn.functional.conv1d, TF.conv1d, *first, padding=1)  # Wp = 3, Wo = 3
    x, w = rng.standard_normal((1, 2, 3)).astype(f), rng.standard_normal((3, 2, 2)).astype(f)
    got, want = _grads(G.nn.functional.conv1d, TF.conv1d, x, w)  # Wp = 3, Wo = 2
    for a, b in zip(got, want):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)


def test_interleaved_kernel_widths_and_paddings_match_torch():
    rng = np.random.default_rng(1)
    shapes = itertools.product((1, 2, 3), (0, 1, 2), (2, 5), (1, 2))  # kernel, pad, W, batch
    for k, pad, width, n in list(shapes) * 2:  # the second pass meets every buffer again
        if width + 2 * pad < k:
            continue
        for c, o in ((2, 3), (4, 4)):
            x = rng.standard_normal((n, c, width)).astype(np.float32)  # Ho = 1 for every k
            w = rng.standard_normal((o, c, k)).astype(np.float32)
            got, want = _grads(G.nn.functional.conv1d, TF.conv1d, x, w, padding=pad)
            for a, b in zip(got, want):
                np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-4, err_msg=f"{k, pad, width}")
