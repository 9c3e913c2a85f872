"""DistributedSampler: PyTorch's shards, padding and epochs."""

import numpy as np
import pytest
import torch.utils.data

from glassnet.distributed import DistributedSampler


@pytest.mark.parametrize(
    "n, replicas, drop_last",
    [(10, 3, False), (10, 3, True), (4, 4, False), (3, 5, False), (12, 4, True)],
)
def test_unshuffled_shards_equal_pytorchs(n, replicas, drop_last):
    data = list(range(n))
    for rank in range(replicas):
        ours = DistributedSampler(data, replicas, rank, shuffle=False, drop_last=drop_last)
        theirs = torch.utils.data.DistributedSampler(
            data, replicas, rank, shuffle=False, drop_last=drop_last
        )
        assert list(ours) == list(theirs) and len(ours) == len(theirs)


def test_shuffled_shards_partition_each_epoch_and_change_between_epochs():
    data = list(range(23))
    samplers = [DistributedSampler(data, 4, r, shuffle=True, seed=7) for r in range(4)]
    first = [list(s) for s in samplers]
    assert sorted(set().union(*map(set, first))) == data  # together: every example
    assert sum(map(len, first)) == 24 and {len(f) for f in first} == {6}  # padded evenly
    for s in samplers:
        s.set_epoch(1)
    assert [list(s) for s in samplers] != first
    again = DistributedSampler(data, 4, 2, shuffle=True, seed=7)
    again.set_epoch(1)
    assert list(again) == list(samplers[2])  # the same seed and epoch: the same shard


def test_invalid_rank_is_named():
    with pytest.raises(
        ValueError, match=r"invalid rank 3, rank should be in the interval \[0, 2\]"
    ):
        DistributedSampler(range(5), num_replicas=3, rank=3)
    assert np.array_equal(list(DistributedSampler(range(5), 1, 0, shuffle=False)), range(5))
