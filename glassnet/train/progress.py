"""Progress output of `fit`: a tqdm bar on a terminal, one plain line per epoch in a log."""

from __future__ import annotations

import shutil
import sys
from typing import Any


class Progress:
    """A tqdm bar on a terminal; nothing when quiet. quiet=None means quiet without a terminal;
    quiet=False without a terminal prints one plain line per epoch (for logs)."""

    def __init__(self, quiet: bool | None) -> None:
        is_tty = sys.stderr.isatty()
        self.quiet = (not is_tty) if quiet is None else bool(quiet)
        self.bar_enabled = not self.quiet and is_tty
        self.bar = None

    def start(self, epoch: int, epochs: int, total: int | None) -> None:
        if self.bar_enabled:
            from tqdm import tqdm

            # a pseudo-terminal may report a size of 0 x 0, and tqdm hides bars that do not fit
            width, height = shutil.get_terminal_size((100, 24))
            self.bar = tqdm(
                total=total,
                desc=f"epoch {epoch}/{epochs}",
                unit="batch",
                ncols=width if width >= 60 else 100,
                nrows=height if height >= 2 else 24,
                leave=True,
                file=sys.stderr,
            )

    def update(self, **postfix: Any) -> None:
        if self.bar is not None:
            self.bar.update(1)
            self.bar.set_postfix(postfix, refresh=False)

    def end(self, epoch: int, epochs: int, record: dict[str, Any], time_left: float) -> None:
        parts = [f"{k} {_fmt(v)}" for k, v in record.items() if k not in ("epoch", "time")]
        if self.bar is not None:
            # the bar's line is short: the epoch's loss and the validation numbers
            short = [f"loss {_fmt(record['train_loss'])}"] + [
                f"{k} {_fmt(v)}" for k, v in record.items() if k.startswith("val_")
            ]
            self.bar.set_postfix_str(", ".join(short) + f", left {_fmt_time(time_left)}")
            self.bar.close()
            self.bar = None
        elif not self.quiet:
            print(
                f"epoch {epoch}/{epochs}: " + ", ".join(parts) + f" ({record['time']:.1f}s)",
                file=sys.stderr,
                flush=True,
            )


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.3g}" if (v != 0 and (abs(v) < 1e-3 or abs(v) >= 1e4)) else f"{v:.4f}"
    return str(v)


def _fmt_time(seconds: float) -> str:
    seconds = int(round(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"
