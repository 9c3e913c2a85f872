"""The MLP: its layer stack and state_dict keys are torch's for the same Sequential, loaded torch
weights give torch's outputs and gradients, and it learns scikit-learn's digits to >= 97% test
accuracy with a fixed seed in a few seconds."""

import numpy as np
import pytest
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

import glassnet
from glassnet import nn, optim
from glassnet.models import MLP
from glassnet.nn import functional as F


def torch_mlp(sizes, act=torch.nn.ReLU, p=0.0):
    layers = []
    for n_in, n_out in zip(sizes[:-2], sizes[1:-1]):
        layers += [torch.nn.Linear(n_in, n_out), act()]
        if p:
            layers.append(torch.nn.Dropout(p))
    layers.append(torch.nn.Linear(sizes[-2], sizes[-1]))
    return torch.nn.Sequential(*layers)


@pytest.mark.parametrize(
    "activation, torch_act",
    [("relu", torch.nn.ReLU), ("tanh", torch.nn.Tanh), ("sigmoid", torch.nn.Sigmoid)],
)
def test_same_stack_keys_outputs_and_gradients_as_torch(activation, torch_act):
    g = MLP(6, [8, 5], 3, activation=activation)
    t = torch_mlp([6, 8, 5, 3], torch_act)
    assert (
        list(g.state_dict())
        == list(t.state_dict())
        == ["0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"]
    )
    assert repr(g).replace("MLP", "Sequential") == repr(t)
    g.load_state_dict(t.state_dict())
    x = np.random.default_rng(0).standard_normal((7, 6)).astype(np.float32)
    yg, yt = g(glassnet.tensor(x)), t(torch.tensor(x))
    np.testing.assert_allclose(yg._data, yt.detach().numpy(), rtol=1e-5, atol=1e-6)
    labels = np.arange(7) % 3
    F.cross_entropy(yg, glassnet.tensor(labels)).backward()
    torch.nn.functional.cross_entropy(yt, torch.tensor(labels)).backward()
    for (name, pg), (_, pt) in zip(g.named_parameters(), t.named_parameters()):
        np.testing.assert_allclose(
            pg.grad._data, pt.grad.numpy(), rtol=1e-4, atol=1e-6, err_msg=name
        )


def test_dropout_layers_and_shapes():
    g = MLP(4, [16, 16], 2, dropout=0.5, generator=glassnet.Generator(0))
    t = torch_mlp([4, 16, 16, 2], p=0.5)
    assert [type(m).__name__ for m in g] == [type(m).__name__ for m in t]
    assert list(g.state_dict()) == list(t.state_dict())
    assert g.num_parameters() == sum(p.numel() for p in t.parameters())
    x = glassnet.randn(3, 5, 4)
    assert g(x).shape == (3, 5, 2)
    g.eval()
    np.testing.assert_array_equal(g(x)._data, g(x)._data)  # no dropout in eval mode
    g.train()
    assert not np.array_equal(g(x)._data, g(x)._data)
    linear_model = MLP(4, [], 2)
    assert len(linear_model) == 1 and isinstance(linear_model[0], nn.Linear)
    assert g.in_features == 4 and g.hidden_sizes == (16, 16) and g.out_features == 2


def test_activation_by_registry_name_class_or_layer():
    gelu = MLP(3, [4, 4], 2, activation="gelu_tanh")
    assert isinstance(gelu[1], nn.GELU) and gelu[1].approximate == "tanh"
    assert isinstance(MLP(3, [4], 2, activation="LeakyReLU")[1], nn.LeakyReLU)
    assert isinstance(MLP(3, [4], 2, activation=nn.Tanh)[1], nn.Tanh)
    prelu = MLP(3, [4, 4], 2, activation=nn.PReLU())
    assert isinstance(prelu[1], nn.PReLU) and prelu[1] is not prelu[3]  # one slope per layer
    assert list(prelu.state_dict()) == list(torch_mlp([3, 4, 4, 2], torch.nn.PReLU).state_dict())


def test_generator_and_dtype():
    a = MLP(3, [4], 2, generator=glassnet.Generator(1))
    b = MLP(3, [4], 2, generator=glassnet.Generator(1))
    for pa, pb in zip(a.parameters(), b.parameters()):
        np.testing.assert_array_equal(pa._data, pb._data)
    d = MLP(3, [4], 2, dtype=glassnet.float64)
    assert all(p.dtype == glassnet.float64 for p in d.parameters())
    assert MLP(3, [4], 2, bias=False).num_parameters() == 3 * 4 + 4 * 2


def test_errors():
    with pytest.raises(ValueError, match="MLP: unknown activation 'swishy'.*known: sigmoid"):
        MLP(3, [4], 2, activation="swishy")
    with pytest.raises(TypeError, match="activation must be a name or a Module class"):
        MLP(3, [4], 2, activation=3)
    with pytest.raises(TypeError, match="hidden_sizes must be a sequence of ints"):
        MLP(3, 4, 2)
    with pytest.raises(ValueError, match=r"dropout must be in \[0, 1\), got 1.0"):
        MLP(3, [4], 2, dropout=1.0)
    with pytest.raises(ValueError, match="in_features must be a non-negative integer"):
        MLP(-3, [4], 2)


def test_learns_digits_to_97_percent():
    """64 pixels -> 128 ReLU -> 10 classes, SGD with momentum, 30 epochs of batches of 32."""
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, random_state=0, stratify=y
    )
    mean, std = X_train.mean(axis=0), X_train.std(axis=0) + 1.0  # +1: constant border pixels
    X_train = ((X_train - mean) / std).astype(np.float32)
    X_test = ((X_test - mean) / std).astype(np.float32)

    model = MLP(64, [128], 10, generator=glassnet.Generator(0))
    optimizer = optim.SGD(model.parameters(), lr=0.02, momentum=0.9)
    rng = np.random.default_rng(0)
    for _ in range(30):
        order = rng.permutation(len(X_train))
        for start in range(0, len(order), 32):
            batch = order[start : start + 32]
            logits = model(glassnet.tensor(X_train[batch]))
            loss = F.cross_entropy(logits, glassnet.tensor(y_train[batch]))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    model.eval()
    with glassnet.no_grad():
        accuracy = (model(glassnet.tensor(X_test))._data.argmax(axis=1) == y_test).mean()
    assert accuracy >= 0.97, accuracy
