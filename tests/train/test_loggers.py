"""TensorBoardLogger's event files read back (tensorboardX's Event protobuf), JSONLLogger's stop
line, and both across a resume."""

import json

import numpy as np
import pytest

import glassnet
from glassnet import nn, optim
from glassnet.data import DataLoader, TensorDataset
from glassnet.train import EarlyStopping, JSONLLogger, ModelCheckpoint, TensorBoardLogger, fit
from glassnet.train.loggers import tensorboard_tag
from tests.test_cli_output import _events

pytest.importorskip("tensorboardX")


def _fit(tmp_path, epochs, resume=False, callbacks=()):
    glassnet.manual_seed(0)
    X = np.random.default_rng(0).standard_normal((24, 3)).astype(np.float32)
    y = (X[:, 0] > 0).astype(np.int64)
    model = nn.Linear(3, 2, generator=glassnet.Generator(0))
    loader = DataLoader(TensorDataset(X, y), 8, shuffle=True, generator=glassnet.Generator(1))
    return fit(
        model,
        nn.CrossEntropyLoss(),
        optim.SGD(model.parameters(), lr=0.1),
        loader,
        val_data=(X[:8], y[:8]),
        epochs=epochs,
        metrics=["accuracy"],
        callbacks=[
            TensorBoardLogger(tmp_path / "tb", step_every=1),
            JSONLLogger(tmp_path / "metrics.jsonl"),
            ModelCheckpoint(tmp_path),
            *callbacks,
        ],
        quiet=True,
        resume_from=tmp_path if resume else None,
    )


def test_tags():
    assert tensorboard_tag("train_loss") == "train/loss"
    assert tensorboard_tag("val_accuracy") == "val/accuracy"
    assert tensorboard_tag("lr") == "epoch/lr"


def test_epoch_and_step_scalars_at_the_optimisation_step(tmp_path):
    history = _fit(tmp_path, 2)
    events = _events(tmp_path / "tb")
    by_tag = {}
    for tag, step, value in events:
        by_tag.setdefault(tag, []).append((step, value))
    assert [s for s, _ in by_tag["val/loss"]] == [3, 6]  # 3 batches an epoch
    assert [v for _, v in by_tag["val/loss"]] == pytest.approx(history["val_loss"])
    assert [v for _, v in by_tag["train/accuracy"]] == pytest.approx(history["train_accuracy"])
    assert [s for s, _ in by_tag["step/loss"]] == list(range(6))
    assert [v for _, v in by_tag["step/loss"]] == pytest.approx([s["loss"] for s in history.steps])
    assert "epoch/samples_per_second" in by_tag and "epoch/epoch" not in by_tag


def test_a_resumed_run_purges_what_came_after_its_checkpoint(tmp_path):
    _fit(tmp_path, 2)
    history = _fit(tmp_path, 3, resume=True)  # one more epoch from the checkpoint of epoch 2
    log_dir = tmp_path / "tb"
    first, second = sorted(log_dir.glob("events.out.tfevents.*"))
    from tensorboardX.proto.event_pb2 import Event, SessionLog

    events, data, at = [], second.read_bytes(), 0
    while at < len(data):
        length = int.from_bytes(data[at : at + 8], "little")
        events.append(Event.FromString(data[at + 12 : at + 12 + length]))
        at += 12 + length + 4
    (marker,) = [e for e in events if e.HasField("session_log")]  # what TensorBoard purges by
    assert marker.session_log.status == SessionLog.START and marker.step == 6
    val = [(s, v) for tag, s, v in _events(log_dir) if tag == "val/loss"]
    assert [s for s, _ in val] == [3, 6, 9]
    assert [v for _, v in val] == pytest.approx(history["val_loss"])


def test_jsonl_ends_with_why_training_stopped(tmp_path):
    stopper = EarlyStopping("train_loss", mode="max", patience=0)  # the loss falls: no gain
    history = _fit(tmp_path, 30, callbacks=[stopper])
    assert len(history.epochs) == 2
    lines = [json.loads(line) for line in (tmp_path / "metrics.jsonl").read_text().splitlines()]
    assert lines[-1] == {"type": "stop", **history.stop}
    assert [r["type"] for r in lines[:-1]] == ["epoch"] * len(history.epochs)
