"""History: what happened during `fit`, one record per epoch and a bounded sample of the steps."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

MAX_STEP_RECORDS = 1024
TIMING_KEYS = ("time", "samples_per_second", "wall_time")  # wall-clock facts, not results


@dataclass
class History:
    """Per-epoch records (`epochs`) and a bounded sample of per-step records (`steps`) of a run.

    An epoch record holds `epoch`, `train_loss`, `val_loss` (with validation data), one
    `train_<metric>` / `val_<metric>` per metric, `lr` and `time` (seconds). A step record holds
    `step`, `epoch`, `loss` and `lr`. `grad_norms` holds the per-layer gradient norms recorded by
    `GradientNormTracker`: `{"step": s, "norms": {layer: norm}}`.

    Memory stays bounded however long the run: `add_step` keeps the records of every
    `step_stride`-th step, and when more than `max_step_records` are kept it drops every other
    one and doubles the stride (1, 2, 4, ...), so the records always span the whole run evenly.
    The same holds for `grad_norms`. `evals` holds the language-model evaluations every
    `train.eval_every` steps (`glassnet.train.lm_eval.EvalEvery`), all of them. The full step
    log is the run folder's `metrics.jsonl`. `stop` says why training ended before its last
    epoch (an `EarlyStopping` record: monitor, patience, the epoch it stopped after and the best
    epoch), or is None.

    Example
    -------
    >>> history = fit(model, loss_fn, optimizer, loader, epochs=5)
    >>> history["train_loss"]        # one value per epoch
    """

    epochs: list[dict[str, Any]] = field(default_factory=list)
    steps: list[dict[str, Any]] = field(default_factory=list)
    grad_norms: list[dict[str, Any]] = field(default_factory=list)
    evals: list[dict[str, Any]] = field(default_factory=list)
    max_step_records: int = MAX_STEP_RECORDS
    step_stride: int = 1
    grad_norm_stride: int = 1
    stop: dict[str, Any] | None = None

    def add_step(self, record: dict[str, Any]) -> None:
        """Keep `record` (which has a "step") if its step is on the current stride."""
        self.step_stride = self._thin(self.steps, record, self.step_stride)

    def add_grad_norms(self, record: dict[str, Any]) -> None:
        """Keep a `GradientNormTracker` record if its step is on the current stride."""
        self.grad_norm_stride = self._thin(self.grad_norms, record, self.grad_norm_stride)

    def _thin(self, records: list[dict[str, Any]], record: dict[str, Any], stride: int) -> int:
        if record["step"] % stride:
            return stride
        records.append(record)
        if len(records) > self.max_step_records:
            stride *= 2
            records[:] = [r for r in records if r["step"] % stride == 0]
        return stride

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
        return {
            "epochs": self.epochs,
            "steps": self.steps,
            "grad_norms": self.grad_norms,
            "evals": self.evals,
            "step_stride": self.step_stride,
            "grad_norm_stride": self.grad_norm_stride,
            "stop": self.stop,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> History:
        return cls(
            list(d.get("epochs", [])),
            list(d.get("steps", [])),
            list(d.get("grad_norms", [])),
            evals=list(d.get("evals", [])),
            step_stride=int(d.get("step_stride", 1)),
            grad_norm_stride=int(d.get("grad_norm_stride", 1)),
            stop=d.get("stop"),
        )

    def to_json(self) -> str:
        return json.dumps(self.to_dict())
