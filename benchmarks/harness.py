"""Timing machinery shared by the benchmarks: interleaved repeats, medians, the machine's BLAS.

Frameworks are timed in turns (glassnet, torch, sklearn, glassnet, torch, ...) in one process, so
a noisy neighbour slows all of them alike; we report the median and the min-max of the repeats.
"""

from __future__ import annotations

import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np


@dataclass
class Result:
    """Seconds per repeat of one (workload, framework) pair, and what one repeat processes."""

    workload: str
    framework: str
    seconds: list = field(default_factory=list)
    samples: int = 0  # samples (or tokens) processed per repeat
    flops: float = 0.0  # floating-point operations per repeat (0 if not counted)
    peak_mb: float | None = None

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    def as_dict(self, gemm_gflops: float) -> dict:
        med = self.median
        gflops = self.flops / med / 1e9 if self.flops else None
        return {
            "workload": self.workload,
            "framework": self.framework,
            "median_s": med,
            "min_s": min(self.seconds),
            "max_s": max(self.seconds),
            "repeats": len(self.seconds),
            "samples_per_s": self.samples / med if self.samples else None,
            "gflops": gflops,
            "gemm_fraction": gflops / gemm_gflops if gflops else None,
            "peak_mb": self.peak_mb,
        }


def time_interleaved(
    steps: dict[str, Callable[[], None]], repeats: int, warmup: int = 1
) -> dict[str, list[float]]:
    """Run each framework's step function `repeats` times, taking turns; return the seconds."""
    for fn in steps.values():
        for _ in range(warmup):
            fn()
    times: dict[str, list[float]] = {name: [] for name in steps}
    for _ in range(repeats):
        for name, fn in steps.items():
            t0 = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t0)
    return times


def gemm_gflops(n: int = 1024, repeats: int = 5) -> float:
    """The float32 GEMM rate NumPy reaches here: the ceiling for dense layers."""
    a = np.random.default_rng(0).standard_normal((n, n)).astype(np.float32)
    b = a.copy()
    a @ b
    best = min(_timed(lambda: a @ b) for _ in range(repeats))
    return 2 * n**3 / best / 1e9


def _timed(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def machine_info() -> dict:
    """CPU, thread counts and the BLAS kernel in use (a wrong OpenBLAS core type costs 1.5-6x)."""
    info = {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "machine": platform.machine(),
    }
    try:
        from threadpoolctl import threadpool_info

        info["blas"] = [
            {k: d.get(k) for k in ("internal_api", "version", "architecture", "num_threads")}
            for d in threadpool_info()
        ]
    except ImportError:
        info["blas"] = "threadpoolctl not installed"
    return info


def with_ratios(rows: list[dict], baseline: str = "torch") -> list[dict]:
    """The rows with `ratio` (median seconds / the baseline framework's, same workload) and
    `peak_ratio` (peak memory / the baseline's) added; None where there is nothing to divide."""
    base = {r["workload"]: r for r in rows if r["framework"] == baseline}
    out = []
    for r in rows:
        b = base.get(r["workload"])
        ratio = r["median_s"] / b["median_s"] if b else None
        peak = b and b["peak_mb"] and r["peak_mb"] is not None
        out.append(dict(r, ratio=ratio, peak_ratio=r["peak_mb"] / b["peak_mb"] if peak else None))
    return out


def format_table(rows: list[dict], baseline: str = "torch") -> str:
    """One line per (workload, framework), with the ratio to the baseline framework's median."""
    head = (
        f"{'workload':<24} {'framework':<10} {'median s':>10} {'min-max s':>19} "
        f"{'samples/s':>11} {'GFLOP/s':>8} {'of GEMM':>8} {'peak MB':>8} {'/' + baseline:>8}"
    )
    lines = [head, "-" * len(head)]
    for r in with_ratios(rows, baseline):
        ratio = f"{r['ratio']:.2f}" if r["ratio"] is not None else "-"
        sps = f"{r['samples_per_s']:.0f}" if r["samples_per_s"] else "-"
        gf = f"{r['gflops']:.1f}" if r["gflops"] else "-"
        of_gemm = f"{r['gemm_fraction']:.1%}" if r["gemm_fraction"] else "-"
        mem = f"{r['peak_mb']:.0f}" if r["peak_mb"] is not None else "-"
        span = f"{r['min_s']:.4f}-{r['max_s']:.4f}"
        lines.append(
            f"{r['workload']:<24} {r['framework']:<10} {r['median_s']:>10.4f} {span:>19} "
            f"{sps:>11} {gf:>8} {of_gemm:>8} {mem:>8} {ratio:>8}"
        )
    return "\n".join(lines)
