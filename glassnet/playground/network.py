"""A network session: a glassnet MLP trained step by step, with what the page draws.

Training is glassnet's own: `glassnet.models.MLP`, a loss from `glassnet.nn`, an optimizer
from `glassnet.optim` (weight decay is the L2 setting) and a schedule from
`glassnet.optim.lr_scheduler`, stepped once per mini-batch. `snapshot()` evaluates the model
(eval mode, no gradient) on both splits and, for the 2-D sets, on a grid over the plane: the
decision heat map and every hidden neuron's output.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import glassnet.nn as nn
from glassnet.autograd.grad_mode import no_grad
from glassnet.models.mlp import MLP
from glassnet.optim import lr_scheduler
from glassnet.playground.datasets import PlayData, grid, load_digits_split, make_toy, rounded
from glassnet.playground.settings import Settings, SettingsError
from glassnet.random import Generator
from glassnet.tensor import Tensor
from glassnet.train.builders import optimizer_classes

BOUNDARY_RESOLUTION = 40  # heat map cells per side
NEURON_RESOLUTION = 16  # per hidden neuron's thumbnail
MAX_DRAWN_NEURONS = 16  # per layer, as the page draws them
MAX_HISTORY = 4000  # points kept; past that every other one is dropped (long sessions stay small)
MAX_DRAWN_WEIGHTS = 4096
SAMPLE_IMAGES = (
    24  # digits shown with their predictions  # larger nets (digits) send only their gradient norms
)
SCHEDULER_CLASSES = {
    "step": lr_scheduler.StepLR,
    "exponential": lr_scheduler.ExponentialLR,
    "cosine": lr_scheduler.CosineAnnealingLR,
}


def build_data(s: Settings) -> PlayData:
    """The data set the settings name."""
    if s.dataset == "digits":
        return load_digits_split(s.test_fraction, s.seed)
    return make_toy(s.dataset, s.n_samples, s.noise, s.test_fraction, s.seed)


def _outputs(s: Settings, data: PlayData) -> int:
    return 1 if s.loss in ("bce_with_logits", "mse") and data.num_classes == 2 else data.num_classes


class NetworkSession:
    """One MLP, its loss, optimizer and schedule, and its training record.

    Parameters
    ----------
    settings : Settings
        Checked settings (`parse_settings`).
    """

    kind = "network"

    def __init__(self, settings: Settings) -> None:
        s = self.settings = settings
        self.data = build_data(s)
        self.generator = Generator(s.seed)
        self.model = MLP(
            self.data.num_features,
            s.hidden_sizes,
            _outputs(s, self.data),
            activation=s.activation,
            dropout=s.dropout,
            generator=self.generator,
        )
        self.loss_fn = {
            "cross_entropy": nn.CrossEntropyLoss,
            "bce_with_logits": nn.BCEWithLogitsLoss,
            "mse": nn.MSELoss,
        }[s.loss]()
        cls = optimizer_classes()[s.optimizer]
        try:
            self.optimizer = cls(
                self.model.parameters(), weight_decay=s.l2, **_tuples(s.optimizer_params)
            )
        except (ValueError, TypeError) as e:
            raise SettingsError(f"optimizer_params: {_named(cls, e)}") from None
        self.scheduler = None
        if s.scheduler != "none":
            sched_cls = SCHEDULER_CLASSES[s.scheduler]
            try:
                self.scheduler = sched_cls(self.optimizer, **_scheduler_kwargs(s))
            except (ValueError, TypeError) as e:
                raise SettingsError(f"scheduler_params: {_named(sched_cls, e)}") from None
        self.rng = np.random.default_rng(s.seed)
        self.linears = [m for m in self.model if isinstance(m, nn.Linear)]
        self.step_count = 0
        self.samples_seen = 0
        self.history: list[dict[str, float]] = []
        self.grad_norms: list[float] = [0.0] * len(self.linears)
        self.diverged = False

    # ----------------------------------------------------------------- training
    def targets(self, y: np.ndarray) -> np.ndarray:
        """Labels in the form the loss takes: class ids (cross-entropy), a float column of
        0/1 (bce, mse with one output)."""
        if self.settings.loss == "cross_entropy":
            return y
        return y.astype(np.float32).reshape(-1, 1)

    def loss_on(self, X: np.ndarray, y: np.ndarray) -> Tensor:
        """The loss of the model on (X, y), as a graph ready for backward."""
        out = self.model(Tensor._wrap(X))
        return self.loss_fn(out, Tensor._wrap(self.targets(y)))

    def next_batch(self) -> np.ndarray:
        """Indices of the next mini-batch (all points when batch_size is 0)."""
        n = len(self.data.X_train)
        b = self.settings.batch_size
        if b == 0 or b >= n:
            return np.arange(n)
        return self.rng.choice(n, size=b, replace=False)

    def train_steps(self, n: int) -> None:
        """`n` optimizer steps, each on a fresh random mini-batch."""
        if self.diverged:
            return
        self.model.train()
        X, y = self.data.X_train, self.data.y_train
        for _ in range(n):
            idx = self.next_batch()
            self.optimizer.zero_grad()
            loss = self.loss_on(X[idx], y[idx])
            loss.backward()
            self.optimizer.step()
            if self.scheduler is not None:
                self.scheduler.step()
            self.step_count += 1
            self.samples_seen += len(idx)
            if not np.isfinite(loss.item()):
                self.diverged = True
                break
        self.grad_norms = [
            0.0 if m.weight.grad is None else float(np.linalg.norm(m.weight.grad._data))
            for m in self.linears
        ]

    # ----------------------------------------------------------------- what the page draws
    def scores(self, X: np.ndarray) -> np.ndarray:
        """Model outputs on X in eval mode, without a graph."""
        self.model.eval()
        with no_grad():
            return self.model(Tensor._wrap(X))._data

    def probability(self, out: np.ndarray) -> np.ndarray:
        """P(class 1) for two classes (sigmoid of one logit, softmax of two, or the mse output)."""
        if out.shape[1] == 1:
            z = out[:, 0].astype(np.float64)
            return z if self.settings.loss == "mse" else 1.0 / (1.0 + np.exp(-z))
        e = np.exp(out - out.max(1, keepdims=True))
        return e[:, 1] / e.sum(1)

    def predicted(self, out: np.ndarray) -> np.ndarray:
        """Class ids from outputs."""
        if out.shape[1] == 1:
            return (out[:, 0] > (0.5 if self.settings.loss == "mse" else 0.0)).astype(np.int64)
        return out.argmax(1)

    def evaluate(self, X: np.ndarray, y: np.ndarray) -> tuple[float, float]:
        """(loss, accuracy) on a split, in eval mode."""
        self.model.eval()
        with no_grad():
            out = self.model(Tensor._wrap(X))
            loss = float(self.loss_fn(out, Tensor._wrap(self.targets(y))).item())
        return loss, float((self.predicted(out._data) == y).mean())

    def record(self) -> dict[str, float]:
        """Evaluate both splits and append the point to the history."""
        d = self.data
        train_loss, train_acc = self.evaluate(d.X_train, d.y_train)
        test_loss, test_acc = self.evaluate(d.X_test, d.y_test)
        point = {
            "step": self.step_count,
            "epoch": self.samples_seen / len(d.X_train),
            "train_loss": train_loss,
            "test_loss": test_loss,
            "train_accuracy": train_acc,
            "test_accuracy": test_acc,
            "lr": float(self.optimizer.param_groups[0]["lr"]),
        }
        point = {k: v if np.isfinite(v) else None for k, v in point.items()}  # JSON has no nan
        self.history.append(point)
        if len(self.history) > MAX_HISTORY:
            self.history = self.history[::2]
        return point

    def neuron_maps(self) -> list[list[list[float]]]:
        """Each hidden neuron's activation over a coarse grid: [layer][neuron] -> R*R values."""
        pts, _ = grid(NEURON_RESOLUTION)
        h = Tensor._wrap(pts)
        maps = []
        self.model.eval()
        with no_grad():
            layers = list(self.model)
            for i, layer in enumerate(layers[:-1]):
                h = layer(h)
                is_last_of_block = isinstance(layers[i + 1], nn.Linear)
                if is_last_of_block:
                    maps.append(rounded(h._data.T[:MAX_DRAWN_NEURONS], 2))
        return maps

    def weights(self) -> list[dict[str, Any]] | None:
        """Each Linear layer's W (out x in) and b, or None for nets too big to draw."""
        if sum(m.weight.numel() for m in self.linears) > MAX_DRAWN_WEIGHTS:
            return None
        return [
            {
                "W": rounded(m.weight._data, 4),
                "b": rounded(m.bias._data, 4),
            }
            for m in self.linears
        ]

    def snapshot(self) -> dict[str, Any]:
        """Everything one update of the page shows."""
        point = self.record()
        state: dict[str, Any] = {
            "kind": self.kind,
            "point": point,
            "grad_norms": self.grad_norms,
            "weights": self.weights(),
            "diverged": self.diverged,
        }
        if self.data.is_plane:
            pts, _ = grid(BOUNDARY_RESOLUTION)
            state["boundary"] = rounded(self.probability(self.scores(pts)), 3)
            state["neurons"] = self.neuron_maps()
        else:
            state["predictions"] = self.predicted(self.scores(self.data.X_test[:SAMPLE_IMAGES]))
            state["predictions"] = state["predictions"].tolist()
        return state

    def points(self) -> dict[str, Any]:
        """The data points (2-D sets) for the page to draw once per reset."""
        d = self.data
        if not d.is_plane:  # digits: a few test images, whose predictions each update shows
            pixels = d.X_test[:SAMPLE_IMAGES] * d.meta["std"] + d.meta["mean"]
            return {
                "plane": False,
                "images": rounded(pixels / 16.0, 2),  # 8x8 pixels, 0 (white) .. 1 (black)
                "labels": d.y_test[:SAMPLE_IMAGES].tolist(),
            }
        return {
            "plane": True,
            "train": rounded(d.X_train, 4),
            "train_y": d.y_train.tolist(),
            "test": rounded(d.X_test, 4),
            "test_y": d.y_test.tolist(),
            "extent": 1.6,
            "resolution": BOUNDARY_RESOLUTION,
            "neuron_resolution": NEURON_RESOLUTION,
        }

    def layer_sizes(self) -> list[int]:
        """Widths from the input to the output."""
        return [self.data.num_features, *self.settings.hidden_sizes, self.linears[-1].out_features]


def _named(cls: type, error: Exception) -> str:
    """The class's error message, starting with the class's name (once)."""
    text = str(error)
    return text if text.startswith(cls.__name__) else f"{cls.__name__}: {text}"


def _tuples(params: dict[str, Any]) -> dict[str, Any]:
    return {k: tuple(v) if isinstance(v, list) else v for k, v in params.items()}


def _scheduler_kwargs(s: Settings) -> dict[str, Any]:
    from glassnet.playground.settings import SCHEDULER_PARAMS

    return {**SCHEDULER_PARAMS[s.scheduler], **s.scheduler_params}
