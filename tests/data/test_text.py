"""Character-level text data: vocabulary, encode/decode, splits, batches, loading and errors."""

import os
from pathlib import Path

import numpy as np
import pytest

import glassnet
from glassnet.data import Dataset
from glassnet.data.text import CharDataset, CharVocab, char_splits, load_text

REPO = Path(__file__).resolve().parents[2]
DATA = Path(os.environ.get("GLASSNET_DATA", REPO.parent / "shared" / "data"))
SHAKESPEARE = DATA / "tinyshakespeare" / "input.txt"


def test_vocab_encode_decode_roundtrip():
    vocab = CharVocab("hello world")
    assert vocab.itos == [" ", "d", "e", "h", "l", "o", "r", "w"]
    assert len(vocab) == vocab.vocab_size == 8
    ids = vocab.encode("low hello")
    assert ids.dtype == np.int64
    assert ids.tolist() == [4, 5, 7, 0, 3, 2, 4, 4, 5]
    assert vocab.decode(ids) == "low hello"
    assert vocab.decode(glassnet.tensor(ids)) == "low hello"


def test_vocab_errors():
    with pytest.raises(ValueError, match="CharVocab: the text is empty"):
        CharVocab("")
    vocab = CharVocab("abc")
    with pytest.raises(ValueError, match="character 'z' is not in the vocabulary"):
        vocab.encode("abz")
    with pytest.raises(ValueError, match=r"ids must be in \[0, 3\)"):
        vocab.decode([0, 3])


def test_dataset_windows_are_shifted_by_one():
    ids = np.arange(10)
    ds = CharDataset(ids, block_size=4)
    assert isinstance(ds, Dataset)
    assert len(ds) == 6
    x, y = ds[2]
    assert x.tolist() == [2, 3, 4, 5] and y.tolist() == [3, 4, 5, 6]
    x, y = ds[-1]
    assert x.tolist() == [5, 6, 7, 8] and y.tolist() == [6, 7, 8, 9]
    with pytest.raises(IndexError, match="index 6 is out of range for 6 windows"):
        ds[6]


def test_get_batch_is_seeded_and_aligned():
    ids = np.random.default_rng(0).integers(0, 50, size=1000)
    ds = CharDataset(ids, block_size=8)
    x1, y1 = ds.get_batch(16, generator=glassnet.Generator(7))
    x2, y2 = ds.get_batch(16, generator=glassnet.Generator(7))
    x3, _ = ds.get_batch(16, generator=glassnet.Generator(8))
    assert x1.shape == y1.shape == (16, 8) and x1.dtype == np.int64
    assert np.array_equal(x1._data, x2._data) and np.array_equal(y1._data, y2._data)
    assert not np.array_equal(x1._data, x3._data)
    assert np.array_equal(x1._data[:, 1:], y1._data[:, :-1])
    # every row is a real window of the text
    for row_x, row_y in zip(x1._data, y1._data):
        starts = np.flatnonzero(ids[:-8] == row_x[0])
        assert any(np.array_equal(ids[s : s + 9], np.r_[row_x, row_y[-1]]) for s in starts)


def test_dataset_errors():
    with pytest.raises(ValueError, match="needs more than block_size=8"):
        CharDataset(np.arange(8), block_size=8)
    with pytest.raises(ValueError, match="block_size must be at least 1"):
        CharDataset(np.arange(8), block_size=0)
    with pytest.raises(ValueError, match="ids must be a 1-D integer array"):
        CharDataset(np.zeros((3, 4), dtype=np.int64), block_size=2)
    with pytest.raises(ValueError, match="batch_size must be positive"):
        CharDataset(np.arange(8), block_size=2).get_batch(0)


def test_char_splits_share_one_vocabulary():
    text = "abcdefghij" * 10 + "xyz"
    train, val = char_splits(text, block_size=4, val_fraction=0.2)
    assert train.vocab is val.vocab and train.vocab.vocab_size == 13
    assert len(train.ids) == 82 and len(val.ids) == 21
    assert train.vocab.decode(np.r_[train.ids, val.ids]) == text
    with pytest.raises(ValueError, match=r"val_fraction must be in \(0, 1\)"):
        char_splits(text, 4, val_fraction=1.0)


def test_load_text_errors(tmp_path, monkeypatch):
    monkeypatch.delenv("GLASSNET_DATA", raising=False)
    with pytest.raises(FileNotFoundError, match="GLASSNET_DATA is not set"):
        load_text()
    monkeypatch.setenv("GLASSNET_DATA", str(tmp_path))
    with pytest.raises(FileNotFoundError, match="no text file at"):
        load_text()
    (tmp_path / "tinyshakespeare").mkdir()
    (tmp_path / "tinyshakespeare" / "input.txt").write_text("to be or not", encoding="utf-8")
    assert load_text() == "to be or not"


@pytest.mark.skipif(not SHAKESPEARE.is_file(), reason="Tiny Shakespeare not found")
def test_tiny_shakespeare():
    text = load_text(SHAKESPEARE)
    train, val = char_splits(text, block_size=64)
    assert len(text) == 1115394
    assert train.vocab.vocab_size == 65
    assert len(train.ids) == 1003854
    assert train.vocab.decode(train.ids[:14]) == "First Citizen:"
    x, y = train.get_batch(4, generator=glassnet.Generator(0))
    assert x.shape == (4, 64)
