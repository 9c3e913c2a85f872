"""A training run on disk: build it from a config, train it, and leave a folder that explains it.

    runs/<timestamp>-<name>/
        config.json            the resolved configuration (every default filled in)
        metrics.jsonl          one JSON line per epoch (and every 10th step)
        metrics.csv            one row per epoch (spreadsheets, pandas)
        history.json           the History (rewritten at each checkpoint)
        best.safetensors       the checkpoint of the best validation epoch (one file, checksummed)
        last.safetensors       the newest checkpoint, with the whole training state
        tensorboard/           TensorBoard event files (`train.tensorboard = true`, --tensorboard)
        *.png                  the charts (rewritten as training goes)
        report.html            config, final metrics, best epoch, timings and every chart

Nothing is created before the run can start: the data, model, loss, optimizer and scheduler are
built (and the model run once, for its summary) before the folder exists. `last` is written at
each epoch end and every `train.checkpoint_every` steps; `resume_run(run_dir)` (`glassnet train
--resume RUN_DIR`) continues a killed run from it and ends with the same weights, optimizer
state, metrics and charts as a run never interrupted. A Ctrl-C raises `RunInterrupted`, which
describes the folder. `load_run(run_dir)` (`glassnet.train.saved_run`, also exported by
`glassnet.runs`) rebuilds the model from a folder for `evaluate`, `predict`, `generate`.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from glassnet.config import ConfigError
from glassnet.data.loader import DataLoader
from glassnet.distributed import comm
from glassnet.io.checkpoint import load_checkpoint
from glassnet.random import Generator, manual_seed
from glassnet.runs.run_setup import RunParts, build_parts, run_callbacks
from glassnet.train import builders
from glassnet.train import distributed as dist_train
from glassnet.train.final_metrics import final_metrics
from glassnet.train.history import History
from glassnet.train.interrupt import RunInterrupted
from glassnet.train.loggers import write_text_atomic
from glassnet.train.loop import fit
from glassnet.train.perceptron_run import train_perceptron
from glassnet.train.progress import Progress
from glassnet.train.saved_run import read_config
from glassnet.train.state import NonFiniteError, checkpoint_stem


@dataclass
class RunResult:
    run_dir: Path
    history: History
    test_metrics: dict[str, float]
    charts: list[tuple[Path, str]] = field(default_factory=list)

    @property
    def headline(self) -> str:
        """The one line a person wants: 'test accuracy: 0.981'."""
        for key in ("accuracy", "r2", "loss"):
            if key in self.test_metrics:
                split = self.test_metrics.get("split", "test")
                return f"{split} {key}: {self.test_metrics[key]:.3f}"
        return "done"


def new_run_dir(out: str | Path, name: str) -> Path:
    """runs/20261128-231500-digits-mlp (a suffix -2, -3, ... if it exists already)."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    base = Path(out) / f"{stamp}-{name}"
    base.parent.mkdir(parents=True, exist_ok=True)
    run_dir, i = base, 1
    while True:
        try:
            run_dir.mkdir()  # fails if another run took this name in the same second
            break
        except FileExistsError:
            i += 1
            run_dir = base.with_name(f"{base.name}-{i}")
    return run_dir


def train_run(
    config: dict[str, Any],
    out: str | Path = "runs",
    quiet: bool | None = None,
    run_dir: str | Path | None = None,
    resume: bool = False,
    distributed: bool = False,
    log_format: str = "auto",
) -> RunResult:
    """Train the run described by `config` and write its folder. Returns the result.

    With `resume=True`, `run_dir` is an existing run folder whose `last` checkpoint (if any)
    training continues from (see `resume_run`). Started by `mpiexec -n N` (or with
    `distributed=True`), the run is data-parallel over the N ranks (see `train.distributed`).
    `quiet` and `log_format` choose the progress output (`glassnet.train.progress`); the model
    summary is printed first. A start-up failure leaves no folder behind; a Ctrl-C raises
    `RunInterrupted` (a KeyboardInterrupt naming the folder and what it holds).

    Example
    -------
    >>> result = train_run(glassnet.config.resolve("configs/digits-mlp.toml"))
    >>> print(result.headline, result.run_dir)
    """
    seed = config["seed"]
    parallel = dist_train.start(config, distributed)
    main = comm.is_main()
    manual_seed(seed)
    data = builders.build_data(config)
    model = builders.build_model(config, data, generator=Generator(seed))
    perceptron = config["model"]["name"] == "perceptron"  # Rosenblatt's rule: one fast pass
    parts = None if perceptron else build_parts(config, model, data, parallel)
    progress = Progress(quiet if main else True, log_format)
    _show_summary(progress, model, data)
    run_dir, fresh = _open_run_dir(config, out, run_dir, resume, parallel, main)
    try:
        if perceptron:
            history, extra = train_perceptron(config, model, data, run_dir, progress)
        else:
            history, extra = _train_gradient(
                config, model, data, run_dir, parts, (quiet, log_format), resume, parallel
            )
    except KeyboardInterrupt:
        raise RunInterrupted(run_dir, "training") from None
    except BaseException:
        if fresh and main and not any(run_dir.glob("*.safetensors")):
            shutil.rmtree(run_dir, ignore_errors=True)  # it failed before its first checkpoint
        raise
    try:
        return _finish_run(config, model, data, history, extra, run_dir, main)
    except KeyboardInterrupt:
        raise RunInterrupted(run_dir, "the final evaluation, charts and report") from None


def _open_run_dir(
    config: dict[str, Any],
    out: str | Path,
    run_dir: str | Path | None,
    resume: bool,
    parallel: bool,
    main: bool,
) -> tuple[Path, bool]:
    """The run folder (made on rank 0, with config.json) and whether this call created it."""
    fresh = run_dir is None
    if run_dir is None and main:
        run_dir = new_run_dir(out, config["name"])
    if parallel:
        run_dir = dist_train.shared_path(run_dir)
    run_dir = Path(run_dir)
    if main:
        fresh = fresh or not run_dir.exists()
        run_dir.mkdir(parents=True, exist_ok=True)
    if not resume and main:
        write_text_atomic(run_dir / "config.json", json.dumps(config, indent=2) + "\n")
    return run_dir, fresh


def _show_summary(progress: Progress, model: Any, data: builders.RunData) -> None:
    """The model's layers, output shapes and parameter counts, on one training input (run even
    when not shown: a model that does not fit the data fails here, before any folder exists)."""
    from glassnet.train.model_summary import summary

    if data.train is None or len(data.train) == 0:
        return
    x = next(iter(DataLoader(data.train, batch_size=1)))[0]
    table = summary(model, input_data=x)
    progress.note("model", str(table), table.to_dict())


def _finish_run(
    config: dict[str, Any],
    model: Any,
    data: builders.RunData,
    history: History,
    extra: dict[str, Any],
    run_dir: Path,
    main: bool,
) -> RunResult:
    """Test metrics, history.json, test_metrics.json, the charts and report.html."""
    test_metrics, outputs = final_metrics(config, model, data)
    result = RunResult(run_dir, history, test_metrics)
    if not main:  # rank 0 writes the run folder
        return result
    write_text_atomic(run_dir / "history.json", history.to_json())
    write_text_atomic(run_dir / "test_metrics.json", json.dumps(test_metrics, indent=2) + "\n")
    if config["train"]["charts"]:
        from glassnet.runs.charts import make_charts
        from glassnet.runs.report import write_run_report

        charts = make_charts(config, model, data, history, outputs, run_dir, extra)
        result.charts = write_run_report(
            run_dir, config, model, data, history, test_metrics, charts, extra
        )
    return result


def resume_run(
    run_dir: str | Path,
    quiet: bool | None = None,
    distributed: bool = False,
    log_format: str = "auto",
) -> RunResult:
    """Continue the run in `run_dir` from its newest checkpoint (`last`) to its end.

    The run's own `config.json` is used. A run killed before its first checkpoint starts again
    from the beginning; a finished run is finished again (its final files rewritten). Either
    way the result is the run an uninterrupted `train_run` gives: the same weights and optimizer
    state bit for bit, and the same metrics, history and charts (wall times aside).

    Example
    -------
    >>> result = resume_run("runs/20261128-231500-digits-mlp")
    """
    run_dir = Path(run_dir)
    if not run_dir.is_dir():
        raise ConfigError(f"--resume {run_dir}: no such run folder")
    config = read_config(run_dir)
    if not isinstance(config, dict) or "seed" not in config or "train" not in config:
        raise ConfigError(f"{run_dir / 'config.json'}: not a run configuration")
    return train_run(
        config,
        quiet=quiet,
        run_dir=run_dir,
        resume=True,
        distributed=distributed,
        log_format=log_format,
    )


def _has_checkpoint(stem: Path) -> bool:
    return any(stem.parent.glob(f"{stem.name}.*safetensors"))


def _train_gradient(
    config: dict[str, Any],
    model: Any,
    data: builders.RunData,
    run_dir: Path,
    parts: RunParts,
    output: tuple[bool | None, str],
    resume: bool = False,
    parallel: bool = False,
) -> tuple[History, dict[str, Any]]:
    t = config["train"]
    last = checkpoint_stem(run_dir)
    monitor = "val_loss" if parts.val_loader is not None else "train_loss"
    quiet, log_format = output
    try:
        history = fit(
            model,
            parts.loss_fn,
            parts.optimizer,
            parts.train_loader,
            parts.val_loader,
            epochs=t["epochs"],
            metrics=parts.metrics,
            callbacks=run_callbacks(config, data, run_dir, monitor, parallel, parts),
            scheduler=parts.scheduler,
            clip_grad_norm=t["clip_grad_norm"] or None,
            seed=config["seed"],
            quiet=quiet if comm.is_main() else True,
            scheduler_interval=parts.interval,
            max_steps_per_epoch=t["max_steps_per_epoch"] or None,
            resume_from=last if resume and _has_checkpoint(last) else None,
            log_format=log_format,
        )
    except NonFiniteError as e:
        saved = f"the last good state is in {e.checkpoint}" if e.checkpoint else "no checkpoint"
        raise ConfigError(f"{e} (run folder {run_dir}; {saved})") from None
    if parallel:
        comm.barrier()  # rank 0 has written the best checkpoint
        parts.data_parallel.remove_hooks()
    # the rest of the run uses the best epoch's weights
    load_checkpoint(run_dir / "best", model)
    return history, {"loss_fn": parts.loss_fn, "metrics": parts.metrics}
