"""LBFGS against torch.optim.LBFGS: each step(closure) runs many iterations; parameters agree after
every step, with and without the strong-Wolfe line search, and after a state_dict reload.

Quasi-Newton steps amplify rounding differences (1e-15 after one step, ~1e-4 after ~90
iterations with the line search on this problem, for both libraries against each other), so
the runs are 8 steps of up to 8 iterations each."""

import numpy as np
import pytest
import torch

import glassnet
from glassnet.optim import LBFGS
from tests.optim.harness import train_side_by_side

CASES = [
    dict(lr=1, max_iter=5, history_size=10),
    dict(lr=1, max_iter=8, history_size=4, line_search_fn="strong_wolfe"),
    dict(lr=0.5, max_iter=3, max_eval=4, tolerance_change=1e-12),
]


@pytest.mark.parametrize("kwargs", CASES, ids=str)
def test_matches_torch(kwargs):
    gopt, topt = train_side_by_side(
        LBFGS, torch.optim.LBFGS, kwargs, steps=8, closure=True, reload_at=4,
        compare_state=False,
    )  # fmt: skip
    gstate = next(iter(gopt.state.values()))
    tstate = next(iter(topt.state.values()))
    assert gstate["n_iter"] == tstate["n_iter"] and gstate["func_evals"] == tstate["func_evals"]
    assert len(gstate["old_dirs"]) == len(tstate["old_dirs"])
    np.testing.assert_allclose(gstate["d"]._data, tstate["d"].numpy(), rtol=1e-5, atol=1e-7)


def test_rosenbrock_converges_with_strong_wolfe():
    xy = glassnet.tensor([-1.5, 2.0], dtype=glassnet.float64, requires_grad=True)
    opt = LBFGS([xy], line_search_fn="strong_wolfe", max_iter=100)

    def closure():
        opt.zero_grad()
        x, y = xy[0], xy[1]
        loss = (1 - x) ** 2 + 100 * (y - x * x) ** 2
        loss.backward()
        return loss

    for _ in range(3):
        opt.step(closure)
    np.testing.assert_allclose(xy._data, [1.0, 1.0], atol=1e-5)  # torch stops at the same point


def test_errors():
    w = glassnet.zeros(2, requires_grad=True)
    b = glassnet.zeros(1, requires_grad=True)
    with pytest.raises(ValueError, match="LBFGS doesn't support per-parameter options"):
        LBFGS([{"params": [w]}, {"params": [b]}])
    with pytest.raises(ValueError, match="LBFGS doesn't support per-parameter options"):
        LBFGS([w]).add_param_group({"params": [b]})
    with pytest.raises(ValueError, match="LBFGS: Invalid learning rate: -1"):
        LBFGS([w], lr=-1)
    with pytest.raises(ValueError, match="only 'strong_wolfe' is supported"):
        LBFGS([w], line_search_fn="armijo")
    with pytest.raises(ValueError, match="LBFGS.step needs a closure"):
        LBFGS([w]).step()
    mixed = LBFGS([w, glassnet.zeros(1, dtype=glassnet.float64, requires_grad=True)])

    def closure():
        return (w * w).sum()

    with pytest.raises(TypeError, match="all parameters must have the same dtype"):
        mixed.step(closure)
