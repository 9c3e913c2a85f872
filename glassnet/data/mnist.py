"""MNIST from its original IDX files (gzip-compressed or raw), read with NumPy alone.

An IDX file is a big-endian header followed by unsigned bytes:

    images: magic 2051 (0x00000803), count, rows, cols, then count*rows*cols pixels (0..255)
    labels: magic 2049 (0x00000801), count, then count labels (0..9)

The files are looked up under a folder you pass, or under `$GLASSNET_DATA/mnist`; nothing is
downloaded or copied.
"""

from __future__ import annotations

import gzip
import os
import zlib
from pathlib import Path
from typing import Any

import numpy as np

from glassnet.data.dataset import TensorDataset

IMAGES_MAGIC = 2051
LABELS_MAGIC = 2049

_FILES = {
    True: ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    False: ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}


class IDXFormatError(ValueError):
    """A file is not a well-formed IDX file of the expected kind; the message names the file."""


MAX_IDX_BYTES = 1 << 31  # 2 GiB of pixels: far above MNIST's 47 MB, far below a bomb's claim


def _read_idx(f: Any, path: Path, max_count: int | None, item_shape: tuple | None) -> np.ndarray:
    head = f.read(4)
    if len(head) < 4:
        raise IDXFormatError(f"read_idx: {path} is too short ({len(head)} bytes) for an IDX header")
    magic = int.from_bytes(head, "big")
    if magic == IMAGES_MAGIC:
        ndim = 3
    elif magic == LABELS_MAGIC:
        ndim = 1
    else:
        raise IDXFormatError(
            f"read_idx: {path} has magic number {magic}, expected {IMAGES_MAGIC} (images) or "
            f"{LABELS_MAGIC} (labels)"
        )
    raw_dims = f.read(4 * ndim)
    header = 4 + len(raw_dims)
    if len(raw_dims) < 4 * ndim:
        raise IDXFormatError(f"read_idx: {path} ends inside its header ({header} bytes)")
    dims = tuple(int.from_bytes(raw_dims[4 * i : 4 * i + 4], "big") for i in range(ndim))
    if max_count is not None and dims[0] > max_count:
        raise IDXFormatError(
            f"read_idx: {path} claims {dims[0]} items; expected at most {max_count}"
        )
    if item_shape is not None and ndim == 1 + len(item_shape) and dims[1:] != item_shape:
        raise IDXFormatError(
            f"read_idx: {path} holds images of {dims[1]}x{dims[2]}, expected "
            f"{'x'.join(map(str, item_shape))}"
        )
    size = 1
    for d in dims:
        size *= d  # Python integers: no overflow
    if size > MAX_IDX_BYTES:
        raise IDXFormatError(
            f"read_idx: {path}'s header {dims} claims {size} bytes (over the {MAX_IDX_BYTES} limit)"
        )
    expected = header + size
    data = f.read(size + 1)  # decompresses at most one byte more than the header allows
    if len(data) != size:
        got = f"more than {expected}" if len(data) > size else str(header + len(data))
        raise IDXFormatError(
            f"read_idx: {path} has {got} bytes, but its header {dims} says {expected}"
        )
    return np.frombuffer(data, dtype=np.uint8).reshape(dims)


def read_idx(
    path: str | os.PathLike, max_count: int | None = None, item_shape: tuple | None = None
) -> np.ndarray:
    """Read an MNIST IDX file (images, magic 2051, or labels, magic 2049) as a uint8 array.

    The header is read first and its sizes checked (against `max_count` items and images of
    `item_shape` when given, and a 2 GiB limit) before the data is read; a gzip file is
    decompressed as a stream that stops one byte past what the header allows, so a gzip bomb
    fails fast.

    Returns
    -------
    ndarray of uint8, shape (count, rows, cols) for images, (count,) for labels.

    Example
    -------
    >>> labels = read_idx("data/mnist/t10k-labels-idx1-ubyte.gz")
    >>> labels.shape
    (10000,)
    """
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as f:
            return _read_idx(f, path, max_count, item_shape)
    except (OSError, EOFError, zlib.error) as err:  # gzip.BadGzipFile is an OSError
        raise IDXFormatError(f"read_idx: cannot read {path}: {err}") from None


def _find(folder: Path, stem: str) -> Path:
    for name in (stem + ".gz", stem, stem.replace("-idx", ".idx")):
        if (folder / name).is_file():
            return folder / name
    raise FileNotFoundError(f"load_mnist: neither {stem}.gz nor {stem} found in {folder}")


def mnist_folder(root: str | os.PathLike | None = None) -> Path:
    """The folder holding the IDX files: `root` itself or `root/mnist`; by default
    `$GLASSNET_DATA/mnist`."""
    if root is None:
        env = os.environ.get("GLASSNET_DATA")
        if not env:
            raise FileNotFoundError(
                "load_mnist: no root given and GLASSNET_DATA is not set; pass the folder with "
                "the MNIST IDX files or set GLASSNET_DATA to a folder holding mnist/"
            )
        root = Path(env) / "mnist"
    root = Path(root)
    if (root / "mnist").is_dir() and not any(root.glob("*idx*")):
        root = root / "mnist"
    if not root.is_dir():
        raise FileNotFoundError(f"load_mnist: folder {root} does not exist")
    return root


def load_mnist(
    root: str | os.PathLike | None = None, train: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """Load the MNIST training (60,000) or test (10,000) set.

    Returns
    -------
    images : ndarray float32, shape (N, 1, 28, 28), pixel / 255 in [0, 1]
    labels : ndarray int64, shape (N,), digits 0..9

    Example
    -------
    >>> x, y = load_mnist("../shared/data/mnist", train=False)
    >>> x.shape, y.shape
    ((10000, 1, 28, 28), (10000,))
    """
    folder = mnist_folder(root)
    image_stem, label_stem = _FILES[bool(train)]
    image_path, label_path = _find(folder, image_stem), _find(folder, label_stem)
    count = 60000 if train else 10000
    images = read_idx(image_path, max_count=count, item_shape=(28, 28))
    labels = read_idx(label_path, max_count=count, item_shape=(28, 28))
    if images.ndim != 3:
        raise IDXFormatError(f"load_mnist: {image_path} holds labels, not images")
    if labels.ndim != 1:
        raise IDXFormatError(f"load_mnist: {label_path} holds images, not labels")
    if len(images) != len(labels):
        raise IDXFormatError(
            f"load_mnist: {image_path} has {len(images)} images but {label_path} has "
            f"{len(labels)} labels"
        )
    if labels.size and labels.max() > 9:
        raise IDXFormatError(f"load_mnist: {label_path} has a label {labels.max()} outside 0..9")
    x = images.astype(np.float32)[:, None, :, :]
    x *= np.float32(1 / 255)
    return x, labels.astype(np.int64)


class MNIST(TensorDataset):
    """The MNIST digits as a dataset: sample i is (image (1, 28, 28) float32 in [0, 1], label).

    A `TensorDataset`, so `DataLoader` batches it by slicing whole arrays.

    Parameters
    ----------
    root : path, optional
        Folder with the IDX files (or its parent holding mnist/); default `$GLASSNET_DATA/mnist`.
    train : bool
        The 60,000 training images (default) or the 10,000 test images.

    Attributes
    ----------
    data : Tensor (N, 1, 28, 28) float32
    targets : Tensor (N,) int64

    Example
    -------
    >>> test = MNIST("../shared/data/mnist", train=False)
    >>> image, label = test[0]
    """

    classes = [str(i) for i in range(10)]

    def __init__(self, root: str | os.PathLike | None = None, train: bool = True) -> None:
        super().__init__(*load_mnist(root, train))
        self.train = train

    @property
    def data(self):
        return self.tensors[0]

    @property
    def targets(self):
        return self.tensors[1]
