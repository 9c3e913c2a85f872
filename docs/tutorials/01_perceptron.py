"""Tutorial 1 - the perceptron: a line that learns from its mistakes, and where it fails (XOR).

Rosenblatt's perceptron (1958) scores an example x with a weight vector w and a bias b and
answers with the side of a line (a hyperplane in more dimensions) the example falls on:

    s = w . x + b,        y_hat = 1 if s > 0 else 0

It learns one example at a time, and only from mistakes:

    w <- w + lr (y - y_hat) x,        b <- b + lr (y - y_hat)

A missed positive (y = 1, y_hat = 0) pulls w towards x, a false positive pushes it away, a correct
answer changes nothing. If some line separates the two classes with a margin gamma and every
example lies within a radius R, the rule makes at most (R / gamma)^2 mistakes (Novikoff, 1962),
so it stops: an epoch without mistakes.

XOR (class 1 when exactly one of two inputs is positive) has no separating line: the positives sit
on one diagonal, the negatives on the other. The perceptron then never stops making mistakes.
Two layers fix it: a hidden layer bends the plane (h = tanh(x W1 + b1)), and the output layer draws
a line in the bent space. That is the multi-layer perceptron, trained by backpropagation
(tutorial 3) instead of Rosenblatt's rule.

Run: python docs/tutorials/01_perceptron.py [--fast] [--out DIR]
"""

from __future__ import annotations

import numpy as np
from _tutorial import parse_args, plt, save

import glassnet
from glassnet import nn, optim
from glassnet.data.datasets import load_tabular
from glassnet.models import MLP, Perceptron
from glassnet.viz.classification import plot_perceptron_lines


def iris_setosa_versicolor(standardize: bool):
    """Iris sepal length and width, setosa (0) against versicolor (1): train and test arrays."""
    data = load_tabular("iris", features=[0, 1], standardize_features=standardize)
    X, y = data.X_train.numpy(), data.y_train.numpy()
    Xt, yt = data.X_test.numpy(), data.y_test.numpy()
    keep, keep_t = y < 2, yt < 2
    return X[keep], y[keep], Xt[keep_t], yt[keep_t], data


def xor_clouds(n_per_corner: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Four Gaussian clouds at (+-1, +-1); class 1 where the signs differ (x1 XOR x2)."""
    corners = np.array([[-1, -1], [-1, 1], [1, -1], [1, 1]], dtype=np.float32)
    X = np.concatenate([c + 0.25 * rng.standard_normal((n_per_corner, 2)) for c in corners])
    y = np.repeat([0, 1, 1, 0], n_per_corner)
    return X.astype(np.float32), y.astype(np.int64)


def train_mlp_on_xor(X: np.ndarray, y: np.ndarray, steps: int) -> tuple[MLP, list[float]]:
    """A 2-8-2 tanh MLP, full-batch Adam on cross-entropy."""
    model = MLP(2, [8], 2, activation="tanh", generator=glassnet.Generator().manual_seed(0))
    opt = optim.Adam(model.parameters(), lr=0.05)
    loss_fn = nn.CrossEntropyLoss()
    xt, yt = glassnet.tensor(X), glassnet.tensor(y)
    losses = []
    for _ in range(steps):
        loss = loss_fn(model(xt), yt)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return model, losses


def main() -> None:
    args = parse_args(__doc__.splitlines()[0])
    rng = np.random.default_rng(0)

    # ---- 1. a linearly separable real set: iris setosa vs versicolor
    X, y, Xt, yt, data = iris_setosa_versicolor(standardize=True)
    names = data.target_names[:2]
    p = Perceptron(2, shuffle=True, generator=np.random.default_rng(0)).fit(X, y, epochs=100)
    test_acc = (p.predict(Xt) == yt).mean()
    print(f"iris ({names[0]} vs {names[1]}, {len(X)} training flowers, standardised features)")
    print(f"  mistakes per epoch: {p.mistakes_}")
    print(f"  converged at epoch {p.converged_epoch_};  test accuracy {test_acc:.3f}")
    w, b = p.weight.detach().numpy(), p.bias.item()
    print(f"  final line: {w[0]:+.3f} * x1 {w[1]:+.3f} * x2 {b:+.3f} = 0")

    # The same flowers in centimetres: the same separable set, but the bias must travel far
    # (b starts at 0, each mistake moves it by lr = 1), so the rule needs many more epochs.
    Xr, yr, *_ = iris_setosa_versicolor(standardize=False)
    p_raw = Perceptron(2, shuffle=True, generator=np.random.default_rng(0)).fit(Xr, yr, epochs=2000)
    print(
        f"  unstandardised (cm): converged at epoch {p_raw.converged_epoch_} "
        f"({sum(p_raw.mistakes_)} mistakes in all) - standardise your inputs"
    )
    features = [f.replace(" (cm)", "") + " (standardised)" for f in data.feature_names]
    weights = [wb[0] for wb in p.epoch_weights_]
    biases = [wb[1] for wb in p.epoch_weights_]
    path = plot_perceptron_lines(
        weights,
        biases,
        X,
        y,
        args.out / "01_perceptron_iris_lines.png",
        class_names=names,
        feature_names=features,
        title=f"Perceptron on iris: the line after each of {len(weights)} epochs",
    )
    print(f"chart: {path}")

    # ---- 2. XOR: no line separates the classes
    Xx, yx = xor_clouds(25 if args.fast else 50, rng)
    epochs = 30 if args.fast else 100
    px = Perceptron(2, shuffle=True, generator=np.random.default_rng(0)).fit(Xx, yx, epochs=epochs)
    xor_acc = (px.predict(Xx) == yx).mean()
    print(f"\nXOR ({len(Xx)} points in four clouds)")
    print(
        f"  perceptron: converged = {px.converged_epoch_ is not None} after {epochs} epochs; "
        f"mistakes in the last 5 epochs {px.mistakes_[-5:]}; training accuracy {xor_acc:.3f}"
    )

    # ---- 3. an MLP with one hidden layer solves it
    steps = 150 if args.fast else 400
    mlp, losses = train_mlp_on_xor(Xx, yx, steps)
    with glassnet.no_grad():
        mlp_acc = (mlp(glassnet.tensor(Xx)).detach().numpy().argmax(1) == yx).mean()
    print(
        f"  MLP 2-8-2 (tanh), {steps} Adam steps: loss {losses[0]:.3f} -> {losses[-1]:.4f}, "
        f"training accuracy {mlp_acc:.3f}"
    )
    if mlp_acc < 0.95:
        raise SystemExit("the MLP did not solve XOR - something is broken")

    # ---- chart: mistakes per epoch, and the two models' decisions on XOR
    fig, axes = plt.subplots(1, 3, figsize=(14, 4.3))
    ax = axes[0]
    ax.plot(
        np.arange(1, len(p.mistakes_) + 1),
        p.mistakes_,
        "o-",
        label=f"iris: separable ({len(X)} points)",
    )
    ax.plot(
        np.arange(1, len(px.mistakes_) + 1),
        px.mistakes_,
        "s-",
        ms=3,
        label=f"XOR: not separable ({len(Xx)} points)",
    )
    ax.set_title("Perceptron: mistakes per epoch")
    ax.set_xlabel("epoch")
    ax.set_ylabel("mistakes")
    ax.legend()

    gx, gy = np.meshgrid(np.linspace(-2, 2, 200), np.linspace(-2, 2, 200))
    grid = np.stack([gx.ravel(), gy.ravel()], 1).astype(np.float32)
    with glassnet.no_grad():
        mlp_pred = mlp(glassnet.tensor(grid)).detach().numpy().argmax(1)
    for ax, pred, title in (
        (axes[1], px.predict(grid), f"Perceptron on XOR: accuracy {xor_acc:.2f}"),
        (axes[2], mlp_pred, f"MLP 2-8-2 on XOR: accuracy {mlp_acc:.2f}"),
    ):
        ax.contourf(
            gx,
            gy,
            pred.reshape(gx.shape),
            levels=[-0.5, 0.5, 1.5],
            colors=["tab:blue", "tab:orange"],
            alpha=0.2,
        )
        for c, color in ((0, "tab:blue"), (1, "tab:orange")):
            ax.scatter(
                *Xx[yx == c].T,
                s=12,
                color=color,
                edgecolor="black",
                linewidth=0.3,
                label=f"class {c}",
            )
        ax.set_title(title)
        ax.set_xlabel("x1")
        ax.set_ylabel("x2")
        ax.legend(loc="upper right", fontsize=8)
    save(fig, args.out, "01_perceptron_xor.png")


if __name__ == "__main__":
    main()
