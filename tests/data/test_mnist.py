"""The MNIST IDX reader: the real files (gzip and raw agree), shapes, dtypes, ranges, the
Dataset and DataLoader, GLASSNET_DATA, and a clear error for each kind of broken file."""

import gzip
from pathlib import Path

import numpy as np
import pytest

from glassnet.data import DataLoader
from glassnet.data.mnist import MNIST, IDXFormatError, load_mnist, read_idx
from tests.models._mnist_training import data_root


def _write_idx(path: Path, magic: int, dims: tuple, payload: bytes, compress: bool = False):
    raw = magic.to_bytes(4, "big") + b"".join(d.to_bytes(4, "big") for d in dims) + payload
    if compress:
        path = path.with_name(path.name + ".gz")
        path.write_bytes(gzip.compress(raw))
    else:
        path.write_bytes(raw)
    return path


def test_real_test_set():
    x, y = load_mnist(data_root() / "mnist", train=False)
    assert x.shape == (10000, 1, 28, 28) and x.dtype == np.float32
    assert y.shape == (10000,) and y.dtype == np.int64
    assert x.min() == 0.0 and x.max() == 1.0
    assert set(np.unique(y)) == set(range(10))
    # the well-known class counts of the MNIST test set
    assert np.bincount(y).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


def test_real_training_set_through_dataset_and_loader(monkeypatch):
    monkeypatch.setenv("GLASSNET_DATA", str(data_root()))
    train = MNIST(train=True)  # found through GLASSNET_DATA
    assert len(train) == 60000
    image, label = train[0]
    assert image.shape == (1, 28, 28) and int(label.item()) == 5  # the first training digit
    x, y = next(iter(DataLoader(train, batch_size=32)))
    assert x.shape == (32, 1, 28, 28) and y.shape == (32,)


def test_gzip_and_raw_files_read_the_same(tmp_path):
    pixels = np.arange(2 * 3 * 4, dtype=np.uint8).tobytes()
    raw = _write_idx(tmp_path / "a-idx3-ubyte", 2051, (2, 3, 4), pixels)
    gz = _write_idx(tmp_path / "b-idx3-ubyte", 2051, (2, 3, 4), pixels, compress=True)
    np.testing.assert_array_equal(read_idx(raw), read_idx(gz))
    assert read_idx(raw).shape == (2, 3, 4)


def test_load_mnist_from_raw_files(tmp_path):
    _write_idx(tmp_path / "t10k-images-idx3-ubyte", 2051, (3, 28, 28), bytes(3 * 784))
    _write_idx(tmp_path / "t10k-labels-idx1-ubyte", 2049, (3,), bytes([7, 0, 9]))
    x, y = load_mnist(tmp_path, train=False)
    assert x.shape == (3, 1, 28, 28) and y.tolist() == [7, 0, 9]


def test_bad_magic_number_names_the_file(tmp_path):
    path = _write_idx(tmp_path / "x-idx3-ubyte", 2052, (1, 2, 2), bytes(4))
    with pytest.raises(IDXFormatError, match=r"x-idx3-ubyte has magic number 2052, expected 2051"):
        read_idx(path)


def test_truncated_file_names_the_file(tmp_path):
    path = _write_idx(tmp_path / "y-idx3-ubyte", 2051, (2, 2, 2), bytes(7), compress=True)
    with pytest.raises(IDXFormatError, match=r"y-idx3-ubyte.gz has 23 bytes, but its header"):
        read_idx(path)
    short = tmp_path / "z"
    short.write_bytes(b"\x00\x00")
    with pytest.raises(IDXFormatError, match="too short"):
        read_idx(short)


def test_not_gzip_names_the_file(tmp_path):
    path = tmp_path / "w-idx1-ubyte.gz"
    path.write_bytes(b"not gzip data at all")
    with pytest.raises(IDXFormatError, match=r"cannot read .*w-idx1-ubyte.gz"):
        read_idx(path)


def test_count_mismatch_and_swapped_files(tmp_path):
    _write_idx(tmp_path / "t10k-images-idx3-ubyte", 2051, (3, 28, 28), bytes(3 * 784))
    _write_idx(tmp_path / "t10k-labels-idx1-ubyte", 2049, (2,), bytes([1, 2]))
    with pytest.raises(IDXFormatError, match="has 3 images but .* has 2 labels"):
        load_mnist(tmp_path, train=False)
    _write_idx(tmp_path / "t10k-labels-idx1-ubyte", 2051, (3, 28, 28), bytes(3 * 784))
    with pytest.raises(IDXFormatError, match="holds images, not labels"):
        load_mnist(tmp_path, train=False)


def test_missing_files_and_folders(tmp_path, monkeypatch):
    with pytest.raises(FileNotFoundError, match="t10k-images-idx3-ubyte.gz nor"):
        load_mnist(tmp_path, train=False)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        load_mnist(tmp_path / "nowhere")
    monkeypatch.delenv("GLASSNET_DATA", raising=False)
    with pytest.raises(FileNotFoundError, match="GLASSNET_DATA is not set"):
        load_mnist()


def test_a_gzip_bomb_fails_fast_without_inflating(tmp_path):
    """2 MB of gzip that inflates to 2 GB behind a valid header: read stops one byte past what the
    header allows."""
    import time
    import tracemalloc

    path = tmp_path / "t10k-images-idx3-ubyte.gz"
    header = (2051).to_bytes(4, "big") + b"".join(d.to_bytes(4, "big") for d in (10000, 28, 28))
    zeros = gzip.compress(bytes(1 << 24))  # one gzip member: 16 MiB of zeros in ~16 KB
    path.write_bytes(gzip.compress(header) + zeros * 128)  # members in a row: 2 GiB inflated
    assert path.stat().st_size < 10_000_000
    tracemalloc.start()
    t0 = time.perf_counter()
    with pytest.raises(IDXFormatError, match=r"has more than 7840016 bytes, but its header"):
        read_idx(path)
    assert time.perf_counter() - t0 < 2.0
    assert tracemalloc.get_traced_memory()[1] < 50_000_000
    tracemalloc.stop()


@pytest.mark.parametrize(
    "dims, message",
    [
        ((2**32 - 1, 2**32 - 1, 2**32 - 1), "claims 4294967295 items; expected at most 10000"),
        ((3, 28, 29), "holds images of 28x29, expected 28x28"),
        ((3, 65535, 65535), "holds images of 65535x65535"),
    ],
)
def test_header_dims_are_checked_before_reading(tmp_path, dims, message):
    _write_idx(tmp_path / "t10k-images-idx3-ubyte", 2051, dims, bytes(10), compress=True)
    _write_idx(tmp_path / "t10k-labels-idx1-ubyte", 2049, (3,), bytes(3))
    with pytest.raises(IDXFormatError, match=message):
        load_mnist(tmp_path, train=False)


def test_read_idx_caps_what_a_header_may_claim(tmp_path):
    path = _write_idx(tmp_path / "x-idx3-ubyte", 2051, (2**32 - 1, 2**32 - 1, 2), bytes(8))
    with pytest.raises(IDXFormatError, match="over the 2147483648 limit"):
        read_idx(path)
    gz = tmp_path / "c-idx1-ubyte.gz"
    good = gzip.compress((2049).to_bytes(4, "big") + (4).to_bytes(4, "big") + bytes(4))
    gz.write_bytes(good[:-8] + b"\x00" * 8)  # a damaged CRC
    with pytest.raises(IDXFormatError, match=r"cannot read .*c-idx1-ubyte\.gz"):
        read_idx(gz)
