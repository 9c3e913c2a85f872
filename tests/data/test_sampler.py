"""Samplers against torch.utils.data's: counts, ranges, replacement rules, errors."""

import numpy as np
import pytest
import torch

import glassnet
from glassnet.data import (
    BatchSampler,
    RandomSampler,
    Sampler,
    SequentialSampler,
    SubsetRandomSampler,
    WeightedRandomSampler,
)

tud = torch.utils.data


def test_sequential_as_torch():
    assert list(SequentialSampler(range(5))) == list(tud.SequentialSampler(range(5)))
    assert len(SequentialSampler(range(5))) == 5


def test_random_sampler_permutation_and_seeding():
    a = list(RandomSampler(range(20), generator=glassnet.Generator(1)))
    assert sorted(a) == list(range(20)) and all(type(i) is int for i in a)
    assert a == list(RandomSampler(range(20), generator=glassnet.Generator(1)))
    assert a == np.random.default_rng(1).permutation(20).tolist()
    glassnet.manual_seed(4)
    b = list(RandomSampler(range(20)))
    glassnet.manual_seed(4)
    assert b == list(RandomSampler(range(20)))  # the global generator by default


@pytest.mark.parametrize("num_samples", [3, 10, 23])
def test_random_sampler_num_samples_without_replacement(num_samples):
    ours = list(RandomSampler(range(10), num_samples=num_samples))
    theirs = list(tud.RandomSampler(range(10), num_samples=num_samples))
    assert len(ours) == len(theirs) == num_samples
    # every full block of 10 is a permutation, the rest distinct
    for start in range(0, num_samples, 10):
        block = ours[start : start + 10]
        assert len(set(block)) == len(block)


def test_random_sampler_with_replacement():
    draws = list(RandomSampler(range(4), replacement=True, num_samples=400))
    assert len(draws) == 400 and set(draws) == {0, 1, 2, 3}


@pytest.mark.parametrize(
    ("cls", "args", "kwargs"),
    [
        (RandomSampler, (range(3),), dict(replacement=1)),
        (RandomSampler, (range(3),), dict(num_samples=0)),
        (RandomSampler, (range(0),), {}),
        (WeightedRandomSampler, ([1.0, 2.0], 0), {}),
        (WeightedRandomSampler, ([1.0, 2.0], True), {}),
        (WeightedRandomSampler, ([1.0, 2.0], 2), dict(replacement=0)),
        (WeightedRandomSampler, ([[1.0, 2.0]], 2), {}),
        (BatchSampler, (range(3), 0, False), {}),
        (BatchSampler, (range(3), 2, 0), {}),
    ],
)
def test_errors_match_torch(cls, args, kwargs):
    with pytest.raises((TypeError, ValueError)) as theirs:
        getattr(tud, cls.__name__)(*args, **kwargs)
    with pytest.raises(theirs.type) as ours:
        cls(*args, **kwargs)
    assert str(ours.value) == str(theirs.value)


def test_subset_random_sampler():
    got = list(SubsetRandomSampler([5, 9, 2], generator=glassnet.Generator(0)))
    assert sorted(got) == [2, 5, 9] and len(SubsetRandomSampler([5, 9, 2])) == 3


def test_weighted_random_sampler():
    w = [0.0, 1.0, 3.0, 0.0]
    draws = np.array(list(WeightedRandomSampler(w, 4000, generator=glassnet.Generator(0))))
    assert set(draws.tolist()) == {1, 2}
    assert abs((draws == 2).mean() - 0.75) < 0.03
    once = list(WeightedRandomSampler(w, 2, replacement=False))
    assert sorted(once) == [1, 2]
    with pytest.raises(ValueError, match="num_samples=3 without replacement from 2 non-zero"):
        list(WeightedRandomSampler(w, 3, replacement=False))
    with pytest.raises(ValueError, match="non-negative and not all zero"):
        WeightedRandomSampler([0.0, -1.0], 2)
    t = WeightedRandomSampler(glassnet.tensor([1.0, 1.0]), 2)
    assert t.weights.dtype == np.float64 and len(t) == 2


@pytest.mark.parametrize("drop_last", [False, True])
def test_batch_sampler_as_torch(drop_last):
    ours = BatchSampler(SequentialSampler(range(10)), 3, drop_last)
    theirs = tud.BatchSampler(tud.SequentialSampler(range(10)), 3, drop_last)
    assert list(ours) == list(theirs)
    assert len(ours) == len(theirs)


def test_sampler_base_needs_iter():
    with pytest.raises(NotImplementedError, match="Sampler must define __iter__"):
        iter(Sampler())
