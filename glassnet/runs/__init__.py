"""Run folders: a configured training run into a folder that explains it, and its charts and
report drawn there (this layer sits above `glassnet.viz`, which draws, and below the CLI).

    run.py           train_run / resume_run: build from a config, train, write the folder
    run_setup.py     what a gradient run is built from, and the callbacks that write its folder
    run_files.py     history.json, charts and report.html rewritten while the run trains
    charts.py        the charts that fit the run (curves, confusion matrix, boundary, ...)
    class_report.py  per-class precision/recall/F1, ROC and PR curves of a classifier
    report.py        report.html of a run; `glassnet report RUN_DIR` rebuilds it
    compare.py       `glassnet compare-optimizers` into a run folder

A finished run is read back by `glassnet.train.saved_run` (`load_run`, `evaluate_run`,
`predict_file`, `generate_from_run`), re-exported here beside `train_run`.

Example
-------
>>> from glassnet.config import resolve
>>> result = train_run(resolve("configs/digits-mlp.toml"))
>>> config, model, meta = load_run(result.run_dir)
"""

from glassnet.runs.report import rebuild_report
from glassnet.runs.run import RunResult, new_run_dir, resume_run, train_run
from glassnet.train.saved_run import evaluate_run, generate_from_run, load_run, predict_file

__all__ = [
    "RunResult",
    "evaluate_run",
    "generate_from_run",
    "load_run",
    "new_run_dir",
    "predict_file",
    "rebuild_report",
    "resume_run",
    "train_run",
]
