"""Data: datasets, loaders and the real data sets glassnet trains on.

`Dataset`/`TensorDataset`/`Subset`/`random_split` and `DataLoader` follow PyTorch's
`torch.utils.data`; `datasets` loads scikit-learn's bundled sets (no download); `mnist` reads
IDX files and `text` character corpora from a path or `GLASSNET_DATA`.
"""

from glassnet.data.dataset import Dataset, Subset, TensorDataset, random_split
from glassnet.data.loader import DataLoader, default_collate
from glassnet.data.mnist import MNIST, load_mnist, read_idx

__all__ = [
    "DataLoader",
    "Dataset",
    "MNIST",
    "Subset",
    "TensorDataset",
    "default_collate",
    "load_mnist",
    "random_split",
    "read_idx",
]
