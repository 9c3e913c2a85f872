"""`glassnet.utils.data` answers every import path PyTorch scripts use for torch.utils.data."""

import importlib

import pytest
import torch

import glassnet
import glassnet.data

PATHS = {
    "glassnet.utils.data": torch.utils.data.sampler.__all__
    + ["DataLoader", "Dataset", "IterableDataset", "TensorDataset", "ConcatDataset", "Subset"]
    + ["ChainDataset", "StackDataset", "random_split", "default_collate", "default_convert"]
    + ["get_worker_info", "DistributedSampler"],
    "glassnet.utils.data.dataloader": torch.utils.data.dataloader.__all__,
    "glassnet.utils.data.dataset": torch.utils.data.dataset.__all__,
    "glassnet.utils.data.sampler": torch.utils.data.sampler.__all__,
    "glassnet.utils.data.distributed": ["DistributedSampler"],
}


@pytest.mark.parametrize("path", sorted(PATHS))
def test_torch_paths_resolve_to_glassnet_data(path):
    module = importlib.import_module(path)
    for name in PATHS[path]:
        assert getattr(module, name) is getattr(glassnet.data, name), f"{path}.{name}"


def test_attribute_access_after_import_glassnet():
    assert glassnet.utils.data.DataLoader is glassnet.data.DataLoader
