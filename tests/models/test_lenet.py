"""LeNet-5: the architecture against an equivalent torch model (same parameter shapes and the
same outputs with copied weights), and real training on MNIST.

The training test runs a short real version by default: 1 epoch of Adam (lr 2e-3, batch 64) on
the first 20,000 training images, asserting >= 95.5% on the 10,000 test images (measured: 96.2%
in about 35 s on a loaded 2-core machine; PyTorch with the same recipe reaches 96.1%). With
GLASSNET_FULL=1 it trains on all 60,000 images for 6 epochs (lr 2e-3, multiplied by 0.6 after
each epoch) and asserts the issue's >= 98.8% (measured: 99.04% in about 6 minutes).
"""

import numpy as np
import pytest
import torch

import glassnet
from glassnet.models import LeNet5
from tests.models._mnist_training import FULL, train_mnist


def _torch_lenet():
    t = torch.nn
    return t.Sequential(
        t.Conv2d(1, 6, 5, padding=2), t.ReLU(), t.MaxPool2d(2),
        t.Conv2d(6, 16, 5), t.ReLU(), t.MaxPool2d(2), t.Flatten(),
        t.Linear(400, 120), t.ReLU(), t.Linear(120, 84), t.ReLU(), t.Linear(84, 10),
    )  # fmt: skip


def test_matches_the_torch_architecture():
    model, reference = LeNet5(), _torch_lenet()
    names = ["conv1", "conv2", "fc1", "fc2", "fc3"]
    layers = [reference[i] for i in (0, 3, 7, 9, 11)]
    for name, layer in zip(names, layers):
        for p in ("weight", "bias"):
            getattr(model, name).get_parameter(p)._data[...] = getattr(layer, p).detach().numpy()
    assert model.num_parameters() == sum(p.numel() for p in reference.parameters()) == 61706
    x = np.random.default_rng(0).random((4, 1, 28, 28), dtype=np.float32)
    np.testing.assert_allclose(
        model(glassnet.tensor(x))._data, reference(torch.tensor(x)).detach().numpy(), atol=1e-5
    )


def test_tanh_average_variant_and_errors():
    model = LeNet5(activation="tanh", pooling="avg", num_classes=5)
    assert model(glassnet.randn(2, 1, 28, 28)).shape == (2, 5)
    with pytest.raises(ValueError, match="activation must be 'relu' or 'tanh'"):
        LeNet5(activation="gelu")
    with pytest.raises(ValueError, match=r"expected input \(N, C, 28, 28\), got shape"):
        LeNet5()(glassnet.randn(2, 1, 32, 32))


@pytest.mark.slow
def test_trains_on_mnist():
    glassnet.manual_seed(0)
    if FULL:
        acc, _ = train_mnist(LeNet5(), None, epochs=6, lr=2e-3, lr_decay=0.6)
        assert acc >= 0.988
    else:
        acc, _ = train_mnist(LeNet5(), 20000, epochs=1, lr=2e-3)
        assert acc >= 0.955
