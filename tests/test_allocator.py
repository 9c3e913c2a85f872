"""glassnet/allocator.py: after `glassnet.tune_allocator()` freed large arrays keep their memory
for the next step; `import glassnet` alone changes nothing."""

import os
import subprocess
import sys

import pytest

# Two 20 MB arrays made, written and freed ten times; prints the page faults of the last nine.
STEP_LOOP = """
import resource, sys
import numpy as np
import glassnet

if sys.argv[1] == "tune":
    glassnet.tune_allocator()

def step():
    a = np.ones(5_000_000, dtype=np.float32)
    b = a * 2.0
    del a, b

step()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(9):
    step()
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""

linux_glibc = pytest.mark.skipif(
    not sys.platform.startswith("linux") or os.confstr("CS_GNU_LIBC_VERSION") is None,
    reason="the tuning applies to glibc's malloc only",
)


def _faults(mode: str = "tune", **env: str) -> int:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")}
    out = subprocess.run(
        [sys.executable, "-c", STEP_LOOP, mode],
        env={**clean, **env},
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    return int(out.stdout.split()[-1])


@linux_glibc
def test_freed_arrays_are_reused_without_page_faults():
    tuned = _faults()
    untuned = _faults(GLASSNET_MALLOC_TUNING="0")
    imported_only = _faults("import")
    # untuned, glibc gives part of the 40 MB back every step and faults it in again
    # (measured: ~1,000 faults per step); tuned, the steps reuse the same memory (0)
    assert untuned > 9 * 300
    assert tuned < untuned / 20
    assert imported_only > 9 * 300  # `import glassnet` alone leaves malloc as it was


@linux_glibc
def test_tuning_is_applied_on_request_and_can_be_refused():
    from glassnet.allocator import is_tuned, tune_allocator

    assert tune_allocator() is True  # this process (glibc, no user settings)
    assert is_tuned() and tune_allocator() is True
    check = "import glassnet.allocator as a; print(a.tune_allocator())"
    for env, expected in (
        ({"GLASSNET_MALLOC_TUNING": "0"}, "False"),
        ({"MALLOC_TRIM_THRESHOLD_": "1000000"}, "False"),  # the user's own setting wins
    ):
        out = subprocess.run(
            [sys.executable, "-c", check],
            env={**os.environ, **env},
            capture_output=True,
            text=True,
        )
        assert out.stdout.strip() == expected, out.stderr


def test_import_glassnet_does_not_tune():
    code = (
        "import glassnet, glassnet.train, glassnet.allocator as a; print(a.is_tuned()); "
        "glassnet.tune_allocator(); print(a.is_tuned())"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")}
    out = subprocess.run([sys.executable, "-c", code], env=clean, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["False", "True" if _glibc() else "False"]


def _glibc() -> bool:
    return sys.platform.startswith("linux") and os.confstr("CS_GNU_LIBC_VERSION") is not None
