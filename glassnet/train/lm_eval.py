"""Language-model evaluation: one fixed validation set, evaluated every `train.eval_every` steps.

The validation set of a character-level run is the validation split cut into non-overlapping
blocks of `block_size` characters,

    x_k = ids[k T : k T + T],   y_k = ids[k T + 1 : k T + T + 1],   k = 0, 1, ..., K - 1,

so that every character of the split is predicted exactly once (K T of them). With
`train.eval_batches = n > 0` only n * batch_size blocks are used, spread evenly over the split
and always the same ones. Every validation loss of a run -- each point of the curves, the
epoch records, the checkpoint's "best" and the final number printed -- is the mean
cross-entropy over that one set, so numbers under the name `val_loss` can be compared with each
other; `describe_eval_set` says which set it was.

`EvalEvery` is the callback that evaluates it every `eval_every` optimizer steps and keeps one
record per evaluation in `history.evals` (and a `"type": "eval"` line in metrics.jsonl):

    {"steps": s, "tokens": s * B * T, "epoch": e, "train_loss": mean loss of the steps since
     the previous evaluation, "val_loss": loss on the fixed set}
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np

from glassnet.data.dataset import TensorDataset
from glassnet.data.loader import DataLoader
from glassnet.train.callbacks import Callback
from glassnet.train.loop import evaluate


def eval_blocks(ids: np.ndarray, block_size: int, max_blocks: int = 0) -> TensorDataset:
    """The fixed evaluation set of an encoded text: its non-overlapping (x, y) blocks.

    Parameters
    ----------
    ids : (N,) int array
        The encoded validation text.
    block_size : int
        T, the length of each block.
    max_blocks : int
        0: every block, K = (N - 1) // T. Otherwise at most this many, evenly spaced over the
        text (blocks round(i K / max_blocks), i = 0 .. max_blocks - 1).

    Shape
    -----
    Sample k is (x_k, y_k), each (T,) int64; y_k is x_k shifted by one character.

    Example
    -------
    >>> val = eval_blocks(np.arange(11), 5)      # blocks [0..4] -> [1..5], [5..9] -> [6..10]
    >>> len(val)
    2
    """
    ids = np.asarray(ids, dtype=np.int64).reshape(-1)
    if block_size < 1:
        raise ValueError(f"eval_blocks: block_size must be >= 1, got {block_size}")
    if max_blocks < 0:
        raise ValueError(f"eval_blocks: max_blocks must be >= 0, got {max_blocks}")
    n_blocks = (len(ids) - 1) // block_size
    if n_blocks < 1:
        raise ValueError(
            f"eval_blocks: the validation text has {len(ids)} characters, it needs at least "
            f"block_size + 1 = {block_size + 1} for one block"
        )
    starts = np.arange(n_blocks) * block_size
    if max_blocks and max_blocks < n_blocks:
        starts = starts[np.round(np.arange(max_blocks) * n_blocks / max_blocks).astype(np.int64)]
    offsets = starts[:, None] + np.arange(block_size)  # (K, T)
    return TensorDataset(ids[offsets], ids[offsets + 1])


def eval_loader(val: Any, config: dict[str, Any]) -> DataLoader:
    """The DataLoader of a language run's fixed evaluation set (`val` a CharDataset), in
    batches of `data.batch_size` blocks; `train.eval_batches` > 0 keeps that many batches."""
    batch_size = config["data"]["batch_size"]
    max_blocks = config["train"]["eval_batches"] * batch_size
    return DataLoader(eval_blocks(val.ids, val.block_size, max_blocks), batch_size=batch_size)


def describe_eval_set(val: Any, config: dict[str, Any]) -> str:
    """One sentence saying what a language run's validation loss is measured on: how many
    characters, and whether they are the whole validation split or a fixed subset of it."""
    loader = eval_loader(val, config)
    n_blocks, T = len(loader.dataset), val.block_size
    whole = n_blocks == (len(val.ids) - 1) // T
    where = "the whole validation split" if whole else "a fixed, evenly spread subset of it"
    return (
        f"Every validation loss of this run (each evaluation, the best checkpoint and the final "
        f"number) is the mean cross-entropy over the same {n_blocks * T:,} characters: "
        f"{where}, as {n_blocks:,} non-overlapping blocks of {T}."
    )


class EvalEvery(Callback):
    """Evaluate a model on a fixed validation loader every `eval_every` optimizer steps.

    Each evaluation appends to `state.history.evals` (and, with `log_path`, writes as a
    `"type": "eval"` line) the record `{steps, tokens, epoch, train_loss, val_loss}`; `tokens`
    is `steps * tokens_per_step`, `train_loss` the mean loss of the steps since the previous
    evaluation. At the end of an epoch the loop's own validation (on the same loader) is taken
    as the evaluation of that step instead of evaluating twice.

    Parameters
    ----------
    loader : DataLoader
        The fixed evaluation set (`eval_loader`), the same one `fit` validates on.
    eval_every : int
        Steps between evaluations (0: only at the end of each epoch).
    tokens_per_step : int
        batch_size * block_size, for the tokens-seen axis.
    steps_per_epoch : int, optional
        The steps of an epoch (`fit`'s max_steps_per_epoch, or the loader's length), so that
        the last step of an epoch is not evaluated twice.
    log_path : path, optional
        The run's metrics.jsonl.

    Example
    -------
    >>> fit(model, loss_fn, opt, train_loader, val_loader, callbacks=[EvalEvery(val_loader, 250,
    ...     32 * 128, 1500, "runs/x/metrics.jsonl")], max_steps_per_epoch=1500)
    """

    def __init__(
        self,
        loader: Any,
        eval_every: int,
        tokens_per_step: int,
        steps_per_epoch: int | None = None,
        log_path: str | os.PathLike | None = None,
    ) -> None:
        if eval_every < 0:
            raise ValueError(f"EvalEvery: eval_every must be >= 0, got {eval_every}")
        self.loader = loader
        self.eval_every = eval_every
        self.tokens_per_step = tokens_per_step
        self.steps_per_epoch = steps_per_epoch
        self.log_path = Path(log_path) if log_path is not None else None
        self.loss_sum, self.n_steps = 0.0, 0

    def on_step_end(self, state: Any, record: dict[str, Any]) -> None:
        self.loss_sum += record["loss"]
        self.n_steps += 1
        last_of_epoch = self.steps_per_epoch is not None and state.batch >= self.steps_per_epoch
        if self.eval_every and state.step % self.eval_every == 0 and not last_of_epoch:
            record = self._record(state, evaluate(state.model, state.loss_fn, self.loader)["loss"])
            if getattr(state, "progress", None) is not None:  # (the epoch's summary shows its own)
                text = f"step {record['steps']} ({record['tokens']:,} tokens): " + ", ".join(
                    f"{k} {record[k]:.4f}" for k in ("train_loss", "val_loss")
                )
                state.progress.note("eval", text, record)

    def on_epoch_end(self, state: Any, record: dict[str, Any]) -> None:
        if "val_loss" in record and self.n_steps:
            self._record(state, record["val_loss"])

    def _record(self, state: Any, val_loss: float) -> dict[str, Any]:
        record = {
            "steps": state.step,
            "tokens": state.step * self.tokens_per_step,
            "epoch": state.epoch,
            "train_loss": self.loss_sum / self.n_steps,
            "val_loss": val_loss,
        }
        state.history.evals.append(record)
        self.loss_sum, self.n_steps = 0.0, 0
        if self.log_path is not None:
            with self.log_path.open("a") as f:
                f.write(json.dumps({"type": "eval", **record}) + "\n")
        return record

    def state_dict(self) -> dict[str, Any]:
        return {"loss_sum": self.loss_sum, "n_steps": self.n_steps}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        self.loss_sum = float(state_dict["loss_sum"])
        self.n_steps = int(state_dict["n_steps"])
