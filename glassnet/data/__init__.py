"""Data: datasets, loaders and the real data sets glassnet trains on.

`Dataset`/`TensorDataset`/`Subset`/`random_split` and `DataLoader` follow PyTorch's
`torch.utils.data`; `datasets` loads scikit-learn's bundled sets (no download); `mnist` reads
IDX files and `text` character corpora from a path or `GLASSNET_DATA`.
"""

from glassnet.data.dataset import Dataset, Subset, TensorDataset, random_split
from glassnet.data.loader import DataLoader, default_collate

__all__ = [
    "DataLoader",
    "Dataset",
    "Subset",
    "TensorDataset",
    "default_collate",
    "random_split",
]
