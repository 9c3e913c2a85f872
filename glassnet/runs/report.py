"""`glassnet report RUN_DIR`: rebuild a run folder's charts and report.html from what the run left
on disk (config.json, history.json or metrics.jsonl, the best checkpoint), for a run whose charts
were lost (Ctrl-C while they were drawn) or drawn by an older glassnet.

The page also states what a reader asks first: the best epoch and its validation metrics, the
training time and throughput (when the run folder records them), how precision/recall/F1 were
averaged, and the learning rate in one line when it never changed (no chart of a flat line).
"""

from __future__ import annotations

import json
import math
import os
from datetime import datetime
from pathlib import Path
from typing import Any

from glassnet.config import ConfigError
from glassnet.train.history import History


def read_history(run_dir: str | os.PathLike) -> History:
    """The run's History: history.json, else rebuilt from the epoch, step and stop lines of
    metrics.jsonl (what is written as training goes, so it survives an interrupted run)."""
    run_dir = Path(run_dir)
    path = run_dir / "history.json"
    if path.is_file():
        try:
            return History.from_dict(json.loads(path.read_text(encoding="utf-8")))
        except (ValueError, AttributeError) as e:
            raise ConfigError(f"{path}: not a history ({e})") from None
    path = run_dir / "metrics.jsonl"
    if not path.is_file():
        raise ConfigError(f"{run_dir}: neither history.json nor metrics.jsonl (not a run folder?)")
    history = History()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError:
            raise ConfigError(f"{path}:{number}: not a JSON line") from None
        if not isinstance(record, dict):
            raise ConfigError(f"{path}:{number}: not a JSON object")
        kind = record.pop("type", "epoch")
        if kind == "epoch":
            history.epochs.append(record)
        elif kind == "step":
            history.steps.append(record)
        elif kind == "stop":
            history.stop = record
        elif kind == "eval":
            history.evals.append(record)
    if not history.epochs:
        raise ConfigError(f"{path}: no epoch finished; nothing to report")
    return history


def constant_lr(history: History) -> float | None:
    """The learning rate when it was the same at every recorded step and epoch, else None."""
    values = [r["lr"] for r in (*history.steps, *history.epochs) if "lr" in r]
    values += [v for r in history.steps for k, v in r.items() if k.startswith("lr_group")]
    if not values or any(not math.isclose(v, values[0], rel_tol=1e-12) for v in values):
        return None
    return float(values[0])


def run_facts(history: History, tokens_per_sample: int | None = None) -> dict[str, Any]:
    """Best epoch (lowest validation loss, else training loss) with its metrics, the number of
    epochs, why training stopped early (if it did), the wall time (the last epoch's `wall_time`,
    else the sum of the epochs' `time`), throughput (`samples_per_second`, and tokens per second
    for a language model's `tokens_per_sample`) and the learning rate when constant."""
    epochs = history.epochs
    monitor = "val_loss" if any("val_loss" in e for e in epochs) else "train_loss"
    facts: dict[str, Any] = {"epochs trained": len(epochs)}
    if history.stop is not None and history.stop.get("reason") == "early_stopping":
        from glassnet.train.callbacks import stop_message

        planned = history.stop.get("epochs", len(epochs))
        facts["stopped early"] = stop_message(history.stop, planned)
    try:
        best = history.best(monitor, "min")
    except KeyError:
        best = None
    if best is not None:
        facts[f"best epoch (lowest {monitor})"] = int(best["epoch"]) + 1
        for key, value in best.items():
            if key.startswith(("val_", "train_")) and isinstance(value, int | float):
                facts[f"best epoch {key}"] = float(value)
    wall = [e["wall_time"] for e in epochs if isinstance(e.get("wall_time"), int | float)]
    times = [e["time"] for e in epochs if isinstance(e.get("time"), int | float)]
    if wall:
        facts["training wall time (s)"] = f"{wall[-1]:.1f}"
    elif times:
        facts["training time (s, sum of epochs)"] = f"{sum(times):.1f}"
    rates = [e["samples_per_second"] for e in epochs if "samples_per_second" in e]
    if rates:
        rate = float(sum(rates) / len(rates))
        facts["throughput (samples/s, mean of epochs)"] = f"{rate:,.0f}"
        if tokens_per_sample:
            facts["throughput (tokens/s, mean of epochs)"] = f"{rate * tokens_per_sample:,.0f}"
    lr = constant_lr(history)
    if lr is not None:
        facts["learning rate (constant, so no chart)"] = f"{lr:g}"
    return facts


def write_run_report(
    run_dir: Path,
    config: dict[str, Any],
    model: Any,
    data: Any,
    history: History,
    test_metrics: dict[str, Any],
    charts: list[tuple[Path, str]],
    extra: dict[str, Any],
    rebuilt: bool = False,
) -> list[tuple[Path, str]]:
    """report.html of a run: its test metrics, `run_facts`, the charts (no learning-rate chart
    when the rate never changed) and config. Returns the charts shown."""
    from glassnet.train.metrics import metric_label
    from glassnet.viz.report import write_report

    if constant_lr(history) is not None:
        lr_chart = run_dir / "learning_rate.png"
        charts = [(p, c) for p, c in charts if Path(p) != lr_chart]
        lr_chart.unlink(missing_ok=True)
    split = test_metrics.get("split", "test")
    shown: dict[str, Any] = {
        f"{split} {metric_label(k, data.task, data.class_names)}": v
        for k, v in test_metrics.items()
        if k != "split"
    }
    shown["parameters"] = sum(p.numel() for p in model.parameters())
    tokens = config["data"]["block_size"] if data.task == "language" else None
    when = f"{'rebuilt ' if rebuilt else ''}{datetime.now():%Y-%m-%d %H:%M}"
    write_report(
        run_dir / "report.html",
        f"glassnet run: {config['name']}",
        config,
        shown,
        charts,
        subtitle=f"{run_dir} - {when}",
        texts=extra.get("texts", {}),
        facts=run_facts(history, tokens),
    )
    return charts


def rebuild_report(run_dir: str | os.PathLike, data_dir: str | None = None) -> Path:
    """Redraw every chart of a run folder and write its report.html; returns the page's path.

    The model is the best checkpoint; test metrics and the charts that need predictions are
    computed again on the run's data (found as in training, or under `data_dir`). The
    perceptron's per-epoch lines are not kept in a run folder and are not redrawn.
    """
    from glassnet.runs.charts import make_charts
    from glassnet.train import builders
    from glassnet.train.final_metrics import final_metrics
    from glassnet.train.saved_run import load_run

    run_dir = Path(run_dir)
    history = read_history(run_dir)
    config, model, meta = load_run(run_dir, "best")
    if data_dir:
        config["data"]["data_dir"] = data_dir
    data = builders.build_data(config)
    test_metrics, outputs = final_metrics(config, model, data)
    extra: dict[str, Any] = {}
    charts = make_charts(config, model, data, history, outputs, run_dir, extra)
    write_run_report(run_dir, config, model, data, history, test_metrics, charts, extra, True)
    return run_dir / "report.html"
