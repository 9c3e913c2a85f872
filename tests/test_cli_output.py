"""`glassnet train`'s output, logs and run folders (issue 18): progress on a terminal (80 columns)
and redirected, --log-format, the model summary, early stopping's message, metrics.csv,
TensorBoard events, the report's training facts, no folder after a start-up failure, and Ctrl-C.
"""

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from glassnet import cli
from tests.test_cli_daily import ROOT, glassnet, glassnet_tty, run_folder

SHORT = ["--set", "train.epochs=2", "--set", "train.charts=false"]
EPOCH_LINE = re.compile(r"^epoch (\d+)/(\d+) \(\d+\.\ds(, \d+:\d\d left)?\): train_loss ")


def _visible_lines(output: str) -> list[str]:
    """What a terminal shows of each line: the text after its last carriage return."""
    return [line.split("\r")[-1].rstrip() for line in output.split("\n")]


def test_redirected_progress_is_one_plain_line_per_epoch(tmp_path):
    result = glassnet("train", *SHORT, "--out", tmp_path / "runs", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "\r" not in result.stderr and "%|" not in result.stderr  # no bar in a log
    lines = result.stderr.splitlines()
    epochs = [line for line in lines if EPOCH_LINE.match(line)]
    assert [EPOCH_LINE.match(line).group(1) for line in epochs] == ["1", "2"]
    for line in epochs:  # one unwrapped line with every number
        for key in ("val_loss", "val_accuracy", "val_f1", "train_accuracy", "lr"):
            assert f" {key} " in line, line
    # the model summary comes first: layers, output shapes, parameter counts, total
    assert lines[0].split() == ["Layer", "(type)", "Output", "shape", "Param", "#"]
    assert "  0 (Linear)  (1, 256)" in result.stderr and "16,640" in result.stderr
    assert "Total params: 19,210" in result.stderr
    assert result.stdout.splitlines()[0].startswith("test accuracy: ")


def test_terminal_progress_fits_80_columns(tmp_path):
    code, out = glassnet_tty("train", *SHORT, "--out", tmp_path / "runs", cwd=tmp_path)
    assert code == 0, out
    assert "%|" in out  # a tqdm bar while the epoch ran
    shown = [line for line in _visible_lines(out) if line.strip()]
    long = [line for line in shown if len(line) > 80 and not line.startswith("run folder: ")]
    assert not long, long  # (a folder's path is as long as it is)
    text = "\n".join(shown)
    for epoch in (1, 2):  # each epoch's summary, wrapped, with the validation metrics
        block = re.search(rf"^epoch {epoch}/2 \(.*?(?=^epoch|^test accuracy)", text, re.M | re.S)
        assert block, text
        for key in ("val_loss", "val_accuracy", "val_f1"):
            assert re.search(rf"{key} \d\.\d{{4}}", block.group(0)), block.group(0)
    assert "Total params: 19,210" in text and re.search(r"^run folder: ", text, re.M)


def test_plain_log_format_on_a_terminal(tmp_path):
    args = ("train", *SHORT, "--log-format", "plain", "--out", tmp_path / "runs")
    code, out = glassnet_tty(*args, cwd=tmp_path)
    assert code == 0, out
    assert "%|" not in out
    assert len([line for line in out.splitlines() if EPOCH_LINE.match(line)]) == 2


@pytest.mark.parametrize("terminal", [False, True])
def test_json_log_format_is_one_object_per_line(tmp_path, terminal):
    args = ("train", *SHORT, "--log-format", "json", "--out", tmp_path / "runs")
    if terminal:
        code, out = glassnet_tty(*args, cwd=tmp_path)
    else:
        result = glassnet(*args, cwd=tmp_path)
        code, out = result.returncode, result.stdout
        assert result.stderr == ""
    assert code == 0, out
    records = [json.loads(line) for line in out.strip().splitlines()]
    assert [r["type"] for r in records] == ["model", "epoch", "epoch", "result"]
    model = records[0]
    assert model["total_params"] == 19_210 and model["layers"][1]["output_shape"] == [1, 256]
    assert [r["epoch"] for r in records[1:3]] == [0, 1] and records[1]["epochs"] == 2
    assert {"train_loss", "val_loss", "val_accuracy", "samples_per_second"} <= set(records[1])
    assert (tmp_path / records[-1]["run_dir"]).is_dir() and 0 <= records[-1]["accuracy"] <= 1


def test_bad_log_format_is_refused_with_a_hint():
    result = glassnet("train", "--log-format", "jsn")
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert "did you mean 'json'?" in result.stderr


@pytest.fixture(scope="module")
def stopped_run(tmp_path_factory):
    """A digits MLP that early stopping ends (lr 0.01, patience 1) with TensorBoard events."""
    cwd = tmp_path_factory.mktemp("stopped")
    args = ["--lr", "0.01", "--epochs", "40", "--set", "train.early_stopping=1"]
    result = glassnet("train", *args, "--tensorboard", cwd=cwd)
    assert result.returncode == 0, result.stderr
    return cwd, run_folder(result.stdout, cwd), result


def test_early_stopping_says_when_why_and_which_epoch_is_kept(stopped_run):
    _, run_dir, result = stopped_run
    message = result.stderr.strip().splitlines()[-1]
    match = re.fullmatch(
        r"early stopping after epoch (\d+)/40: val_loss has not improved for (\d+) epochs "
        r"\(patience 1\); its best, ([\d.]+), was at epoch (\d+), whose weights are kept",
        message,
    )
    assert match, message
    stopped, waited, best, best_epoch = match.groups()
    epochs = [json.loads(line) for line in (run_dir / "metrics.jsonl").read_text().splitlines()]
    per_epoch = [r for r in epochs if r["type"] == "epoch"]
    assert len(per_epoch) == int(stopped) < 40 and int(waited) == 2
    best_record = min(per_epoch, key=lambda r: r["val_loss"])
    assert best_record["epoch"] + 1 == int(best_epoch)
    assert float(best) == pytest.approx(best_record["val_loss"], rel=1e-3)
    stop = epochs[-1]
    assert stop["type"] == "stop" and stop["monitor"] == "val_loss" and stop["patience"] == 1
    assert stop["best_epoch"] + 1 == int(best_epoch)


def test_run_folder_has_csv_and_report_facts(stopped_run):
    cwd, run_dir, _ = stopped_run
    rows = (run_dir / "metrics.csv").read_text().splitlines()
    per_epoch = [
        json.loads(line)
        for line in (run_dir / "metrics.jsonl").read_text().splitlines()
        if '"type": "epoch"' in line
    ]
    header = rows[0].split(",")
    assert header[:2] == ["epoch", "train_loss"] and "val_accuracy" in header
    assert len(rows) == 1 + len(per_epoch)
    assert float(rows[1].split(",")[header.index("val_loss")]) == pytest.approx(
        per_epoch[0]["val_loss"]
    )

    def facts(page: str) -> str:
        return page.split("<h2>Training</h2>")[1].split("<h2>")[0]

    for rebuilt in (False, True):
        if rebuilt:  # glassnet report rebuilds the same facts from the folder
            (run_dir / "report.html").unlink()
            result = glassnet("report", run_dir, cwd=cwd)
            assert result.returncode == 0, result.stderr
        table = facts((run_dir / "report.html").read_text())
        best = min(per_epoch, key=lambda r: r["val_loss"])
        assert f"<th>best epoch (lowest val_loss)</th><td class=num>{best['epoch'] + 1}<" in table
        assert f"{best['val_accuracy']:.4f}" in table
        for text in ("training wall time (s)", "throughput (samples/s", "stopped early"):
            assert text in table, (text, table)


def _events(log_dir: Path) -> list[tuple[str, int, float]]:
    """(tag, step, value) of every scalar in the event files, read with tensorboardX's proto."""
    import struct

    from tensorboardX.proto.event_pb2 import Event

    out = []
    for path in sorted(log_dir.glob("events.out.tfevents.*")):
        data, at = path.read_bytes(), 0
        while at < len(data):
            (length,) = struct.unpack("<Q", data[at : at + 8])
            event = Event.FromString(data[at + 12 : at + 12 + length])
            at += 12 + length + 4
            out += [(v.tag, event.step, v.simple_value) for v in event.summary.value]
    return out


def test_tensorboard_events_hold_the_logged_numbers(stopped_run):
    pytest.importorskip("tensorboardX")
    _, run_dir, _ = stopped_run
    events = _events(run_dir / "tensorboard")
    per_epoch = [
        json.loads(line)
        for line in (run_dir / "metrics.jsonl").read_text().splitlines()
        if '"type": "epoch"' in line
    ]
    val_loss = [(step, value) for tag, step, value in events if tag == "val/loss"]
    assert [v for _, v in val_loss] == pytest.approx([r["val_loss"] for r in per_epoch])
    steps = [s for s, _ in val_loss]
    assert steps == sorted(steps) and steps[0] > 0  # the optimisation step at each epoch end
    tags = {tag for tag, _, _ in events}
    assert {"train/loss", "train/accuracy", "val/accuracy", "epoch/lr", "step/loss"} <= tags


@pytest.mark.parametrize(
    "args",
    [
        ["--optimizer", "adamm"],
        ["--model", "lenet5"],  # on digits: the model does not fit the data
        ["--model", "lenet5", "--quiet"],
        ["--set", "optimizer.betas=[2.0, 0.9]"],  # the optimizer's constructor refuses it
        ["--set", "scheduler.name=step"],  # StepLR without step_size
    ],
)
def test_a_run_failing_at_start_leaves_no_folder(tmp_path, args):
    result = glassnet("train", *args, "--out", tmp_path / "runs")
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    assert not (tmp_path / "runs").exists() or not any((tmp_path / "runs").iterdir())


def test_a_failure_before_the_first_checkpoint_removes_the_folder(tmp_path, monkeypatch, capsys):
    import glassnet.runs.run as run

    def broken_fit(*args, **kwargs):
        raise ValueError("broken on the first step")

    monkeypatch.setattr(run, "fit", broken_fit)
    code = cli.main(["train", *SHORT, "--quiet", "--out", str(tmp_path / "runs")])
    assert code == 2 and "broken on the first step" in capsys.readouterr().err
    assert list((tmp_path / "runs").iterdir()) == []


def test_ctrl_c_during_training_describes_the_folder(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "glassnet.cli", "train", "--epochs", "100000", "--out", "runs"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:  # until an epoch has been checkpointed
        logs = list(tmp_path.glob("runs/*/best.safetensors"))
        if logs and proc.poll() is None:
            break
        time.sleep(0.05)
    time.sleep(0.2)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    run_dir = Path(logs[0]).parent.relative_to(tmp_path)
    assert f"interrupted during training; run folder: {run_dir}" in err
    last = r"last\.safetensors: the newest state \(resumable\), written at epoch \d+, step \d+\n"
    assert re.search(last, err), err
    assert "best.safetensors: the best epoch so far" in err
    assert f"glassnet train --resume {run_dir}" in err
    assert f"glassnet report {run_dir}" in err
    assert "Traceback" not in err


def test_ctrl_c_while_charts_are_drawn(tmp_path, monkeypatch, capsys):
    import glassnet.runs.charts as charts

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    real = charts.make_charts
    monkeypatch.setattr(charts, "make_charts", interrupted)
    out = tmp_path / "runs"
    code = cli.main(["train", "--set", "train.epochs=1", "--quiet", "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 130
    (run_dir,) = out.iterdir()
    assert (
        f"interrupted during the final evaluation, charts and report; run folder: {run_dir}" in err
    )
    assert f"rebuild the charts and report.html: glassnet report {run_dir}" in err
    monkeypatch.setattr(charts, "make_charts", real)
    assert cli.main(["report", str(run_dir)]) == 0
    assert (run_dir / "report.html").is_file() and (run_dir / "curves.png").is_file()
