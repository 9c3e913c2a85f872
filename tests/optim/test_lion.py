"""Lion against a reference written in torch from the paper's pseudocode (torch has no Lion)."""

import pytest
import torch

import glassnet
from glassnet.optim import Lion
from tests.optim.harness import train_side_by_side


class TorchLion(torch.optim.Optimizer):
    """Chen et al. 2023, Algorithm 2, one tensor at a time."""

    def __init__(self, params, lr=1e-4, betas=(0.9, 0.99), weight_decay=0.0, maximize=False):
        super().__init__(params, dict(lr=lr, betas=betas, weight_decay=weight_decay,
                                      maximize=maximize))  # fmt: skip

    @torch.no_grad()
    def step(self, closure=None):
        for group in self.param_groups:
            beta1, beta2 = group["betas"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                g = -p.grad if group["maximize"] else p.grad
                state = self.state[p]
                if not state:
                    state["step"] = torch.tensor(0.0)
                    state["exp_avg"] = torch.zeros_like(p)
                state["step"] += 1
                m = state["exp_avg"]
                p.mul_(1 - group["lr"] * group["weight_decay"])
                p.add_(torch.sign(beta1 * m + (1 - beta1) * g), alpha=-group["lr"])
                m.mul_(beta2).add_(g, alpha=1 - beta2)


CASES = [
    dict(lr=1e-3),
    dict(lr=1e-3, betas=(0.95, 0.98), weight_decay=0.5),
    dict(lr=1e-3, maximize=True),
]


@pytest.mark.parametrize("kwargs", CASES, ids=str)
def test_matches_paper_reference(kwargs):
    train_side_by_side(Lion, TorchLion, kwargs, reload_at=100, skip_b2_every=3)


def test_param_groups_with_their_own_options():
    groups = [{}, {"lr": 3e-3, "weight_decay": 0.1}]
    train_side_by_side(Lion, TorchLion, dict(lr=1e-3), group_kwargs=groups)


def test_every_coordinate_moves_by_lr():
    w = glassnet.tensor([1.0, -2.0, 3.0], dtype=glassnet.float64, requires_grad=True)
    opt = Lion([w], lr=0.1)
    (w * glassnet.tensor([5.0, -0.001, 2.0], dtype=glassnet.float64)).sum().backward()
    opt.step()
    assert w._data.tolist() == pytest.approx([0.9, -1.9, 2.9])


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(lr=-1), "Lion: Invalid learning rate: -1"),
        (dict(betas=(1.2, 0.99)), "Invalid beta parameter at index 0: 1.2"),
        (dict(weight_decay=-1), "Invalid weight_decay value: -1"),
    ],
)
def test_invalid_hyperparameters(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Lion([glassnet.zeros(3, requires_grad=True)], **kwargs)
