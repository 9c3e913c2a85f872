"""Data-parallel scaling: MLP, LeNet-5 and GPT on 1 and 2 MPI ranks on this machine, and a model
of scaling to 8 and 64 ranks over 10 and 100 Gbit/s networks from the measured numbers.

    python -m benchmarks.distributed [--steps 20] [--json FILE]

Each configuration runs `benchmarks/distributed_worker.py` under `mpiexec -n R`, one BLAS thread
per rank (so R ranks use R cores; two BLAS threads on a busy two-core machine spin against each
other and would flatter the 2-rank figures). Per step it reports the seconds, the
gradient bytes reduced, the seconds waited for the reduction after backward (exposed) and the
seconds a blocking allreduce of the same buckets takes; the hidden fraction is
1 - exposed / allreduce (clipped to [0, 1]; waiting for a slower rank counts as exposed).

The scaling model (weak scaling: the batch per rank stays the same):

    t_comm(R)  = 2 (R - 1) / R * bytes / bandwidth + 2 (R - 1) * buckets * latency   (ring)
    t_step(R)  = t_compute + (1 - hidden) * t_comm(R)
    efficiency = t_compute / t_step(R)      speedup = R * efficiency

with t_compute the 2-rank step time less its exposed wait, and latency 25 us per message.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODELS = ("mlp", "lenet5", "gpt")
LATENCY = 25e-6
NETWORKS = {"10 Gbit/s": 10e9 / 8, "100 Gbit/s": 100e9 / 8}


def run_worker(model: str, ranks: int, steps: int) -> dict:
    mpiexec = shutil.which("mpiexec") or shutil.which("mpirun")
    if mpiexec is None:
        raise SystemExit('benchmarks.distributed: no mpiexec; pip install "glassnet[mpi]"')
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    cmd = [
        mpiexec,
        "-n",
        str(ranks),
        sys.executable,
        "-m",
        "benchmarks.distributed_worker",
        model,
        str(steps),
    ]
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def scaling(two: dict, ranks: int, bandwidth: float) -> dict:
    """The model above, from a 2-rank measurement."""
    hidden = hidden_fraction(two) or 0.0
    compute = two["seconds_per_step"] - two["exposed_seconds_per_step"]
    t_comm = 2 * (ranks - 1) / ranks * two["gradient_bytes"] / bandwidth
    t_comm += 2 * (ranks - 1) * two["buckets"] * LATENCY
    step = compute + (1 - hidden) * t_comm
    return {
        "ranks": ranks,
        "t_comm": t_comm,
        "t_step": step,
        "efficiency": compute / step,
        "speedup": ranks * compute / step,
    }


def hidden_fraction(row: dict) -> float | None:
    """The share of the step's allreduce time that backward hid (None on one rank)."""
    if row["ranks"] == 1 or row["allreduce_seconds_per_step"] <= 0:
        return None
    return min(
        1.0, max(0.0, 1 - row["exposed_seconds_per_step"] / row["allreduce_seconds_per_step"])
    )


def _fraction(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.distributed")
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--models", default=",".join(MODELS))
    parser.add_argument("--json", help="write the measurements and the model here")
    args = parser.parse_args(argv)
    rows = []
    print(
        f"{'model':8} {'ranks':>5} {'s/step':>8} {'samples/s':>10} {'speedup':>8} "
        f"{'grad MB':>8} {'exposed ms':>10} {'allreduce ms':>12} {'hidden':>7}"
    )
    for model in args.models.split(","):
        one, two = (run_worker(model, r, args.steps) for r in (1, 2))
        for row in (one, two):
            row["samples_per_second"] = (
                row["ranks"] * row["batch_per_rank"] / row["seconds_per_step"]
            )
            row["speedup"] = row["samples_per_second"] / one["samples_per_second"]
            row["hidden_fraction"] = hidden_fraction(row)
            exposed, blocking = row["exposed_seconds_per_step"], row["allreduce_seconds_per_step"]
            print(
                f"{model:8} {row['ranks']:5d} {row['seconds_per_step']:8.4f} "
                f"{row['samples_per_second']:10.1f} {row['speedup']:8.2f} "
                f"{row['gradient_bytes'] / 2**20:8.2f} {1e3 * exposed:10.2f} "
                f"{1e3 * blocking:12.2f} {_fraction(row['hidden_fraction']):>7}"
            )
        two["model_of_scaling"] = {
            net: [scaling(two, r, bw) for r in (8, 64)] for net, bw in NETWORKS.items()
        }
        rows += [one, two]
    print("\nmodel of scaling (weak: same batch per rank), efficiency / speedup:")
    for row in rows[1::2]:
        cells = [
            f"{net} R={s['ranks']}: {s['efficiency']:.2f} / {s['speedup']:.1f}x"
            for net, models in row["model_of_scaling"].items()
            for s in models
        ]
        print(f"  {row['model']:8} " + "   ".join(cells))
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
