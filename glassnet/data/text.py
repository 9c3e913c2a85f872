"""Character-level text: a vocabulary of the characters in a corpus, and next-character datasets.

A language model reads a block of `block_size` characters x = text[i : i + T] and learns to
predict, at every position, the character that follows: y = text[i + 1 : i + T + 1].

    vocab = CharVocab(text)                  # the sorted set of characters
    train, val = char_splits(text, 64)       # first 90% / last 10% of the text, encoded
    x, y = train.get_batch(32, generator=g)  # (32, 64) int64 each, y is x shifted by one
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from glassnet.data.dataset import Dataset
from glassnet.random import rng_of
from glassnet.tensor import Tensor


def load_text(path: str | os.PathLike | None = None) -> str:
    """Read a UTF-8 text corpus; without `path`, `$GLASSNET_DATA/tinyshakespeare/input.txt`.

    Example
    -------
    >>> text = load_text("../shared/data/tinyshakespeare/input.txt")
    """
    if path is None:
        root = os.environ.get("GLASSNET_DATA")
        if not root:
            raise FileNotFoundError(
                "load_text: no path given and GLASSNET_DATA is not set; pass the path of a text "
                "file or set GLASSNET_DATA to a folder holding tinyshakespeare/input.txt"
            )
        path = Path(root) / "tinyshakespeare" / "input.txt"
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"load_text: no text file at {str(path)!r}")
    return path.read_text(encoding="utf-8")


class CharVocab:
    """The characters of a text, sorted, each numbered: encode str -> ids, decode ids -> str.

    Example
    -------
    >>> vocab = CharVocab("hello")
    >>> vocab.itos, vocab.encode("hole").tolist()
    (['e', 'h', 'l', 'o'], [1, 3, 2, 0])
    """

    def __init__(self, text: str) -> None:
        if not text:
            raise ValueError("CharVocab: the text is empty, there are no characters to number")
        self.itos: list[str] = sorted(set(text))
        self.stoi: dict[str, int] = {ch: i for i, ch in enumerate(self.itos)}

    def __len__(self) -> int:
        return len(self.itos)

    @property
    def vocab_size(self) -> int:
        return len(self.itos)

    def encode(self, text: str) -> np.ndarray:
        """The ids of the characters of `text`, an int64 array of len(text)."""
        try:
            return np.fromiter((self.stoi[ch] for ch in text), dtype=np.int64, count=len(text))
        except KeyError as err:
            raise ValueError(
                f"CharVocab.encode: character {err.args[0]!r} is not in the vocabulary "
                f"({len(self.itos)} characters)"
            ) from None

    def decode(self, ids: Any) -> str:
        """The text of a sequence of ids (a list, an array or a 1-D integer tensor)."""
        arr = np.asarray(ids._data if isinstance(ids, Tensor) else ids).reshape(-1)
        if arr.size and (arr.min() < 0 or arr.max() >= len(self.itos)):
            raise ValueError(
                f"CharVocab.decode: ids must be in [0, {len(self.itos)}), "
                f"got values from {arr.min()} to {arr.max()}"
            )
        return "".join(self.itos[i] for i in arr.tolist())


class CharDataset(Dataset):
    """Every window of an encoded text: sample i is (ids[i : i+T], ids[i+1 : i+T+1]).

    Parameters
    ----------
    ids : array_like of int
        The encoded text (1-D).
    block_size : int
        T, the context length.
    vocab : CharVocab, optional
        Kept for decoding; `char_splits` sets it.

    Shape
    -----
    A sample is (x, y), each (T,) int64; `get_batch(B)` gives (B, T) each.
    """

    def __init__(self, ids: Any, block_size: int, vocab: CharVocab | None = None) -> None:
        self.ids = np.asarray(ids._data if isinstance(ids, Tensor) else ids)
        if self.ids.ndim != 1 or self.ids.dtype.kind not in "iu":
            raise ValueError(
                f"CharDataset: ids must be a 1-D integer array, got shape {self.ids.shape} "
                f"and dtype {self.ids.dtype}"
            )
        if block_size < 1:
            raise ValueError(f"CharDataset: block_size must be at least 1, got {block_size}")
        if len(self.ids) <= block_size:
            raise ValueError(
                f"CharDataset: the text has {len(self.ids)} characters, it needs more than "
                f"block_size={block_size} to make one (x, y) pair"
            )
        self.ids = self.ids.astype(np.int64, copy=False)
        self.block_size = block_size
        self.vocab = vocab

    def __len__(self) -> int:
        return len(self.ids) - self.block_size

    def __getitem__(self, index: int) -> tuple[Tensor, Tensor]:
        n = len(self)
        if not -n <= index < n:
            raise IndexError(f"CharDataset: index {index} is out of range for {n} windows")
        i = index % n
        chunk = self.ids[i : i + self.block_size + 1]
        return Tensor._wrap(chunk[:-1]), Tensor._wrap(chunk[1:])

    def get_batch(self, batch_size: int, generator: Any = None) -> tuple[Tensor, Tensor]:
        """`batch_size` windows at uniformly random offsets (as nanoGPT's get_batch).

        Offsets are drawn from `generator` (glassnet or NumPy Generator; the global one if None),
        so a seeded generator gives the same data order every run.
        """
        if batch_size < 1:
            raise ValueError(
                f"CharDataset.get_batch: batch_size must be positive, got {batch_size}"
            )
        starts = rng_of(generator).integers(0, len(self), size=batch_size)  # (B,)
        rows = starts[:, None] + np.arange(self.block_size + 1)  # (B, T + 1)
        chunk = self.ids[rows]
        x = np.ascontiguousarray(chunk[:, :-1])  # (B, T)
        y = np.ascontiguousarray(chunk[:, 1:])  # (B, T), x shifted by one
        return Tensor._wrap(x), Tensor._wrap(y)


def char_splits(
    text: str, block_size: int, val_fraction: float = 0.1
) -> tuple[CharDataset, CharDataset]:
    """A train and a validation CharDataset: the first (1 - val_fraction) of the text and the
    rest, both encoded with one vocabulary of the whole text (found as `train.vocab`).

    Example
    -------
    >>> train, val = char_splits(load_text(), block_size=64)
    >>> train.vocab.vocab_size
    65
    """
    if not 0.0 < val_fraction < 1.0:
        raise ValueError(f"char_splits: val_fraction must be in (0, 1), got {val_fraction}")
    vocab = CharVocab(text)
    ids = vocab.encode(text)
    n_train = int(len(ids) * (1 - val_fraction))
    return (
        CharDataset(ids[:n_train], block_size, vocab),
        CharDataset(ids[n_train:], block_size, vocab),
    )
