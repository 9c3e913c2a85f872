"""What a run folder holds when its run is interrupted (Ctrl-C), and how to carry on from it."""

from __future__ import annotations

import json
import os
from pathlib import Path


class RunInterrupted(KeyboardInterrupt):
    """A KeyboardInterrupt during a run that has a folder; `str()` describes the folder."""

    def __init__(self, run_dir: str | os.PathLike, stage: str) -> None:
        super().__init__(str(run_dir))
        self.run_dir, self.stage = Path(run_dir), stage

    def __str__(self) -> str:
        return describe_run_folder(self.run_dir, self.stage)


def _checkpoint_line(run_dir: Path, name: str) -> str | None:
    """'last.safetensors: after epoch 3 (step 63)' or None when there is no such checkpoint."""
    from glassnet.io.checkpoint import CheckpointError, load

    path = run_dir / f"{name}.safetensors"
    if not path.is_file():
        return None
    try:
        state = load(run_dir / name)
    except (CheckpointError, OSError):
        return f"{path.name}: unreadable"
    extra = state.get("extra") if isinstance(state.get("extra"), dict) else {}
    epoch, step = extra.get("epoch"), extra.get("step")
    where = f"epoch {epoch + 1}" if isinstance(epoch, int) else "an unknown epoch"
    if isinstance(step, int):
        where += f", step {step}"
    what = "the best epoch so far" if name == "best" else "the newest state (resumable)"
    return f"{path.name}: {what}, written at {where}"


def _epochs_logged(run_dir: Path) -> int:
    path = run_dir / "metrics.jsonl"
    if not path.is_file():
        return 0
    count = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            count += json.loads(line).get("type") == "epoch"
        except (ValueError, AttributeError):
            continue
    return count


def describe_run_folder(run_dir: str | os.PathLike, stage: str = "training") -> str:
    """Lines saying where the run folder is, which checkpoints and logs it holds, and the
    commands that continue the run (`--resume`) and rebuild its charts and report."""
    run_dir = Path(run_dir)
    lines = [f"interrupted during {stage}; run folder: {run_dir}"]
    checkpoints = [c for c in (_checkpoint_line(run_dir, n) for n in ("last", "best")) if c]
    lines += [f"  {c}" for c in checkpoints] or ["  no checkpoint yet (no epoch finished)"]
    logs = [p.name for p in (run_dir / "metrics.jsonl", run_dir / "metrics.csv") if p.is_file()]
    if logs:
        lines.append(f"  {', '.join(logs)}: {_epochs_logged(run_dir)} epochs logged")
    charts = sorted(p.name for p in run_dir.glob("*.png"))
    report = "report.html" if (run_dir / "report.html").is_file() else "no report.html"
    lines.append(f"  {report}; charts: {', '.join(charts) or 'none'}")
    if stage == "training":
        start = "from its last checkpoint" if checkpoints else "from the beginning"
        lines.append(f"continue training {start}: glassnet train --resume {run_dir}")
    if checkpoints:
        lines.append(f"rebuild the charts and report.html: glassnet report {run_dir}")
    return "\n".join(lines)
