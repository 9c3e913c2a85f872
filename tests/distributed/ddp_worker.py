"""Run under `mpiexec -n R`: data-parallel training of a small model, each rank taking its part
of every global batch; each rank saves its final weights to OUT/rank{r}.npz.

    python ddp_worker.py MODEL OUT -- [raise|kill|config]
"""

import os
import signal
import sys

import numpy as np

import glassnet
from glassnet import distributed as dist
from glassnet.autograd import engine

STEPS, BATCH, SEED = 6, 8, 0  # BATCH examples per rank per step


def make_model(name: str) -> glassnet.nn.Module:
    """The test models, float64, the same initial weights whatever the process."""
    nn = glassnet.nn
    glassnet.manual_seed(SEED)
    if name == "mlp":
        model = nn.Sequential(nn.Linear(5, 16), nn.Tanh(), nn.Linear(16, 3))
    else:  # a convolution and batch norm in both its 2-d and 1-d forms
        model = nn.Sequential(
            nn.Conv2d(1, 4, 3),
            nn.BatchNorm2d(4),
            nn.ReLU(),
            nn.Flatten(),
            nn.Linear(4 * 4 * 4, 8),
            nn.BatchNorm1d(8),
            nn.ReLU(),
            nn.Linear(8, 3),
        )
    return model.double()


def make_data(name: str, n: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(1)
    shape = (n, 5) if name == "mlp" else (n, 1, 6, 6)
    return rng.standard_normal(shape), rng.integers(0, 3, n)


def train(name: str, model, ranks: int, rank: int) -> glassnet.nn.Module:
    """STEPS Adam steps over global batches of ranks * BATCH; this rank takes its slice."""
    X, y = make_data(name, STEPS * ranks * BATCH)
    opt = glassnet.optim.Adam(model.parameters(), lr=0.05)
    for step in range(STEPS):
        start = (step * ranks + rank) * BATCH
        xb, yb = (
            glassnet.tensor(X[start : start + BATCH]),
            glassnet.tensor(y[start : start + BATCH]),
        )
        opt.zero_grad()
        glassnet.nn.functional.cross_entropy(model(xb), yb).backward()
        opt.step()
    return model


def main() -> None:
    name, out = sys.argv[1], sys.argv[2]
    fail = sys.argv[4] if len(sys.argv) > 4 else None
    world = dist.init(timeout=30)
    if fail == "raise" and world.rank == 1:
        raise RuntimeError("a deliberate failure on rank 1")
    if fail == "kill" and world.rank == 1:
        os.kill(os.getpid(), signal.SIGKILL)
    if fail == "config":
        dist.check_same(f"lr = {0.1 * (world.rank + 1)}", "configuration")
    model = glassnet.nn.SyncBatchNorm.convert_sync_batchnorm(make_model(name))
    ddp = dist.DistributedDataParallel(model, bucket_cap_mb=0.001)  # several buckets
    launched_during_backward = []
    original = type(ddp._buckets[0]).launch

    def launch(bucket, w):
        launched_during_backward.append(ddp._pass_started and bool(engine._RUNNING))
        original(bucket, w)

    type(ddp._buckets[0]).launch = launch
    train(name, ddp, world.size, world.rank)
    state = {k: v.numpy() for k, v in model.state_dict().items()}
    state["__launched__"] = np.array(launched_during_backward)
    state["__buckets__"] = np.array(len(ddp._buckets))
    np.savez(os.path.join(out, f"rank{world.rank}.npz"), **state)


if __name__ == "__main__":
    main()
