"""Peak memory of one (workload, framework) pair, measured in a fresh process.

Run as `python -m benchmarks.memory WORKLOAD FRAMEWORK [--quick]`; prints the growth of the peak
resident set (MB) from just after importing the framework to after two repeats of the work.
"""

from __future__ import annotations

import json
import resource
import sys


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def main() -> None:
    workload, framework = sys.argv[1], sys.argv[2]
    quick = "--quick" in sys.argv
    if framework == "torch":
        import torch  # noqa: F401
    elif framework == "sklearn":
        import sklearn.neural_network  # noqa: F401
    import numpy  # noqa: F401

    import glassnet  # noqa: F401  (the data readers live in glassnet)
    from benchmarks.registry import WORKLOADS

    before = peak_mb()
    work = WORKLOADS[workload][0](framework, quick)
    work.step()
    work.step()
    print(json.dumps({"peak_mb": peak_mb() - before}))


if __name__ == "__main__":
    main()
