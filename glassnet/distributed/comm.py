"""The MPI world glassnet trains on, through mpi4py, with guards so that a failure never hangs.

Every rank runs the same program (`mpiexec -n N glassnet train ...`); ranks talk only through
MPI collectives (allreduce, broadcast, allgather). Two guards turn a failure into a prompt,
named exit of the whole job instead of a hang:

* an exception that escapes on any rank prints `rank R: ...` and aborts every rank
  (`MPI_Abort`), so the others do not wait forever in their next collective. An error that
  every rank raises at the same point (`DistributedError(..., every_rank=True)`, e.g. ranks
  whose configurations differ) needs no abort: rank 0 prints it and every rank exits with
  status 1 the ordinary way, so the launcher loses none of the output;
* every collective here waits with a deadline (`timeout`, default 120 s, or
  `GLASSNET_DIST_TIMEOUT`): past it, the rank names what it was waiting for and aborts.

Without `init()` (or outside MPI) the world is one process: rank 0 of 1, collectives are no-ops.
"""

from __future__ import annotations

import hashlib
import os
import sys
import time
import traceback
from dataclasses import dataclass
from typing import Any

import numpy as np

# Variables the common MPI launchers set in each process they start.
_LAUNCHER_SIZE_VARIABLES = ("PMI_SIZE", "OMPI_COMM_WORLD_SIZE", "PMIX_SIZE", "MV2_COMM_WORLD_SIZE")
DEFAULT_TIMEOUT = 120.0


class DistributedError(RuntimeError):
    """A distributed run cannot start or go on (missing MPI, ranks that disagree, a timeout).

    `every_rank=True` marks an error that all ranks raise together, from the same collective
    result: no rank is left waiting, so the job ends without `MPI_Abort`.
    """

    def __init__(self, message: str, every_rank: bool = False) -> None:
        super().__init__(message)
        self.every_rank = every_rank


@dataclass
class World:
    """The processes of one job: this process's `rank` among `size`, and the communicator."""

    comm: Any
    rank: int
    size: int
    timeout: float

    def allreduce_(self, array: np.ndarray) -> np.ndarray:
        """Sum `array` over the ranks in place (the process-group interface of SyncBatchNorm)."""
        return allreduce_(array)


_WORLD: World | None = None


def launched_by_mpi() -> bool:
    """Was this process started by an MPI launcher (mpiexec/mpirun) with more than one rank?"""
    for name in _LAUNCHER_SIZE_VARIABLES:
        value = os.environ.get(name, "")
        if value.isdigit() and int(value) > 1:
            return True
    return False


def _mpi() -> Any:
    try:
        from mpi4py import MPI
    except ImportError as e:
        raise DistributedError(
            f"glassnet.distributed needs mpi4py and an MPI library ({e}); install them with "
            'pip install "glassnet[mpi]"'
        ) from None
    return MPI


def init(timeout: float | None = None) -> World:
    """Join the MPI world (`MPI.COMM_WORLD`); safe to call again. Returns the world.

    Installs the abort-on-exception guard (see the module docstring).
    """
    global _WORLD
    if _WORLD is not None:
        return _WORLD
    MPI = _mpi()
    if timeout is None:
        timeout = float(os.environ.get("GLASSNET_DIST_TIMEOUT", DEFAULT_TIMEOUT))
    comm = MPI.COMM_WORLD
    _WORLD = World(comm=comm, rank=comm.Get_rank(), size=comm.Get_size(), timeout=timeout)
    if _WORLD.size > 1:
        sys.excepthook = _abort_on_exception
    return _WORLD


def world() -> World | None:
    """The world joined by `init()`, or None in a single process that never called it."""
    return _WORLD


def is_initialized() -> bool:
    return _WORLD is not None


def rank() -> int:
    """This process's rank (0 when not distributed)."""
    return 0 if _WORLD is None else _WORLD.rank


def world_size() -> int:
    """The number of processes in the job (1 when not distributed)."""
    return 1 if _WORLD is None else _WORLD.size


def is_main() -> bool:
    """True on rank 0, the process that prints, logs and writes files."""
    return rank() == 0


# MPI_Abort tears the launcher down at once; a moment's wait first lets it forward what this
# rank wrote to stderr (without it the message was sometimes lost on a loaded machine).
_ABORT_GRACE_S = 0.2


def abort(message: str, code: int = 1) -> None:
    """Print `rank R: message` on stderr and end every rank of the job with `code`."""
    sys.stderr.write(f"glassnet.distributed: rank {rank()}: {message}\n")
    sys.stderr.flush()
    if _WORLD is not None and _WORLD.size > 1:
        time.sleep(_ABORT_GRACE_S)
        _WORLD.comm.Abort(code)
    raise SystemExit(code)


def _abort_on_exception(kind: type, value: BaseException, tb: Any) -> None:
    if isinstance(value, DistributedError) and value.every_rank:
        if is_main():  # every rank holds the same error: say it once, exit normally
            sys.stderr.write(f"glassnet.distributed: {value}\n")
            sys.stderr.flush()
        return
    text = "".join(traceback.format_exception(kind, value, tb))
    sys.stderr.write(f"glassnet.distributed: rank {rank()} failed:\n{text}")
    abort(f"{kind.__name__}: {value}; aborting all {world_size()} ranks")


def wait(requests: list, what: str) -> float:
    """Wait for MPI requests with the world's deadline; returns the seconds spent waiting."""
    if not requests:
        return 0.0
    MPI = _mpi()
    start = time.perf_counter()
    deadline = start + (_WORLD.timeout if _WORLD is not None else DEFAULT_TIMEOUT)
    spins = 0
    while not MPI.Request.Testall(requests):
        spins += 1
        if spins > 100:
            time.sleep(1e-4)
        if time.perf_counter() > deadline:
            abort(f"{what} did not complete within {_WORLD.timeout:g} s (a rank failed or hangs)")
    return time.perf_counter() - start


def allreduce_(array: np.ndarray, what: str = "allreduce") -> np.ndarray:
    """Sum `array` over all ranks, in place (contiguous arrays only)."""
    if _WORLD is None or _WORLD.size == 1:
        return array
    MPI = _mpi()
    wait([_WORLD.comm.Iallreduce(MPI.IN_PLACE, array, op=MPI.SUM)], what)
    return array


def broadcast_(array: np.ndarray, root: int = 0, what: str = "broadcast") -> np.ndarray:
    """Overwrite `array` on every rank with rank `root`'s values, in place."""
    if _WORLD is None or _WORLD.size == 1:
        return array
    wait([_WORLD.comm.Ibcast(array, root=root)], what)
    return array


def barrier() -> None:
    """Wait until every rank reaches this point (with the deadline)."""
    if _WORLD is not None and _WORLD.size > 1:
        wait([_WORLD.comm.Ibarrier()], "barrier")


def check_same(text: str, what: str) -> None:
    """Raise DistributedError on every rank unless all ranks hold the same `text`.

    Compares SHA-256 digests gathered from all ranks, e.g. of the run's configuration.
    """
    if _WORLD is None or _WORLD.size == 1:
        return
    mine = np.frombuffer(hashlib.sha256(text.encode()).digest(), dtype=np.uint8).copy()
    every = np.empty((_WORLD.size, mine.size), dtype=np.uint8)
    wait([_WORLD.comm.Iallgather(mine, every)], f"comparing the {what} of all ranks")
    differ = [r for r in range(_WORLD.size) if not np.array_equal(every[r], every[0])]
    if differ:
        raise DistributedError(
            f"the {what} differs across ranks: rank(s) {differ} disagree with rank 0",
            every_rank=True,
        )
