"""The `glassnet` command as a daily tool (issue 18): --version, configs by name, repeating a run,
rebuilding a report, labelled numbers, predict --proba/--output, explain's variants and chart
formats, compare-optimizers' table. Each output is checked redirected and on a pseudo-terminal."""

import os
import pty
import re
import select
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from glassnet import cli
from glassnet.config import shipped_configs

ROOT = Path(__file__).resolve().parents[1]


def glassnet(*args, cwd=None, timeout=600):
    """Run the command with its output redirected (a pipe)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "glassnet.cli", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )


def glassnet_tty(*args, cwd=None, timeout=600) -> tuple[int, str]:
    """Run the command on a pseudo-terminal (stdout and stderr both); (status, output)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "80", "TERM": "xterm"}
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "glassnet.cli", *map(str, args)],
        cwd=cwd,
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        close_fds=True,
    )
    os.close(slave)
    chunks = []
    while True:
        ready, _, _ = select.select([master], [], [], timeout)
        if not ready:
            proc.kill()
            raise TimeoutError(args)
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    code = proc.wait(timeout=timeout)
    return code, b"".join(chunks).decode().replace("\r\n", "\n")


def both(*args, cwd=None) -> list[tuple[int, str]]:
    """(status, stdout + stderr) redirected, then on a terminal."""
    piped = glassnet(*args, cwd=cwd)
    return [(piped.returncode, piped.stdout + piped.stderr), glassnet_tty(*args, cwd=cwd)]


def run_folder(output: str, cwd: Path) -> Path:
    match = re.search(r"^run folder: (.+)$", output, re.M)
    assert match, output
    return cwd / match.group(1).strip()


def test_version(tmp_path):
    from glassnet import __version__

    for code, out in both("--version", cwd=tmp_path):
        assert code == 0 and out.strip() == f"glassnet {__version__}"


def test_configs_lists_every_shipped_config_one_line_each(tmp_path):
    names = list(shipped_configs())
    for code, out in both("configs", cwd=tmp_path):
        lines = out.strip().splitlines()
        assert code == 0 and len(lines) == len(names) + 1, out
        for name, line in zip(names, lines):
            assert line.startswith(name) and len(line.split(None, 1)[1]) > 20, line


@pytest.mark.parametrize(
    "args, message",
    [
        (["trian"], "invalid choice: 'trian'"),
        (["train", "--optimzer", "adam"], "(did you mean '--optimizer'?)"),
        (["train", "--optimizer", "adamm"], "(did you mean 'adam'?)"),
        (["train", "--set", "model.hidden_sizes=[0]"], "model.hidden_sizes must hold positive"),
        (["train", "mnist-lenet"], "(did you mean 'mnist-lenet5'?)"),
        (["train", "iris-perceptron", "--from", "."], "not both"),
        (["train", "--threads", "0"], "argument --threads: expected a positive integer"),
        (["explain", "momentm"], "(did you mean 'momentum'?)"),
        (["explain", "relu", "--plot", "x.bmpx"], "cannot write a chart as '.bmpx'"),
        (["compare-optimizers", "--optimizers", "nesterv"], "(did you mean 'nesterov'?)"),
        (["compare-optimizers", "--dataset", "irs"], "(did you mean 'iris'?)"),
        (["generate", "nowhere", "--temperature", "0"], "not a run folder"),
    ],
)
def test_mistakes_are_one_line_with_a_suggestion(args, message, tmp_path, capsys, monkeypatch):
    # in-process (the same main() the console script calls), to keep the suite fast
    monkeypatch.chdir(tmp_path)
    try:
        code = cli.main(args)
    except SystemExit as stop:
        code = stop.code
    out, err = capsys.readouterr()
    assert code == 2, err
    assert err.count("\n") == 1 and message in err, err
    assert out == "" and not (tmp_path / "runs").exists()


def test_a_mistake_on_a_terminal(tmp_path):
    code, out = glassnet_tty("train", "--optimizer", "adamm", cwd=tmp_path)
    assert code == 2 and out.count("\n") == 1 and "(did you mean 'adam'?)" in out, out
    assert not (tmp_path / "runs").exists()


def test_explain_variants_list_and_chart_formats(tmp_path):
    for code, out in both("explain", "--list", cwd=tmp_path):
        headings = [line.split(":")[0] for line in out.strip().splitlines()]
        assert code == 0 and headings == ["activations", "losses", "optimizers"], out
        assert "momentum" in out and "nesterov" in out
    for code, out in both("explain", "nesterov", cwd=tmp_path):
        assert code == 0 and "SGD(momentum=0.9, nesterov=True)" in out
    magic = {"jpg": b"\xff\xd8\xff", "pdf": b"%PDF", "svg": b"<?xml", "png": b"\x89PNG"}
    for suffix, start in magic.items():
        result = glassnet("explain", "momentum", "--plot", f"chart.{suffix}", cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert (tmp_path / f"chart.{suffix}").read_bytes().startswith(start)


def test_compare_optimizers_labels_its_columns(tmp_path):
    args = ["compare-optimizers", "--optimizers", "sgd,momentum", "--epochs", "1"]
    for code, out in both(*args, "--steps", "20", "--dataset", "iris", "--quiet", cwd=tmp_path):
        assert code == 0, out
        assert "final f(x, y) on each surface (lower is better" in out
        assert "learning rate on each surface and on iris" in out
        assert "val_accuracy after 1 epochs (higher is better)" in out
        rows = [line.split() for line in out.splitlines() if line.startswith("momentum")]
        assert len(rows) == 2 and rows[1][-2] == "0.03", rows  # the data set's learning rate


@pytest.fixture(scope="module")
def logistic_run(tmp_path_factory):
    """breast-cancer-logistic by name, 3 epochs, from a folder without configs/."""
    cwd = tmp_path_factory.mktemp("user")
    result = glassnet("train", "breast-cancer-logistic", "--epochs", "3", "--quiet", cwd=cwd)
    assert result.returncode == 0, result.stderr
    return cwd, run_folder(result.stdout, cwd), result.stdout


def test_binary_metrics_name_the_positive_class(logistic_run):
    cwd, run_dir, _ = logistic_run
    for code, out in both("evaluate", run_dir, cwd=cwd):
        assert code == 0, out
        assert re.search(r"^test f1 \(positive class: benign\): 0\.9\d{3}$", out, re.M), out
        assert re.search(r"^test precision \(positive class: benign\): ", out, re.M), out


def test_predict_proba_and_output(logistic_run):
    from sklearn.datasets import load_breast_cancer

    cwd, run_dir, _ = logistic_run
    np.save(cwd / "rows.npy", load_breast_cancer().data[:4])
    for code, out in both("predict", run_dir, "rows.npy", "--proba", cwd=cwd):
        lines = out.strip().splitlines()
        assert code == 0 and lines[0] == "prediction,p(malignant),p(benign)", out
        for line in lines[1:]:
            label, p0, p1 = line.split(",")
            assert label in ("malignant", "benign") and abs(float(p0) + float(p1) - 1) < 2e-4
            assert (label == "benign") == (float(p1) > 0.5)
    result = glassnet("predict", run_dir, "rows.npy", "--output", "out.csv", cwd=cwd)
    assert result.returncode == 0 and "wrote out.csv (4 rows)" in result.stdout
    lines = (cwd / "out.csv").read_text().splitlines()
    assert lines[0] == "prediction" and len(lines) == 5


def test_repeat_a_run_from_its_folder(logistic_run):
    cwd, run_dir, first = logistic_run
    for args in ([run_dir / "config.json"], ["--from", run_dir]):
        result = glassnet("train", *args, "--quiet", cwd=cwd)
        assert result.returncode == 0, result.stderr
        assert result.stdout.splitlines()[0] == first.splitlines()[0]  # the same test accuracy


def test_report_rebuilds_charts_and_page(logistic_run):
    cwd, run_dir, _ = logistic_run
    for path in [*run_dir.glob("*.png"), run_dir / "report.html"]:
        path.unlink()
    for code, out in both("report", run_dir, cwd=cwd):
        assert code == 0 and out.strip() == f"wrote {run_dir / 'report.html'}", out
    names = {p.name for p in run_dir.glob("*.png")}
    assert {"curves.png", "confusion_matrix.png"} <= names
    assert "learning_rate.png" not in names  # Adam at a constant lr: a line, not a chart
    page = (run_dir / "report.html").read_text()
    assert page.count("data:image/png;base64,") == len(names)
    for text in (
        "best epoch (lowest val_loss)",
        "best epoch val_accuracy",
        "training wall time (s)",
        "throughput (samples/s, mean of epochs)",
        "learning rate (constant, so no chart)",
        "test f1 (positive class: benign)",
    ):
        assert text in page, text


def test_report_of_a_folder_that_is_not_a_run(tmp_path):
    result = glassnet("report", tmp_path)
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert "not a run folder" in result.stderr
