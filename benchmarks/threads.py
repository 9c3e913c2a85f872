"""BLAS threads for a small model: one epoch of the default digits MLP (`glassnet train`'s run:
64-256-10, Adam, batch 64) at 1 and at 2 BLAS threads, interleaved in one process
(A, B, A, B, ...) so that a busy machine slows both alike; prints the medians.

    python benchmarks/threads.py [--repeats 15]
"""

from __future__ import annotations

import argparse
import statistics
import time

from threadpoolctl import threadpool_info, threadpool_limits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--threads", default="1,2", help="comma-separated counts to compare")
    args = parser.parse_args()

    import glassnet
    from glassnet.config import DEFAULT_RUN, resolve
    from glassnet.data.loader import DataLoader
    from glassnet.train import builders
    from glassnet.train.loop import fit

    glassnet.tune_allocator()  # as training does (glassnet/allocator.py)

    config = resolve(None, {**DEFAULT_RUN, "train.epochs": 1})
    data = builders.build_data(config)
    counts = [int(n) for n in args.threads.split(",")]
    times: dict[int, list[float]] = {n: [] for n in counts}

    def epoch() -> float:
        model = builders.build_model(config, data, generator=glassnet.Generator(0))
        optimizer = builders.build_optimizer(config, model.parameters())
        loader = DataLoader(
            data.train, batch_size=64, shuffle=True, generator=glassnet.Generator(0)
        )
        loss = builders.build_loss(config, data)
        start = time.perf_counter()
        fit(model, loss, optimizer, loader, None, epochs=1, quiet=True)
        return time.perf_counter() - start

    epoch()  # warm-up
    for _ in range(args.repeats):
        for n in counts:
            with threadpool_limits(limits=n, user_api="blas"):
                times[n].append(epoch())
    blas = [(i["internal_api"], i.get("architecture"), i["num_threads"]) for i in threadpool_info()]
    print(f"BLAS: {blas}; {args.repeats} interleaved repeats of one digits-MLP epoch")
    for n in counts:
        t = times[n]
        print(
            f"{n} thread(s): median {statistics.median(t):.3f} s  "
            f"(min {min(t):.3f}, max {max(t):.3f})"
        )


if __name__ == "__main__":
    main()
