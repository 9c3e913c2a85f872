"""fit's progress output: the mode chosen, epoch summaries wrapped to the terminal's width,
plain lines for logs, JSON lines, and early stopping's message."""

import json

import numpy as np
import pytest

from glassnet import nn, optim
from glassnet.train import EarlyStopping, fit
from glassnet.train import progress as progress_module
from glassnet.train.callbacks import stop_message
from glassnet.train.progress import Progress, format_time, format_value, output_mode

RECORD = {
    "epoch": 2,
    "train_loss": 0.25,
    "train_accuracy": 0.9134,
    "val_loss": 0.4557,
    "val_accuracy": 0.9028,
    "val_f1": 0.9079,
    "lr": 0.001,
    "time": 0.5,
    "samples_per_second": 1000.0,
    "wall_time": 3.0,
}


def test_output_mode(monkeypatch):
    monkeypatch.setattr("sys.stderr.isatty", lambda: False)
    assert output_mode(None) == "none" and output_mode(False) == "plain"
    assert output_mode(True, "json") == "none" and output_mode(None, "json") == "json"
    assert output_mode(None, "plain") == "plain"
    monkeypatch.setattr("sys.stderr.isatty", lambda: True)
    assert output_mode(None) == output_mode(False) == "bar"
    with pytest.raises(ValueError, match=r"log_format must be one of auto, plain, json, got 'jsn'"):
        output_mode(None, "jsn")


def test_bar_summary_wraps_between_pairs_at_the_width(monkeypatch, capsys):
    monkeypatch.setenv("COLUMNS", "60")
    p = Progress(False, "auto")
    p.mode = "bar"
    p.end(3, 30, RECORD, 75.0)
    lines = capsys.readouterr().err.splitlines()
    assert lines[0].startswith("epoch 3/30 (0.5s, 1:15 left): train_loss 0.2500,")
    assert all(len(line) < 60 for line in lines) and len(lines) > 1
    assert all(line.startswith("    ") for line in lines[1:])
    text = " ".join(line.strip() for line in lines)
    assert text.endswith("train_accuracy 0.9134, lr 0.0010")  # losses, validation, train, rest
    assert "val_loss 0.4557, val_accuracy 0.9028, val_f1 0.9079," in text
    assert "wall_time" not in text and "samples_per_second" not in text


def test_plain_is_one_line_and_json_one_object(capsys):
    Progress(False, "plain").end(30, 30, RECORD, 0.0)
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1 and captured.err.startswith("epoch 30/30 (0.5s): ")
    Progress(None, "json").end(3, 30, RECORD, 0.0)
    captured = capsys.readouterr()
    assert captured.err == ""
    assert json.loads(captured.out) == {"type": "epoch", **RECORD, "epochs": 30}


def test_formats():
    assert format_value(0.5) == "0.5000" and format_value(2e-5) == "2e-05"
    assert format_value(12345.0) == "1.23e+04" and format_value(float("nan")) == "nan"
    assert format_value(7) == "7"
    assert format_time(75) == "1:15" and format_time(3725) == "1:02:05"


def _stopping_fit(capsys, **kwargs):
    model = nn.Linear(2, 1)
    X = np.random.default_rng(0).standard_normal((16, 2)).astype(np.float32)
    y = np.random.default_rng(1).standard_normal((16, 1)).astype(np.float32)
    history = fit(
        model,
        nn.MSELoss(),
        optim.SGD(model.parameters(), lr=0.5),
        (X, y),
        val_data=(X[:4], y[:4] + 10),  # validation that training never improves for long
        epochs=50,
        batch_size=8,
        callbacks=[EarlyStopping("val_loss", patience=2)],
        **kwargs,
    )
    return history, capsys.readouterr()


def test_early_stopping_is_said_and_recorded(capsys):
    history, captured = _stopping_fit(capsys, quiet=False, log_format="plain")
    stop = history.stop
    assert stop["reason"] == "early_stopping" and stop["epoch"] == len(history.epochs) - 1 < 49
    assert stop["epoch"] - stop["best_epoch"] == 3 and stop["epochs"] == 50
    best = min(history.epochs, key=lambda e: e["val_loss"])
    assert stop["best_epoch"] == best["epoch"] and stop["best"] == best["val_loss"]
    last_line = captured.err.strip().splitlines()[-1]
    assert last_line == stop_message(stop, 50)
    assert last_line.startswith(f"early stopping after epoch {stop['epoch'] + 1}/50: val_loss ")
    assert "has not improved for 3 epochs (patience 2)" in last_line
    assert last_line.endswith(f"was at epoch {stop['best_epoch'] + 1}, whose weights are kept")
    _, quiet = _stopping_fit(capsys, quiet=True)
    assert quiet.err == quiet.out == ""
    _, as_json = _stopping_fit(capsys, log_format="json")
    records = [json.loads(line) for line in as_json.out.splitlines()]
    assert records[-1]["type"] == "stop" and records[-1]["patience"] == 2


def test_terminal_width_falls_back_to_80(monkeypatch):
    monkeypatch.setenv("COLUMNS", "0")
    assert progress_module.terminal_width() == 80
    monkeypatch.setenv("COLUMNS", "120")
    assert progress_module.terminal_width() == 120
