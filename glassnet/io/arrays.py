"""Read a user's array file (what `glassnet predict` takes) with every size checked first.

.npy   the header (magic, version, dtype, shape, order) is parsed and checked before any data
       is read: numbers only (bool, int, uint, float), and dtype x shape must equal the bytes
       the file holds, so a header claiming 1e11 rows is refused without allocating them. A
       pickled (object dtype) array is refused by name: glassnet never unpickles.
.npz   refused by name (an archive of several arrays; save one with `np.save`).
.csv   comma-separated numbers, rectangular, with an optional header line.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import numpy as np

__all__ = ["ArrayFileError", "read_array"]


class ArrayFileError(ValueError):
    """An input array file that cannot be read as numbers; the message names the file."""


def _read_npy(path: Path) -> np.ndarray:
    fmt = np.lib.format
    size = path.stat().st_size
    with path.open("rb") as f:
        try:
            version = fmt.read_magic(f)
            if version == (1, 0):
                shape, fortran, dtype = fmt.read_array_header_1_0(f)
            elif version == (2, 0):
                shape, fortran, dtype = fmt.read_array_header_2_0(f)
            else:
                raise ValueError(f"unsupported .npy format version {version}")
        except (ValueError, SyntaxError, TypeError, EOFError) as e:
            raise ArrayFileError(f"{path}: not a readable .npy file ({e})") from None
        if dtype.hasobject:
            raise ArrayFileError(
                f"{path}: a pickled .npy (dtype {dtype} holds Python objects); glassnet never "
                "unpickles a file (it can run code). Save plain numbers: np.save(path, "
                "x.astype(np.float32))"
            )
        if dtype.names is not None or dtype.kind not in "biuf":
            raise ArrayFileError(f"{path}: expected numbers, got dtype {dtype}")
        count = 1
        for n in shape:
            count *= n
        needed, held = count * dtype.itemsize, size - f.tell()
        if needed != held:
            raise ArrayFileError(
                f"{path}: its header says shape {shape} of {dtype} ({needed} bytes), but the "
                f"file holds {held} bytes of data"
            )
        data = np.fromfile(f, dtype=dtype, count=count)
    if data.size != count:
        raise ArrayFileError(f"{path}: the file ended early (truncated)")
    return data.reshape(shape, order="F" if fortran else "C")


def _is_number(field: str) -> bool:
    try:
        float(field)
    except ValueError:
        return False
    return True


def _read_csv(path: Path) -> np.ndarray:
    with path.open(encoding="utf-8", errors="replace") as f:
        first = f.readline(1 << 20)
    header = bool(first.strip()) and not all(_is_number(x) for x in first.split(","))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # an empty file warns; it is refused below
        try:
            X = np.loadtxt(path, delimiter=",", ndmin=2, skiprows=int(header), encoding="utf-8")
        except ValueError as e:  # ragged rows, words, bytes that are not UTF-8
            raise ArrayFileError(f"{path}: not a numeric CSV table ({e})") from None
    if X.size == 0:
        raise ArrayFileError(f"{path}: no rows of numbers")
    return X


def read_array(path: str | os.PathLike) -> np.ndarray:
    """The numbers in a `.npy` or `.csv` file, as float32 (see the module docstring).

    Raises `ArrayFileError` naming the file for anything else.

    Example
    -------
    >>> X = read_array("inputs.npy")   # (N, features) float32
    """
    path = Path(path)
    if not path.is_file():
        raise ArrayFileError(f"input file not found: {path}")
    suffix = path.suffix.lower()
    if suffix == ".npz":
        raise ArrayFileError(
            f"{path}: a .npz archive (several arrays); give one array as .npy (np.save) or .csv"
        )
    try:
        if suffix == ".npy":
            X = _read_npy(path)
        elif suffix == ".csv":
            X = _read_csv(path)
        else:
            raise ArrayFileError(f"{path}: expected a .npy or .csv file")
    except OSError as e:
        raise ArrayFileError(f"{path}: cannot read ({e.strerror or e})") from None
    return X.astype(np.float32)
