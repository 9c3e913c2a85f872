"""Progress output of `fit` and of a run, in one of four forms:

    bar    a tqdm bar on a terminal while an epoch runs, then the epoch's summary, wrapped to
           the terminal's width so that the validation metrics always show (stderr)
    plain  one line per epoch, never wrapped: for log files, CI and nohup (stderr)
    json   one JSON object per line and per epoch (`{"type": "epoch", ...}`), for other
           programs (stdout)
    none   nothing

`log_format="auto"` is a bar when stderr is a terminal and plain lines otherwise; `quiet=True`
is none whatever the format. For `fit` called from Python, `quiet=None` (its default) keeps the
bar on a terminal and is silent otherwise, so a script's log stays its own.
"""

from __future__ import annotations

import json
import math
import shutil
import sys
import textwrap
from typing import Any

from glassnet.train.history import TIMING_KEYS

LOG_FORMATS = ("auto", "plain", "json")
NBSP = "\u00a0"


def output_mode(quiet: bool | None, log_format: str = "auto") -> str:
    """'bar', 'plain', 'json' or 'none' for these `fit` arguments (see the module's text)."""
    if log_format not in LOG_FORMATS:
        from glassnet._suggest import did_you_mean

        raise ValueError(
            f"log_format must be one of {', '.join(LOG_FORMATS)}, got {log_format!r}"
            f"{did_you_mean(str(log_format), LOG_FORMATS)}"
        )
    if quiet:
        return "none"
    if log_format != "auto":
        return log_format
    if sys.stderr.isatty():
        return "bar"
    return "none" if quiet is None else "plain"


def terminal_width() -> int:
    """The terminal's width in columns ($COLUMNS first; 80 when unknown or implausible)."""
    width = shutil.get_terminal_size((80, 24)).columns
    return width if width >= 40 else 80


class Progress:
    """The progress output of one `fit`: `start`/`update`/`end` per epoch, `note` for one-off
    messages (a model summary, why training stopped) and `log` for any other record."""

    def __init__(self, quiet: bool | None = None, log_format: str = "auto") -> None:
        self.mode = output_mode(quiet, log_format)
        self.bar = None

    def start(self, epoch: int, epochs: int, total: int | None) -> None:
        """A bar for epoch `epoch` (from 1) of `epochs`, `total` batches long (bar mode)."""
        if self.mode != "bar":
            return
        from tqdm import tqdm

        width = terminal_width()
        # a pseudo-terminal may report 0 x 0, and tqdm hides a bar that does not fit
        height = shutil.get_terminal_size((80, 24)).lines
        self.bar = tqdm(
            total=total,
            desc=f"epoch {epoch}/{epochs}",
            unit="batch",
            ncols=width,
            nrows=height if height >= 2 else 24,
            leave=False,
            file=sys.stderr,
            # no batches/s: the postfix's running loss and lr matter more in 80 columns
            bar_format="{desc}: {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} "
            "[{elapsed}<{remaining}{postfix}]",
        )

    def update(self, **postfix: Any) -> None:
        if self.bar is not None:
            self.bar.update(1)
            self.bar.set_postfix(postfix, refresh=False)

    def end(self, epoch: int, epochs: int, record: dict[str, Any], time_left: float) -> None:
        """The epoch's summary: wrapped lines (bar), one line (plain) or one JSON object."""
        if self.bar is not None:
            self.bar.close()
            self.bar = None
        if self.mode == "json":
            self.log("epoch", {**record, "epochs": epochs})
            return
        if self.mode == "none":
            return
        head = f"epoch {epoch}/{epochs} ({record.get('time', 0.0):.1f}s"
        head += f", {format_time(time_left)} left):" if epoch < epochs else "):"
        parts = [f"{k} {format_value(v)}" for k, v in ordered_metrics(record)]
        if self.mode == "plain":
            print(head + " " + ", ".join(parts), file=sys.stderr, flush=True)
            return
        # wrapped between "name value" pairs (a no-break space inside each keeps it whole)
        words = [head] + [p + "," for p in parts[:-1]] + parts[-1:]
        line = " ".join(w.replace(" ", NBSP) for w in words)
        lines = textwrap.wrap(line, terminal_width() - 1, subsequent_indent="    ")
        print("\n".join(lines).replace(NBSP, " "), file=sys.stderr, flush=True)

    def note(self, kind: str, text: str, data: dict[str, Any] | None = None) -> None:
        """A one-off message: `text` on stderr, or `{"type": kind, **data}` in json mode."""
        if self.mode == "json":
            self.log(kind, data if data is not None else {"text": text})
        elif self.mode == "bar":  # long lines wrapped to the terminal
            width = terminal_width() - 1
            lines = [w for line in text.splitlines() for w in textwrap.wrap(line, width) or [""]]
            if self.bar is not None:  # above the running bar, which tqdm redraws below it
                self.bar.write("\n".join(lines), file=sys.stderr)
            else:
                print("\n".join(lines), file=sys.stderr, flush=True)
        elif self.mode == "plain":
            print(text, file=sys.stderr, flush=True)

    def log(self, kind: str, record: dict[str, Any]) -> None:
        """One JSON line `{"type": kind, **record}` on stdout (json mode only)."""
        if self.mode == "json":
            print(json.dumps({"type": kind, **record}, default=_plain), flush=True)


def ordered_metrics(record: dict[str, Any]) -> list[tuple[str, Any]]:
    """The record's values in reading order: losses, validation metrics, training metrics,
    then the rest (learning rate, ...); the epoch number and timings left out."""

    def rank(key: str) -> int:
        if key.endswith("_loss"):
            return 0
        return 1 if key.startswith("val_") else 2 if key.startswith("train_") else 3

    keys = [k for k in record if k != "epoch" and k not in TIMING_KEYS]
    return [(k, record[k]) for k in sorted(keys, key=rank)]


def format_value(v: Any) -> str:
    """4 decimals, or 3 significant digits for very small or large values."""
    if isinstance(v, float):
        if v != 0 and math.isfinite(v) and (abs(v) < 1e-3 or abs(v) >= 1e4):
            return f"{v:.3g}"
        return f"{v:.4f}"
    return str(v)


def format_time(seconds: float) -> str:
    """m:ss (h:mm:ss from an hour)."""
    seconds = int(round(seconds))
    if seconds >= 3600:
        return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
    return f"{seconds // 60}:{seconds % 60:02d}"


def _plain(value: Any) -> Any:
    """NumPy scalars and arrays as JSON numbers and lists."""
    return value.tolist() if hasattr(value, "tolist") else str(value)
