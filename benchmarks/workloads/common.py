"""What the workloads share: the Workload record, the data, and torch set-up."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np


@dataclass
class Workload:
    """One repeat of work: `step()` runs it; `samples` and `flops` say how much it is."""

    step: Callable[[], None]
    samples: int
    flops: float = 0.0


def data_root() -> Path | None:
    """GLASSNET_DATA, else ../shared/data beside the repository, else None."""
    env = os.environ.get("GLASSNET_DATA")
    if env:
        return Path(env)
    guess = Path(__file__).resolve().parents[3] / "shared" / "data"
    return guess if guess.is_dir() else None


def mnist_arrays(n: int) -> tuple[np.ndarray, np.ndarray, str]:
    """The first n MNIST training images (N, 1, 28, 28) float32 in [0, 1] and int64 labels.

    Falls back to random data of the same shape (saying so) when the files are absent.
    """
    root = data_root()
    if root is not None and (root / "mnist").is_dir():
        x, y = _mnist_train(str(root / "mnist"))
        return x[:n].reshape(-1, 1, 28, 28), y[:n], "MNIST"
    rng = np.random.default_rng(0)
    x = rng.random((n, 1, 28, 28), dtype=np.float32)
    return x, rng.integers(0, 10, n), "random (MNIST files not found)"


@functools.lru_cache(maxsize=1)
def _mnist_train(folder: str) -> tuple[np.ndarray, np.ndarray]:
    """The 60,000 training images and labels, read once per process."""
    from glassnet.data.mnist import load_mnist

    return load_mnist(folder, train=True)


def digits_arrays() -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's digits, standardised, the first 1,437 samples (its usual 80% split)."""
    from sklearn.datasets import load_digits

    x, y = load_digits(return_X_y=True)
    x = ((x - x.mean(0)) / (x.std(0) + 1e-8)).astype(np.float32)
    return x[:1437], y[:1437].astype(np.int64)


def torch_setup():
    """Import torch with 2 intra-op threads (the machine has 2 cores)."""
    import torch

    torch.set_num_threads(2)
    return torch


def batches(n: int, batch: int, steps: int) -> list[slice]:
    """`steps` consecutive batch slices, wrapping around the n samples."""
    per_epoch = n // batch
    return [slice((i % per_epoch) * batch, (i % per_epoch + 1) * batch) for i in range(steps)]
