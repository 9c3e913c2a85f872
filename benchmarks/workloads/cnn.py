"""(c) LeNet-5 on MNIST, batch 64, Adam; (d) a small ResNet training step; (f) LeNet-5 inference.
glassnet's model is built first and its weights are copied into the PyTorch twin."""

from __future__ import annotations

import functools

import numpy as np

from benchmarks.workloads import torch_models
from benchmarks.workloads.common import Workload, batches, mnist_arrays, torch_setup
from benchmarks.workloads.flops import layer_forward_flops


def _glassnet_model(kind: str, generator=None):
    import glassnet

    if kind == "lenet":
        return glassnet.models.LeNet5(generator=generator)
    return glassnet.models.ResNet(layers=(2, 2, 2), width=16, generator=generator)


@functools.cache
def forward_flops_per_image(kind: str) -> float:
    """Forward FLOPs of one 28x28 image through the model (see `layer_forward_flops`); the
    model is drawn from its own generator, leaving the global one alone."""
    import glassnet

    model = _glassnet_model(kind, glassnet.Generator(0))
    return layer_forward_flops(model, glassnet.zeros(1, 1, 28, 28))


def _models(framework: str, kind: str):
    import glassnet

    glassnet.manual_seed(0)
    g_model = _glassnet_model(kind)
    if framework == "glassnet":
        return glassnet, g_model
    torch = torch_setup()
    t_model = torch_models.lenet5(torch) if kind == "lenet" else torch_models.resnet(torch)
    torch_models.copy_weights(torch, g_model, t_model)
    return torch, t_model


def _train(framework: str, kind: str, batch: int, steps: int) -> Workload:
    x, y, _ = mnist_arrays(batch * steps)
    slices = batches(len(x), batch, steps)
    lib, model = _models(framework, kind)
    F = lib.nn.functional  # glassnet and torch spell these the same
    opt = lib.optim.Adam(model.parameters(), lr=1e-3)
    xs = [lib.from_numpy(np.ascontiguousarray(x[s])) for s in slices]
    ys = [lib.from_numpy(y[s]) for s in slices]
    model.train()

    def step() -> None:
        for xb, yb in zip(xs, ys):
            opt.zero_grad()
            F.cross_entropy(model(xb), yb).backward()
            opt.step()

    return Workload(step, batch * steps, 3 * forward_flops_per_image(kind) * batch * steps)


def lenet_train(framework: str, quick: bool) -> Workload:
    """(c) one repeat = 30 Adam steps (3 in --quick) of batch 64 on MNIST."""
    return _train(framework, "lenet", 64, 3 if quick else 30)


def resnet_train(framework: str, quick: bool) -> Workload:
    """(d) one repeat = 5 Adam steps (1 in --quick) of batch 64 of a (2,2,2)x16 ResNet."""
    return _train(framework, "resnet", 64, 1 if quick else 5)


def lenet_inference(framework: str, quick: bool) -> Workload:
    """(f) forward passes without gradients: 4 batches of 1,000 MNIST images (1 in --quick)."""
    n_batches = 1 if quick else 4
    x, _, _ = mnist_arrays(1000)
    lib, model = _models(framework, "lenet")
    model.eval()
    xb = lib.from_numpy(np.ascontiguousarray(x))

    def step() -> None:
        with lib.no_grad():
            for _ in range(n_batches):
                model(xb)

    return Workload(step, 1000 * n_batches, forward_flops_per_image("lenet") * 1000 * n_batches)
