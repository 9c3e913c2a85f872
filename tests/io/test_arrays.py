"""The predict input reader: .npy headers checked before reading, .npz and pickled arrays refused
by name, CSV tables with or without a header line."""

import time
import tracemalloc

import numpy as np
import pytest

from glassnet.io.arrays import ArrayFileError, read_array


def test_npy_and_csv_read_as_float32(tmp_path):
    X = np.arange(12, dtype=np.int64).reshape(3, 4)
    np.save(tmp_path / "x.npy", X)
    np.save(tmp_path / "f.npy", np.asfortranarray(X.astype(np.float64)))
    np.savetxt(tmp_path / "x.csv", X, delimiter=",")
    (tmp_path / "h.csv").write_text("a,b\n1,2\n3,4\n")
    for name in ("x.npy", "f.npy", "x.csv"):
        back = read_array(tmp_path / name)
        assert back.dtype == np.float32
        np.testing.assert_array_equal(back, X)
    np.testing.assert_array_equal(read_array(tmp_path / "h.csv"), [[1, 2], [3, 4]])


def test_a_header_claiming_1e11_rows_is_refused_without_allocating(tmp_path):
    path = tmp_path / "big.npy"
    with path.open("wb") as f:
        header = {"descr": "<f4", "fortran_order": False, "shape": (100_000_000_000, 4)}
        np.lib.format.write_array_header_1_0(f, header)
        f.write(bytes(16 * 1024))
    tracemalloc.start()
    t0 = time.perf_counter()
    with pytest.raises(
        ArrayFileError, match=r"big\.npy: its header says shape \(100000000000, 4\)"
    ):
        read_array(path)
    assert time.perf_counter() - t0 < 1.0 and tracemalloc.get_traced_memory()[1] < 10_000_000
    tracemalloc.stop()


def test_pickled_npz_and_non_numeric_files_are_refused_by_name(tmp_path):
    np.save(tmp_path / "obj.npy", np.array([{"a": 1}, None], dtype=object), allow_pickle=True)
    with pytest.raises(ArrayFileError, match=r"obj\.npy: a pickled \.npy .*never unpickles"):
        read_array(tmp_path / "obj.npy")
    np.savez(tmp_path / "two.npz", a=np.ones(2), b=np.zeros(2))
    with pytest.raises(ArrayFileError, match=r"two\.npz: a \.npz archive"):
        read_array(tmp_path / "two.npz")
    np.save(tmp_path / "s.npy", np.array(["a", "b"]))
    with pytest.raises(ArrayFileError, match="expected numbers, got dtype <U1"):
        read_array(tmp_path / "s.npy")
    (tmp_path / "junk.npy").write_bytes(b"\x93NUMPY\x01\x00\xff\xff{'descr': ")
    with pytest.raises(ArrayFileError, match=r"junk\.npy: not a readable \.npy"):
        read_array(tmp_path / "junk.npy")
    (tmp_path / "ragged.csv").write_text("1,2\n3\n")
    with pytest.raises(ArrayFileError, match=r"ragged\.csv: not a numeric CSV table"):
        read_array(tmp_path / "ragged.csv")
    (tmp_path / "empty.csv").write_text("")
    with pytest.raises(ArrayFileError, match=r"empty\.csv: no rows of numbers"):
        read_array(tmp_path / "empty.csv")
    (tmp_path / "x.txt").write_text("1")
    with pytest.raises(ArrayFileError, match=r"x\.txt: expected a \.npy or \.csv file"):
        read_array(tmp_path / "x.txt")
    with pytest.raises(ArrayFileError, match="input file not found"):
        read_array(tmp_path / "missing.npy")
