"""AdamW against torch.optim.AdamW: 200 steps in float64, state_dict reload at step 100."""

import pytest
import torch

import glassnet
from glassnet.optim import Adam, AdamW
from tests.optim.harness import train_side_by_side

CASES = [
    dict(lr=0.01),
    dict(lr=0.01, weight_decay=0.2, amsgrad=True),
    dict(lr=0.02, betas=(0.8, 0.95), weight_decay=0.1, maximize=True),
]


@pytest.mark.parametrize("kwargs", CASES, ids=str)
def test_matches_torch(kwargs):
    train_side_by_side(AdamW, torch.optim.AdamW, kwargs, reload_at=100, skip_b2_every=3)


def test_param_groups_with_their_own_options():
    groups = [{"weight_decay": 0.5}, {"lr": 0.03, "weight_decay": 0.0}]
    train_side_by_side(AdamW, torch.optim.AdamW, dict(lr=0.01), group_kwargs=groups)


def test_is_adam_with_decoupled_decay():
    opt = AdamW([glassnet.zeros(2, requires_grad=True)])
    assert isinstance(opt, Adam)
    assert opt.defaults["decoupled_weight_decay"] is True
    assert opt.defaults["weight_decay"] == 1e-2


def test_invalid_hyperparameters():
    w = glassnet.zeros(3, requires_grad=True)
    with pytest.raises(ValueError, match="AdamW: Invalid weight_decay value: -0.1"):
        AdamW([w], weight_decay=-0.1)
    with pytest.raises(ValueError, match="AdamW: Invalid learning rate: -1"):
        AdamW([w], lr=-1)
