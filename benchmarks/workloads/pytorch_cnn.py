"""(h) Convolutional networks written the common PyTorch way, run unchanged in both frameworks
(their model files in `scripts/`, loaded through `shim`), trained by a PyTorch-style loop on
MNIST (random images of the same shape where the files are absent):

- the PyTorch MNIST example's network, Adadelta (lr 1.0) on `F.nll_loss` of its log-softmax
  output, batch 64, dropout on (`h_mnist_example_train`);
- LeNet-5 without padding as one nn.Sequential, SGD with momentum 0.9 on cross-entropy, batch 64
  (`h_lenet_plain_train`).

Both frameworks start from the same weights (glassnet's, copied into the PyTorch model).
"""

from __future__ import annotations

import numpy as np

from benchmarks.workloads.common import Workload, batches, mnist_arrays
from benchmarks.workloads.flops import layer_forward_flops
from benchmarks.workloads.pytorch_style import _models

BATCH = 64


def _mnist_batches(lib, steps: int) -> list[tuple]:
    """`steps` batches of MNIST as the framework's tensors, normalised as the example does."""
    x, y, _ = mnist_arrays(BATCH * steps)
    x = ((x - 0.1307) / 0.3081).astype(np.float32)
    return [
        (lib.from_numpy(np.ascontiguousarray(x[s])), lib.from_numpy(y[s]))
        for s in batches(len(x), BATCH, steps)
    ]


def _forward_flops(model) -> float:
    """Forward FLOPs of one image through a glassnet model (a throwaway copy's hooks)."""
    import glassnet

    return layer_forward_flops(model, glassnet.zeros(1, 1, 28, 28))


def mnist_example_train(framework: str, quick: bool) -> Workload:
    """One repeat = 10 Adadelta steps (1 in --quick) of batch 64."""
    lib, model = _models("mnist_example_model.py", lambda m: m.Net(), framework)
    flops = _forward_flops(_models("mnist_example_model.py", lambda m: m.Net(), "glassnet")[1])
    F = lib.nn.functional
    optimizer = lib.optim.Adadelta(model.parameters(), lr=1.0)
    data = _mnist_batches(lib, 1 if quick else 10)
    model.train()

    def step() -> None:
        for x, y in data:
            optimizer.zero_grad()
            F.nll_loss(model(x), y).backward()
            optimizer.step()

    return Workload(step, BATCH * len(data), 3 * flops * BATCH * len(data))


def lenet_plain_train(framework: str, quick: bool) -> Workload:
    """One repeat = 30 SGD steps (3 in --quick) of batch 64."""
    lib, model = _models("lenet_model.py", lambda m: m.lenet(), framework)
    flops = _forward_flops(_models("lenet_model.py", lambda m: m.lenet(), "glassnet")[1])
    criterion = lib.nn.CrossEntropyLoss()
    optimizer = lib.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    data = _mnist_batches(lib, 3 if quick else 30)
    model.train()

    def step() -> None:
        for x, y in data:
            optimizer.zero_grad()
            criterion(model(x), y).backward()
            optimizer.step()

    return Workload(step, BATCH * len(data), 3 * flops * BATCH * len(data))
