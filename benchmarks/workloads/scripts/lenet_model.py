"""LeNet-5 as tutorials write it for 28x28 MNIST digits: unpadded 5x5 convolutions (24x24, then
8x8 maps), ReLU and 2x2 max pooling, a 256 -> 120 -> 84 -> 10 head, as one nn.Sequential. Runs
unchanged under glassnet through `benchmarks.workloads.shim`."""

import torch.nn as nn


def lenet():
    return nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(6, 16, kernel_size=5),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(16 * 4 * 4, 120),
        nn.ReLU(),
        nn.Linear(120, 84),
        nn.ReLU(),
        nn.Linear(84, 10),
    )
