"""NAdam against torch.optim.NAdam: 200 steps in float64, state_dict reload at step 100."""

import pytest
import torch

import glassnet
from glassnet.optim import NAdam
from tests.optim.harness import train_side_by_side

CASES = [
    dict(lr=0.01),
    dict(lr=0.01, weight_decay=0.1, momentum_decay=0.01),
    dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True, betas=(0.8, 0.99)),
    dict(lr=0.01, maximize=True, eps=1e-6),
]


@pytest.mark.parametrize("kwargs", CASES, ids=str)
def test_matches_torch(kwargs):
    train_side_by_side(NAdam, torch.optim.NAdam, kwargs, reload_at=100, skip_b2_every=3)


def test_param_groups_with_their_own_options():
    groups = [{}, {"lr": 0.03, "momentum_decay": 0.1}]
    train_side_by_side(NAdam, torch.optim.NAdam, dict(lr=0.01), group_kwargs=groups)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(lr=-1), "Invalid learning rate: -1"),
        (dict(eps=-1), "Invalid epsilon value: -1"),
        (dict(betas=(-0.1, 0.9)), "Invalid beta parameter at index 0: -0.1"),
        (dict(weight_decay=-1), "Invalid weight_decay value: -1"),
        (dict(momentum_decay=-1), "Invalid momentum_decay value: -1"),
    ],
)
def test_invalid_hyperparameters(kwargs, message):
    with pytest.raises(ValueError, match=message):
        NAdam([glassnet.zeros(3, requires_grad=True)], **kwargs)
