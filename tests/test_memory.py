"""The shared size check of the factories (`glassnet/_memory.py`)."""

import numpy as np
import pytest

from glassnet import _memory


def test_check_allocation_passes_small_and_refuses_beyond_memory(monkeypatch):
    _memory.check_allocation("zeros", (1000, 1000), np.float32)
    monkeypatch.setattr(_memory, "memory_bytes", lambda: 1000)
    _memory.check_allocation("zeros", (250,), np.float32)  # exactly 1000 bytes
    with pytest.raises(_memory.AllocationError, match=r"zeros: .*\(251,\).*1,004 bytes"):
        _memory.check_allocation("zeros", (251,), np.float32)


def test_unknown_memory_still_refuses_what_int64_cannot_count(monkeypatch):
    monkeypatch.setattr(_memory, "memory_bytes", lambda: None)
    _memory.check_allocation("ones", (10**12,), np.float32)  # nothing to compare with: allowed
    with pytest.raises(_memory.AllocationError, match="more than int64 can count"):
        _memory.check_allocation("ones", (10**18, 100), np.float64)


def test_allocating_turns_a_memory_error_into_a_named_error():
    with pytest.raises(_memory.AllocationError, match=r"^empty: .*not enough memory is free"):
        with _memory.allocating("empty", (4, 4), np.float32):
            raise MemoryError
