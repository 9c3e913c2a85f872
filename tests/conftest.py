"""Test-session set-up shared by every test.

Under `pytest -n 2` on a 2-core machine, each worker running a 2-thread BLAS (and torch's 2 intra-op
threads) oversubscribes the cores, and OpenBLAS's spinning threads then make small models 5-20x
slower. Each worker therefore uses one thread, and so do the subprocesses the tests start.

Test modules that keep a module-level generator (`rng` or `RNG`) get it reseeded before each test
from the test's id, so a test's data does not depend on which tests ran before it in the same
process (pytest-xdist deals tests out differently from run to run).
"""

import os
import sys
import zlib

import numpy as np
import pytest

if os.environ.get("PYTEST_XDIST_WORKER"):
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = "1"
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1)


@pytest.fixture(autouse=True)
def _module_rng_of_this_test(request):
    seed = zlib.crc32(request.node.nodeid.encode())
    for name in ("rng", "RNG"):
        if isinstance(getattr(request.module, name, None), np.random.Generator):
            setattr(request.module, name, np.random.default_rng(seed))


@pytest.fixture(autouse=True)
def _global_seed_of_this_test(request):
    """glassnet's global generator is seeded from the OS at import (as PyTorch's); each test gets
    a fixed seed from its id, so tests drawing from it repeat from run to run. So do PyTorch's
    and NumPy's legacy global generators (a torch layer's random weights, np.random.rand), whose
    state would otherwise depend on the tests that ran before in the same worker."""
    import glassnet

    seed = zlib.crc32(request.node.nodeid.encode())
    glassnet.manual_seed(seed)
    np.random.seed(seed)
    torch = sys.modules.get("torch")  # seeded only where a test already uses it
    if torch is not None:
        torch.manual_seed(seed)
