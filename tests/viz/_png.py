"""Check that a file is a real PNG of a sensible size (read from its IHDR header)."""

import struct
from pathlib import Path


def png_size(path) -> tuple[int, int]:
    data = Path(path).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def assert_png(path, min_size=(300, 200), max_size=(3000, 2500)) -> None:
    w, h = png_size(path)
    assert min_size[0] <= w <= max_size[0] and min_size[1] <= h <= max_size[1], (path, w, h)
    assert Path(path).stat().st_size > 5000, f"{path} is suspiciously small"
