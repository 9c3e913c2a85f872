"""Sequential, ModuleList and ModuleDict: naming, indexing, editing (with torch's renumbering),
state_dict keys equal to torch's, repr, errors."""

from collections import OrderedDict

import numpy as np
import pytest
import torch

import glassnet
from glassnet import nn


def lin(lib, n=2):
    return lib.nn.Linear(n, n)


def test_sequential_chains_and_names_like_torch():
    torch.manual_seed(0)
    g = nn.Sequential(nn.Linear(4, 8), nn.Identity(), nn.Linear(8, 3))
    t = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Identity(), torch.nn.Linear(8, 3))
    assert (
        list(g.state_dict()) == list(t.state_dict()) == ["0.weight", "0.bias", "2.weight", "2.bias"]
    )
    g.load_state_dict(t.state_dict())
    x = np.random.default_rng(1).standard_normal((5, 4)).astype(np.float32)
    np.testing.assert_allclose(
        g(glassnet.tensor(x))._data, t(torch.tensor(x)).detach().numpy(), rtol=1e-5, atol=1e-6
    )
    assert repr(g) == repr(t)
    assert nn.Sequential()(glassnet.ones(1))._data[0] == 1.0  # empty: the identity


def test_sequential_from_ordered_dict():
    g = nn.Sequential(OrderedDict([("hidden", nn.Linear(2, 3)), ("out", nn.Linear(3, 1))]))
    t = torch.nn.Sequential(
        OrderedDict([("hidden", torch.nn.Linear(2, 3)), ("out", torch.nn.Linear(3, 1))])
    )
    assert list(g.state_dict()) == list(t.state_dict())
    assert g.hidden is g[0] and g.out is g[-1]


def test_sequential_indexing_and_editing_like_torch():
    mods = [nn.Linear(1, 1), nn.Linear(2, 2), nn.Linear(3, 3), nn.Linear(4, 4)]
    g = nn.Sequential(*mods)
    assert len(g) == 4 and list(g) == mods
    assert g[-1] is mods[3]
    sub = g[1:3]
    assert isinstance(sub, nn.Sequential) and list(sub._modules) == ["1", "2"]  # keys kept (torch)
    assert list(torch.nn.Sequential(*[lin(torch)] * 4)[1:3]._modules) == ["1", "2"]
    del g[1]
    assert list(g._modules) == ["0", "1", "2"] and g[1] is mods[2]  # renumbered, as torch
    t = torch.nn.Sequential(*(torch.nn.Linear(n, n) for n in range(1, 5)))
    del t[1]
    assert list(g.state_dict()) == list(t.state_dict())
    g.append(nn.Linear(5, 5))
    g.insert(0, nn.Identity())
    assert [type(m).__name__ for m in g] == ["Identity", "Linear", "Linear", "Linear", "Linear"]
    assert list(g._modules) == ["0", "1", "2", "3", "4"]
    assert "1" in g.__dict__ and g.__dict__["1"] is g[1]  # attribute mirror kept in step
    g[0] = nn.Linear(1, 1)
    assert isinstance(g[0], nn.Linear)
    popped = g.pop(0)
    assert isinstance(popped, nn.Linear) and len(g) == 4
    both = g + nn.Sequential(nn.Identity())
    assert len(both) == 5
    g.extend([nn.Identity()])
    assert len(g) == 5


def test_sequential_errors():
    g = nn.Sequential(nn.Linear(1, 1))
    with pytest.raises(IndexError, match="index 3 is out of range for 1 modules"):
        g[3]
    with pytest.raises(TypeError, match="integers or slices"):
        g["a"]
    with pytest.raises(TypeError, match="only add another Sequential"):
        g + [nn.Identity()]
    with pytest.raises(TypeError, match="not a Module"):
        nn.Sequential(3)


def test_module_list_registers_and_slices():
    g = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])
    t = torch.nn.ModuleList([torch.nn.Linear(2, 2) for _ in range(3)])
    assert list(g.state_dict()) == list(t.state_dict())
    assert repr(g) == repr(t)  # "(0-2): 3 x Linear(...)"
    g.append(nn.Identity())
    t.append(torch.nn.Identity())
    assert repr(g) == repr(t)
    assert isinstance(g[1:], nn.ModuleList) and len(g[1:]) == 3
    g += [nn.Linear(1, 1)]
    assert len(g) == 5 and len(g + [nn.Identity()]) == 6
    del g[0]
    assert list(g._modules) == ["0", "1", "2", "3"]
    del g[1:3]
    assert len(g) == 2 and list(g._modules) == ["0", "1"]
    assert repr(nn.ModuleList()) == repr(torch.nn.ModuleList())
    with pytest.raises(NotImplementedError, match="forward"):
        g(1)


def test_module_list_inside_a_module_like_torch():
    class Blocks(nn.Module):
        def __init__(self):
            super().__init__()
            self.layers = nn.ModuleList([nn.Linear(3, 3) for _ in range(3)])

        def forward(self, x):
            for layer in self.layers:
                x = layer(x).relu()
            return x

    class TBlocks(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.layers = torch.nn.ModuleList([torch.nn.Linear(3, 3) for _ in range(3)])

        def forward(self, x):
            for layer in self.layers:
                x = layer(x).relu()
            return x

    g, t = Blocks(), TBlocks()
    assert "layers.2.bias" in g.state_dict()
    assert list(g.state_dict()) == list(t.state_dict())
    g.load_state_dict(t.state_dict())
    x = np.ones((2, 3), dtype=np.float32)
    np.testing.assert_allclose(
        g(glassnet.tensor(x))._data, t(torch.tensor(x)).detach().numpy(), rtol=1e-5, atol=1e-6
    )


def test_module_dict():
    g = nn.ModuleDict({"cls": nn.Linear(4, 3), "box": nn.Linear(4, 2)})
    t = torch.nn.ModuleDict({"cls": torch.nn.Linear(4, 3), "box": torch.nn.Linear(4, 2)})
    assert list(g.state_dict()) == list(t.state_dict())
    assert repr(g) == repr(t)
    assert list(g) == ["cls", "box"] and list(g.keys()) == ["cls", "box"] and "cls" in g
    assert len(g) == 2 and g["cls"] is g.cls and [m for m in g.values()][1] is g["box"]
    assert dict(g.items())["box"] is g.box
    g["extra"] = nn.Identity()
    g.update([("more", nn.Identity())])
    assert list(g) == ["cls", "box", "extra", "more"]
    assert isinstance(g.pop("extra"), nn.Identity) and "extra" not in g and not hasattr(g, "extra")
    del g["more"]
    assert list(g) == ["cls", "box"]
    with pytest.raises(KeyError, match="no module named 'nope'"):
        g["nope"]
    with pytest.raises(KeyError, match="no module named 'nope'"):
        del g["nope"]
    with pytest.raises(KeyError, match="already exists"):
        g["update"] = nn.Identity()  # would hide the method (torch refuses too)
    g.clear()
    assert len(g) == 0 and list(g.parameters()) == []
