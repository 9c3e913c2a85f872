"""Where `fit` is, and everything a checkpoint needs to continue from there bit for bit.

A training position is (epoch, batches done in that epoch, optimisation steps done). Resuming
mid-epoch sets every generator back to its state at the start of the epoch, lets the loader draw
that epoch's order again, skips the batches already done, and then sets every generator to its
state at the checkpoint; the running sums of the epoch (loss, outputs for the metrics), the
history and the callbacks' own states come back from the checkpoint too.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from glassnet.train import resume as rng
from glassnet.train.history import History

FORMAT_VERSION = 1


class NonFiniteError(FloatingPointError):
    """Training met a NaN or Inf (in the loss, a gradient, or the data) and stopped before the
    optimizer step, so the weights are still finite.

    `checkpoint` is the path of the last good state when a `ModelCheckpoint` saved one.
    """

    def __init__(self, message: str, epoch: int, step: int) -> None:
        super().__init__(message)
        self.epoch, self.step = epoch, step
        self.checkpoint: str | None = None


@dataclass
class FitState:
    """What callbacks see: the objects being trained and where the loop is.

    `epoch` is the current epoch (from 0), `batch` the batches done in it and `step` the
    optimisation steps done in the whole run (both already counted in `on_step_end`).
    """

    model: Any
    optimizer: Any
    loss_fn: Any
    scheduler: Any
    history: History
    epochs: int
    epoch: int = 0
    step: int = 0
    stop_training: bool = False
    extra: dict[str, Any] = field(default_factory=dict)
    batch: int = 0
    resumed: bool = False
    epoch_done: bool = False
    callbacks: list[Any] = field(default_factory=list)
    loss_sum: float = 0.0
    n_seen: int = 0
    outputs: list[np.ndarray] = field(default_factory=list)
    targets: list[np.ndarray] = field(default_factory=list)
    generators: dict[str, Any] = field(default_factory=dict)
    rng_epoch_start: dict[str, dict] = field(default_factory=dict)
    rng_before_step: dict[str, dict] | None = None
    progress: Any = None  # the run's `Progress` (output), for callbacks' messages

    def start_epoch(self, epoch: int) -> None:
        """Reset the epoch's running sums and note the generators' states at its start."""
        self.epoch, self.batch, self.epoch_done = epoch, 0, False
        self.loss_sum, self.n_seen = 0.0, 0
        self.outputs, self.targets = [], []
        self.rng_epoch_start = rng.snapshot(self.generators)

    def training_state(self, rng_now: dict[str, dict] | None = None) -> dict[str, Any]:
        """The position, generator states, running sums, history and callback states: plain
        data and arrays for `save_checkpoint(..., training_state=...)`.

        `rng_now` defaults to the generators' states now; pass `rng_before_step` to save the
        position before a step that failed.
        """
        now = rng.snapshot(self.generators) if rng_now is None else rng_now
        if self.epoch_done:  # the next thing to do is the next epoch
            epoch, batch, start = self.epoch + 1, 0, now
            loss_sum, n_seen, outputs, targets = 0.0, 0, None, None
        else:
            epoch, batch, start = self.epoch, self.batch, self.rng_epoch_start
            loss_sum, n_seen = self.loss_sum, self.n_seen
            outputs = np.concatenate(self.outputs) if self.outputs else None
            targets = np.concatenate(self.targets) if self.targets else None
        return {
            "version": FORMAT_VERSION,
            "epoch": epoch,
            "batch": batch,
            "step": self.step,
            "stop_training": self.stop_training,
            "rng_epoch_start": rng.encode(start),
            "rng": rng.encode(now),
            "loss_sum": loss_sum,
            "n_seen": n_seen,
            "outputs": outputs,
            "targets": targets,
            "history": self.history.to_dict(),
            "callbacks": {
                key: cb.state_dict()
                for key, cb in _callback_keys(self.callbacks)
                if hasattr(cb, "state_dict")
            },
        }


def _callback_keys(callbacks: list[Any]) -> list[tuple[str, Any]]:
    return [(f"{i}:{type(cb).__name__}", cb) for i, cb in enumerate(callbacks)]


def checkpoint_stem(path: str | os.PathLike) -> Path:
    """A run folder means its `last` checkpoint; anything else is a checkpoint path."""
    path = Path(path)
    return path / "last" if path.is_dir() else path


def load_training_state(state: FitState, path: str | os.PathLike) -> dict[str, dict]:
    """Load the checkpoint at `path` into the model, optimizer and scheduler of `state`, and
    set `state`'s position, sums and history from its training state. Returns the generator
    states at the checkpoint (set on the generators already); callback states are kept in
    `state.extra["callback_states"]` for `load_callback_states`.
    """
    from glassnet.io.checkpoint import load_checkpoint

    stem = checkpoint_stem(path)
    extra = load_checkpoint(stem, state.model, state.optimizer, state.scheduler)
    saved = extra.get("training_state") if isinstance(extra, dict) else None
    if not isinstance(saved, dict) or saved.get("version") != FORMAT_VERSION:
        raise ValueError(
            f"fit(resume_from={str(path)!r}): {stem} holds no training state to resume from "
            "(a 'best' checkpoint, or one written without it); resume from a 'last' checkpoint"
        )
    try:
        state.epoch, state.batch, state.step = (
            int(saved["epoch"]),
            int(saved["batch"]),
            int(saved["step"]),
        )
        state.stop_training = bool(saved["stop_training"])
        state.loss_sum, state.n_seen = float(saved["loss_sum"]), int(saved["n_seen"])
        state.outputs = [] if saved["outputs"] is None else [np.asarray(saved["outputs"])]
        state.targets = [] if saved["targets"] is None else [np.asarray(saved["targets"])]
        state.history = History.from_dict(saved["history"])
        state.rng_epoch_start = rng.decode(saved["rng_epoch_start"])
        now = rng.decode(saved["rng"])
        state.extra["callback_states"] = dict(saved["callbacks"])
    except (KeyError, TypeError, ValueError) as e:
        raise ValueError(f"{stem}: its training state is malformed ({e!r})") from None
    rng.restore(state.generators, now)
    state.resumed = True
    return now


def load_callback_states(state: FitState) -> None:
    """Give each callback the state it had at the checkpoint (matched by position and type)."""
    saved = state.extra.pop("callback_states", {})
    for key, cb in _callback_keys(state.callbacks):
        if key in saved and hasattr(cb, "load_state_dict"):
            cb.load_state_dict(saved[key])
