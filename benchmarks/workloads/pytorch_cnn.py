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

import functools

import numpy as np

from benchmarks.workloads.common import Workload, batches, mnist_arrays
from benchmarks.workloads.flops import layer_forward_flops
from benchmarks.workloads.pytorch_style import SCRIPTS, _models
from benchmarks.workloads.shim import load

BATCH = 64


def _mnist_batches(lib, steps: int) -> list[tuple]:
    """`steps` batches of MNIST as the framework's tensors, normalised as the example does."""
    x, y, _ = mnist_arrays(BATCH * steps)
    x = ((x - 0.1307) / 0.3081).astype(np.float32)
    return [
        (lib.from_numpy(np.ascontiguousarray(x[s])), lib.from_numpy(y[s]))
        for s in batches(len(x), BATCH, steps)
    ]


BUILDS = {"mnist_example_model.py": lambda m: m.Net(), "lenet_model.py": lambda m: m.lenet()}


@functools.cache
def _forward_flops(script: str) -> float:
    """Forward FLOPs of one image through the script's model (built once, in glassnet)."""
    import glassnet

    model = BUILDS[script](load(SCRIPTS / script, "glassnet"))
    return layer_forward_flops(model, glassnet.zeros(1, 1, 28, 28))


def _train(framework: str, script: str, optimizer, loss, steps: int) -> Workload:
    """`steps` PyTorch-style steps of batch 64 with optimizer(lib, parameters) on loss(lib)."""
    lib, model = _models(script, BUILDS[script], framework)
    criterion = loss(lib)
    opt = optimizer(lib, model.parameters())
    data = _mnist_batches(lib, steps)
    model.train()

    def step() -> None:
        for x, y in data:
            opt.zero_grad()
            criterion(model(x), y).backward()
            opt.step()

    samples = BATCH * steps
    return Workload(step, samples, 3 * _forward_flops(script) * samples)


def mnist_example_train(framework: str, quick: bool) -> Workload:
    """One repeat = 10 Adadelta steps (1 in --quick) of batch 64."""

    def adadelta(lib, params):
        return lib.optim.Adadelta(params, lr=1.0)

    def nll(lib):
        return lib.nn.functional.nll_loss

    return _train(framework, "mnist_example_model.py", adadelta, nll, 1 if quick else 10)


def lenet_plain_train(framework: str, quick: bool) -> Workload:
    """One repeat = 30 SGD steps (3 in --quick) of batch 64."""

    def sgd(lib, params):
        return lib.optim.SGD(params, lr=0.01, momentum=0.9)

    def cross_entropy(lib):
        return lib.nn.CrossEntropyLoss()

    return _train(framework, "lenet_model.py", sgd, cross_entropy, 3 if quick else 30)
