"""What every tutorial script shares: its command line (--fast, --out DIR) and saving charts."""

from __future__ import annotations

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def parse_args(description: str) -> argparse.Namespace:
    """`--fast` (fewer steps, for CI) and `--out DIR` (where the charts go)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--fast", action="store_true", help="fewer steps (used by the tests)")
    parser.add_argument("--out", type=Path, default=Path("docs/tutorials/out"), help="chart folder")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    return args


def save(fig: plt.Figure, out: Path, name: str) -> Path:
    """Write a figure as PNG into the chart folder and say where it went."""
    path = out / name
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    print(f"chart: {path}")
    return path
