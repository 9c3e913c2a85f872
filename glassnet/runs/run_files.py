"""Keep a run folder readable while it trains: `history.json`, the training charts and
`report.html` are rewritten as training goes, so a run that is killed still explains itself.

`history.json` is rewritten at every checkpoint (each epoch, and every `every_n_train_steps`
steps); the charts and the report at the end of an epoch, but never so often that drawing takes
more than about a tenth of the training time. The finished run rewrites all of them.
"""

from __future__ import annotations

import os
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from glassnet.train.callbacks import Callback
from glassnet.train.history import TIMING_KEYS
from glassnet.train.loggers import write_text_atomic

CHART_SHARE = 0.1  # at most this share of the wall time goes to drawing in-progress charts


class RunFolderWriter(Callback):
    """Rewrite `history.json` at each checkpoint, and the charts and `report.html` at epoch
    ends (throttled), in `run_dir`."""

    def __init__(
        self,
        run_dir: str | os.PathLike,
        config: dict[str, Any],
        every_n_train_steps: int | None = None,
        charts: bool = True,
    ) -> None:
        self.run_dir = Path(run_dir)
        self.config = config
        self.every = every_n_train_steps
        self.charts = charts
        self._drawing = 0.0  # seconds spent drawing so far
        self._start = time.perf_counter()

    def on_fit_start(self, state: Any) -> None:
        self._drawing, self._start = 0.0, time.perf_counter()

    def _history(self, state: Any) -> None:
        write_text_atomic(self.run_dir / "history.json", state.history.to_json())

    def on_step_end(self, state: Any, record: dict[str, Any]) -> None:
        if self.every and state.step % self.every == 0:
            self._history(state)

    def on_exception(self, state: Any, error: BaseException) -> None:
        self._history(state)

    def on_epoch_end(self, state: Any, record: dict[str, Any]) -> None:
        self._history(state)
        if not self.charts:
            return
        elapsed = time.perf_counter() - self._start
        if self._drawing > CHART_SHARE * elapsed:
            return
        began = time.perf_counter()
        self._report(state, record)
        self._drawing += time.perf_counter() - began

    def _report(self, state: Any, record: dict[str, Any]) -> None:
        from glassnet.runs.charts import training_charts
        from glassnet.runs.report import run_facts
        from glassnet.viz.report import write_report

        charts = training_charts(state.history, self.run_dir, self.config["name"])
        shown: dict[str, Any] = {"status": f"training: epoch {record['epoch'] + 1} done"}
        shown["epochs planned"] = state.epochs
        shown.update({k: v for k, v in record.items() if k != "epoch" and k not in TIMING_KEYS})
        write_report(
            self.run_dir / "report.html",
            f"glassnet run: {self.config['name']} (in progress)",
            self.config,
            shown,
            charts,
            subtitle=f"{self.run_dir} - {datetime.now():%Y-%m-%d %H:%M}",
            facts=run_facts(state.history),
        )
