"""Data: datasets, loaders and the real data sets glassnet trains on.

Datasets, samplers and `DataLoader` follow PyTorch's `torch.utils.data` (which scripts import
as `glassnet.utils.data`); `datasets` loads scikit-learn's bundled sets (no download); `mnist` reads
IDX files and `text` character corpora from a path or `GLASSNET_DATA`.
"""

from glassnet.data.dataset import (
    ChainDataset,
    ConcatDataset,
    Dataset,
    IterableDataset,
    StackDataset,
    Subset,
    TensorDataset,
    random_split,
)
from glassnet.data.distributed import DistributedSampler
from glassnet.data.loader import DataLoader, default_collate, default_convert, get_worker_info
from glassnet.data.mnist import MNIST, load_mnist, read_idx
from glassnet.data.sampler import (
    BatchSampler,
    RandomSampler,
    Sampler,
    SequentialSampler,
    SubsetRandomSampler,
    WeightedRandomSampler,
)
from glassnet.data.text import CharDataset, CharVocab, char_splits, load_text

__all__ = [
    "BatchSampler",
    "ChainDataset",
    "CharDataset",
    "CharVocab",
    "ConcatDataset",
    "DataLoader",
    "Dataset",
    "DistributedSampler",
    "IterableDataset",
    "MNIST",
    "RandomSampler",
    "Sampler",
    "SequentialSampler",
    "StackDataset",
    "Subset",
    "SubsetRandomSampler",
    "TensorDataset",
    "WeightedRandomSampler",
    "char_splits",
    "default_collate",
    "default_convert",
    "get_worker_info",
    "load_mnist",
    "load_text",
    "random_split",
    "read_idx",
]
