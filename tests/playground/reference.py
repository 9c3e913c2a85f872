"""glassnet's own computation of a backward pass, written independently of the playground's
explain code: a copy of the session's model, the loss on the same batch, `backward()`."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np

import glassnet
from glassnet import nn


def reference_gradients(session: Any, indices: list[int]) -> tuple[float, list[np.ndarray]]:
    """(loss, [dL/dW of each Linear layer]) for the session's model on training points `indices`."""
    model = copy.deepcopy(session.model)
    model.eval()
    X = session.data.X_train[indices]
    y = session.data.y_train[indices]
    target = y if session.settings.loss == "cross_entropy" else y.astype(np.float32)[:, None]
    loss = session.loss_fn(model(glassnet.tensor(X)), glassnet.tensor(target))
    loss.backward()
    grads = [m.weight.grad.numpy() for m in model if isinstance(m, nn.Linear)]
    return float(loss.item()), grads


def torch_gradients(session: Any, indices: list[int]) -> tuple[float, list[np.ndarray]]:
    """The same loss and dL/dW from PyTorch, for a ReLU network with cross-entropy."""
    import torch

    assert session.settings.activation == "relu" and session.settings.loss == "cross_entropy"
    linears = [m for m in session.model if isinstance(m, nn.Linear)]
    weights = [torch.tensor(m.weight.detach().numpy(), requires_grad=True) for m in linears]
    biases = [torch.tensor(m.bias.detach().numpy()) for m in linears]
    h = torch.tensor(session.data.X_train[indices])
    for k, (W, b) in enumerate(zip(weights, biases)):
        h = h @ W.T + b
        if k < len(weights) - 1:
            h = torch.relu(h)
    target = torch.tensor(session.data.y_train[indices])
    loss = torch.nn.functional.cross_entropy(h, target)
    loss.backward()
    return float(loss), [W.grad.numpy() for W in weights]
