"""Loggers: callbacks that write a run's records to files other tools read.

    JSONLLogger        metrics.jsonl: one JSON object per epoch and every n-th step
    CSVLogger          metrics.csv: one row per epoch (spreadsheets, pandas)
    TensorBoardLogger  TensorBoard event files (`glassnet.train.tensorboard`)

On a resumed run (`state.resumed`) each keeps what it wrote before the checkpoint and drops the
rest, so the files end as those of a run never interrupted.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from glassnet.train.callbacks import Callback


class CSVLogger(Callback):
    """Write each epoch record as a row of a CSV file (header from the first epoch's keys)."""

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path)
        self._fields: list[str] | None = None

    def on_fit_start(self, state: Any) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._fields, kept = None, ""
        if getattr(state, "resumed", False) and self.path.is_file():
            rows = list(csv.reader(io.StringIO(self.path.read_text(), newline="")))
            done = [r for r in rows[1:] if r and r[0].lstrip("-").isdigit()]
            done = [r for r in done if int(r[0]) < state.epoch and len(r) == len(rows[0])]
            if rows and rows[0] and rows[0][0] == "epoch":
                self._fields = rows[0]
                out = io.StringIO(newline="")
                csv.writer(out).writerows([rows[0], *done])
                kept = out.getvalue()
        write_text_atomic(self.path, kept)

    def on_epoch_end(self, state: Any, record: dict[str, Any]) -> None:
        with self.path.open("a", newline="") as f:
            if self._fields is None:
                self._fields = list(record)
                csv.DictWriter(f, self._fields).writeheader()
            csv.DictWriter(f, self._fields, extrasaction="ignore").writerow(record)


def write_text_atomic(path: Path, text: str) -> None:
    """Write `text` to a temporary file beside `path`, then rename it over `path` (atomic)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", newline="") as f:
            f.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _logged_before(line: str, state: Any) -> bool:
    """Whether a metrics.jsonl line was written before the position `state` resumes from: a
    step record of an earlier step, an epoch record of an earlier epoch or an evaluation that
    the resumed history holds (a line cut short by a kill is dropped)."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError:
        return False
    if not line.endswith("\n") or not isinstance(record, dict):
        return False
    if record.get("type") == "step":
        return isinstance(record.get("step"), int) and record["step"] < state.step
    if record.get("type") == "epoch":
        return isinstance(record.get("epoch"), int) and record["epoch"] < state.epoch
    if record.get("type") == "eval":  # a language model's evaluation: kept if the history has it
        return record.get("steps") in {e["steps"] for e in state.history.evals}
    return False


class JSONLLogger(Callback):
    """Write records as JSON lines: every epoch (`"type": "epoch"`), every `step_every` steps
    a step record (`"type": "step"`; 0 logs no steps), and at the end why training stopped
    early, when it did (`"type": "stop"`, the `History.stop` record).
    """

    def __init__(self, path: str | os.PathLike, step_every: int = 0) -> None:
        self.path = Path(path)
        self.step_every = step_every

    def on_fit_start(self, state: Any) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        kept = ""
        if getattr(state, "resumed", False) and self.path.is_file():
            kept = "".join(
                line
                for line in self.path.read_text().splitlines(keepends=True)
                if _logged_before(line, state)
            )
        write_text_atomic(self.path, kept)

    def _write(self, kind: str, record: dict[str, Any]) -> None:
        with self.path.open("a") as f:
            f.write(json.dumps({"type": kind, **record}) + "\n")

    def on_step_end(self, state: Any, record: dict[str, Any]) -> None:
        if self.step_every and record["step"] % self.step_every == 0:
            self._write("step", record)

    def on_epoch_end(self, state: Any, record: dict[str, Any]) -> None:
        self._write("epoch", record)

    def on_fit_end(self, state: Any) -> None:
        if state.history.stop is not None:  # why training ended early (`History.stop`)
            self._write("stop", state.history.stop)


def tensorboard_tag(key: str) -> str:
    """The TensorBoard tag of an epoch record's key: train_loss -> train/loss,
    val_accuracy -> val/accuracy, anything else (lr, time, ...) -> epoch/<key>."""
    for split in ("train", "val"):
        if key.startswith(f"{split}_"):
            return f"{split}/{key[len(split) + 1 :]}"
    return f"epoch/{key}"


class TensorBoardLogger(Callback):
    """Write the run's numbers as TensorBoard event files in `log_dir` (`tensorboard --logdir`).

    Every epoch record's numbers are scalars tagged `train/<name>`, `val/<name>` and
    `epoch/<name>` (lr, time, samples_per_second, wall_time); every `step_every` steps the
    step's `step/loss`, `step/lr` (and `step/grad_norm` when clipping). The x-axis of all of
    them is the optimisation step, so a resumed run purges what the killed run wrote after its
    checkpoint (`purge_step`). Written with `glassnet.utils.tensorboard.SummaryWriter`
    (tensorboardX: ``pip install "glassnet[tensorboard]"``).

    Example
    -------
    >>> fit(..., callbacks=[TensorBoardLogger("runs/mlp/tensorboard")])
    """

    def __init__(self, log_dir: str | os.PathLike, step_every: int = 10) -> None:
        from glassnet.utils import tensorboard  # an ImportError now, not after training

        if step_every < 0:
            raise ValueError(f"TensorBoardLogger: step_every must be >= 0, got {step_every}")
        self._writer_class = tensorboard.SummaryWriter
        self.log_dir = Path(log_dir)
        self.step_every = step_every
        self.writer: Any = None

    def on_fit_start(self, state: Any) -> None:
        purge = state.step if getattr(state, "resumed", False) else None
        self.writer = self._writer_class(
            log_dir=str(self.log_dir),
            purge_step=purge,
            filename_suffix=f".{time.time_ns()}",  # a resume in the same second: another file
        )

    def on_step_end(self, state: Any, record: dict[str, Any]) -> None:
        if self.step_every and record["step"] % self.step_every == 0:
            for key in ("loss", "lr", "grad_norm"):
                if key in record:
                    self.writer.add_scalar(f"step/{key}", record[key], record["step"])

    def on_epoch_end(self, state: Any, record: dict[str, Any]) -> None:
        for key, value in record.items():
            if key != "epoch" and isinstance(value, int | float) and not isinstance(value, bool):
                self.writer.add_scalar(tensorboard_tag(key), value, state.step)
        self.writer.flush()

    def on_fit_end(self, state: Any) -> None:
        self.writer.close()

    def on_exception(self, state: Any, error: BaseException) -> None:
        self.writer.close()
