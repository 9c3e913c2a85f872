"""Figures without pyplot: `matplotlib.figure.Figure` renders with the Agg backend on its own,
so charts are made the same way on a laptop, a server without a display and in tests.
Every chart function draws inside `chart_style()` so that fonts and grids are the same everywhere.
"""

from __future__ import annotations

import os
from contextlib import AbstractContextManager
from pathlib import Path

import matplotlib
from matplotlib.figure import Figure

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


def save(fig: Figure, path: str | os.PathLike, dpi: int = 110) -> Path:
    """Write the figure as PNG (creating the folder) and return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=dpi, format="png")
    return path
