"""`glassnet predict` output: one label per row, with `--proba` each class's probability
(softmax of a classifier's scores, sigmoid of a binary one's logit), and a CSV file for `--output`.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

import numpy as np

from glassnet.config import ConfigError


def probabilities(output: np.ndarray, task: str) -> np.ndarray:
    """(N, C) class probabilities from raw scores: softmax over C for (N, C) scores;
    for one logit z per sample (binary), the columns (1 - sigmoid(z), sigmoid(z))."""
    output = np.asarray(output, dtype=np.float64)
    if task == "binary":
        p = 0.5 * (1.0 + np.tanh(0.5 * output.reshape(-1)))  # sigmoid, without overflow
        return np.stack([1.0 - p, p], axis=1)
    z = output - output.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def run_meta(run_dir: str | os.PathLike, which: str) -> tuple[str, dict]:
    """(model name, data meta) of a run folder's checkpoint."""
    from glassnet.io.checkpoint import CheckpointError, load
    from glassnet.train.saved_run import read_config

    config = read_config(run_dir)
    try:
        extra = load(Path(run_dir) / which).get("extra", {})
    except CheckpointError as e:
        raise ConfigError(str(e)) from None
    meta = extra.get("data", {}) if isinstance(extra, dict) else {}
    return config["model"]["name"], meta if isinstance(meta, dict) else {}


def prediction_table(
    run_dir: str | os.PathLike,
    which: str,
    output: np.ndarray,
    labels: list[str],
    proba: bool,
) -> tuple[list[str], list[list[str]]]:
    """(header, rows): the predicted label of each row, then with `proba` one probability
    column per class ("p(<class name>)")."""
    if not proba:
        return ["prediction"], [[label] for label in labels]
    model_name, meta = run_meta(run_dir, which)
    task = meta.get("task", "classification")
    if model_name == "perceptron":
        raise ConfigError("predict --proba: the perceptron gives no probabilities, only a side")
    if task not in ("classification", "binary"):
        raise ConfigError(f"predict --proba: needs a classifier; {run_dir} is a {task} run")
    p = probabilities(output, task)
    names = list(meta.get("class_names", []))
    if len(names) != p.shape[1]:
        names = [str(i) for i in range(p.shape[1])]
    header = ["prediction", *(f"p({name})" for name in names)]
    rows = [[label, *(f"{v:.4f}" for v in row)] for label, row in zip(labels, p)]
    return header, rows


def write_csv(path: str | os.PathLike, header: list[str], rows: list[list[str]]) -> Path:
    """Write the table as CSV (a header line, then one line per input row)."""
    path = Path(path)
    if path.parent != Path(""):
        path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path
