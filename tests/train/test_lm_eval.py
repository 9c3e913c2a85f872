"""Language-model evaluation: one fixed validation set (non-overlapping blocks), evaluated every
`train.eval_every` steps, with the same number logged, charted and printed."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import glassnet
from glassnet import optim
from glassnet.data import DataLoader
from glassnet.data.text import CharDataset
from glassnet.models.gpt import GPT, GPTConfig
from glassnet.runs.report import read_history
from glassnet.train import evaluate, fit
from glassnet.train.builders import SequenceLoss
from glassnet.train.lm_eval import EvalEvery, describe_eval_set, eval_blocks, eval_loader
from tests.viz._png import assert_png

ROOT = Path(__file__).resolve().parents[2]
DATA = os.environ.get("GLASSNET_DATA", str(ROOT.parent / "shared" / "data"))
needs_text = pytest.mark.skipif(
    not (Path(DATA) / "tinyshakespeare" / "input.txt").is_file(),
    reason="needs GLASSNET_DATA with tinyshakespeare/input.txt",
)


def test_eval_blocks_cover_the_text_once_without_overlap():
    ids = np.arange(23)
    ds = eval_blocks(ids, 5)  # (23 - 1) // 5 = 4 blocks: every character predicted once
    x, y = ds.tensors[0].numpy(), ds.tensors[1].numpy()
    assert x.shape == y.shape == (4, 5)
    np.testing.assert_array_equal(x.reshape(-1), np.arange(20))
    np.testing.assert_array_equal(y, x + 1)


def test_eval_blocks_subset_is_fixed_and_evenly_spread():
    ids = np.arange(1001)
    ds = eval_blocks(ids, 10, max_blocks=4)  # 100 blocks -> blocks 0, 25, 50, 75
    np.testing.assert_array_equal(ds.tensors[0].numpy()[:, 0], [0, 250, 500, 750])
    again = eval_blocks(ids, 10, max_blocks=4)
    np.testing.assert_array_equal(again.tensors[0].numpy(), ds.tensors[0].numpy())
    assert len(eval_blocks(ids, 10, max_blocks=500)) == 100  # more than there are: all


def test_eval_blocks_errors():
    with pytest.raises(ValueError, match="eval_blocks: the validation text has 5 characters"):
        eval_blocks(np.arange(5), 5)
    with pytest.raises(ValueError, match="eval_blocks: block_size must be >= 1"):
        eval_blocks(np.arange(5), 0)
    with pytest.raises(ValueError, match="eval_blocks: max_blocks must be >= 0"):
        eval_blocks(np.arange(50), 5, max_blocks=-1)
    with pytest.raises(ValueError, match="EvalEvery: eval_every must be >= 0"):
        EvalEvery(None, -1, 8)


def _tiny_lm(seed=0):
    rng = np.random.default_rng(seed)
    period = rng.integers(0, 12, size=7)
    ids = np.tile(period, 300)  # a repeating text: learnable in a few steps
    train, val = CharDataset(ids[:1800], 8), CharDataset(ids[1800:], 8)
    config = GPTConfig(block_size=8, vocab_size=12, n_layer=1, n_head=2, n_embd=16)
    return GPT(config, generator=glassnet.Generator(seed)), train, val


def test_eval_every_records_val_loss_at_each_interval_and_epoch_end(tmp_path):
    model, train, val = _tiny_lm()
    config = {"data": {"batch_size": 8}, "train": {"eval_batches": 0}}
    loader = eval_loader(val, config)
    log = tmp_path / "metrics.jsonl"
    cb = EvalEvery(loader, eval_every=4, tokens_per_step=8 * 8, steps_per_epoch=10, log_path=log)
    loss_fn = SequenceLoss(glassnet.nn.CrossEntropyLoss())
    train_loader = DataLoader(train, batch_size=8, shuffle=True, generator=glassnet.Generator(0))
    history = fit(
        model,
        loss_fn,
        optim.AdamW(model.parameters(), lr=1e-2),
        train_loader,
        loader,
        epochs=2,
        callbacks=[cb],
        seed=0,
        quiet=True,
        max_steps_per_epoch=10,
    )
    # steps 4, 8, then the epoch end (10) from the loop's own validation; the same in epoch 2
    assert [e["steps"] for e in history.evals] == [4, 8, 10, 12, 16, 20]
    assert [e["tokens"] for e in history.evals] == [64 * s for s in (4, 8, 10, 12, 16, 20)]
    ends = [e for e in history.evals if e["steps"] in (10, 20)]
    assert [e["val_loss"] for e in ends] == history["val_loss"]  # one number per name
    # the mean training loss of the steps since the previous evaluation
    losses = [s["loss"] for s in history.steps]
    assert history.evals[1]["train_loss"] == pytest.approx(np.mean(losses[4:8]))
    assert history.evals[2]["train_loss"] == pytest.approx(np.mean(losses[8:10]))
    # the final model, evaluated again on the same set, gives the last logged number exactly
    assert evaluate(model, loss_fn, loader)["loss"] == history.evals[-1]["val_loss"]
    assert history.evals[-1]["val_loss"] < history.evals[0]["val_loss"]
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    assert [r["steps"] for r in lines if r["type"] == "eval"] == [4, 8, 10, 12, 16, 20]


def test_describe_eval_set_says_whole_split_or_fixed_subset():
    _, _, val = _tiny_lm()  # 300 characters, blocks of 8: 37 blocks
    whole = describe_eval_set(val, {"data": {"batch_size": 8}, "train": {"eval_batches": 0}})
    assert "296 characters: the whole validation split, as 37 non-overlapping blocks" in whole
    part = describe_eval_set(val, {"data": {"batch_size": 8}, "train": {"eval_batches": 2}})
    assert "128 characters: a fixed, evenly spread subset of it, as 16" in part


def _cli(*args):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "glassnet.cli", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
    )


@needs_text
def test_gpt_run_logs_evals_prints_the_same_loss_and_report_rebuilds_lm_curves(tmp_path):
    tiny = {
        "data.block_size": 16,
        "data.batch_size": 8,
        "data.max_train_samples": 20000,
        "model.n_layer": 1,
        "model.n_embd": 16,
        "model.n_head": 2,
        "train.max_steps_per_epoch": 6,
        "train.eval_every": 4,
        "train.eval_batches": 0,
    }
    sets = [a for k, v in tiny.items() for a in ("--set", f"{k}={v}")]
    result = _cli(
        "train", "shakespeare-gpt", "--data-dir", DATA, "--out", tmp_path, "--log-format",
        "plain", "--threads", "1", "--epochs", "2", *sets,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    # a line for each evaluation inside an epoch (those at an epoch's end are in its summary)
    assert re.findall(r"^step (\d+) \(([\d,]+) tokens\): train_loss", result.stderr, re.M) == [
        ("4", "512"),
        ("8", "1,024"),
    ]
    printed = float(re.search(r"validation loss: ([\d.]+)", result.stdout).group(1))
    run_dir = Path(re.search(r"^run folder: (.+)$", result.stdout, re.M).group(1))
    rows = [json.loads(line) for line in (run_dir / "metrics.jsonl").read_text().splitlines()]
    evals = [r for r in rows if r["type"] == "eval"]
    assert [r["steps"] for r in evals] == [4, 6, 8, 12]
    assert [r["tokens"] for r in evals] == [16 * 8 * s for s in (4, 6, 8, 12)]
    epochs = [r for r in rows if r["type"] == "epoch"]
    assert [e["val_loss"] for e in epochs] == [evals[1]["val_loss"], evals[3]["val_loss"]]
    final = json.loads((run_dir / "test_metrics.json").read_text())
    assert final["loss"] == pytest.approx(evals[-1]["val_loss"], abs=1e-9)  # same set, model
    assert printed == pytest.approx(evals[-1]["val_loss"], abs=6e-4)
    assert_png(run_dir / "lm_curves.png")
    page = (run_dir / "report.html").read_text()
    assert "the whole validation split, as" in page and "tokens seen (top)" in page
    (run_dir / "history.json").unlink()  # rebuilt from metrics.jsonl alone
    (run_dir / "lm_curves.png").unlink()
    assert [e["steps"] for e in read_history(run_dir).evals] == [4, 6, 8, 12]
    rebuilt = _cli("report", run_dir, "--data-dir", DATA)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert_png(run_dir / "lm_curves.png")


def test_eval_every_must_not_be_negative():
    from glassnet.config import ConfigError, resolve

    with pytest.raises(ConfigError, match="train.eval_every must be >= 0"):
        resolve("shakespeare-gpt", {"train.eval_every": -1})
