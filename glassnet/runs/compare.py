"""`glassnet compare-optimizers` as a whole: the optimizers' paths on the test surfaces and the
same MLP trained on a data set with each (`glassnet.train.compare`), drawn
(`glassnet.viz.compare`) with a summary table and report.html in a new run folder.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from glassnet._suggest import did_you_mean
from glassnet.runs.run import new_run_dir
from glassnet.train.builders import TABULAR
from glassnet.train.compare import CHOICES, check_choices, train_on_dataset
from glassnet.viz import compare
from glassnet.viz.report import write_report


def run_comparison(
    optimizers: Sequence[str],
    dataset: str,
    steps: int = 300,
    epochs: int = 10,
    seed: int = 0,
    out: str = "runs",
    quiet: bool | None = True,
) -> tuple[str, Any]:
    """The whole `glassnet compare-optimizers`: paths on the test surfaces, the same MLP trained
    on `dataset` with each optimizer, both drawn, a summary table and report.html in a new run
    folder. Returns (the table, the run folder)."""
    chosen = check_choices(optimizers)
    name = dataset.replace("-", "_")
    if name not in TABULAR:
        raise ValueError(
            f"compare-optimizers: unknown data set {dataset!r}"
            f"{did_you_mean(name, TABULAR)} (choose from {', '.join(TABULAR)})"
        )
    run_dir = new_run_dir(out, "compare-optimizers")
    surf_png, finals = compare.plot_surface_grid(chosen, run_dir / "surfaces.png", steps)
    histories = train_on_dataset(chosen, name, epochs, seed, quiet)
    data_png = compare.plot_dataset_curves(histories, name, run_dir / f"{name}.png")
    table = compare.summary_table(chosen, finals, compare.surface_lrs(chosen), histories, name)
    summary: dict[str, Any] = {}
    for label in chosen:
        last = histories[label].epochs[-1]
        metric = next((k for k in last if k.startswith("val_") and k != "val_loss"), "val_loss")
        summary[f"{label} (lr {CHOICES[label][2]:g}): {name} {metric}"] = last[metric]
    settings = {"optimizers": chosen, "steps": steps, "dataset": name, "epochs": epochs}
    write_report(
        run_dir / "report.html",
        "glassnet compare-optimizers",
        {**settings, "seed": seed},
        summary,
        [
            (surf_png, "Paths (top) and function value per step (bottom) on four test surfaces."),
            (data_png, f"The same MLP trained on {name} by each optimizer, same initial weights."),
        ],
        texts={"Summary": table},
    )
    return table, run_dir
