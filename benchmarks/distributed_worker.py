"""One rank of the distributed benchmark (started by `benchmarks/distributed.py` under mpiexec).

Trains MODEL for STEPS data-parallel steps (batch BATCH per rank) and, on rank 0, prints one
JSON line: seconds per step, the bytes of gradient reduced per step, the seconds per step spent
waiting for reductions after backward (exposed), and the seconds a blocking allreduce of the
same buckets takes (the whole communication, for the hidden fraction).

    python -m benchmarks.distributed_worker {mlp,lenet5,gpt} STEPS
"""

from __future__ import annotations

import json
import sys
import time

import numpy as np

import glassnet
from benchmarks.workloads.common import mnist_arrays
from benchmarks.workloads.gpt import BLOCK, N_EMBD, N_HEAD, N_LAYER, _tokens
from glassnet import distributed as dist
from glassnet.distributed import comm

BATCH = {"mlp": 64, "lenet5": 64, "gpt": 16}
BUCKET_MB = 1.0  # several buckets for the GPT, so reductions can start during backward


def _model_and_batches(name: str, steps: int, rank: int, ranks: int):
    """The model (same start on every rank) and this rank's batches of each global batch."""
    glassnet.manual_seed(0)
    b = BATCH[name]
    if name == "gpt":
        tokens, vocab = _tokens()
        cfg = glassnet.models.GPTConfig(
            vocab_size=vocab, block_size=BLOCK, n_layer=N_LAYER, n_head=N_HEAD, n_embd=N_EMBD
        )
        model = glassnet.models.GPT(cfg)
        rng = np.random.default_rng(0)
        starts = rng.integers(0, len(tokens) - BLOCK - 1, (steps, ranks, b))[:, rank]
        batches = [
            (
                np.stack([tokens[s : s + BLOCK] for s in row]),
                np.stack([tokens[s + 1 : s + BLOCK + 1] for s in row]),
            )
            for row in starts
        ]
        return model, batches
    x, y, _ = mnist_arrays(steps * ranks * b)
    if name == "mlp":
        model = glassnet.models.MLP(784, [256], 10)
        x = x.reshape(len(x), -1)
    else:
        model = glassnet.models.LeNet5()
    per_step = ranks * b
    batches = [
        (
            x[i * per_step + rank * b : i * per_step + (rank + 1) * b],
            y[i * per_step + rank * b : i * per_step + (rank + 1) * b],
        )
        for i in range(steps)
    ]
    return model, batches


def _loss(name: str, model, x, y):
    if name == "gpt":
        return model(glassnet.from_numpy(x), glassnet.from_numpy(y))[1]
    return glassnet.nn.functional.cross_entropy(
        model(glassnet.from_numpy(x)), glassnet.from_numpy(y)
    )


def main() -> None:
    name, steps = sys.argv[1], int(sys.argv[2])
    glassnet.tune_allocator()  # as training does (glassnet/allocator.py)
    world = dist.init()
    model, batches = _model_and_batches(name, steps + 1, world.rank, world.size)
    ddp = dist.DistributedDataParallel(model, bucket_cap_mb=BUCKET_MB)
    opt = glassnet.optim.Adam(model.parameters(), lr=1e-3)
    exposed = 0.0
    for i, (x, y) in enumerate(batches):
        if i == 1:  # the first step warms up (allocations, first messages)
            dist.barrier()
            start = time.perf_counter()
        opt.zero_grad()
        _loss(name, ddp, x, y).backward()
        opt.step()
        if i >= 1:
            exposed += ddp.stats["wait_seconds"]
    dist.barrier()
    per_step = (time.perf_counter() - start) / steps
    blocking = []
    for bucket in ddp._buckets:  # the whole communication of one step, nothing to hide behind
        t = time.perf_counter()
        comm.allreduce_(bucket.buffer.copy())
        blocking.append(time.perf_counter() - t)
    if world.rank == 0:
        print(
            json.dumps(
                {
                    "model": name,
                    "ranks": world.size,
                    "batch_per_rank": BATCH[name],
                    "seconds_per_step": per_step,
                    "gradient_bytes": int(ddp.stats["bytes"]),
                    "exposed_seconds_per_step": exposed / steps,
                    "allreduce_seconds_per_step": float(sum(blocking)),
                    "buckets": ddp.stats["buckets"],
                }
            )
        )


if __name__ == "__main__":
    main()
