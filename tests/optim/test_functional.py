"""glassnet.optim.functional: each rule on plain arrays against the torch optimizer it backs."""

import numpy as np
import pytest
import torch

from glassnet.optim import functional as F

BETAS = dict(beta1=0.8, beta2=0.99)
CASES = [
    (F.adam, torch.optim.Adam, dict(eps=1e-6, weight_decay=0.1), ["exp_avg", "exp_avg_sq"]),
    (F.adam, torch.optim.Adam, dict(eps=1e-8, amsgrad=True, maximize=True),
     ["exp_avg", "exp_avg_sq", "max_exp_avg_sq"]),
    (F.adamw, torch.optim.AdamW, dict(eps=1e-8, weight_decay=0.1), ["exp_avg", "exp_avg_sq"]),
    (F.nadam, torch.optim.NAdam, dict(eps=1e-8, weight_decay=0.1, momentum_decay=4e-3),
     ["exp_avg", "exp_avg_sq"]),
    (F.radam, torch.optim.RAdam, dict(eps=1e-8, weight_decay=0.1, decoupled_weight_decay=True),
     ["exp_avg", "exp_avg_sq"]),
    (F.adamax, torch.optim.Adamax, dict(eps=1e-8, weight_decay=0.1), ["exp_avg", "exp_inf"]),
]  # fmt: skip


@pytest.mark.parametrize(
    "fn, torch_cls, kwargs, buffers",
    CASES,
    ids=[f"{c[0].__name__}-{i}" for i, c in enumerate(CASES)],
)
def test_matches_torch(fn, torch_cls, kwargs, buffers):
    rng = np.random.default_rng(0)
    p = rng.standard_normal(11)
    w = torch.tensor(p.copy(), requires_grad=True)
    kwargs = dict(kwargs)
    amsgrad = kwargs.pop("amsgrad", False)
    # torch keeps NAdam's mu_product as a float32 scalar, so it agrees to about 1e-7 only
    rtol, atol = (1e-6, 1e-8) if fn is F.nadam else (1e-12, 1e-14)
    opt = torch_cls(
        [w], lr=0.05, betas=(0.8, 0.99), **kwargs, **({"amsgrad": True} if amsgrad else {})
    )
    state = [np.zeros_like(p) for _ in buffers]
    mu_product = 1.0
    for step in range(1, 21):  # 20 steps cross RAdam's rho_t > 5 switch (step 6 for beta2=0.99)
        g = rng.standard_normal(11)
        w.grad = torch.tensor(g.copy())
        opt.step()
        extra = {"mu_product": mu_product} if fn is F.nadam else {}
        out = fn(p, g, *state, step=step, lr=0.05, **BETAS, **kwargs, **extra)
        if fn is F.nadam:
            mu_product = out
        np.testing.assert_allclose(p, w.detach().numpy(), rtol=rtol, atol=atol)
    for name, array in zip(buffers, state):
        np.testing.assert_allclose(array, opt.state[w][name].numpy(), rtol=rtol, atol=atol)


def test_scratch_is_used_and_checked():
    p, g = np.ones(4, np.float32), np.full(4, 0.5, np.float32)
    m, v, t = np.zeros_like(p), np.zeros_like(p), np.zeros_like(p)
    F.adam(p, g, m, v, step=1, lr=0.1, beta1=0.9, beta2=0.999, eps=1e-8, scratch=[t])
    assert p.dtype == np.float32 and np.allclose(p, 0.9)
    assert np.any(t != 0)  # the temporaries went to the caller's array
    with pytest.raises(ValueError, match="scratch needs 2 arrays, got 1"):
        F.nadam(p, g, m, v, step=1, mu_product=1.0, lr=0.1, beta1=0.9, beta2=0.999, eps=1e-8,
                scratch=[t])  # fmt: skip
