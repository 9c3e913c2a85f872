"""glassnet.save / glassnet.load: torch.save's argument order, safetensors + JSON on disk."""

import numpy as np
import pytest

import glassnet
from glassnet import nn


def test_state_dict_round_trip_in_torch_order(tmp_path):
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    glassnet.save(model.state_dict(), tmp_path / "model.pt")
    assert (tmp_path / "model.pt.safetensors").is_file() and (tmp_path / "model.pt.json").is_file()
    fresh = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    fresh.load_state_dict(glassnet.load(tmp_path / "model.pt"))
    x = glassnet.randn(5, 3)
    np.testing.assert_array_equal(model(x).detach().numpy(), fresh(x).detach().numpy())


def test_optimizer_state_and_numbers_round_trip(tmp_path):
    w = glassnet.randn(3, requires_grad=True)
    opt = glassnet.optim.Adam([w], lr=0.1)
    (w * w).sum().backward()
    opt.step()
    glassnet.save({"optimizer": opt.state_dict(), "epoch": 3}, tmp_path / "ckpt")
    back = glassnet.load(tmp_path / "ckpt")
    assert back["epoch"] == 3
    opt2 = glassnet.optim.Adam([glassnet.zeros(3, requires_grad=True)], lr=0.1)
    opt2.load_state_dict(back["optimizer"])
    assert opt2.state_dict()["param_groups"][0]["lr"] == 0.1


def test_load_of_a_missing_file_names_it(tmp_path):
    with pytest.raises(glassnet.io.CheckpointError, match="nothing.safetensors|nothing.json"):
        glassnet.load(tmp_path / "nothing")


def test_utils_data_is_glassnet_data():
    from glassnet.utils.data import DataLoader, TensorDataset

    assert DataLoader is glassnet.data.DataLoader and TensorDataset is glassnet.data.TensorDataset
