"""DistributedSampler against torch.utils.data.distributed's: shares, padding, epochs, errors."""

import pytest
import torch.utils.data.distributed

from glassnet.data import DistributedSampler

tud = torch.utils.data


@pytest.mark.parametrize(
    ("n", "replicas", "drop_last"), [(10, 3, False), (10, 3, True), (2, 4, False)]
)
def test_distributed_sampler_shares_as_torch(n, replicas, drop_last):
    for rank in range(replicas):
        ours = DistributedSampler(range(n), replicas, rank, shuffle=False, drop_last=drop_last)
        theirs = tud.DistributedSampler(
            range(n), replicas, rank, shuffle=False, drop_last=drop_last
        )
        assert list(ours) == list(theirs) and len(ours) == len(theirs)
    shards = [DistributedSampler(range(n), replicas, r, seed=5) for r in range(replicas)]
    union = sorted(i for s in shards for i in s)
    assert set(union) == set(range(n)) and len(union) == shards[0].total_size
    first = list(shards[0])
    shards[0].set_epoch(1)
    assert n < 3 or list(shards[0]) != first  # a new order each epoch


def test_distributed_sampler_errors():
    with pytest.raises(
        ValueError, match=r"Invalid rank 3, rank should be in the interval \[0, 2\]"
    ):
        DistributedSampler(range(5), num_replicas=3, rank=3)
    with pytest.raises(RuntimeError, match="pass num_replicas= and rank="):
        DistributedSampler(range(5))
