"""Save a playground session as an ordinary run folder (what `glassnet train` leaves).

    runs/<timestamp>-playground-<dataset>/
        config.json        a run configuration `glassnet.runs.load_run` rebuilds the model from
        playground.json    the playground's own settings, to recreate the session
        best.* / last.*    the checkpoint (`glassnet.io.checkpoint.save_checkpoint`)
        history.json       the points the page plotted
        test_metrics.json  loss and metrics on the test split
        *.png, report.html the charts and the report (glassnet.runs.charts, glassnet.viz.report)

`glassnet predict RUN_DIR` works on every saved run, and `glassnet evaluate RUN_DIR` on runs of
the data sets `glassnet train` itself builds (digits).
"""

from __future__ import annotations

import copy
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from glassnet.config import DEFAULTS
from glassnet.io.checkpoint import save_checkpoint
from glassnet.runs.run import new_run_dir
from glassnet.train.builders import RunData
from glassnet.train.history import History


def run_config(session: Any) -> dict[str, Any]:
    """The session as a resolved run configuration (every key of `glassnet.config.DEFAULTS`)."""
    s = session.settings
    config = copy.deepcopy(DEFAULTS)
    config["name"] = f"playground-{s.dataset}"
    config["seed"] = s.seed
    config["data"].update(
        dataset=s.dataset,
        batch_size=s.batch_size or 64,
        val_fraction=0.0,
        test_size=s.test_fraction,
    )
    if s.dataset != "digits":  # the 2-D sets are drawn again from these (glassnet.data.toy)
        config["data"].update(n_samples=s.n_samples, noise=s.noise)
    if session.kind == "perceptron":
        config["model"] = {"name": "perceptron", "lr": session.model.lr}
        config["optimizer"] = {"name": "sgd", "lr": session.model.lr}
    else:
        config["model"] = {
            "name": "mlp",
            "hidden_sizes": list(s.hidden_sizes),
            "activation": s.activation,
            "dropout": s.dropout,
        }
        config["optimizer"] = {"name": s.optimizer, "weight_decay": s.l2, **s.optimizer_params}
        config["scheduler"] = {"name": s.scheduler, **s.scheduler_params}
        config["train"]["loss"] = s.loss
    config["train"]["epochs"] = max(1, round(session.history[-1]["epoch"])) if _has(session) else 1
    config["train"]["metrics"] = ["accuracy"]
    return config


def _has(session: Any) -> bool:
    return bool(getattr(session, "history", None))


def data_meta(session: Any) -> dict[str, Any]:
    """What `load_run` needs to rebuild the model: task, class and feature names (and the
    digits' standardisation)."""
    d = session.data
    one_output = session.kind == "perceptron" or session.linears[-1].out_features == 1
    meta: dict[str, Any] = {
        "task": "binary" if one_output else "classification",
        "class_names": list(d.class_names),
        "feature_names": list(d.feature_names),
    }
    meta.update(d.meta)
    return meta


def _history(session: Any) -> History:
    history = History()
    for i, p in enumerate(getattr(session, "history", [])):
        history.epochs.append(
            {
                "epoch": i,
                "train_loss": p["train_loss"],
                "val_loss": p["test_loss"],
                "train_accuracy": p["train_accuracy"],
                "val_accuracy": p["test_accuracy"],
            }
        )
    return history


def save_session(session: Any, out: str | Path = "runs") -> Path:
    """Write the session's run folder under `out`; returns its path."""
    config = run_config(session)
    meta = data_meta(session)
    run_dir = new_run_dir(out, config["name"])
    (run_dir / "config.json").write_text(json.dumps(config, indent=2) + "\n")
    (run_dir / "playground.json").write_text(json.dumps(session.settings.to_dict(), indent=2))
    history = _history(session)
    (run_dir / "history.json").write_text(history.to_json())
    d = session.data
    if session.kind == "perceptron":
        out_test = session.model.decision_function(d.X_test)
        metrics = {"split": "test", "accuracy": session.accuracy(d.X_test, d.y_test)}
    else:
        out_test = session.scores(d.X_test)
        loss, acc = session.evaluate(d.X_test, d.y_test)
        metrics = {"split": "test", "loss": loss, "accuracy": acc}
    (run_dir / "test_metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
    record = history.epochs[-1] if history.epochs else {}
    for which in ("best", "last"):
        save_checkpoint(
            run_dir / which,
            session.model,
            epoch=len(history.epochs),
            config=config,
            data=meta,
            record=record,
        )
    _charts(session, config, meta, history, out_test, run_dir, metrics)
    return run_dir


def _charts(
    session: Any,
    config: dict[str, Any],
    meta: dict[str, Any],
    history: History,
    out_test: np.ndarray,
    run_dir: Path,
    metrics: dict[str, Any],
) -> None:
    """The run's charts and report.html, drawn by glassnet's own chart code."""
    from glassnet.runs.charts import make_charts
    from glassnet.viz.report import write_report

    d = session.data
    run_data = RunData(
        task=meta["task"],
        train=None,
        val=None,
        test=None,
        num_features=d.num_features,
        num_outputs=1 if meta["task"] == "binary" else d.num_classes,
        class_names=list(d.class_names),
        feature_names=list(d.feature_names),
        image_shape=(8, 8) if d.name == "digits" else None,
        meta=meta,
    )
    outputs = {"X": d.X_test, "y": d.y_test, "output": out_test}
    charts = make_charts(config, session.model, run_data, history, outputs, run_dir, {})
    shown = {f"test {k}": v for k, v in metrics.items() if k != "split"}
    shown["steps trained"] = session.step_count
    write_report(
        run_dir / "report.html",
        f"glassnet playground run: {config['name']}",
        config,
        shown,
        charts,
        subtitle=f"{run_dir} - {datetime.now():%Y-%m-%d %H:%M}",
    )
