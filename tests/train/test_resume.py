"""fit(resume_from=...): a run stopped anywhere and resumed ends bit for bit like one that never
stopped (weights, optimizer state, history, metrics log), with dropout, shuffling, a scheduler
and early stopping in play."""

import csv
import json

import numpy as np
import pytest

import glassnet
from glassnet import nn, optim
from glassnet.data import DataLoader, TensorDataset
from glassnet.models import MLP
from glassnet.train import (
    CSVLogger,
    EarlyStopping,
    GradientNormTracker,
    JSONLLogger,
    ModelCheckpoint,
    fit,
)
from glassnet.train.history import TIMING_KEYS


class _Stop(Exception):
    pass


class _KillAt(glassnet.train.Callback):
    """Stands in for a SIGKILL: stops the process's training after `step` steps."""

    def __init__(self, step: int) -> None:
        self.step = step

    def on_step_end(self, state, record) -> None:
        if state.step == self.step:
            raise _Stop


def _data(seed=0, n=90):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 6)).astype(np.float32)
    y = (X[:, 0] + X[:, 1] > 0).astype(np.int64) + (X[:, 2] > 1).astype(np.int64)
    return X, y


def _run(tmp, stop_at=None, resume=False, every=4, epochs=4):
    """One process's worth of training: everything built afresh from the seeds."""
    glassnet.manual_seed(123)
    X, y = _data()
    model = MLP(6, [16], 3, dropout=0.3, generator=glassnet.Generator(1))
    opt = optim.Adam(model.parameters(), lr=0.01)
    sched = optim.lr_scheduler.StepLR(opt, step_size=5, gamma=0.5)
    loader = DataLoader(TensorDataset(X, y), 16, shuffle=True, generator=glassnet.Generator(2))
    callbacks = [
        ModelCheckpoint(tmp, monitor="val_loss", every_n_train_steps=every),
        JSONLLogger(tmp / "metrics.jsonl", step_every=1),
        CSVLogger(tmp / "epochs.csv"),
        EarlyStopping("val_loss", patience=10),
        GradientNormTracker(every=2),
    ]
    if stop_at is not None:
        callbacks.append(_KillAt(stop_at))
    try:
        history = fit(
            model,
            nn.CrossEntropyLoss(),
            opt,
            loader,
            val_data=_data(1, 40),
            epochs=epochs,
            metrics=["accuracy"],
            callbacks=callbacks,
            scheduler=sched,
            scheduler_interval="step",
            seed=7,
            quiet=True,
            # a process killed before the first checkpoint starts again from scratch
            resume_from=tmp if resume and (tmp / "last.safetensors").exists() else None,
        )
    except _Stop:
        return None
    return model, opt, history


def _same_arrays(a, b):
    assert a.keys() == b.keys()
    for k in a:
        x, y = a[k], b[k]
        if isinstance(x, dict):
            _same_arrays(x, y)
        elif isinstance(x, glassnet.Tensor):
            assert x.numpy().tobytes() == y.numpy().tobytes(), k
        else:
            assert x == y, k


def _strip_times(history):
    return [{k: v for k, v in e.items() if k not in TIMING_KEYS} for e in history.epochs]


# 6 batches an epoch: stops mid-epoch, right after a checkpoint, at an epoch's last batch, and
# twice in one run; checkpoints every 4 steps and at each epoch end
@pytest.mark.parametrize("stops", [[3], [8], [12], [6, 17], [1, 2, 23]])
def test_resumed_run_is_bit_identical(tmp_path, stops):
    full_model, full_opt, full_history = _run(tmp_path / "full")
    run = tmp_path / "killed"
    result = _run(run, stop_at=stops[0])
    assert result is None
    for stop in stops[1:]:
        assert _run(run, stop_at=stop, resume=True) is None
    model, opt, history = _run(run, resume=True)
    _same_arrays(model.state_dict(), full_model.state_dict())
    _same_arrays(opt.state_dict()["state"], full_opt.state_dict()["state"])
    assert opt.param_groups[0]["lr"] == full_opt.param_groups[0]["lr"]
    assert _strip_times(history) == _strip_times(full_history)
    assert history.steps == full_history.steps
    assert history.grad_norms == full_history.grad_norms

    def lines(folder):
        rows = [json.loads(line) for line in (folder / "metrics.jsonl").read_text().splitlines()]
        return [{k: v for k, v in r.items() if k not in TIMING_KEYS} for r in rows]

    assert lines(run) == lines(tmp_path / "full")  # no duplicates, nothing missing

    def table(folder):
        rows = list(csv.DictReader((folder / "epochs.csv").open()))
        return [{k: v for k, v in r.items() if k not in TIMING_KEYS} for r in rows]

    assert table(run) == table(tmp_path / "full") and len(table(run)) == 4
    steps = [r["step"] for r in lines(run) if r["type"] == "step"]
    assert steps == sorted(set(steps)) == list(range(24))


def test_resuming_a_finished_run_changes_nothing(tmp_path):
    model, _, history = _run(tmp_path)
    again, _, history2 = _run(tmp_path, resume=True)
    _same_arrays(again.state_dict(), model.state_dict())
    assert _strip_times(history2) == _strip_times(history)


def test_resume_from_a_best_checkpoint_is_refused(tmp_path):
    _run(tmp_path, epochs=1)
    with pytest.raises(ValueError, match="best.*holds no training state"):
        X, y = _data()
        model = MLP(6, [16], 3, dropout=0.3)
        opt = optim.Adam(model.parameters(), lr=0.01)
        fit(model, nn.CrossEntropyLoss(), opt, (X, y), quiet=True, resume_from=tmp_path / "best")


def test_every_n_train_steps_is_checked():
    with pytest.raises(ValueError, match="every_n_train_steps must be a positive integer"):
        ModelCheckpoint("x", every_n_train_steps=0)
