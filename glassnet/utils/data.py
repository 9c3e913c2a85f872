"""`glassnet.utils.data`, where PyTorch scripts look for datasets and loaders (`glassnet.data`)."""

from glassnet.data import (  # noqa: F401
    DataLoader,
    Dataset,
    Subset,
    TensorDataset,
    default_collate,
    random_split,
)

__all__ = ["DataLoader", "Dataset", "Subset", "TensorDataset", "default_collate", "random_split"]
