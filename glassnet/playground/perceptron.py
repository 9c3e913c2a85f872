"""A perceptron session: Rosenblatt's rule, one training point per step.

The model is `glassnet.models.Perceptron`; this session applies its learning rule point by
point, so that the page can show each update as it happens:

    y_hat = H(w . x + b);   on a mistake:  w <- w + lr (y - y_hat) x,   b <- b + lr (y - y_hat)

On a linearly separable set (blobs) an epoch without mistakes comes after finitely many
updates (Novikoff's theorem); on XOR no line separates the classes, and every epoch makes
mistakes however long it runs.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.models.perceptron import Perceptron
from glassnet.playground.datasets import grid, make_toy, rounded
from glassnet.playground.settings import Settings

RESOLUTION = 40


class PerceptronSession:
    """Rosenblatt's perceptron on blobs or XOR, advanced one point at a time."""

    kind = "perceptron"

    def __init__(self, settings: Settings) -> None:
        s = self.settings = settings
        self.data = make_toy(s.dataset, s.n_samples, s.noise, s.test_fraction, s.seed)
        lr = float(s.optimizer_params.get("lr", 1.0))
        self.model = Perceptron(2, lr=lr if lr > 0 else 1.0)
        self.index = 0  # the next training point
        self.epoch = 0
        self.mistakes = 0  # in the current epoch
        self.epoch_mistakes: list[int] = []
        self.converged_epoch: int | None = None
        self.step_count = 0
        self.last: dict[str, Any] | None = None

    def update_point(self) -> None:
        """Apply the rule to the next training point (a no-op once converged)."""
        if self.converged_epoch is not None:
            return
        x, t = self.data.X_train[self.index], int(self.data.y_train[self.index])
        w, b = self.model.weight._data, self.model.bias._data
        score = float(x @ w + b)
        t_hat = 1 if score > 0 else 0
        step = self.model.lr * (t - t_hat)  # +lr for a missed positive, -lr for a false one
        if step:
            w += step * x
            b += step
            self.mistakes += 1
        self.last = {
            "x": [float(v) for v in x],
            "y": t,
            "y_hat": t_hat,
            "score": score,
            "step": float(step),
            "w": [float(v) for v in w],
            "b": float(b),
        }
        self.step_count += 1
        self.index += 1
        if self.index == len(self.data.X_train):
            self.epoch_mistakes.append(self.mistakes)
            self.epoch += 1
            if self.mistakes == 0:
                self.converged_epoch = self.epoch
            self.index, self.mistakes = 0, 0

    def train_steps(self, n: int) -> None:
        """`n` points through the rule."""
        for _ in range(n):
            self.update_point()

    def accuracy(self, X: np.ndarray, y: np.ndarray) -> float:
        """Share of points the current line classifies correctly."""
        return float(((X @ self.model.weight._data + self.model.bias._data > 0) == y).mean())

    def criterion(self, X: np.ndarray, y: np.ndarray) -> float:
        """The perceptron criterion mean(max(0, -t s)), t = +-1, s = w . x + b: what
        Rosenblatt's rule descends (zero once every point is on its side)."""
        s = X @ self.model.weight._data + self.model.bias._data
        return float(np.maximum(0.0, -np.where(y > 0, 1.0, -1.0) * s).mean())

    def snapshot(self) -> dict[str, Any]:
        """The line, the last update and the mistakes per epoch."""
        d = self.data
        pts, _ = grid(RESOLUTION)
        scores = pts @ self.model.weight._data + self.model.bias._data
        return {
            "kind": self.kind,
            "point": {
                "step": self.step_count,
                "epoch": self.epoch + self.index / len(d.X_train),
                "train_accuracy": self.accuracy(d.X_train, d.y_train),
                "test_accuracy": self.accuracy(d.X_test, d.y_test),
                "train_loss": self.criterion(d.X_train, d.y_train),
                "test_loss": self.criterion(d.X_test, d.y_test),
                "lr": self.model.lr,
            },
            "boundary": (scores > 0).astype(float).tolist(),
            "last": self.last,
            "index": self.index,
            "epoch_mistakes": self.epoch_mistakes,
            "converged_epoch": self.converged_epoch,
            "w": [float(v) for v in self.model.weight._data],
            "b": float(self.model.bias._data),
            "weights": [
                {
                    "W": [[float(v) for v in self.model.weight._data]],
                    "b": [float(self.model.bias._data)],
                }
            ],
        }

    def points(self) -> dict[str, Any]:
        """The data points, drawn once per reset."""
        d = self.data
        return {
            "plane": True,
            "train": rounded(d.X_train, 4),
            "train_y": d.y_train.tolist(),
            "test": rounded(d.X_test, 4),
            "test_y": d.y_test.tolist(),
            "extent": 1.6,
            "resolution": RESOLUTION,
        }

    def layer_sizes(self) -> list[int]:
        """Two inputs, one threshold unit."""
        return [2, 1]
