"""Tutorial 5 - gradient descent and its descendants: paths on 2-D surfaces, convergence on the
digits, and a recommendation table derived from what was measured.

Every optimizer turns the gradient g_t = dL/dtheta into a step. With learning rate lr:

    SGD        theta <- theta - lr g
    Momentum   v <- mu v + g;              theta <- theta - lr v          (a heavy ball, mu = 0.9)
    Nesterov   the same, but the step uses g + mu v (it looks ahead along the velocity)
    Adagrad    G <- G + g^2;               theta <- theta - lr g / (sqrt(G) + eps)
    RMSprop    s <- a s + (1 - a) g^2;     theta <- theta - lr g / (sqrt(s) + eps)
    Adam       m <- b1 m + (1 - b1) g;  v <- b2 v + (1 - b2) g^2   (then bias-corrected)
               theta <- theta - lr m_hat / (sqrt(v_hat) + eps)

Plain SGD crawls along a narrow valley (its step is the gradient: large across the valley, tiny
along it); momentum accumulates the consistent direction; RMSprop, Adagrad and Adam divide by a
running size of each coordinate's gradient, so every coordinate moves at a similar speed whatever
its scale. Part 1 runs glassnet's own optimizer classes on four test surfaces
(glassnet.viz.surfaces.optimizer_paths): Rosenbrock's curved valley, Beale's flat plateaus, a
saddle and an ill-conditioned bowl. Part 2 trains the same MLP on the digits with each optimizer at
several learning rates. The table at the end ranks them by those measurements - nothing in it is
written by hand.

Run: python docs/tutorials/05_optimizers.py [--fast] [--out DIR]
"""

from __future__ import annotations

import numpy as np
from _tutorial import parse_args, plt, save
from matplotlib.ticker import MaxNLocator

import glassnet
from glassnet import nn, optim
from glassnet.data.datasets import load_tabular
from glassnet.models import MLP
from glassnet.train import fit
from glassnet.viz.surfaces import (
    COLORS,
    DEFAULT_OPTIMIZERS,
    SURFACES,
    draw_paths,
    optimizer_paths,
    path_losses,
    plot_optimizer_paths,
)

TOLERANCE = 0.02  # a learning rate "works" when its accuracy is within this of the best one
GAP_FLOOR = 1e-8  # f(end) - f(min) below this counts as having reached the minimum


def run_surfaces(steps: int) -> tuple[dict, dict]:
    """Paths of the default optimizers on every surface, and each final gap f(end) - f(min)."""
    all_paths, gaps = {}, {}
    for name, surface in SURFACES.items():
        paths = optimizer_paths(DEFAULT_OPTIMIZERS, surface, steps=steps)
        f_min = min(surface.f(*m) for m in surface.minima)
        losses = path_losses(paths, surface)
        all_paths[name] = paths
        for label, f in losses.items():
            diverged = len(paths[label]) < steps + 1
            gaps.setdefault(label, {})[name] = np.inf if diverged else max(f[-1] - f_min, 0.0)
    return all_paths, gaps


def run_digits(epochs: int, lrs: list[float]) -> dict:
    """Final test accuracy and the training curve of every optimizer at every learning rate."""
    data = load_tabular("digits")
    results = {}
    for label, (cls_name, kwargs) in DEFAULT_OPTIMIZERS.items():
        for lr in lrs:
            model = MLP(64, [64], 10, generator=glassnet.Generator().manual_seed(0))
            optimizer = getattr(optim, cls_name)(model.parameters(), lr=lr, **kwargs)
            try:
                h = fit(
                    model,
                    nn.CrossEntropyLoss(),
                    optimizer,
                    (data.X_train, data.y_train),
                    val_data=(data.X_test, data.y_test),
                    epochs=epochs,
                    metrics=["accuracy"],
                    batch_size=64,
                    seed=0,
                    quiet=True,
                )
                acc, curve = h["val_accuracy"], h["train_loss"]
            except FloatingPointError:  # the loss blew up: this learning rate is too large
                acc, curve = [0.0] * epochs, [np.nan] * epochs
            results.setdefault(label, {})[lr] = {"acc": np.array(acc), "loss": np.array(curve)}
    return results


def rank(values: dict[str, float], higher_is_better: bool) -> dict[str, float]:
    """1 for the best; ties share the mean rank."""
    labels = list(values)
    v = np.array([values[k] for k in labels], dtype=float)
    v = -v if higher_is_better else v
    order = np.argsort(np.argsort(v, kind="stable"), kind="stable") + 1.0
    for x in np.unique(v):
        tied = v == x
        order[tied] = order[tied].mean()
    return dict(zip(labels, order))


def recommendations(gaps: dict, digits: dict, epochs: int) -> list[dict]:
    rows = []
    for label in DEFAULT_OPTIMIZERS:
        finals = {lr: r["acc"][-1] for lr, r in digits[label].items()}
        best_lr = max(finals, key=finals.get)
        best = finals[best_lr]
        works = sum(a >= best - TOLERANCE for a in finals.values())
        reached = np.flatnonzero(digits[label][best_lr]["acc"] >= 0.95)
        rows.append(
            {
                "optimizer": label,
                "best lr": best_lr,
                "digits acc": best,
                "lrs within 0.02": works,
                "epochs to 95%": int(reached[0] + 1) if reached.size else None,
                "surfaces": gaps[label],
            }
        )
    # On a surface, gaps below GAP_FLOOR all count as "at the minimum" (no rank for 1e-26 vs 1e-9).
    surface_rank = {
        r["optimizer"]: np.mean(
            [
                rank(
                    {q["optimizer"]: np.log10(max(q["surfaces"][s], GAP_FLOOR)) for q in rows},
                    False,
                )[r["optimizer"]]
                for s in SURFACES
            ]
        )
        for r in rows
    }
    acc_rank = rank({r["optimizer"]: r["digits acc"] for r in rows}, True)
    robust_rank = rank({r["optimizer"]: r["lrs within 0.02"] for r in rows}, True)
    for r in rows:
        name = r["optimizer"]
        r["surface rank"] = surface_rank[name]
        r["score"] = (acc_rank[name] + robust_rank[name] + surface_rank[name]) / 3
    criteria = {  # verdict: (what is measured, higher is better)
        "recommended default": (lambda r: r["score"], False),
        "best accuracy on digits": (lambda r: r["digits acc"], True),
        "least learning-rate tuning": (lambda r: r["lrs within 0.02"], True),
        "best on the 2-D surfaces": (lambda r: r["surface rank"], False),
    }
    winners = {}
    for verdict, (key, higher) in criteria.items():
        values = [key(r) for r in rows]
        best = max(values) if higher else min(values)
        tied = [r for r, v in zip(rows, values) if v == best]
        if len(tied) == 1:  # a verdict only for a clear winner
            winners[verdict] = tied[0]
    for r in rows:
        earned = [v for v, winner in winners.items() if winner is r]
        r["verdict"] = "; ".join(earned) if earned else "-"
    return sorted(rows, key=lambda r: r["score"])


def format_table(rows: list[dict], lrs: list[float], epochs: int) -> str:
    surfaces = list(SURFACES)
    header = (
        ["optimizer", "best lr", "digits acc", f"lrs within {TOLERANCE} (of {len(lrs)})"]
        + ["epochs to 95%"]
        + [f"{s} gap" for s in surfaces]
        + ["mean rank", "verdict"]
    )
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for r in rows:
        cells = [
            r["optimizer"],
            f"{r['best lr']:g}",
            f"{r['digits acc']:.3f}",
            str(r["lrs within 0.02"]),
            str(r["epochs to 95%"]) if r["epochs to 95%"] else f"> {epochs}",
        ]
        cells += [f"{r['surfaces'][s]:.1e}" for s in surfaces]
        cells += [f"{r['score']:.2f}", r["verdict"]]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    args = parse_args(__doc__.splitlines()[0])
    steps = 100 if args.fast else 500
    epochs = 2 if args.fast else 12
    lrs = [1e-3, 1e-2, 1e-1] if args.fast else [1e-3, 3e-3, 1e-2, 3e-2, 1e-1, 3e-1]

    # ---- 1. paths on the surfaces
    all_paths, gaps = run_surfaces(steps)
    print(f"f(end) - f(min) after {steps} steps (the learning rate each surface suggests):")
    print(f"{'':<10}" + "".join(f"{s:>12}" for s in SURFACES))
    for label, g in gaps.items():
        print(f"{label:<10}" + "".join(f"{g[s]:12.1e}" for s in SURFACES))
    fig, axes = plt.subplots(2, 2, figsize=(10, 7.5))
    for ax, (name, paths) in zip(axes.ravel(), all_paths.items()):
        draw_paths(ax, paths, SURFACES[name], legend=name == "rosenbrock")
    fig.suptitle(f"{steps} steps of each optimizer from the black dot (star: minimum)")
    save(fig, args.out, "05_optimizer_paths.png")
    path = plot_optimizer_paths(
        all_paths["rosenbrock"], "rosenbrock", args.out / "05_rosenbrock_value.png"
    )
    print(f"chart: {path}")

    # ---- 2. convergence on a real data set
    digits = run_digits(epochs, lrs)
    print(f"\nMLP 64-64-10 on the digits, {epochs} epochs, final test accuracy per learning rate:")
    print(f"{'':<10}" + "".join(f"{lr:>9g}" for lr in lrs))
    for label, per_lr in digits.items():
        print(f"{label:<10}" + "".join(f"{per_lr[lr]['acc'][-1]:9.3f}" for lr in lrs))

    fig, axes = plt.subplots(1, 2, figsize=(12, 4.5))
    for i, (label, per_lr) in enumerate(digits.items()):
        color = COLORS[i]
        axes[0].plot(lrs, [per_lr[lr]["acc"][-1] for lr in lrs], "o-", color=color, label=label)
        best_lr = max(per_lr, key=lambda lr: per_lr[lr]["acc"][-1])
        curve = per_lr[best_lr]["loss"]
        axes[1].plot(
            np.arange(1, epochs + 1),
            curve,
            "o-",
            ms=3,
            color=color,
            label=f"{label} (lr {best_lr:g})",
        )
    axes[0].set_xscale("log")
    axes[0].set_xlabel("learning rate (log scale)")
    axes[0].set_ylabel(f"test accuracy after {epochs} epochs")
    axes[0].set_title("Digits: accuracy against learning rate")
    axes[0].legend(fontsize=8)
    axes[1].set_yscale("log")
    axes[1].xaxis.set_major_locator(MaxNLocator(integer=True))
    axes[1].set_xlabel("epoch")
    axes[1].set_ylabel("training loss (log scale)")
    axes[1].set_title("Digits: training loss at each optimizer's best lr")
    axes[1].legend(fontsize=8)
    save(fig, args.out, "05_digits_convergence.png")

    # ---- 3. the recommendation table, from the measurements above
    rows = recommendations(gaps, digits, epochs)
    table = format_table(rows, lrs, epochs)
    print("\nRecommendations (mean rank of: digits accuracy, learning rates that work, surfaces):")
    print(table)
    (args.out / "05_recommendations.md").write_text(
        f"Measured by docs/tutorials/05_optimizers.py ({'--fast' if args.fast else 'full'} run: "
        f"{steps} steps per surface, {epochs} epochs on the digits, lrs {lrs}).\n\n{table}\n"
    )
    print(f"table: {args.out / '05_recommendations.md'}")


if __name__ == "__main__":
    main()
