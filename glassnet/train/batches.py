"""What `fit`, `evaluate` and `predict` share about data: turning what the user passes into
batches, splitting a batch into (input, target), and metrics over a pass's outputs."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from glassnet.data.dataset import Dataset, TensorDataset
from glassnet.data.loader import DataLoader
from glassnet.tensor import Tensor
from glassnet.train.metrics import MetricFn

EMPTY_TRAINING_DATA = "fit: the training data is empty (no samples, so no batch to train on)"


def as_loader(data: Any, batch_size: int, shuffle: bool) -> Iterable | None:
    """A DataLoader for a DataLoader, a Dataset or an (X, y) pair (None stays None)."""
    if data is None or isinstance(data, DataLoader):
        return data
    if isinstance(data, tuple) and len(data) == 2:
        data = TensorDataset(*data)
    if isinstance(data, Dataset):
        if shuffle and len(data) == 0:  # (a random sampler refuses an empty set less clearly)
            raise ValueError(EMPTY_TRAINING_DATA)
        return DataLoader(data, batch_size=batch_size, shuffle=shuffle)
    if isinstance(data, Iterable):
        return data
    raise TypeError(
        f"fit: data must be a DataLoader, a Dataset or an (X, y) pair, got {type(data).__name__}"
    )


def unpack(batch: Any) -> tuple[Any, Any]:
    """(input, target) of a batch, or a ValueError saying what the batch was."""
    if isinstance(batch, tuple | list) and len(batch) == 2:
        return batch[0], batch[1]
    raise ValueError(
        f"fit: each batch must be an (input, target) pair, got {type(batch).__name__}"
        + (f" of length {len(batch)}" if hasattr(batch, "__len__") else "")
    )


def batch_size_of(y: Any) -> int:
    """The number of samples in a batch whose targets are `y`."""
    return len(y) if hasattr(y, "__len__") else 1


def output_array(output: Any) -> np.ndarray:
    """A model's output as an array (the first element of models that return a tuple)."""
    if isinstance(output, tuple):  # models that return (logits, extra)
        output = output[0]
    return np.array(output._data if isinstance(output, Tensor) else output)


def target_array(y: Any) -> np.ndarray:
    return np.asarray(y._data if isinstance(y, Tensor) else y)


def metric_values(
    metrics: Sequence[tuple[str, MetricFn]], outputs: list, targets: list, prefix: str
) -> dict[str, float]:
    """`{prefix + name: fn(outputs, targets)}` over the concatenated batches; sequence outputs
    (B, T, C) are flattened to (B*T, C) with their targets."""
    if not metrics or not outputs:
        return {}
    out = np.concatenate([o.reshape(-1, o.shape[-1]) if o.ndim > 1 else o for o in outputs])
    tgt = np.concatenate(
        [t.reshape(-1, *t.shape[2:]) if o.ndim > 2 else t for o, t in zip(outputs, targets)]
    )
    return {f"{prefix}{name}": fn(out, tgt) for name, fn in metrics}
