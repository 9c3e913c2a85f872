"""Data: datasets, loaders and the real data sets glassnet trains on.

`Dataset`/`TensorDataset`/`Subset`/`random_split` and `DataLoader` follow PyTorch's
`torch.utils.data`; `datasets` loads scikit-learn's bundled sets (no download); `mnist` reads
IDX files and `text` character corpora from a path or `GLASSNET_DATA`.
"""

from glassnet.data.dataset import Dataset, Subset, TensorDataset, random_split
from glassnet.data.loader import DataLoader, default_collate
from glassnet.data.mnist import MNIST, load_mnist, read_idx
from glassnet.data.text import CharDataset, CharVocab, char_splits, load_text

__all__ = [
    "CharDataset",
    "CharVocab",
    "DataLoader",
    "Dataset",
    "MNIST",
    "Subset",
    "TensorDataset",
    "char_splits",
    "default_collate",
    "load_mnist",
    "load_text",
    "random_split",
    "read_idx",
]
