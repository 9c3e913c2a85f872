"""(a) MLP 784-256-128-10 on MNIST, batch 128, Adam; (b) MLP 64-32-10 on digits, batch 32, Adam;
and (f) inference throughput of (a). The same architecture, init, data and lr in each framework."""

from __future__ import annotations

import warnings

import numpy as np

from benchmarks.workloads.common import Workload, batches, digits_arrays, mnist_arrays, torch_setup


def _init_weights(sizes: list[int], seed: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(seed)
    out = []
    for fan_in, fan_out in zip(sizes, sizes[1:]):
        bound = 1 / np.sqrt(fan_in)
        W = rng.uniform(-bound, bound, (fan_out, fan_in)).astype(np.float32)
        b = rng.uniform(-bound, bound, fan_out).astype(np.float32)
        out.append((W, b))
    return out


def _mlp_flops(sizes: list[int], samples: int, train: bool) -> float:
    forward = 2 * sum(a * b for a, b in zip(sizes, sizes[1:])) * samples
    return 3 * forward if train else forward


def _glassnet_model(sizes):
    import glassnet
    from glassnet import nn

    layers = []
    for i, (W, b) in enumerate(_init_weights(sizes)):
        lin = nn.Linear(W.shape[1], W.shape[0])
        lin.weight._data[...] = W
        lin.bias._data[...] = b
        layers += [lin, nn.ReLU()] if i < len(sizes) - 2 else [lin]
    return glassnet, nn.Sequential(*layers)


def _torch_model(torch, sizes):
    layers = []
    for i, (W, b) in enumerate(_init_weights(sizes)):
        lin = torch.nn.Linear(W.shape[1], W.shape[0])
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(W))
            lin.bias.copy_(torch.from_numpy(b))
        layers += [lin, torch.nn.ReLU()] if i < len(sizes) - 2 else [lin]
    return torch.nn.Sequential(*layers)


def _train(framework: str, x: np.ndarray, y: np.ndarray, sizes, batch: int, steps: int) -> Workload:
    slices = batches(len(x), batch, steps)
    flops = _mlp_flops(sizes, batch * steps, train=True)
    if framework == "glassnet":
        glassnet, model = _glassnet_model(sizes)
        F = glassnet.nn.functional
        opt = glassnet.optim.Adam(model.parameters(), lr=1e-3)
        xs = [glassnet.from_numpy(np.ascontiguousarray(x[s])) for s in slices]
        ys = [glassnet.from_numpy(y[s]) for s in slices]

        def step() -> None:
            for xb, yb in zip(xs, ys):
                opt.zero_grad()
                F.cross_entropy(model(xb), yb).backward()
                opt.step()

    elif framework == "torch":
        torch = torch_setup()
        model = _torch_model(torch, sizes)
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        xs = [torch.from_numpy(np.ascontiguousarray(x[s])) for s in slices]
        ys = [torch.from_numpy(y[s]) for s in slices]

        def step() -> None:
            for xb, yb in zip(xs, ys):
                opt.zero_grad()
                torch.nn.functional.cross_entropy(model(xb), yb).backward()
                opt.step()

    elif framework == "sklearn":
        from sklearn.exceptions import ConvergenceWarning
        from sklearn.neural_network import MLPClassifier

        n = batch * steps
        xs, ys = x[:n], y[:n]

        def step() -> None:
            clf = MLPClassifier(
                hidden_layer_sizes=tuple(sizes[1:-1]),
                batch_size=batch,
                max_iter=1,
                learning_rate_init=1e-3,
                shuffle=False,
                random_state=0,
                tol=0.0,
            )
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                clf.fit(xs, ys)

    else:
        raise KeyError(framework)
    return Workload(step, batch * steps, flops)


def mlp_mnist(framework: str, quick: bool) -> Workload:
    """(a) one repeat = 60 Adam steps (3 in --quick) of batch 128 on MNIST."""
    steps = 3 if quick else 60
    x, y, _ = mnist_arrays(128 * steps)
    return _train(framework, x.reshape(len(x), -1), y, [784, 256, 128, 10], 128, steps)


def mlp_digits(framework: str, quick: bool) -> Workload:
    """(b) one repeat = one epoch (44 steps of batch 32) on scikit-learn's digits."""
    x, y = digits_arrays()
    steps = 4 if quick else len(x) // 32
    return _train(framework, x, y, [64, 32, 10], 32, steps)


def mlp_mnist_inference(framework: str, quick: bool) -> Workload:
    """(f) forward passes without gradients: 10 batches of 1,000 MNIST images (1 in --quick)."""
    sizes = [784, 256, 128, 10]
    n_batches = 1 if quick else 10
    x, _, _ = mnist_arrays(1000)
    x = np.ascontiguousarray(x.reshape(1000, -1))
    if framework == "glassnet":
        glassnet, model = _glassnet_model(sizes)
        model.eval()
        xb = glassnet.from_numpy(x)

        def step() -> None:
            with glassnet.no_grad():
                for _ in range(n_batches):
                    model(xb)

    elif framework == "torch":
        torch = torch_setup()
        model = _torch_model(torch, sizes).eval()
        xb = torch.from_numpy(x)

        def step() -> None:
            with torch.no_grad():
                for _ in range(n_batches):
                    model(xb)

    else:
        raise KeyError(framework)
    return Workload(step, 1000 * n_batches, _mlp_flops(sizes, 1000 * n_batches, train=False))
