"""glassnet.random: the global generator is seeded from the OS at import (two unseeded runs differ,
as in PyTorch), initial_seed reports the seed, manual_seed makes runs repeat, seed() reseeds, and
Generator() starts from PyTorch's fixed default seed."""

import os
import subprocess
import sys

import numpy as np
import pytest
import torch

import glassnet

SCRIPT = "import glassnet; print(glassnet.initial_seed(), glassnet.randn(3).tolist())"


def _run(code):
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=os.environ, check=True
    )
    return out.stdout.strip()


def test_unseeded_runs_differ_and_seeded_runs_repeat():
    assert _run(SCRIPT) != _run(SCRIPT)
    seeded = "import glassnet; glassnet.manual_seed(7); print(glassnet.randn(3).tolist())"
    assert _run(seeded) == _run(seeded)


def test_an_unseeded_run_can_be_repeated_from_its_initial_seed():
    seed, draws = _run(SCRIPT).split(" ", 1)
    glassnet.manual_seed(int(seed))
    assert str(glassnet.randn(3).tolist()) == draws


def test_manual_seed_initial_seed_and_seed():
    assert glassnet.manual_seed(5) is glassnet.random.default_generator
    assert glassnet.initial_seed() == 5
    a = glassnet.rand(4)
    glassnet.manual_seed(5)
    np.testing.assert_array_equal(a.numpy(), glassnet.rand(4).numpy())
    s = glassnet.seed()
    assert isinstance(s, int) and 0 <= s < 2**64 and glassnet.initial_seed() == s
    assert glassnet.seed() != s


def test_negative_and_out_of_range_seeds_as_torch():
    try:
        for s in (-1, -(2**63), 2**64 - 1):
            glassnet.manual_seed(s)
            torch.manual_seed(s)
            assert glassnet.initial_seed() == torch.initial_seed()
    finally:
        torch.manual_seed(0)
    with pytest.raises(ValueError, match=r"manual_seed: the seed must be in \[-2\*\*63, 2\*\*64\)"):
        glassnet.manual_seed(2**64)


def test_generator_default_seed_and_device():
    assert glassnet.Generator().initial_seed() == torch.Generator().initial_seed()
    a = glassnet.randn(3, generator=glassnet.Generator())
    np.testing.assert_array_equal(a.numpy(), glassnet.randn(3, generator=glassnet.Generator()))
    assert glassnet.Generator(device="cpu").initial_seed() == glassnet.Generator().initial_seed()
    assert glassnet.Generator(3).initial_seed() == 3
    g = glassnet.Generator()
    assert g.seed() == g.initial_seed()
    with pytest.raises(ValueError, match="Generator: .* device 'cuda' is not available"):
        glassnet.Generator(device="cuda")


def test_rng_state_round_trip_like_torch():
    glassnet.manual_seed(11)
    glassnet.rand(3)  # move on, and leave a buffered 32-bit value behind
    glassnet.random.default_generator.rng.integers(0, 2**32, dtype=np.uint32)
    state = glassnet.get_rng_state()
    assert state.dtype == glassnet.uint8 and state.dtype == torch.get_rng_state().numpy().dtype
    a = glassnet.randn(5)
    b = glassnet.random.default_generator.rng.integers(0, 2**32, dtype=np.uint32)
    glassnet.set_rng_state(state)
    np.testing.assert_array_equal(glassnet.randn(5).numpy(), a.numpy())
    assert glassnet.random.default_generator.rng.integers(0, 2**32, dtype=np.uint32) == b
    glassnet.set_rng_state(state.numpy())
    np.testing.assert_array_equal(glassnet.randn(5).numpy(), a.numpy())
    with pytest.raises(ValueError, match="set_rng_state: expected the 37-byte state"):
        glassnet.set_rng_state(glassnet.zeros(5, dtype=glassnet.uint8))
    assert glassnet.default_generator is glassnet.random.default_generator
