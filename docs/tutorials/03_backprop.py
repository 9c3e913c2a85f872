"""Tutorial 3 - backpropagation by hand on a 2-layer network, checked against backward().

The network:  h = sigmoid(x W1 + b1),   y_hat = h W2 + b2,   L = mean((y_hat - y)^2).

Backpropagation is the chain rule applied from the loss backwards. Name each layer's "delta",
the gradient of the loss with respect to that layer's pre-activation:

    delta2 = dL/dy_hat          = 2 (y_hat - y) / N                   (output layer)
    dL/dW2 = h^T delta2,          dL/db2 = sum of delta2 over the batch
    delta1 = dL/d(x W1 + b1)    = (delta2 W2^T) * h (1 - h)           (sigmoid' = h (1 - h))
    dL/dW1 = x^T delta1,          dL/db1 = sum of delta1 over the batch

We compute these with NumPy, then let glassnet's autograd do the same, and check both against
central finite differences (gradcheck).
Run: python docs/tutorials/03_backprop.py [--fast] [--out DIR]
"""

from __future__ import annotations

import numpy as np
from _tutorial import parse_args, plt, save

import glassnet


def main() -> None:
    args = parse_args(__doc__.splitlines()[0])
    rng = np.random.default_rng(0)
    N, D, H = 8, 3, 4
    x = rng.standard_normal((N, D))
    y = rng.standard_normal((N, 1))
    W1, b1 = rng.standard_normal((D, H)), np.zeros(H)
    W2, b2 = rng.standard_normal((H, 1)), np.zeros(1)

    # ---- forward and backward by hand
    h = 1 / (1 + np.exp(-(x @ W1 + b1)))
    y_hat = h @ W2 + b2
    loss = np.mean((y_hat - y) ** 2)
    delta2 = 2 * (y_hat - y) / N
    hand = {"W2": h.T @ delta2, "b2": delta2.sum(0)}
    delta1 = (delta2 @ W2.T) * h * (1 - h)
    hand.update({"W1": x.T @ delta1, "b1": delta1.sum(0)})

    print(f"loss = {loss:.6f}")
    print("delta2 (output layer, one row per sample):\n", np.round(delta2.ravel(), 5))
    print("delta1 (hidden layer):\n", np.round(delta1, 5))

    # ---- the same with autograd
    params = {
        name: glassnet.tensor(value, requires_grad=True)
        for name, value in {"W1": W1, "b1": b1, "W2": W2, "b2": b2}.items()
    }
    xt, yt = glassnet.tensor(x), glassnet.tensor(y)

    def forward(W1, b1, W2, b2):
        return (((xt @ W1 + b1).sigmoid() @ W2 + b2 - yt) ** 2).mean()

    out = forward(**params)
    trace = glassnet.autograd.trace(out, names=params)
    print("\nThe backward pass, op by op (glassnet.autograd.trace):")
    print(trace)
    print("\nlargest |hand - autograd| per parameter:")
    for name, g in hand.items():
        diff = np.abs(g - params[name].grad.numpy()).max()
        print(f"  {name}: {diff:.2e}")
        if diff > 1e-10:
            raise SystemExit(f"hand-computed gradient of {name} disagrees with backward()")

    ok = glassnet.autograd.gradcheck(forward, tuple(params.values()))
    print(f"gradcheck (central finite differences): {'passed' if ok else 'failed'}")

    # ---- chart: how big the gradient is at each layer
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.5))
    names = ["W1", "b1", "W2", "b2"]
    axes[0].bar(names, [np.linalg.norm(hand[n]) for n in names], color="tab:blue")
    axes[0].set_title("Gradient norm per parameter")
    axes[0].set_ylabel("||dL/dθ||")
    axes[1].imshow(delta1, cmap="coolwarm", aspect="auto")
    axes[1].set_title("delta1: hidden-layer error signal")
    axes[1].set_xlabel("hidden unit")
    axes[1].set_ylabel("sample")
    save(fig, args.out, "03_backprop_gradients.png")


if __name__ == "__main__":
    main()
