"""Atomic file writes: one temp file in the target's folder, fsync, `os.replace`, fsync of the
folder; temp files left by killed saves are removed by the next save of the same file."""

from __future__ import annotations

import glob
import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

__all__ = ["remove_stale_temps", "write_atomic"]

_ACTIVE_TEMPS: set[Path] = set()  # temp files this process is writing right now


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # someone else's process (or no way to tell): leave its file alone
    return True


def remove_stale_temps(path: Path) -> list[Path]:
    """Delete `.NAME.*.tmp` files beside `path` left by saves that were killed. Returns them.

    A temp file is named `.NAME.<pid>-<random>.tmp`; it is stale unless this process is writing
    it now or another live process with that pid might be. (Names from older glassnet versions,
    without a pid, are always stale.)
    """
    removed = []
    for tmp in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
        if tmp in _ACTIVE_TEMPS:
            continue
        tag = tmp.name[len(path.name) + 2 : -len(".tmp")]
        pid = tag.split("-", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and _pid_alive(int(pid)):
            continue
        try:
            tmp.unlink()
            removed.append(tmp)
        except OSError:
            pass
    return removed


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return  # (a platform that cannot open folders, e.g. Windows)
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_atomic(path: Path, write: Callable[[BinaryIO], None]) -> None:
    """Write `path` through one temp file in its folder: write, flush, fsync, `os.replace`,
    fsync the folder. A crash at any moment leaves the old file or the new one, never a mix; a
    temp file left by a killed save is removed by the next save of the same path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temps(path)
    tmp = path.parent / f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp"
    _ACTIVE_TEMPS.add(tmp)
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
        _fsync_dir(path.parent)
    except BaseException:
        try:
            tmp.unlink()
        except OSError:
            pass
        raise
    finally:
        _ACTIVE_TEMPS.discard(tmp)
