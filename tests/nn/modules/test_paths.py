"""`glassnet.nn.modules.<sub>` holds what `torch.nn.modules.<sub>` holds, for every layer
glassnet has (the same objects as in `glassnet.nn`)."""

import importlib

import pytest

import glassnet.nn

SUBMODULES = [
    "activation",
    "batchnorm",
    "container",
    "conv",
    "dropout",
    "flatten",
    "linear",
    "loss",
    "module",
    "normalization",
    "pooling",
    "rnn",
    "sparse",
    "transformer",
]


@pytest.mark.parametrize("sub", SUBMODULES)
def test_every_torch_name_glassnet_has_is_at_the_torch_path(sub):
    theirs = importlib.import_module(f"torch.nn.modules.{sub}")
    ours = importlib.import_module(f"glassnet.nn.modules.{sub}")
    shared = [n for n in theirs.__all__ if hasattr(glassnet.nn, n)]
    assert shared, sub
    for name in shared:
        assert getattr(ours, name, None) is getattr(glassnet.nn, name), f"{sub}.{name}"


def test_paths_scripts_import():
    from glassnet.nn.modules import Linear
    from glassnet.nn.modules.batchnorm import _BatchNorm
    from glassnet.nn.modules.conv import _ConvNd
    from glassnet.nn.modules.loss import _Loss
    from glassnet.nn.modules.module import Module

    assert Linear is glassnet.nn.Linear and Module is glassnet.nn.Module
    assert isinstance(glassnet.nn.MSELoss(), _Loss)
    assert isinstance(glassnet.nn.BatchNorm1d(3), _BatchNorm)
    assert isinstance(glassnet.nn.Conv2d(1, 1, 3), _ConvNd)
