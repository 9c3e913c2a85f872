"""History: what happened during `fit`, one record per epoch and one per optimisation step."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any


@dataclass
class History:
    """Per-epoch records (`epochs`) and per-step records (`steps`) of a training run.

    An epoch record holds `epoch`, `train_loss`, `val_loss` (with validation data), one
    `train_<metric>` / `val_<metric>` per metric, `lr` and `time` (seconds). A step record holds
    `step`, `epoch`, `loss` and `lr`. `grad_norms` holds the per-layer gradient norms recorded by
    `GradientNormTracker`: `{"step": s, "norms": {layer: norm}}`.

    Example
    -------
    >>> history = fit(model, loss_fn, optimizer, loader, epochs=5)
    >>> history["train_loss"]        # one value per epoch
    """

    epochs: list[dict[str, Any]] = field(default_factory=list)
    steps: list[dict[str, Any]] = field(default_factory=list)
    grad_norms: list[dict[str, Any]] = field(default_factory=list)

    def __getitem__(self, key: str) -> list[Any]:
        """The values of `key` over the epochs (epochs that lack it are skipped)."""
        values = [e[key] for e in self.epochs if key in e]
        if not values:
            keys = sorted({k for e in self.epochs for k in e})
            per_step = any(key in s for s in self.steps)
            where = "; it is kept per step (history.steps)" if per_step else ""
            raise KeyError(
                f"History has no {key!r} per epoch{where}; per-epoch keys: "
                f"{', '.join(keys) or 'no epochs yet'}"
            )
        return values

    def keys(self) -> list[str]:
        return sorted({k for e in self.epochs for k in e})

    def best(self, key: str, mode: str = "min") -> dict[str, Any]:
        """The epoch record with the lowest (mode='min') or highest ('max') value of `key`."""
        candidates = [e for e in self.epochs if key in e and not math.isnan(e[key])]
        if not candidates:
            raise KeyError(f"History: no epoch has a value for {key!r}")
        pick = min if mode == "min" else max
        return pick(candidates, key=lambda e: e[key])

    def to_dict(self) -> dict[str, Any]:
        return {"epochs": self.epochs, "steps": self.steps, "grad_norms": self.grad_norms}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> History:
        return cls(
            list(d.get("epochs", [])), list(d.get("steps", [])), list(d.get("grad_norms", []))
        )

    def to_json(self) -> str:
        return json.dumps(self.to_dict())
