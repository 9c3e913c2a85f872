"""Test-session set-up shared by every test.

Under `pytest -n 2` on a 2-core machine, each worker running a 2-thread BLAS (and torch's 2 intra-op
threads) oversubscribes the cores, and OpenBLAS's spinning threads then make small models 5-20x
slower. Each worker therefore uses one thread, and so do the subprocesses the tests start.
"""

import os

if os.environ.get("PYTEST_XDIST_WORKER"):
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = "1"
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1)
