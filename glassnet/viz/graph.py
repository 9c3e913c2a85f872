"""Draw the computation graph behind a tensor: Graphviz DOT text, and an image when Graphviz's
`dot` program is installed.

Ops are ellipses labelled with their name and output shape (hover for the formula in SVG),
parameters are boxes, other inputs notes; arrows follow the forward pass. The DOT text comes
from `glassnet.autograd.graph_dot`, which reads the graph without running backward.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import warnings
from collections.abc import Mapping
from pathlib import Path

from glassnet.autograd.backward_trace import graph_dot
from glassnet.tensor import Tensor

IMAGE_FORMATS = (".png", ".svg", ".pdf")


def draw_graph(
    loss: Tensor, path: str | os.PathLike, names: Mapping[str, Tensor] | None = None
) -> list[Path]:
    """Write the graph that computed `loss` as `<path>.dot`, and as an image when `dot` exists.

    Parameters
    ----------
    loss : Tensor
        The output whose graph to draw (usually a scalar loss; nothing is run backward).
    path : str or PathLike
        Where to write. Its suffix picks the image format: '.png', '.svg' or '.pdf'; no suffix
        or '.dot' gives a PNG. The DOT text always goes to the same name with '.dot'.
    names : mapping of str to Tensor, optional
        Labels for leaf tensors, e.g. `dict(model.named_parameters())`.

    Returns
    -------
    list of Path: the DOT file, then the image if one was drawn. When Graphviz's `dot` is not
    installed a warning says so and where the DOT file is, and only the DOT file is returned.

    Example
    -------
    >>> draw_graph(loss, "out/graph.svg", names={"W1": W1, "b1": b1})
    [PosixPath('out/graph.dot'), PosixPath('out/graph.svg')]
    """
    if not isinstance(loss, Tensor):
        raise TypeError(f"draw_graph: loss must be a Tensor, got {type(loss).__name__}")
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in ("", ".dot", *IMAGE_FORMATS):
        raise ValueError(
            f"draw_graph: cannot draw {path.name!r}; give a path ending in .dot, "
            f"{', '.join(IMAGE_FORMATS)} or no suffix"
        )
    image_suffix = suffix if suffix in IMAGE_FORMATS else ".png"
    dot_path, image_path = path.with_suffix(".dot"), path.with_suffix(image_suffix)
    dot_path.parent.mkdir(parents=True, exist_ok=True)
    dot_path.write_text(graph_dot(loss, names) + "\n")

    program = shutil.which("dot")
    if program is None:
        warnings.warn(
            f"draw_graph: Graphviz's `dot` program is not installed, so no image was drawn; the "
            f"graph is in {dot_path} (install Graphviz, then run "
            f"`dot -T{image_suffix[1:]} {dot_path} -o {image_path}`)",
            stacklevel=2,
        )
        return [dot_path]
    result = subprocess.run(
        [program, f"-T{image_suffix[1:]}", str(dot_path), "-o", str(image_path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"draw_graph: `dot` failed on {dot_path} (exit code {result.returncode}): "
            f"{result.stderr.strip()}"
        )
    return [dot_path, image_path]
