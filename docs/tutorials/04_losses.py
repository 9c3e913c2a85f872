"""Tutorial 4 - loss functions: MSE vs cross-entropy vs log-loss (BCE) on the same classifier.

A classifier ends in a score z (a logit) per class; the loss turns the scores and the label into
one number to minimise. What matters for learning is the gradient dL/dz the loss sends back,
especially when the model is confidently wrong. Take one class, label y = 1, p = sigmoid(z):

    MSE on the probability     L = (p - y)^2                  dL/dz = 2 (p - y) p (1 - p)
    log-loss (BCE) on p        L = -[y ln p + (1-y) ln(1-p)]  dL/dz = p - y
    MSE on the raw score       L = (z - y)^2                  dL/dz = 2 (z - y)

With MSE on p, the factor p (1 - p) (the sigmoid's derivative) goes to 0 as the prediction
saturates, so a confidently wrong prediction (z = -10 while y = 1) gets almost no gradient: the
model is stuck exactly where it most needs to move. Log-loss cancels that factor (ln undoes the
exp inside the sigmoid) and sends back p - y, close to -1 there: the more wrong, the stronger the
push. MSE on the raw score never saturates, but it also punishes a correct, confident answer
(z = 5 for y = 1 is pushed back towards 1) - it treats a label as a number to hit, not a class.

Cross-entropy is log-loss for C classes: L = -ln softmax(z)_y, dL/dz_c = softmax(z)_c - [c = y];
for two classes it equals log-loss on z_1 - z_0. The second half of the tutorial trains the same
MLP on the digits three ways (MSE on softmax probabilities, per-class BCE, cross-entropy) and
compares how fast each learns. Expect the two log-based losses to learn far faster than MSE on
probabilities (the gradient argument above); between them, cross-entropy is the natural choice
for one label out of C, since its softmax makes the classes compete for one unit of probability,
while per-class BCE treats them as C independent yes/no questions (the right model when an example
may carry several labels). Every number and curve is computed when the script runs.

Run: python docs/tutorials/04_losses.py [--fast] [--out DIR]
"""

from __future__ import annotations

import numpy as np
from _tutorial import parse_args, plt, save
from matplotlib.ticker import MaxNLocator

import glassnet
import glassnet.nn.functional as F
from glassnet import optim
from glassnet.data.datasets import load_tabular
from glassnet.models import MLP
from glassnet.nn.loss_info import describe
from glassnet.train import fit

COLORS = {"MSE on p": "tab:red", "log-loss (BCE)": "tab:blue", "MSE on z": "tab:gray"}


def per_logit_losses(z: np.ndarray, y: float) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Loss and dL/dz at each score z for label y, computed by glassnet's autograd."""
    results = {}
    target = glassnet.tensor(np.full_like(z, y))
    for name in COLORS:
        zt = glassnet.tensor(z, requires_grad=True)
        if name == "MSE on p":
            terms = F.mse_loss(zt.sigmoid(), target, reduction="none")
        elif name == "log-loss (BCE)":
            terms = F.binary_cross_entropy_with_logits(zt, target, reduction="none")
        else:
            terms = F.mse_loss(zt, target, reduction="none")
        terms.sum().backward()
        results[name] = (terms.detach().numpy(), zt.grad.numpy())
    return results


def classification_losses(num_classes: int) -> dict:
    """Three losses for the same logits (N, C) and labels (N,).

    Each is summed over the classes and averaged over the batch, so that they differ in their
    shape only, not by a factor 1/C from averaging over every entry.
    """
    eye = np.eye(num_classes, dtype=np.float32)

    def one_hot(y):
        return glassnet.tensor(eye[y.numpy()])

    def mse_on_softmax(logits, y):
        return F.mse_loss(F.softmax(logits, dim=1), one_hot(y), reduction="sum") / len(y)

    def bce_per_class(logits, y):
        return F.binary_cross_entropy_with_logits(logits, one_hot(y), reduction="sum") / len(y)

    def cross_entropy(logits, y):
        return F.cross_entropy(logits, y)

    return {
        "MSE on softmax": mse_on_softmax,
        "BCE per class (sigmoid)": bce_per_class,
        "cross-entropy (softmax)": cross_entropy,
    }


def main() -> None:
    args = parse_args(__doc__.splitlines()[0])

    # ---- 1. the gradient each loss sends back, label y = 1
    z = np.linspace(-10, 10, 401)
    curves = per_logit_losses(z, 1.0)
    print("dL/dz for label y = 1 (computed by backward()):")
    print(f"{'z':>6} " + " ".join(f"{name:>15}" for name in curves))
    for zi in (-10.0, -5.0, -2.0, 0.0, 2.0, 5.0):
        i = int(np.argmin(np.abs(z - zi)))
        print(f"{zi:6.1f} " + " ".join(f"{g[i]:15.2e}" for _, g in curves.values()))
    i = int(np.argmin(np.abs(z + 10)))
    ratio = curves["log-loss (BCE)"][1][i] / curves["MSE on p"][1][i]
    print(f"at z = -10 (confidently wrong) log-loss pushes {ratio:.0f}x harder than MSE on p")

    # the registry's cross-entropy on two logits (0, z) gives log-loss's gradient on z
    ce = describe("cross_entropy")
    two = np.stack([np.zeros_like(z), z], axis=1)
    ce_grad = ce.derivative(two, np.ones(len(z), dtype=np.int64))[:, 1]
    gap = np.abs(ce_grad - curves["log-loss (BCE)"][1]).max()
    print(f"cross-entropy on logits (0, z) vs log-loss on z: largest gradient difference {gap:.1e}")

    # ---- 2. the same MLP on the digits, trained with each loss
    data = load_tabular("digits")
    epochs = 4 if args.fast else 20
    histories = {}
    for name, loss_fn in classification_losses(data.num_classes).items():
        model = MLP(64, [32], 10, generator=glassnet.Generator().manual_seed(0))
        histories[name] = fit(
            model,
            loss_fn,
            optim.SGD(model.parameters(), lr=0.05),
            (data.X_train, data.y_train),
            val_data=(data.X_test, data.y_test),
            epochs=epochs,
            metrics=["accuracy"],
            batch_size=32,
            seed=0,
            quiet=True,
        )
    print(f"\nMLP 64-32-10 on the digits, same init, SGD lr 0.05, {epochs} epochs:")
    print(f"{'loss':<26} {'acc. after 1 epoch':>19} {'epochs to 90%':>14} {'final acc.':>11}")
    for name, h in histories.items():
        acc = np.array(h["val_accuracy"])
        reached = np.flatnonzero(acc >= 0.9)
        to_90 = str(reached[0] + 1) if reached.size else f"> {epochs}"
        print(f"{name:<26} {acc[0]:19.3f} {to_90:>14} {acc[-1]:11.3f}")
    best = max(histories, key=lambda k: histories[k]["val_accuracy"][-1])
    slowest = min(histories, key=lambda k: histories[k]["val_accuracy"][0])
    print(f"best final test accuracy: {best};  slowest start: {slowest}")

    # ---- chart
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.3))
    for name, (loss, grad) in curves.items():
        axes[0].plot(z, loss, color=COLORS[name], label=name)
        axes[1].plot(z, grad, color=COLORS[name], label=name)
    axes[0].set_ylim(-0.5, 12)
    axes[0].set_title("Loss for label y = 1")
    axes[0].set_ylabel("L(z)")
    axes[1].set_ylim(-2.2, 2.2)
    axes[1].set_title("Gradient dL/dz for y = 1 (wrong side: z < 0)")
    axes[1].set_ylabel("dL/dz")
    for ax, where in zip(axes[:2], ("upper right", "upper left")):
        ax.axvspan(-10, -4, color="tab:red", alpha=0.07, label="confidently wrong")
        ax.set_xlabel("score z (logit); p = sigmoid(z)")
        ax.legend(fontsize=8, loc=where)
    ax = axes[2]
    for (name, h), color in zip(histories.items(), ("tab:red", "tab:blue", "tab:green")):
        ax.plot(np.arange(1, epochs + 1), h["val_accuracy"], "o-", ms=3, color=color, label=name)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylim(0, 1)
    ax.set_title("Same MLP on the digits: test accuracy")
    ax.set_xlabel("epoch")
    ax.set_ylabel("test accuracy")
    ax.legend(fontsize=8, loc="lower right")
    save(fig, args.out, "04_losses.png")


if __name__ == "__main__":
    main()
