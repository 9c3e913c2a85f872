"""In-process A/B of `glassnet.tune_allocator()`: training steps with glibc's default malloc
thresholds against the tuned ones, taking turns in one process.

    python -m benchmarks.allocator [--only NAME ...] [--repeats N] [--quick]

glassnet no longer tunes malloc on import; what trains calls `tune_allocator()`. This shows what
the call is worth per workload (and so what a training path that forgot it would lose). The
"default" turns set glibc's documented defaults back (128 KB mmap threshold, 128 KB trim
threshold; glibc's dynamic raising of the mmap threshold stays off once set), so the default
figures are, if anything, slightly pessimistic about an untuned process.
"""

from __future__ import annotations

import argparse
import ctypes
import statistics
import sys
import time
from pathlib import Path

if not __package__:  # run as a script: the repository on the path
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.registry import WORKLOADS  # noqa: E402
from glassnet import allocator  # noqa: E402

DEFAULT_THRESHOLD = 128 * 1024  # glibc's M_MMAP_THRESHOLD and M_TRIM_THRESHOLD defaults


def set_thresholds(mmap: int, trim: int) -> None:
    """mallopt both thresholds (glibc only)."""
    mallopt = ctypes.CDLL("libc.so.6").mallopt
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt(allocator.M_MMAP_THRESHOLD, mmap)
    mallopt(allocator.M_TRIM_THRESHOLD, trim)


def ab(step, repeats: int) -> tuple[float, float]:
    """Median seconds of `step` with default and with tuned thresholds, taking turns."""
    times: dict[str, list[float]] = {"default": [], "tuned": []}
    settings = {
        "default": (DEFAULT_THRESHOLD, DEFAULT_THRESHOLD),
        "tuned": (allocator.MMAP_THRESHOLD, allocator.TRIM_THRESHOLD),
    }
    for _ in range(repeats):
        for name, (mmap, trim) in settings.items():
            set_thresholds(mmap, trim)
            step()  # one step to settle the heap under these settings
            t0 = time.perf_counter()
            step()
            times[name].append(time.perf_counter() - t0)
    return statistics.median(times["default"]), statistics.median(times["tuned"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="+", choices=sorted(WORKLOADS))
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--quick", action="store_true", help="small workloads (smoke run)")
    args = parser.parse_args(argv)
    if not allocator.tune_allocator():
        print(
            "tune_allocator() does not apply here (not glibc, or MALLOC_* set): nothing to compare"
        )
        return 0
    names = args.only or ["c_lenet5_train", "d_resnet_train", "e_gpt_train", "a_mlp_mnist_train"]
    print(f"{'workload':<22} {'default s':>10} {'tuned s':>10} {'tuned/default':>14}")
    for name in names:
        work = WORKLOADS[name][0]("glassnet", args.quick)
        default, tuned = ab(work.step, args.repeats)
        print(f"{name:<22} {default:>10.4f} {tuned:>10.4f} {tuned / default:>14.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
