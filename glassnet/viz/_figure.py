"""Figures without pyplot: `matplotlib.figure.Figure` renders with the Agg backend on its own,
so charts are made the same way on a laptop, a server without a display and in tests.
Every chart function draws inside `chart_style()` so that fonts and grids are the same everywhere.
"""

from __future__ import annotations

import os
from contextlib import AbstractContextManager
from pathlib import Path

import matplotlib
from matplotlib.axis import Axis
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

STYLE = {
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "legend.fontsize": 9,
    "legend.framealpha": 0.85,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "figure.dpi": 110,
}


def chart_style() -> AbstractContextManager:
    """The rc settings of glassnet's charts, as a context manager."""
    return matplotlib.rc_context(STYLE)


def subplots(nrows: int = 1, ncols: int = 1, width: float = 7.0, height: float = 4.5, **kw):
    """(figure, 2-D array of axes) like `plt.subplots`, with constrained layout (no overlaps).

    Call it inside `chart_style()`.
    """
    fig = Figure(figsize=(width, height), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False, **kw)
    return fig, axes


def integer_ticks(axis: Axis) -> None:
    """Ticks on whole numbers only (epochs, steps), even when the data spans a single one: a
    one-epoch run gets the tick 1, not 0.945 ... 1.050."""
    axis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=1))


FORMATS = {".png": "png", ".jpg": "jpg", ".jpeg": "jpg", ".pdf": "pdf", ".svg": "svg"}


def chart_format(path: str | os.PathLike) -> str:
    """The image format a file name asks for: its suffix (.png, .jpg/.jpeg, .pdf, .svg), PNG
    when it has none; any other suffix is a ValueError naming the ones that work."""
    suffix = Path(path).suffix.lower()
    if suffix and suffix not in FORMATS:
        raise ValueError(f"cannot write a chart as {suffix!r} ({path}); use {', '.join(FORMATS)}")
    return FORMATS.get(suffix, "png")


def save(fig: Figure, path: str | os.PathLike, dpi: int = 110) -> Path:
    """Write the figure in the format its file name asks for (`chart_format`), creating the
    folder; return the path."""
    path = Path(path)
    fmt = chart_format(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=dpi, format=fmt)
    return path
