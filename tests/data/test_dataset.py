import numpy as np
import pytest

import glassnet
from glassnet.data import Dataset, Subset, TensorDataset, random_split


def test_tensor_dataset_rows_and_length():
    X = np.arange(12, dtype=np.float32).reshape(6, 2)
    y = np.arange(6)
    ds = TensorDataset(glassnet.tensor(X), y)
    assert len(ds) == 6
    x3, y3 = ds[3]
    np.testing.assert_array_equal(x3._data, X[3])
    assert y3.item() == 3
    assert ds.tensors[0].dtype == np.float32  # no silent upcast


def test_tensor_dataset_mismatched_lengths():
    with pytest.raises(ValueError, match=r"same first dimension.*\(5, 2\), \(4,\)"):
        TensorDataset(np.zeros((5, 2)), np.zeros(4))
    with pytest.raises(ValueError, match="at least one"):
        TensorDataset()


def test_subset_maps_indices_and_checks_range():
    ds = TensorDataset(np.arange(10))
    sub = Subset(ds, [7, 2, 5])
    assert len(sub) == 3
    assert [sub[i][0].item() for i in range(3)] == [7, 2, 5]
    with pytest.raises(IndexError, match="Subset"):
        Subset(ds, [3, 10])


def test_random_split_counts_fractions_and_reproducible():
    ds = TensorDataset(np.arange(10))
    a, b = random_split(ds, [7, 3], generator=glassnet.Generator(0))
    assert (len(a), len(b)) == (7, 3)
    assert sorted(a.indices.tolist() + b.indices.tolist()) == list(range(10))
    a2, _ = random_split(ds, [7, 3], generator=glassnet.Generator(0))
    np.testing.assert_array_equal(a.indices, a2.indices)
    parts = random_split(ds, [0.5, 0.3, 0.2], generator=glassnet.Generator(1))
    assert [len(p) for p in parts] == [5, 3, 2]
    parts = random_split(TensorDataset(np.arange(11)), [0.5, 0.5])
    assert [len(p) for p in parts] == [6, 5]  # the remainder goes to the first subset


def test_random_split_errors():
    ds = TensorDataset(np.arange(10))
    with pytest.raises(ValueError, match="summing to the dataset's size 10"):
        random_split(ds, [5, 4])
    with pytest.raises(ValueError, match="fractions must be >= 0 and sum to 1"):
        random_split(ds, [0.5, 0.6])


def test_base_dataset_requires_methods():
    with pytest.raises(NotImplementedError, match="__getitem__"):
        Dataset()[0]


def test_concat_dataset_as_torch():
    import torch

    from glassnet.data import ConcatDataset, IterableDataset

    a, b = TensorDataset(np.arange(3)), TensorDataset(np.arange(10, 15))
    both = a + b
    theirs = torch.utils.data.ConcatDataset([list(range(3)), list(range(10, 15))])
    assert isinstance(both, ConcatDataset) and len(both) == len(theirs) == 8
    assert both.cumulative_sizes == theirs.cumulative_sizes
    assert [both[i][0].item() for i in range(-8, 8)] == [theirs[i] for i in range(-8, 8)]
    with pytest.raises(ValueError, match="should not exceed dataset length"):
        both[-9]
    with pytest.raises(IndexError, match="index 8 out of range"):
        both[8]
    with pytest.raises(ValueError, match="should not be an empty iterable"):
        ConcatDataset([])
    with pytest.raises(TypeError, match="does not support IterableDataset"):
        ConcatDataset([IterableDataset()])


def test_stack_dataset():
    from glassnet.data import StackDataset

    a, b = TensorDataset(np.arange(3)), [10, 11, 12]
    assert StackDataset(a, b)[1][1] == 11
    assert StackDataset(x=a, y=b)[2]["y"] == 12 and len(StackDataset(x=a, y=b)) == 3
    with pytest.raises(ValueError, match="Size mismatch"):
        StackDataset(a, [1])
    with pytest.raises(ValueError, match="both types are given"):
        StackDataset(a, y=b)


def test_dataset_and_sampler_are_generic_as_torch():
    from glassnet.data import IterableDataset, Sampler

    class Pairs(Dataset[tuple]):
        def __len__(self):
            return 1

        def __getitem__(self, i):
            return (i, i)

    class Stream(IterableDataset[int]):
        def __iter__(self):
            return iter([1])

    class Order(Sampler[int]):
        def __iter__(self):
            return iter([0])

    assert Pairs()[0] == (0, 0) and list(Stream()) == [1] and list(Order()) == [0]
    with pytest.raises(TypeError, match="Stream must define __len__"):
        len(Stream())
