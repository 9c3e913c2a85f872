"""Run the benchmark suite: glassnet against PyTorch (CPU, 2 threads) and scikit-learn.

    python -m benchmarks [--quick] [--only NAME ...] [--repeats N] [--json FILE] [--no-memory]
                         [--conv-layers]
    python benchmarks/run.py ...        (the same, as a script, from any directory)

Each workload is built in every framework that has it and timed in turns in this one process;
the table gives the median and min-max seconds per repeat, samples/s, achieved GFLOP/s (and its
fraction of the measured NumPy GEMM rate), peak memory (from a fresh process per pair) and the
ratio of each framework's median to PyTorch's. --quick runs everything once, briefly, and probes
the peak memory of the first workload only (each probe is a fresh process that imports its
framework, ~3-8 s): it proves the suite works in well under a minute; its numbers mean nothing.
--conv-layers adds the per-layer convolution table (benchmarks/conv_layers.py) after the
workloads, and its rows to the JSON under "conv_layers".
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

if not __package__:  # run as a script, `python benchmarks/run.py`: the repository on the path
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import conv_layers  # noqa: E402
from benchmarks.harness import (  # noqa: E402
    Result,
    format_table,
    gemm_gflops,
    machine_info,
    time_interleaved,
    with_ratios,
)
from benchmarks.registry import WORKLOADS  # noqa: E402


def _peak_memory(workload: str, framework: str, quick: bool) -> float | None:
    cmd = [sys.executable, "-m", "benchmarks.memory", workload, framework]
    if quick:
        cmd.append("--quick")
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=root, timeout=900)
    if done.returncode != 0:
        print(f"  memory of {workload}/{framework} failed: {done.stderr.strip()[-300:]}")
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])["peak_mb"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="one short repeat each, peak memory of the first workload only (CI smoke run)",
    )
    parser.add_argument("--only", nargs="+", choices=sorted(WORKLOADS), help="run these workloads")
    parser.add_argument("--repeats", type=int, default=None, help="timed repeats (default 7)")
    parser.add_argument("--json", type=Path, help="also write the results here as JSON")
    parser.add_argument("--no-memory", action="store_true", help="skip the peak-memory runs")
    parser.add_argument(
        "--conv-layers", action="store_true", help="also time the per-layer convolution table"
    )
    args = parser.parse_args(argv)
    repeats = args.repeats or (1 if args.quick else 7)
    import glassnet

    glassnet.tune_allocator()  # as training does (glassnet/allocator.py), for every framework

    info = machine_info()
    gemm = gemm_gflops(512 if args.quick else 1024)
    print(f"machine: {info}")
    print(f"NumPy float32 GEMM: {gemm:.1f} GFLOP/s\n")

    rows = []
    for i, name in enumerate(args.only or sorted(WORKLOADS)):
        builder, frameworks = WORKLOADS[name]
        works = {fw: builder(fw, args.quick) for fw in frameworks}
        times = time_interleaved({fw: w.step for fw, w in works.items()}, repeats, warmup=1)
        probe_memory = not args.no_memory and (i == 0 or not args.quick)
        for fw, w in works.items():
            result = Result(name, fw, times[fw], w.samples, w.flops)
            if probe_memory:
                result.peak_mb = _peak_memory(name, fw, args.quick)
            rows.append(result.as_dict(gemm))
        print(format_table([r for r in rows if r["workload"] == name]), "\n", flush=True)

    print("all workloads:")
    print(format_table(rows))
    report = {"machine": info, "gemm_gflops": gemm, "results": with_ratios(rows)}
    if args.conv_layers:
        print("\nper-layer convolutions (ms; fwd under no_grad, f+b = forward and backward):")
        report["conv_layers"] = conv_layers.run(args.repeats or 5, args.quick)
        print("\n" + conv_layers.format_table(report["conv_layers"]))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
        print(f"\nJSON written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
