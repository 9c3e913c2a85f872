"""Train a model on real MNIST with glassnet's DataLoader and Adam, and measure test accuracy.

Shared by the LeNet-5 and ResNet tests; also runnable by hand for the full runs:
`GLASSNET_FULL=1 python -m tests.models._mnist_training lenet` (or `resnet`).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import glassnet
from glassnet.autograd.grad_mode import no_grad
from glassnet.data import DataLoader, TensorDataset
from glassnet.data.mnist import MNIST
from glassnet.ops.loss import cross_entropy
from glassnet.optim import Adam

FULL = os.environ.get("GLASSNET_FULL") == "1"


def data_root() -> Path:
    """$GLASSNET_DATA, else ../shared/data next to the repository; skip the test if absent."""
    env = os.environ.get("GLASSNET_DATA")
    root = Path(env) if env else Path(__file__).resolve().parents[2].parent / "shared" / "data"
    if not (root / "mnist").is_dir():
        pytest.skip(f"MNIST not found under {root} (set GLASSNET_DATA)")
    return root


def accuracy(model, images: np.ndarray, labels: np.ndarray, batch_size: int = 1000) -> float:
    model.eval()
    correct = 0
    with no_grad():
        for start in range(0, len(images), batch_size):
            logits = model(glassnet.tensor(images[start : start + batch_size]))._data
            correct += int((logits.argmax(axis=1) == labels[start : start + batch_size]).sum())
    model.train()
    return correct / len(images)


def train_mnist(
    model,
    n_train: int | None,
    epochs: int,
    lr: float,
    batch_size: int = 64,
    seed: int = 0,
    lr_decay: float = 1.0,
    log: bool = False,
) -> tuple[float, float]:
    """Train with Adam (fixed seed, shuffled batches) and return (test accuracy, seconds)."""
    root = data_root()
    train = MNIST(root, train=True)
    test = MNIST(root, train=False)
    if n_train is not None:
        train = TensorDataset(train.data._data[:n_train], train.targets._data[:n_train])
    loader = DataLoader(
        train, batch_size=batch_size, shuffle=True, generator=glassnet.Generator().manual_seed(seed)
    )
    optimizer = Adam(model.parameters(), lr=lr)
    start = time.perf_counter()
    for epoch in range(epochs):
        for x, y in loader:
            optimizer.zero_grad()
            loss = cross_entropy(model(x), y)
            loss.backward()
            optimizer.step()
        for group in optimizer.param_groups:
            group["lr"] *= lr_decay
        if log:
            acc = accuracy(model, test.data._data, test.targets._data)
            print(
                f"epoch {epoch + 1}: loss {loss.item():.4f} test accuracy {acc:.4f} "
                f"({time.perf_counter() - start:.0f} s)",
                flush=True,
            )
    seconds = time.perf_counter() - start
    return accuracy(model, test.data._data, test.targets._data), seconds


if __name__ == "__main__":
    # python -m tests.models._mnist_training {lenet|resnet} [epochs lr lr_decay batch_size]
    from glassnet.models import LeNet5, ResNet

    which = sys.argv[1] if len(sys.argv) > 1 else "lenet"
    defaults = {"lenet": ("6", "2e-3", "0.6", "64"), "resnet": ("3", "2e-3", "0.3", "64")}[which]
    args = sys.argv[2:] + list(defaults[len(sys.argv[2:]) :])
    epochs, lr, decay, batch = int(args[0]), float(args[1]), float(args[2]), int(args[3])
    glassnet.manual_seed(0)
    model = LeNet5() if which == "lenet" else ResNet(layers=(1, 1, 1), width=16)
    acc, sec = train_mnist(model, None, epochs, lr, batch, lr_decay=decay, log=True)
    print(f"{which} {args}: test accuracy {acc:.4f} in {sec:.0f} s")
