"""Peak memory of one (workload, framework) pair, measured in a fresh process.

Run as `python -m benchmarks.memory WORKLOAD FRAMEWORK [--quick]`; prints the growth of the peak
resident set (MB) from just after importing the framework to after two repeats of the work.
"""

from __future__ import annotations

import json
import resource
import sys
from pathlib import Path


def peak_mb() -> float:
    """The peak resident set of this process so far, in MB.

    Read from /proc (VmHWM, reset by exec): `ru_maxrss` would start at the parent's peak, since
    Linux carries it across fork and exec."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    workload, framework = sys.argv[1], sys.argv[2]
    quick = "--quick" in sys.argv
    if framework == "torch":
        import torch  # noqa: F401
    elif framework == "sklearn":
        import sklearn.neural_network  # noqa: F401
    import numpy  # noqa: F401
    import sklearn.datasets  # noqa: F401  (every framework reads the same data)

    import glassnet
    import glassnet.data.mnist  # noqa: F401

    glassnet.tune_allocator()  # as in the timed run (benchmarks/run.py), for every framework
    from benchmarks.registry import WORKLOADS

    before = peak_mb()
    work = WORKLOADS[workload][0](framework, quick)
    work.step()
    work.step()
    print(json.dumps({"peak_mb": peak_mb() - before}))


if __name__ == "__main__":
    main()
