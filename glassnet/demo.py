"""A first look: a 2-8-1 network learns XOR with glassnet tensors and plain gradient descent.

Run `python -m glassnet.demo`; the loss printed every 200 steps falls towards 0.
"""

from __future__ import annotations

import glassnet


def main(steps: int = 2000, lr: float = 1.0) -> float:
    g = glassnet.Generator().manual_seed(0)
    x = glassnet.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = glassnet.tensor([[0.0], [1.0], [1.0], [0.0]])
    W1 = glassnet.randn(2, 8, generator=g, requires_grad=True)
    b1 = glassnet.zeros(8, requires_grad=True)
    W2 = glassnet.randn(8, 1, generator=g, requires_grad=True)
    b2 = glassnet.zeros(1, requires_grad=True)
    params = [W1, b1, W2, b2]
    for step in range(steps + 1):
        hidden = (x @ W1 + b1).tanh()
        p = (hidden @ W2 + b2).sigmoid()
        loss = ((p - y) ** 2).mean()
        for t in params:
            t.grad = None
        loss.backward()
        with glassnet.no_grad():
            for t in params:
                t -= lr * t.grad  # noqa: PLW2901  (in-place update on the leaf)
        if step % 200 == 0:
            print(f"step {step:5d}   loss {loss.item():.5f}")
    print("predictions:", [round(v, 3) for v in p.detach().numpy().ravel().tolist()])
    return loss.item()


if __name__ == "__main__":
    main()
