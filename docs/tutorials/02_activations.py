"""Tutorial 2 - activation functions, their derivatives, saturation and vanishing gradients.

A network without a nonlinearity between its layers is one linear map, however deep. The
activation f bends each layer's output: h_l = f(z_l), z_l = h_{l-1} W_l + b_l. Backpropagation
(tutorial 3) then carries the error signal ("delta") from layer l + 1 down to layer l as

    delta_l = (delta_{l+1} W_{l+1}^T) * f'(z_l)

so every layer multiplies the signal by f' and by a weight matrix. Two consequences:

* Saturation. Where f is flat, f' is ~0 and a unit passes almost no signal back. sigmoid and tanh
  saturate on both sides (|x| > ~5); ReLU only for x < 0 and passes f' = 1 for x > 0.
* Vanishing gradients. sigmoid' is at most 1/4, so after L sigmoid layers the signal is scaled by
  roughly (1/4 * ||W||)^L: with PyTorch's default init (||W|| ~ 1) the first layers of a 10-layer
  sigmoid net receive gradients millions of times smaller than the last and barely learn.
  ReLU (f' = 1 where active) with Kaiming init (Var W = 2 / fan_in, which keeps the variance of
  the activations and of the deltas constant from layer to layer) keeps every layer's gradient at
  the same order of magnitude.

Every formula and derivative below comes from glassnet's activation registry
(glassnet/nn/activation_info.py), whose fn and derivative run the ops that training runs.

Run: python docs/tutorials/02_activations.py [--fast] [--out DIR]
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as np
from _tutorial import parse_args, plt, save
from matplotlib.ticker import MaxNLocator

import glassnet
from glassnet import nn, optim
from glassnet.data.datasets import load_tabular
from glassnet.nn import init
from glassnet.nn.activation_info import ACTIVATIONS
from glassnet.train import GradientNormTracker, fit
from glassnet.viz.curves import plot_gradient_flow

DEPTH, WIDTH = 10, 32
# The grid's shared axes: x up to 7 so that relu6's clip at 6 shows, and from -4 so that the
# functions that follow x for negative inputs (logsigmoid ~ x) stay inside the shared y range.
GRID_X = np.linspace(-4, 7, 221)
GRID_YLIM = (-4.3, 7.6)
SATURATED = 0.01  # |f'(x)| below this counts as saturated


def elementwise_activations() -> list:
    """All registry entries that act on each number alone (softmax mixes a whole row)."""
    return [a for a in ACTIVATIONS.values() if a.name not in ("softmax", "log_softmax")]


def plot_activation_grid(out) -> None:
    acts = elementwise_activations()
    x = GRID_X
    cols = 6
    rows = int(np.ceil(len(acts) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(2.6 * cols, 2.3 * rows), sharex=True, sharey=True)
    for ax in axes.ravel()[len(acts) :]:
        ax.axis("off")
    for ax, a in zip(axes.ravel(), acts):
        ax.plot(x, a.fn(x), color="tab:blue", lw=1.6, label="f(x)")
        ax.plot(x, a.derivative(x), color="tab:orange", lw=1.2, ls="--", label="f'(x)")
        ax.axhline(0, color="black", lw=0.5)
        ax.set_ylim(*GRID_YLIM)
        ax.set_title(a.name, fontsize=10)
        ax.grid(alpha=0.3)
    for ax in axes[-1]:
        ax.set_xlabel("x")
    for ax in axes[:, 0]:
        ax.set_ylabel("value")
    for ax in axes.ravel():
        ax.label_outer()  # tick labels on the outer panels only (shared axes)
    for i in range(len(acts) - cols, (rows - 1) * cols):  # panels above an empty cell
        axes.ravel()[i].xaxis.set_tick_params(labelbottom=True)
        axes.ravel()[i].set_xlabel("x")
    axes[0, 0].legend(loc="upper left", fontsize=8)
    fig.suptitle("Every elementwise activation in glassnet's registry: f (solid) and f' (dashed)")
    save(fig, out, "02_activations.png")


def saturation_table() -> None:
    """f'(0), the largest |f'|, and how much of [-6, 6] is saturated, per activation."""
    x = np.linspace(-6, 6, 1201)
    rows = []
    for a in elementwise_activations():
        d = np.abs(a.derivative(x))
        rows.append((a.name, float(a.derivative(np.zeros(1))[0]), d.max(), (d < SATURATED).mean()))
    rows.sort(key=lambda r: -r[3])
    header = ("activation", "f'(0)", "max|f'|", f"share of [-6, 6] with |f'| < {SATURATED}")
    print(f"{header[0]:<12} {header[1]:>7} {header[2]:>8}  {header[3]}")
    for name, d0, dmax, sat in rows:
        print(f"{name:<12} {d0:7.3f} {dmax:8.3f}  {sat:6.1%}")


def deep_net(activation: type[nn.Module], kaiming: bool, seed: int) -> nn.Sequential:
    """DEPTH Linear layers (64 -> 32 -> ... -> 32 -> 10) with `activation` between them."""
    g = glassnet.Generator().manual_seed(seed)
    sizes = [64] + [WIDTH] * (DEPTH - 1) + [10]
    layers: OrderedDict[str, nn.Module] = OrderedDict()
    for i in range(DEPTH):
        linear = nn.Linear(sizes[i], sizes[i + 1], generator=g)
        if kaiming:
            init.kaiming_normal_(linear.weight, nonlinearity="relu", generator=g)
            init.zeros_(linear.bias)
        layers[f"fc{i + 1}"] = linear
        if i < DEPTH - 1:
            layers[f"act{i + 1}"] = activation()
    return nn.Sequential(layers)


def main() -> None:
    args = parse_args(__doc__.splitlines()[0])

    # ---- 1. the activations and their derivatives
    plot_activation_grid(args.out)
    print("Saturation: where the derivative is ~0, a unit passes no error signal back.")
    saturation_table()

    # ---- 2. a 10-layer net on the digits, sigmoid + default init vs ReLU + Kaiming init
    data = load_tabular("digits")
    epochs = 3 if args.fast else 25
    runs = {}
    for label, activation, kaiming in (
        ("sigmoid, default init", nn.Sigmoid, False),
        ("ReLU, Kaiming init", nn.ReLU, True),
    ):
        model = deep_net(activation, kaiming, seed=0)
        history = fit(
            model,
            nn.CrossEntropyLoss(),
            optim.SGD(model.parameters(), lr=0.02, momentum=0.9),
            (data.X_train, data.y_train),
            val_data=(data.X_test, data.y_test),
            epochs=epochs,
            metrics=["accuracy"],
            callbacks=[GradientNormTracker(every=1)],
            batch_size=64,
            seed=0,
            quiet=True,
        )
        runs[label] = history
        layers = list(history.grad_norms[0]["norms"])
        mean = {k: np.mean([r["norms"][k] for r in history.grad_norms]) for k in layers}
        first, last = mean[layers[0]], mean[layers[-1]]
        print(f"\n{DEPTH}-layer net, {label}, {epochs} epochs of SGD (lr 0.02, momentum 0.9):")
        print("  mean ||dL/dW|| per layer: " + ", ".join(f"{v:.1e}" for v in mean.values()))
        print(f"  first layer / last layer: {first / last:.1e}")
        print(
            f"  training loss {history.epochs[0]['train_loss']:.3f} -> "
            f"{history.epochs[-1]['train_loss']:.3f};  test accuracy "
            f"{history.epochs[-1]['val_accuracy']:.3f} (chance: 0.1)"
        )
        name = "sigmoid" if activation is nn.Sigmoid else "relu"
        path = plot_gradient_flow(
            history.grad_norms,
            args.out / f"02_gradient_flow_{name}.png",
            title=f"{DEPTH} layers, {label}",
        )
        print(f"chart: {path}")

    # ---- chart: both nets side by side
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.8))
    ax = axes[0]
    for (label, history), color in zip(runs.items(), ("tab:red", "tab:green")):
        layers = list(history.grad_norms[0]["norms"])
        for when, style in ((0, "o--"), (-1, "o-")):
            norms = [history.grad_norms[when]["norms"][k] for k in layers]
            step = history.grad_norms[when]["step"]
            ax.plot(
                range(1, DEPTH + 1), norms, style, color=color, ms=4, label=f"{label}, step {step}"
            )
    ax.set_yscale("log")
    ax.set_xticks(range(1, DEPTH + 1))
    ax.set_xlabel("layer (1 = next to the input)")
    ax.set_ylabel("||dL/dW|| (log scale)")
    ax.set_title("Gradient norm per layer, first and last step")
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.18), ncols=2)
    ax = axes[1]
    for (label, history), color in zip(runs.items(), ("tab:red", "tab:green")):
        e = np.arange(1, len(history.epochs) + 1)
        ax.plot(e, history["train_loss"], "o-", color=color, ms=3, label=f"{label}: train loss")
        ax.plot(
            e, history["val_accuracy"], "s:", color=color, ms=3, label=f"{label}: test accuracy"
        )
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss / accuracy")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title("Train loss and test accuracy per epoch")
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.18), ncols=2)
    save(fig, args.out, "02_vanishing_gradients.png")


if __name__ == "__main__":
    main()
