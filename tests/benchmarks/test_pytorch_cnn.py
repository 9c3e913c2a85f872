"""The (h) workloads: convolutional networks written for PyTorch run unchanged under glassnet
through the import shim, from the same weights, and give PyTorch's losses and gradients."""

import numpy as np
import pytest

from benchmarks.workloads import pytorch_cnn
from benchmarks.workloads.pytorch_style import _models

torch = pytest.importorskip("torch")

LOSSES = [("mnist_example_model.py", "nll_loss"), ("lenet_model.py", "cross_entropy")]


@pytest.mark.parametrize("script, loss", LOSSES, ids=["mnist-example", "lenet-plain"])
def test_both_frameworks_compute_the_same_loss_and_gradients(script, loss):
    """In eval mode (dropout off: the frameworks draw different masks), one batch."""
    rng = np.random.default_rng(3)
    x = rng.standard_normal((8, 1, 28, 28)).astype(np.float32)
    y = rng.integers(0, 10, 8)
    losses, grads = [], []
    for framework in ("glassnet", "torch"):
        lib, model = _models(script, pytorch_cnn.BUILDS[script], framework)
        model.eval()
        value = getattr(lib.nn.functional, loss)(model(lib.from_numpy(x)), lib.from_numpy(y))
        value.backward()
        losses.append(value.item())
        grads.append({k: p.grad.numpy() for k, p in model.named_parameters()})
    np.testing.assert_allclose(losses[0], losses[1], rtol=1e-5)
    assert grads[0].keys() == grads[1].keys()
    for name, g in grads[0].items():
        np.testing.assert_allclose(g, grads[1][name], rtol=1e-3, atol=1e-6, err_msg=name)


# forward multiply-adds x 2 of one image: conv1, conv2, fc1, fc2; conv1, conv2, fc1-fc3
MNIST_EXAMPLE = 2 * (32 * 9 * 26 * 26 + 64 * 288 * 24 * 24 + 9216 * 128 + 128 * 10)
LENET = 2 * (6 * 25 * 24 * 24 + 16 * 150 * 8 * 8 + 256 * 120 + 120 * 84 + 84 * 10)


@pytest.mark.parametrize(
    "builder, steps, forward_flops",
    [
        (pytorch_cnn.mnist_example_train, 1, MNIST_EXAMPLE),
        (pytorch_cnn.lenet_plain_train, 3, LENET),
    ],
)
def test_quick_workloads_run_in_both_frameworks(builder, steps, forward_flops):
    for framework in ("glassnet", "torch"):
        work = builder(framework, quick=True)
        work.step()
        assert work.samples == pytorch_cnn.BATCH * steps
        assert work.flops == 3 * forward_flops * work.samples  # training: 3x the forward
