import numpy as np
import pytest

import glassnet
from glassnet.data import DataLoader, Dataset, Subset, TensorDataset, default_collate


class Squares(Dataset):
    """A plain (slow-path) dataset: sample i is (float array [i, i], i*i)."""

    def __len__(self):
        return 10

    def __getitem__(self, i):
        return np.array([i, i], dtype=np.float32), i * i


def _ds(n=10):
    return TensorDataset(np.arange(n * 2, dtype=np.float32).reshape(n, 2), np.arange(n))


def test_batches_in_order_cover_everything():
    batches = list(DataLoader(_ds(), batch_size=4))
    assert [len(y) for _, y in batches] == [4, 4, 2]
    assert np.concatenate([y._data for _, y in batches]).tolist() == list(range(10))
    assert len(DataLoader(_ds(), batch_size=4)) == 3


def test_drop_last():
    loader = DataLoader(_ds(), batch_size=4, drop_last=True)
    assert len(loader) == 2
    assert [len(y) for _, y in loader] == [4, 4]


def test_shuffle_is_seeded_and_changes_every_pass():
    def orders(seed):
        loader = DataLoader(_ds(), batch_size=3, shuffle=True, generator=glassnet.Generator(seed))
        return [np.concatenate([y._data for _, y in loader]).tolist() for _ in range(2)]

    first, second = orders(0)
    assert sorted(first) == list(range(10))
    assert first != second  # a new order each pass
    assert orders(0) == [first, second]  # the same seed, the same orders
    assert orders(1)[0] != first


def test_shuffle_uses_global_generator_by_default():
    glassnet.manual_seed(3)
    a = [y._data.tolist() for _, y in DataLoader(_ds(), 10, shuffle=True)]
    glassnet.manual_seed(3)
    b = [y._data.tolist() for _, y in DataLoader(_ds(), 10, shuffle=True)]
    assert a == b


def test_fast_path_matches_sample_by_sample_collate():
    ds = _ds()
    fast = list(DataLoader(ds, 3, shuffle=True, generator=glassnet.Generator(5)))
    slow = list(
        DataLoader(ds, 3, shuffle=True, generator=glassnet.Generator(5), collate_fn=default_collate)
    )
    for (xf, yf), (xs, ys) in zip(fast, slow):
        np.testing.assert_array_equal(xf._data, xs._data)
        np.testing.assert_array_equal(yf._data, ys._data)
        assert xf.dtype == np.float32 and yf.dtype == np.int64


def test_subset_of_tensor_dataset_uses_its_rows():
    sub = Subset(Subset(_ds(), [9, 8, 7, 6, 5]), [4, 0])
    ((x, y),) = list(DataLoader(sub, batch_size=5))
    assert y._data.tolist() == [5, 9]
    np.testing.assert_array_equal(x._data, [[10, 11], [18, 19]])


def test_default_collate_structures():
    x, y = next(iter(DataLoader(Squares(), batch_size=4)))
    assert x.shape == (4, 2) and x.dtype == np.float32
    assert y._data.tolist() == [0, 1, 4, 9] and y.dtype == np.int64
    batch = default_collate([{"a": 1.0, "b": (1, 2)}, {"a": 2.0, "b": (3, 4)}])
    assert batch["a"].dtype == np.float32
    assert [t._data.tolist() for t in batch["b"]] == [[1, 3], [2, 4]]
    with pytest.raises(TypeError, match="cannot batch samples of type object"):
        default_collate([object(), object()])


def test_custom_collate_fn():
    loader = DataLoader(Squares(), batch_size=5, collate_fn=lambda s: [v for _, v in s])
    assert list(loader) == [[0, 1, 4, 9, 16], [25, 36, 49, 64, 81]]


def test_errors():
    with pytest.raises(ValueError, match="batch_size should be a positive integer value"):
        DataLoader(_ds(), batch_size=0)
    with pytest.raises(ValueError, match=r"batch_size=2.5"):
        DataLoader(_ds(), batch_size=2.5)
    with pytest.raises(TypeError, match="must define __getitem__.*got int"):
        DataLoader(5)


def test_against_torch_dataloader_in_order():
    torch = pytest.importorskip("torch")
    X = np.random.default_rng(0).standard_normal((11, 3)).astype(np.float32)
    y = np.arange(11)
    ours = list(DataLoader(TensorDataset(X, y), batch_size=4, drop_last=True))
    theirs = list(
        torch.utils.data.DataLoader(
            torch.utils.data.TensorDataset(torch.tensor(X), torch.tensor(y)),
            batch_size=4,
            drop_last=True,
        )
    )
    assert len(ours) == len(theirs)
    for (xa, ya), (xb, yb) in zip(ours, theirs):
        np.testing.assert_array_equal(xa._data, xb.numpy())
        np.testing.assert_array_equal(ya._data, yb.numpy())


def test_default_collate_keeps_namedtuples():
    from collections import namedtuple

    Pair = namedtuple("Pair", "x y")
    batch = default_collate([Pair(np.zeros(2), 1), Pair(np.ones(2), 2)])
    assert isinstance(batch, Pair) and batch.x.shape == (2, 2)
    assert batch.y._data.tolist() == [1, 2]
