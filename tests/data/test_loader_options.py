"""DataLoader's PyTorch options: samplers, batch_sampler, batch_size=None, IterableDataset,
num_workers, and the argument checks (same errors as torch.utils.data.DataLoader)."""

import numpy as np
import pytest
import torch

import glassnet
from glassnet.data import (
    BatchSampler,
    DataLoader,
    IterableDataset,
    RandomSampler,
    SequentialSampler,
    SubsetRandomSampler,
    TensorDataset,
    default_collate,
    get_worker_info,
)


def _ds(n=10):
    return TensorDataset(np.arange(n * 2, dtype=np.float32).reshape(n, 2), np.arange(n))


def _torch_ds(n=10):
    return torch.utils.data.TensorDataset(
        torch.arange(n * 2, dtype=torch.float32).reshape(n, 2), torch.arange(n)
    )


class Stream(IterableDataset):
    def __init__(self, n, with_len=True):
        self.n, self.with_len = n, with_len

    def __iter__(self):
        return iter(range(self.n))

    def __len__(self):
        if not self.with_len:
            raise TypeError("Stream has no length")
        return self.n


class TorchStream(torch.utils.data.IterableDataset):
    def __iter__(self):
        return iter(range(7))


def _labels(loader):
    return [y._data.tolist() for _, y in loader]


# (kwargs for both loaders, the map-style flag): each must fail the same way in both libraries
BAD = [
    (dict(num_workers=-1), True),
    (dict(timeout=-1), True),
    (dict(prefetch_factor=2), True),
    (dict(num_workers=2, prefetch_factor=-1), True),
    (dict(persistent_workers=True), True),
    (dict(shuffle=True, sampler=[0, 1]), True),
    (dict(batch_sampler=[[0, 1]], batch_size=2), True),
    (dict(batch_sampler=[[0, 1]], drop_last=True), True),
    (dict(batch_sampler=[[0, 1]], sampler=[0]), True),
    (dict(batch_size=None, drop_last=True), True),
    (dict(batch_size=0), True),
    (dict(drop_last=1), True),
    (dict(multiprocessing_context="fork"), True),
    (dict(shuffle=True), False),
    (dict(sampler=[0]), False),
    (dict(batch_sampler=[[0]]), False),
]


@pytest.mark.parametrize(("kwargs", "map_style"), BAD)
def test_argument_errors_match_torch(kwargs, map_style):
    ours = _ds() if map_style else Stream(7)
    theirs = _torch_ds() if map_style else TorchStream()
    with pytest.raises(ValueError) as torch_error:
        torch.utils.data.DataLoader(theirs, **kwargs)
    with pytest.raises(ValueError) as our_error:
        DataLoader(ours, **kwargs)

    # the same message up to the objects' reprs and spacing
    def words(error):
        return "".join(str(error.value).split("=")[0].split())

    assert words(our_error) == words(torch_error)


def test_attributes_are_frozen_after_init():
    loader = DataLoader(_ds(), batch_size=4)
    with pytest.raises(ValueError, match="batch_size attribute should not be set"):
        loader.batch_size = 8
    loader.collate_fn = default_collate  # not frozen in torch either


def test_defaults_as_torch():
    loader = DataLoader(_ds(), batch_size=4, shuffle=True)
    assert isinstance(loader.sampler, RandomSampler)
    assert isinstance(loader.batch_sampler, BatchSampler)
    assert loader.collate_fn is default_collate
    assert isinstance(DataLoader(_ds()).sampler, SequentialSampler)
    assert DataLoader(_ds(), batch_size=None).batch_sampler is None
    assert DataLoader(_ds(), num_workers=2).prefetch_factor == 2


def test_sampler_sets_the_order():
    order = [9, 0, 8, 1, 7]
    loader = DataLoader(_ds(), batch_size=2, sampler=order)
    theirs = torch.utils.data.DataLoader(_torch_ds(), batch_size=2, sampler=order)
    assert _labels(loader) == [y.tolist() for _, y in theirs] == [[9, 0], [8, 1], [7]]
    assert len(loader) == len(theirs) == 3


def test_batch_sampler_and_subset_random_sampler():
    batches = [[3, 1], [0], [5, 4, 2]]
    loader = DataLoader(_ds(), batch_sampler=batches)
    assert _labels(loader) == batches
    assert len(loader) == 3
    sampler = SubsetRandomSampler([2, 4, 6], generator=glassnet.Generator(0))
    got = _labels(DataLoader(_ds(), batch_size=3, sampler=sampler))
    assert len(got) == 1 and sorted(got[0]) == [2, 4, 6]


def test_custom_sampler_on_slow_path():
    loader = DataLoader(_ds(), batch_size=2, sampler=[4, 2], collate_fn=lambda s: [y for _, y in s])
    assert [[int(v) for v in b] for b in loader] == [[4, 2]]


def test_no_batching_with_batch_size_none():
    ours = list(DataLoader(_ds(4), batch_size=None))
    theirs = list(torch.utils.data.DataLoader(_torch_ds(4), batch_size=None))
    assert len(ours) == len(theirs) == 4
    for (x, y), (tx, ty) in zip(ours, theirs):
        assert x.shape == tuple(tx.shape) == (2,)
        assert y.item() == ty.item()
    rows = list(DataLoader([np.zeros(2), np.ones(2)], batch_size=None))
    assert isinstance(rows[0], glassnet.Tensor) and rows[1]._data.tolist() == [1.0, 1.0]


def test_iterable_dataset_batches_and_len():
    for drop_last in (False, True):
        ours = DataLoader(Stream(7), batch_size=3, drop_last=drop_last)
        theirs = torch.utils.data.DataLoader(TorchStream(), batch_size=3, drop_last=drop_last)
        assert [b._data.tolist() for b in ours] == [b.tolist() for b in theirs]
        assert len(ours) == (2 if drop_last else 3)
    assert list(DataLoader(Stream(3), batch_size=None)) == [0, 1, 2]  # ints stay ints, as torch
    with pytest.raises(TypeError, match="no length"):
        len(DataLoader(Stream(3, with_len=False)))
    chained = Stream(2) + Stream(3)
    assert list(chained) == [0, 1, 0, 1, 2] and len(chained) == 5


def test_num_workers_loads_in_process_with_the_same_batches():
    def pass_with(workers):
        g = glassnet.Generator(3)
        return _labels(DataLoader(_ds(), 4, shuffle=True, num_workers=workers, generator=g))

    assert pass_with(2) == pass_with(0)
    calls = []
    loader = DataLoader(_ds(), 5, num_workers=2, worker_init_fn=calls.append, pin_memory=True)
    assert len(list(loader)) == 2 and calls == []  # documented: no worker, no init call
    assert get_worker_info() is None


def test_shuffled_order_is_drawn_from_generator_when_the_iterator_is_created():
    g = glassnet.Generator(7)
    loader = DataLoader(_ds(), batch_size=4, shuffle=True, generator=g)
    it = iter(loader)
    state = g.get_state()
    g.manual_seed(123)  # reseeding after iter() must not change this pass
    expected = np.random.default_rng(7).permutation(10)
    assert np.concatenate([y._data for _, y in it]).tolist() == expected.tolist()
    g.set_state(state)
    second = np.concatenate([y._data for _, y in loader])
    rng = np.random.default_rng(7)
    rng.permutation(10)
    assert second.tolist() == rng.permutation(10).tolist()


def test_len_matches_torch():
    for kwargs in (dict(batch_size=3), dict(batch_size=3, drop_last=True), dict(batch_size=None)):
        assert len(DataLoader(_ds(), **kwargs)) == len(
            torch.utils.data.DataLoader(_torch_ds(), **kwargs)
        )


def test_distributed_sampler_in_a_loader():
    from glassnet.data import DistributedSampler

    sampler = DistributedSampler(_ds(), num_replicas=2, rank=1, shuffle=False)
    assert _labels(DataLoader(_ds(), batch_size=2, sampler=sampler)) == [[1, 3], [5, 7], [9]]
