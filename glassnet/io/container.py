"""The safetensors container: lay it out, and read it only after checking its header.

A safetensors file is

    8 bytes      N, the header's length (unsigned 64-bit, little-endian)
    N bytes      a JSON object: {"__metadata__": {str: str}, name: {"dtype": "F32",
                 "shape": [2, 3], "data_offsets": [begin, end]}, ...}, padded with spaces
    the rest     the data area: every array's bytes (C order, little-endian), back to back

This module knows nothing of what the arrays mean (see `glassnet.io.checkpoint`). Reading checks,
before one array byte is read or allocated: the length N against the file size, the header as a
JSON object without duplicate keys, every entry's dtype, shape and offsets, the offsets in order
and covering exactly the data area, each entry's size as dtype x shape. The arrays are then read
in bounds (or memory-mapped) while the SHA-256 of the data area is computed.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np


class CheckpointError(ValueError):
    """A checkpoint or saved file that is missing, damaged, hostile, or does not fit what it is
    loaded into; the message names the file and what is wrong."""


# safetensors dtype name -> (NumPy dtype or None when NumPy has no such type, bytes per element)
DTYPES: dict[str, tuple[Any, int]] = {
    "BOOL": (np.dtype(np.bool_), 1),
    "U8": (np.dtype("<u1"), 1),
    "I8": (np.dtype("<i1"), 1),
    "U16": (np.dtype("<u2"), 2),
    "I16": (np.dtype("<i2"), 2),
    "U32": (np.dtype("<u4"), 4),
    "I32": (np.dtype("<i4"), 4),
    "U64": (np.dtype("<u8"), 8),
    "I64": (np.dtype("<i8"), 8),
    "F16": (np.dtype("<f2"), 2),
    "F32": (np.dtype("<f4"), 4),
    "F64": (np.dtype("<f8"), 8),
    "BF16": (None, 2),  # read as float32 (exact); NumPy has no bfloat16
    "F8_E4M3": (None, 1),
    "F8_E5M2": (None, 1),
}
NAMES = {dt: name for name, (dt, _) in DTYPES.items() if dt is not None}
MAX_HEADER = 100_000_000  # bytes; what the safetensors library itself accepts
MAX_NDIM = 64
_CHUNK = 1 << 24


@dataclass
class Entry:
    """One array of the file: its name, safetensors dtype, shape and place in the data area."""

    name: str
    dtype: str
    shape: tuple[int, ...]
    begin: int
    end: int


@dataclass
class Header:
    """A checked header: entries in data order, the metadata, and where the data area lies."""

    entries: list[Entry]
    metadata: dict[str, str] | None
    data_start: int  # from the start of the container
    data_size: int


# ----------------------------------------------------------------------------- writing
def dtype_name(array: np.ndarray, where: str) -> str:
    """The safetensors name of `array`'s dtype, or a TypeError naming `where`."""
    name = NAMES.get(array.dtype.newbyteorder("<") if array.dtype.byteorder == ">" else array.dtype)
    if name is None:
        raise TypeError(
            f"{where}: arrays of dtype {array.dtype} cannot be stored (safetensors holds bool, "
            "int8-64, uint8-64 and float16/32/64)"
        )
    return name


def _little_endian(array: np.ndarray) -> np.ndarray:
    """`array` as C-contiguous, little-endian bytes (no copy when it already is)."""
    if array.dtype.byteorder == ">":
        array = array.astype(array.dtype.newbyteorder("<"))
    if not array.flags.c_contiguous:
        array = array.copy(order="C")  # (np.ascontiguousarray turns a 0-d array into shape (1,))
    return array


def _bytes_of(array: np.ndarray) -> memoryview:
    return memoryview(array.reshape(-1).view(np.uint8))


def data_sha256(arrays: list[tuple[str, np.ndarray]]) -> str:
    """SHA-256 (hex) of the data area the arrays will make, in the order given."""
    h = hashlib.sha256()
    for _, a in arrays:
        h.update(_bytes_of(a))
    return h.hexdigest()


def prepare(arrays: list[tuple[str, np.ndarray]]) -> list[tuple[str, np.ndarray]]:
    """The arrays in file order: little-endian, contiguous, wider items first (so every array
    starts at a multiple of its item size when the data area starts at a multiple of 8)."""
    ready = [(name, _little_endian(a)) for name, a in arrays]
    return sorted(ready, key=lambda item: -item[1].dtype.itemsize)


def build_header(arrays: list[tuple[str, np.ndarray]], metadata: dict[str, str]) -> bytes:
    """The 8-byte length and the JSON header (ASCII, padded with spaces to a multiple of 8)."""
    header: dict[str, Any] = {"__metadata__": metadata}
    offset = 0
    for name, a in arrays:
        header[name] = {
            "dtype": dtype_name(a, name),
            "shape": list(a.shape),
            "data_offsets": [offset, offset + a.nbytes],
        }
        offset += a.nbytes
    text = json.dumps(header, separators=(",", ":"), allow_nan=False).encode("ascii")
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text


def index_of(arrays: list[tuple[str, np.ndarray]]) -> dict[str, list]:
    """{name: [dtype, shape, [begin, end]]} as `build_header` lays the arrays out."""
    index, offset = {}, 0
    for name, a in arrays:
        index[name] = [dtype_name(a, name), list(a.shape), [offset, offset + a.nbytes]]
        offset += a.nbytes
    return index


def write_to(f: BinaryIO, header: bytes, arrays: list[tuple[str, np.ndarray]]) -> None:
    f.write(header)
    for _, a in arrays:
        if a.nbytes:
            f.write(_bytes_of(a))


# ----------------------------------------------------------------------------- reading
@contextmanager
def open_source(source: Any) -> Iterator[tuple[BinaryIO, int, str, Path | None]]:
    """(binary file positioned at the container's start, bytes from there to the end, the name
    for messages, the path when it is a file on disk) for a path or a readable file object."""
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        try:
            f = path.open("rb")
        except FileNotFoundError:
            raise CheckpointError(f"{path}: file not found") from None
        except IsADirectoryError:
            raise CheckpointError(f"{path}: is a folder, not a file") from None
        except OSError as e:
            raise CheckpointError(f"{path}: cannot open ({e.strerror or e})") from None
        with f:
            yield f, os.fstat(f.fileno()).st_size, str(path), path
        return
    if not hasattr(source, "read"):
        raise TypeError(f"expected a path or a binary file object, got {type(source).__name__}")
    name = str(getattr(source, "name", "<file object>"))
    try:
        seekable = source.seekable()
    except (AttributeError, OSError, ValueError):
        seekable = False
    if seekable:
        start = source.tell()
        size = source.seek(0, os.SEEK_END) - start
        source.seek(start)
        yield source, size, name, None
        return
    import io

    data = source.read()
    if not isinstance(data, bytes | bytearray):
        raise TypeError(f"{name}: expected a binary file object (opened with 'rb')")
    yield io.BytesIO(data), len(data), name, None


def _read_exactly(f: BinaryIO, n: int, where: str, what: str) -> bytes:
    data = f.read(n)
    if not isinstance(data, bytes | bytearray):
        raise TypeError(f"{where}: expected a binary file object (opened with 'rb')")
    if len(data) != n:
        raise CheckpointError(f"{where}: the file ends inside {what} (truncated)")
    return bytes(data)


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        seen = set()
        for k, _ in pairs:
            if k in seen:
                raise ValueError(f"duplicate key {k!r}")
            seen.add(k)
    return out


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def parse_json(text: bytes | str, where: str, what: str, allow_nan: bool = False) -> Any:
    """Strict JSON: UTF-8, no duplicate keys, no NaN/Infinity (unless `allow_nan`), bounded
    nesting; any failure is a CheckpointError naming `where` and `what`."""
    try:
        if isinstance(text, bytes):
            text = text.decode("utf-8")
        return json.loads(
            text,
            object_pairs_hook=_no_duplicates,
            **({} if allow_nan else {"parse_constant": _reject_constant}),
        )
    except UnicodeDecodeError:
        raise CheckpointError(f"{where}: {what} is not UTF-8 text") from None
    except RecursionError:
        raise CheckpointError(f"{where}: {what} is nested too deeply") from None
    except ValueError as e:  # JSONDecodeError, a duplicate key, an integer of 4300+ digits
        raise CheckpointError(f"{where}: {what} is not valid JSON ({e})") from None


def _is_int(x: Any) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def _entry(name: str, spec: Any, where: str) -> Entry:
    at = f"{where}: header entry {name!r}"
    if not isinstance(spec, dict) or set(spec) != {"dtype", "shape", "data_offsets"}:
        raise CheckpointError(f"{at} must have exactly dtype, shape and data_offsets")
    dtype, shape, offsets = spec["dtype"], spec["shape"], spec["data_offsets"]
    if not isinstance(dtype, str) or dtype not in DTYPES:
        raise CheckpointError(f"{at}: unknown dtype {dtype!r}")
    if not isinstance(shape, list) or len(shape) > MAX_NDIM:
        raise CheckpointError(f"{at}: shape must be a list of at most {MAX_NDIM} sizes")
    if not all(_is_int(s) and s >= 0 for s in shape):
        raise CheckpointError(f"{at}: shape {shape} must hold non-negative integers")
    if not (isinstance(offsets, list) and len(offsets) == 2 and all(map(_is_int, offsets))):
        raise CheckpointError(f"{at}: data_offsets must be [begin, end], got {offsets!r}")
    begin, end = offsets
    if not 0 <= begin <= end:
        raise CheckpointError(f"{at}: data_offsets {offsets} are not 0 <= begin <= end")
    count = 1
    for s in shape:
        count *= s
    if (end - begin) != count * DTYPES[dtype][1]:
        raise CheckpointError(
            f"{at}: {dtype} x {shape} needs {count * DTYPES[dtype][1]} bytes, but data_offsets "
            f"{offsets} span {end - begin}"
        )
    return Entry(name, dtype, tuple(shape), begin, end)


def _refuse_pickle(first: bytes, where: str) -> None:
    """A clear error for PyTorch's pickle formats (a zip archive, or a bare pickle stream)."""
    if first[:4] == b"PK\x03\x04" or (first[0] == 0x80 and 2 <= first[1] <= 5):
        raise CheckpointError(
            f"{where}: a PyTorch pickle file (torch.save's format); glassnet never unpickles "
            "(unpickling can run any code). Convert it where you trust it: "
            "safetensors.torch.save_file(torch.load(path), 'weights.safetensors')"
        )


def read_header(f: BinaryIO, size: int, where: str) -> Header:
    """Read and check the header (see the module docstring); reads no array data."""
    if size < 8:
        raise CheckpointError(f"{where}: {size} bytes, too short for a safetensors file")
    first = _read_exactly(f, 8, where, "the header length")
    (n,) = struct.unpack("<Q", first)
    if n > min(MAX_HEADER, size - 8):
        _refuse_pickle(first, where)
        raise CheckpointError(
            f"{where}: header length {n} exceeds the file ({size} bytes)"
            if n > size - 8
            else f"{where}: header length {n} exceeds the limit of {MAX_HEADER} bytes"
        )
    raw = _read_exactly(f, n, where, "the header")
    if not raw.lstrip().startswith(b"{"):
        _refuse_pickle(first, where)
        raise CheckpointError(f"{where}: not a safetensors file (its header is not a JSON object)")
    header = parse_json(raw, where, "the header")
    if not isinstance(header, dict):
        raise CheckpointError(f"{where}: the header is not a JSON object")
    metadata = header.pop("__metadata__", None)
    if metadata is not None and not (
        isinstance(metadata, dict)
        and all(isinstance(k, str) and isinstance(v, str) for k, v in metadata.items())
    ):
        raise CheckpointError(f"{where}: __metadata__ must map strings to strings")
    entries = sorted(
        (_entry(name, spec, where) for name, spec in header.items()),
        key=lambda e: (e.begin, e.end),
    )
    data_size = size - 8 - n
    position = 0
    for e in entries:
        if e.begin != position:
            problem = "overlaps the one before" if e.begin < position else "leaves a gap before it"
            raise CheckpointError(
                f"{where}: array {e.name!r} at bytes {e.begin}..{e.end} {problem} "
                "(data_offsets must tile the data area)"
            )
        position = e.end
    if position != data_size:
        raise CheckpointError(
            f"{where}: the header describes {position} bytes of arrays but the file holds "
            f"{data_size} ({'truncated' if position > data_size else 'extra bytes at its end'})"
        )
    return Header(entries, metadata, 8 + n, data_size)


def _as_numpy(raw: np.ndarray, e: Entry, where: str) -> np.ndarray:
    """Bytes of one entry -> its array (BF16 widened exactly to float32)."""
    dtype = DTYPES[e.dtype][0]
    if e.dtype == "BOOL":
        return (raw != 0).reshape(e.shape)  # any byte but 0 is True (never a bool of value 2)
    if dtype is not None:
        return raw.view(dtype).reshape(e.shape)
    if e.dtype == "BF16":
        wide = np.zeros(raw.size // 2, dtype="<u4")
        wide[:] = raw.view("<u2")
        return (wide << 16).view(np.float32).reshape(e.shape)
    raise CheckpointError(f"{where}: array {e.name!r} has dtype {e.dtype}, which NumPy cannot hold")


def read_arrays(
    f: BinaryIO, header: Header, where: str, mmap_path: Path | None = None
) -> tuple[dict[str, np.ndarray], str]:
    """({name: array}, SHA-256 hex of the data area). `f` must be just past the header.

    With `mmap_path` the arrays are copy-on-write views of the file mapped in memory (writes
    never reach the file); otherwise each is read into its own buffer. Allocation is bounded by
    the file's size, which `read_header` checked.
    """
    h = hashlib.sha256()
    arrays: dict[str, np.ndarray] = {}
    if mmap_path is not None and header.data_size:
        mapped = np.memmap(
            mmap_path, dtype=np.uint8, mode="c", offset=header.data_start, shape=header.data_size
        )
        for i in range(0, header.data_size, _CHUNK):
            h.update(mapped[i : i + _CHUNK])
        for e in header.entries:
            arrays[e.name] = _as_numpy(mapped[e.begin : e.end], e, where)
        return arrays, h.hexdigest()
    for e in header.entries:
        raw = np.empty(e.end - e.begin, dtype=np.uint8)
        view = memoryview(raw)
        got = 0
        while got < len(raw):
            n = f.readinto(view[got:]) if hasattr(f, "readinto") else None
            if n is None:  # no readinto: read a bounded chunk
                chunk = f.read(min(len(raw) - got, _CHUNK))
                n = len(chunk)
                raw[got : got + n] = np.frombuffer(chunk, dtype=np.uint8)
            if not n:
                raise CheckpointError(f"{where}: the file ends inside array {e.name!r} (truncated)")
            got += n
        h.update(view)
        arrays[e.name] = _as_numpy(raw, e, where)
    return arrays, h.hexdigest()
