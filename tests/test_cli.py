"""The `glassnet` command, run as a subprocess the way a user runs it."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from glassnet import cli
from tests.viz._png import assert_png

ROOT = Path(__file__).resolve().parents[1]
CONFIGS = ROOT / "configs"


def data_root() -> Path | None:
    root = Path(os.environ.get("GLASSNET_DATA", ROOT.parent / "shared" / "data"))
    return root if root.is_dir() else None


def glassnet(*args, cwd=None, timeout=600):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "glassnet.cli", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )


def run_folder(stdout: str) -> Path:
    match = re.search(r"^run folder: (.+)$", stdout, re.M)
    assert match, stdout
    return Path(match.group(1))


def check_run_folder(run_dir: Path, charts: set[str]) -> None:
    names = {p.name for p in run_dir.iterdir()}
    assert {
        "config.json",
        "metrics.jsonl",
        "best.safetensors",
        "last.safetensors",
        "report.html",
    } <= names
    pngs = {n for n in names if n.endswith(".png")}
    assert charts <= pngs, pngs
    for name in pngs:
        assert_png(run_dir / name)
    page = (run_dir / "report.html").read_text()
    assert page.count("data:image/png;base64,") == len(pngs)


@pytest.fixture(scope="module")
def digits_run(tmp_path_factory):
    """`glassnet train` with no arguments, from a folder without configs/ (as after pip install)."""
    cwd = tmp_path_factory.mktemp("user")
    result = glassnet("train", "--quiet", cwd=cwd)
    assert result.returncode == 0, result.stderr
    return result, cwd


def test_train_with_no_arguments_reaches_97_percent_on_digits(digits_run):
    result, cwd = digits_run
    accuracy = float(re.search(r"^test accuracy: (\d\.\d{3})$", result.stdout, re.M).group(1))
    assert accuracy >= 0.97
    run_dir = cwd / run_folder(result.stdout)
    assert run_dir.parent.name == "runs" and run_dir.name.endswith("-digits-mlp")
    check_run_folder(
        run_dir,
        {
            "curves.png",
            "gradient_flow.png",
            "confusion_matrix.png",
            "predictions.png",
        },
    )


def test_evaluate_and_predict_a_run(digits_run, tmp_path):
    result, cwd = digits_run
    run_dir = cwd / run_folder(result.stdout)
    ev = glassnet("evaluate", run_dir)
    assert ev.returncode == 0, ev.stderr
    trained = float(re.search(r"test accuracy: ([\d.]+)", result.stdout).group(1))
    evaluated = float(re.search(r"test accuracy: ([\d.]+)", ev.stdout).group(1))
    assert abs(evaluated - trained) < 1e-3  # the same best checkpoint, the same test split
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    np.save(tmp_path / "x.npy", X[:40])
    np.savetxt(tmp_path / "x.csv", X[:40], delimiter=",")
    for path in (tmp_path / "x.npy", tmp_path / "x.csv"):
        pred = glassnet("predict", run_dir, path)
        assert pred.returncode == 0, pred.stderr
        labels = [int(v) for v in pred.stdout.split()]
        assert len(labels) == 40 and np.mean(np.array(labels) == y[:40]) >= 0.9
    np.save(tmp_path / "bad.npy", X[:2, :10])
    bad = glassnet("predict", run_dir, tmp_path / "bad.npy")
    assert bad.returncode == 2 and "each row needs 64 features" in bad.stderr
    bad = glassnet("predict", run_dir, tmp_path / "none.npy")
    assert bad.returncode == 2 and "input file not found" in bad.stderr
    bad = glassnet("generate", run_dir, "--prompt", "hi")
    assert bad.returncode == 2 and "not a language model" in bad.stderr


def test_iris_perceptron_config(tmp_path):
    result = glassnet("train", CONFIGS / "iris-perceptron.toml", "--out", tmp_path, "--quiet")
    assert result.returncode == 0, result.stderr
    assert float(re.search(r"test accuracy: ([\d.]+)", result.stdout).group(1)) >= 0.95
    run_dir = run_folder(result.stdout)
    check_run_folder(run_dir, {"perceptron_lines.png", "decision_boundary.png", "curves.png"})
    epochs = [json.loads(line) for line in (run_dir / "metrics.jsonl").read_text().splitlines()]
    epochs = [e for e in epochs if e["type"] == "epoch"]
    assert "train_mistakes" not in epochs[0]  # (read beside an accuracy of 1.0, it misled)
    assert [e["updates_during_epoch"] for e in epochs][-1] == 0  # the converged epoch
    assert all(e["time"] > 0 for e in epochs) and len({e["time"] for e in epochs}) > 1
    # raw sepal length and width of a setosa and a virginica
    np.savetxt(tmp_path / "flowers.csv", [[5.1, 3.5], [6.7, 3.0]], delimiter=",")
    pred = glassnet("predict", run_dir, tmp_path / "flowers.csv")
    assert pred.returncode == 0, pred.stderr
    assert pred.stdout.split("\n")[:2] == ["setosa", "not setosa"]


def test_breast_cancer_logistic_config(tmp_path):
    result = glassnet(
        "train",
        CONFIGS / "breast-cancer-logistic.toml",
        "--out",
        tmp_path,
        "--quiet",
        "--epochs",
        "10",
    )
    assert result.returncode == 0, result.stderr
    assert float(re.search(r"test accuracy: ([\d.]+)", result.stdout).group(1)) >= 0.93
    check_run_folder(run_folder(result.stdout), {"confusion_matrix.png", "gradient_flow.png"})


def test_regression_run_predicts_in_the_targets_units(tmp_path):
    result = glassnet("train", "--dataset", "diabetes", "--out", tmp_path, "--quiet")
    assert result.returncode == 0, result.stderr
    assert float(re.search(r"^test r2: ([-\d.]+)$", result.stdout, re.M).group(1)) > 0.2
    run_dir = run_folder(result.stdout)
    check_run_folder(run_dir, {"predicted_vs_true.png", "curves.png"})
    from sklearn.datasets import load_diabetes

    X, y = load_diabetes(return_X_y=True)
    np.save(tmp_path / "x.npy", X[:20])
    pred = glassnet("predict", run_dir, tmp_path / "x.npy")
    assert pred.returncode == 0, pred.stderr
    values = np.array([float(v) for v in pred.stdout.split()])
    assert len(values) == 20 and 25 < values.mean() < 350  # disease progression, not z-scores
    assert np.corrcoef(values, y[:20])[0, 1] > 0.4


def _needs(sub: str) -> Path:
    root = data_root()
    if root is None or not (root / sub).exists():
        pytest.skip(f"{sub} not found (set GLASSNET_DATA)")
    return root


def _train_short(config: str, data: str, out: Path, *settings: str):
    """`glassnet train` on a data config for one epoch, shrunk by `settings` (each a --set k=v);
    skips when the data set `data` is not under GLASSNET_DATA."""
    root = _needs(data)
    overrides = [arg for setting in settings for arg in ("--set", setting)]
    common = ["--data-dir", root, "--out", out, "--quiet", "--epochs", "1"]
    return glassnet("train", CONFIGS / config, *common, *overrides)


def test_mnist_lenet5_config_short(tmp_path):
    result = _train_short(
        "mnist-lenet5.toml",
        "mnist",
        tmp_path,
        "data.max_train_samples=3000",
        "data.max_test_samples=500",
        "train.max_steps_per_epoch=40",
        "train.eval_batches=1",
    )
    assert result.returncode == 0, result.stderr
    assert float(re.search(r"test accuracy: ([\d.]+)", result.stdout).group(1)) >= 0.5
    check_run_folder(run_folder(result.stdout), {"predictions.png", "confusion_matrix.png"})


def test_mnist_resnet_config_short(tmp_path):
    result = _train_short(
        "mnist-resnet.toml",
        "mnist",
        tmp_path,
        "data.max_train_samples=500",
        "data.max_test_samples=64",
        "train.max_steps_per_epoch=3",
        "train.eval_batches=1",
        "model.width=4",
        "model.layers=[1, 1]",
    )
    assert result.returncode == 0, result.stderr
    check_run_folder(run_folder(result.stdout), {"gradient_flow.png", "confusion_matrix.png"})


def test_shakespeare_gpt_config_short_and_generate(tmp_path):
    result = _train_short(
        "shakespeare-gpt.toml",
        "tinyshakespeare",
        tmp_path,
        "data.block_size=16",
        "model.n_layer=1",
        "model.n_embd=32",
        "model.n_head=2",
        "train.max_steps_per_epoch=5",
        "train.eval_batches=2",
        "data.max_train_samples=50000",
    )
    assert result.returncode == 0, result.stderr
    loss = float(re.search(r"validation loss: ([\d.]+)", result.stdout).group(1))
    assert loss < np.log(65) + 0.5  # no worse than a uniform guess over the characters
    run_dir = run_folder(result.stdout)
    check_run_folder(run_dir, {"curves.png"})
    gen = glassnet("generate", run_dir, "--prompt", "ROMEO:", "--max-new-tokens", "40")
    assert gen.returncode == 0, gen.stderr
    assert gen.stdout.startswith("ROMEO:") and len(gen.stdout.rstrip("\n")) >= 46


def test_missing_data_path_is_a_clear_error(tmp_path):
    result = glassnet(
        "train",
        "--dataset",
        "mnist",
        "--model",
        "lenet5",
        "--data-dir",
        tmp_path / "nowhere",
        "--out",
        tmp_path,
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1, result.stderr
    assert f"looked in {tmp_path / 'nowhere' / 'mnist'} (--data-dir)" in result.stderr
    assert "--data-dir" in result.stderr


@pytest.mark.parametrize(
    "args, message",
    [
        (["train", "--bogus"], "unrecognized arguments: --bogus"),
        (["train", "--lr", "-1"], "argument --lr: expected a positive number, got '-1'"),
        (["train", "--epochs", "x"], "argument --epochs: expected a positive integer"),
        (["train", "nowhere.toml"], "config file not found: nowhere.toml"),
        (
            ["train", "--set", "train.epoch=3"],
            "unknown key 'train.epoch' (did you mean 'epochs'?) (valid in [train]: epochs",
        ),
        (["train", "--model", "transformer9"], "unknown model 'transformer9' (choose from mlp"),
        (
            ["train", "--optimizer", "adamm"],
            "unknown optimizer 'adamm' (did you mean 'adam'?) (choose from",
        ),
        (["train", "--set", "optimizer.momentum=0.9"], "unknown key 'momentum' for Adam (valid:"),
        (["train", "--set", "model.dropout=2.0"], "MLP: dropout must be in [0, 1)"),
        (["train", "--dataset", "cifar"], "unknown data set 'cifar'"),
        (["evaluate", "."], "not a run folder (no config.json)"),
        (["explain", "relux"], "unknown name 'relux' (did you mean 'relu'?)"),
        (["compare-optimizers", "--optimizers", "sgd,foo"], "unknown optimizer 'foo'"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
    ],
)
def test_user_mistakes_exit_2_with_one_line(args, message, tmp_path, capsys, monkeypatch):
    # in-process (the same main() the console script calls), to keep the suite fast
    monkeypatch.chdir(tmp_path)
    try:
        code = cli.main([*args, "--quiet"] if args[0] == "train" else args)
    except SystemExit as stop:
        code = stop.code
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.count("\n") == 1, err
    assert message in err, err


def test_distributed_without_mpi_is_a_one_line_error(tmp_path, capsys, monkeypatch):
    from glassnet.distributed import comm

    def no_mpi():
        raise comm.DistributedError("glassnet.distributed needs mpi4py and an MPI library (none)")

    monkeypatch.setattr(comm, "_mpi", no_mpi)
    monkeypatch.setattr(comm, "_WORLD", None)
    monkeypatch.chdir(tmp_path)
    assert cli.main(["train", "--distributed", "--quiet", "--out", "runs"]) == 2
    err = capsys.readouterr().err
    assert (
        err
        == "glassnet train: error: glassnet.distributed needs mpi4py and an MPI library (none)\n"
    )
    assert not (tmp_path / "runs").exists()


def test_user_mistakes_as_a_subprocess(tmp_path):
    for args, message in [
        (["train", "--bogus"], "unrecognized arguments: --bogus"),
        (["train", "--set", "train.epoch=3"], "unknown key 'train.epoch'"),
    ]:
        result = glassnet(*args, cwd=tmp_path)
        assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
        assert message in result.stderr and result.stdout == ""


def test_bad_config_file_names_the_key(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[optimizer]\nname = "adam"\nlr = "fast"\n')
    result = glassnet("train", bad)
    assert (
        result.returncode == 2
        and "bad.toml: optimizer.lr must be a number, got 'fast'" in result.stderr
    )
    bad.write_text("[modle]\nname = 'mlp'\n")
    result = glassnet("train", bad)
    assert result.returncode == 2
    assert "unknown key 'modle' (did you mean 'model'?) (valid: name, seed, [data]" in result.stderr


@pytest.mark.parametrize(
    "command", ["train", "evaluate", "predict", "generate", "explain", "compare-optimizers"]
)
def test_help_on_every_subcommand(command):
    with pytest.raises(SystemExit) as stop:
        cli.main([command, "--help"])
    assert stop.value.code == 0


def test_help_text(capsys):
    assert cli.main([]) == 2
    assert "compare-optimizers" in capsys.readouterr().out


def test_explain_every_registered_name(capsys):
    from glassnet.explain import names

    for kind, group in names().items():
        for name in group:
            assert cli.main(["explain", name]) == 0
            out = capsys.readouterr().out
            assert out.startswith(f"[{kind}] ")
            if kind == "activation":
                assert "f(x)" in out and "f'(x)" in out
            elif kind == "loss":
                assert "loss     l =" in out and "gradient" in out
            else:
                assert "defaults: " in out and "lr=" in out
    assert cli.main(["explain", "--list"]) == 0
    assert "activations: sigmoid" in capsys.readouterr().out


def test_explain_charts_for_every_loss_and_some_of_the_rest(tmp_path, capsys):
    from glassnet.nn.loss_info import LOSSES

    for name in [*LOSSES, "relu", "softmax", "gelu_tanh", "sgd"]:
        assert cli.main(["explain", name, "--plot", str(tmp_path / f"{name}.png")]) == 0
        assert_png(tmp_path / f"{name}.png")
    assert "chart:" in capsys.readouterr().out


def test_explain_as_a_subprocess_with_a_chart(tmp_path):
    result = glassnet("explain", "Adam", "--plot", tmp_path / "adam.png")
    assert result.returncode == 0, result.stderr
    assert "m_t = β1 m_{t-1} + (1 - β1) g_t" in result.stdout and "When to use it" in result.stdout
    assert_png(tmp_path / "adam.png", min_size=(800, 600))


def test_compare_optimizers(tmp_path):
    result = glassnet(
        "compare-optimizers",
        "--optimizers",
        "sgd,adam",
        "--steps",
        "40",
        "--epochs",
        "2",
        "--out",
        tmp_path,
        "--quiet",
    )
    assert result.returncode == 0, result.stderr
    run_dir = run_folder(result.stdout)
    assert "rosenbrock" in result.stdout and "adam" in result.stdout
    for name in ("surfaces.png", "digits.png"):
        assert_png(run_dir / name, min_size=(1000, 400), max_size=(3000, 1200))
    assert (run_dir / "report.html").read_text().count("data:image/png;base64,") == 2


def test_console_script_is_declared():
    text = (ROOT / "pyproject.toml").read_text()
    assert 'glassnet = "glassnet.cli:main"' in text


# ----------------------------------------------------------------------------- hostile run folders
@pytest.fixture(scope="module")
def small_run(tmp_path_factory):
    """A real run folder (digits, a 16-unit MLP, one epoch), trained in-process to stay fast."""
    from glassnet.config import resolve
    from glassnet.runs import train_run

    config = resolve(
        None,
        {
            "name": "small",
            "model.hidden_sizes": [16],
            "train.epochs": 1,
            "train.charts": False,
        },
    )
    out = tmp_path_factory.mktemp("runs")
    return train_run(config, out=out, quiet=True).run_dir


def _copy_run(run_dir, tmp_path):
    import shutil

    return Path(shutil.copytree(run_dir, tmp_path / "run"))


def _one_line_error(args, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code = cli.main([str(a) for a in args])
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.count("\n") == 1 and err.startswith(f"glassnet {args[0]}: error: "), err
    return err


@pytest.mark.parametrize(
    "config_text, message",
    [
        ('{"model": {"name": "mlp", "hidden_sizes": [1e9]}', "config.json: not valid JSON"),
        ("[" * 50_000, "config.json: nested too deeply"),
        ('{"data": {}, "train": {}}', "config.json: missing key 'model'"),
        (None, "config.json: model: mlp {'hidden_sizes': [1000000000]"),
        ('{"model": {"name": "mlp"}, "data": {"dataset": 3}, "train": {}}', "data.dataset must be"),
    ],
)
def test_hostile_config_json_is_one_line_naming_file_and_key(
    small_run, tmp_path, capsys, monkeypatch, config_text, message
):
    import json

    run = _copy_run(small_run, tmp_path)
    if config_text is None:
        config = json.loads((run / "config.json").read_text())
        config["model"]["hidden_sizes"] = [1_000_000_000]
        config_text = json.dumps(config)
    (run / "config.json").write_text(config_text)
    err = _one_line_error(["evaluate", run], tmp_path, capsys, monkeypatch)
    assert message in err


def test_checkpoints_that_do_not_fit_are_one_line(small_run, tmp_path, capsys, monkeypatch):
    import json

    from glassnet.io import load, save

    run = _copy_run(small_run, tmp_path)
    config = json.loads((run / "config.json").read_text())
    config["model"]["hidden_sizes"] = [8]
    (run / "config.json").write_text(json.dumps(config))
    err = _one_line_error(["evaluate", run], tmp_path, capsys, monkeypatch)
    assert "best.safetensors: cannot load the model state: " in err
    assert "size mismatch for 0.weight" in err and "does not match the model" in err
    run = _copy_run(small_run, tmp_path / "b")
    state = load(run / "best")
    for shape, message in [
        ([1e5, 1e5], "data.input_shape must hold positive integers"),
        ([100_000, 100_000], "data.input_shape [100000, 100000] makes 10,000,000,000 features"),
    ]:
        state["extra"]["data"]["input_shape"] = shape
        save(run / "best", state)
        err = _one_line_error(["evaluate", run], tmp_path, capsys, monkeypatch)
        assert f"{run / 'best.safetensors'}: {message}" in err
    del state["extra"]["data"]["input_shape"]
    for key, value, message in [
        ("std", "abc", "data.std must be numbers, got str"),
        ("task", "weird", "data.task is not a known task: 'weird'"),
        ("class_names", [1, 2], "data.class_names must be a list of strings"),
    ]:
        good = state["extra"]["data"][key]
        state["extra"]["data"][key] = value
        save(run / "best", state)
        err = _one_line_error(["evaluate", run], tmp_path, capsys, monkeypatch)
        assert f"{run / 'best.safetensors'}: {message}" in err
        state["extra"]["data"][key] = good
    raw = bytearray((run / "last.safetensors").read_bytes())
    raw[-3] ^= 0x04
    (run / "last.safetensors").write_bytes(raw)
    err = _one_line_error(["evaluate", run, "--checkpoint", "last"], tmp_path, capsys, monkeypatch)
    assert "last.safetensors: SHA-256 mismatch in the array data" in err
    (run / "best.safetensors").unlink()
    err = _one_line_error(["evaluate", run], tmp_path, capsys, monkeypatch)
    assert "best.safetensors: checkpoint file not found" in err


def test_hostile_predict_inputs_are_one_line(small_run, tmp_path, capsys, monkeypatch):
    big = tmp_path / "big.npy"
    with big.open("wb") as f:
        header = {"descr": "<f8", "fortran_order": False, "shape": (100_000_000_000, 64)}
        np.lib.format.write_array_header_1_0(f, header)
        f.write(bytes(4096))
    np.savez(tmp_path / "x.npz", a=np.ones(3))
    np.save(tmp_path / "obj.npy", np.array([None], dtype=object), allow_pickle=True)
    for name, message in [
        ("big.npy", "its header says shape (100000000000, 64)"),
        ("x.npz", "x.npz: a .npz archive"),
        ("obj.npy", "obj.npy: a pickled .npy"),
    ]:
        err = _one_line_error(
            ["predict", small_run, tmp_path / name], tmp_path, capsys, monkeypatch
        )
        assert message in err


def test_hostile_run_folder_as_a_subprocess(small_run, tmp_path):
    run = _copy_run(small_run, tmp_path)
    (run / "config.json").write_text(
        '{"model": {"name": "mlp", "hidden_sizes": [1000000000]}, "data": {}, "train": {}}'
    )
    result = glassnet("evaluate", run, cwd=tmp_path, timeout=120)
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    assert "config.json: model: mlp {'hidden_sizes': [1000000000]}" in result.stderr
    assert "parameters" in result.stderr and result.stdout == ""


def test_a_torch_pickle_as_checkpoint_is_refused(small_run, tmp_path, capsys, monkeypatch):
    import torch

    run = _copy_run(small_run, tmp_path)
    torch.save({"w": torch.ones(2)}, run / "best.safetensors")
    err = _one_line_error(["evaluate", run], tmp_path, capsys, monkeypatch)
    assert "best.safetensors: a PyTorch pickle file" in err and "never unpickles" in err


# ----------------------------------------------------------------------------- resume, NaN
def _main(capsys, *args) -> tuple[int, str, str]:
    try:
        code = cli.main(list(map(str, args)))
    except SystemExit as stop:
        code = stop.code
    out, err = capsys.readouterr()
    return code, out, err


def test_resume_mistakes_exit_2(tmp_path, capsys):
    code, _, err = _main(capsys, "train", "--resume", tmp_path / "nope")
    assert code == 2 and "--resume" in err and "no such run folder" in err, err
    code, _, err = _main(capsys, "train", "--resume", tmp_path, "--epochs", "3")
    assert code == 2 and "give no config file or options besides --quiet" in err, err
    code, _, err = _main(capsys, "train", "--resume", tmp_path)
    assert code == 2 and "not a run folder (no config.json)" in err, err


def test_resume_of_a_finished_run_finishes_it_again(tmp_path, capsys):
    args = ["--epochs", "2", "--set", "train.charts=false", "--set", "model.dropout=0.2"]
    code, out, err = _main(capsys, "train", "--quiet", "--out", tmp_path, *args)
    assert code == 0, err
    run = run_folder(out)
    first = (run / "test_metrics.json").read_text()
    code, out2, err = _main(capsys, "train", "--resume", run, "--quiet")
    assert code == 0, err
    assert out2 == out and (run / "test_metrics.json").read_text() == first


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_nan_loss_names_the_run_folder_and_last_good_checkpoint(tmp_path, capsys):
    from glassnet.io.checkpoint import load

    code, _, err = _main(
        capsys, "train", "--quiet", "--out", tmp_path, "--optimizer", "sgd", "--lr", "1e12",
        "--epochs", "1", "--set", "train.charts=false",
    )  # fmt: skip
    assert code == 2 and err.count("\n") == 1, err
    run = next(tmp_path.iterdir())
    assert "the loss became nan at epoch 1" in err and "before the optimizer step" in err
    assert f"run folder {run}" in err and f"last good state is in {run / 'last'}" in err
    last = load(run / "last")
    assert all(np.isfinite(w).all() for w in last["model"].values())
    assert (run / "history.json").is_file()
