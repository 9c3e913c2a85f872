"""Where the command line looks for downloaded data (MNIST, Tiny Shakespeare): the folder given
(`--data-dir` / `data.data_dir`) and only there when one is given; otherwise, in order,

1. `$GLASSNET_DATA`,
2. `data/` and `../shared/data/` beside the current directory,
3. `data/` and `../shared/data/` beside the glassnet source tree (a clone used in place),

the same places the tests and tutorials use. Each root may hold the data set's folder
(`mnist/`, `tinyshakespeare/`) or be that folder itself. When nothing is found, one
FileNotFoundError names every path tried.
"""

from __future__ import annotations

import os
from pathlib import Path

# data set -> (its folder under a data root, a file that must be in that folder)
LAYOUT = {
    "mnist": ("mnist", ("train-images-idx3-ubyte.gz", "train-images-idx3-ubyte")),
    "shakespeare": ("tinyshakespeare", ("input.txt",)),
}


# The folder holding glassnet's package (a clone's root): data may sit beside it as in ../shared.
SOURCE_TREE = Path(__file__).resolve().parents[2]


def data_roots(data_dir: str | os.PathLike | None = None) -> list[tuple[Path, str]]:
    """The data roots to try, in order, each with where it came from."""
    if data_dir:
        return [(Path(data_dir), "--data-dir")]
    roots: list[tuple[Path, str]] = []
    env = os.environ.get("GLASSNET_DATA")
    if env:
        roots.append((Path(env), "$GLASSNET_DATA"))
    for base, origin in ((Path.cwd(), "current folder"), (SOURCE_TREE, "glassnet's folder")):
        roots.append((base / "data", origin))
        roots.append((base.parent / "shared" / "data", origin))
    seen: set[Path] = set()
    unique = []
    for path, origin in roots:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            unique.append((path, origin))
    return unique


def find_data(dataset: str, data_dir: str | os.PathLike | None = None) -> Path:
    """The folder holding `dataset` ('mnist' or 'shakespeare') under the first root that has it.

    Raises
    ------
    FileNotFoundError
        naming every folder looked in and the file expected there.

    Example
    -------
    >>> find_data("mnist", "../shared/data")
    PosixPath('../shared/data/mnist')
    """
    if dataset not in LAYOUT:
        raise ValueError(f"find_data: unknown data set {dataset!r} (choose: mnist, shakespeare)")
    sub, files = LAYOUT[dataset]
    tried = []
    for root, origin in data_roots(data_dir):
        for folder in (root / sub, root):
            if any((folder / name).is_file() for name in files):
                return folder
        tried.append(f"{root / sub} ({origin})")
    raise FileNotFoundError(
        f"{dataset}: {files[0]} not found; looked in {', '.join(tried)}; pass --data-dir DIR "
        f"(a folder holding {sub}/) or set GLASSNET_DATA"
    )
