"""`summary(model, input_size)`: a model's layers, their output shapes and parameter counts, as
torchinfo's `summary` prints them.

    Layer (type)                 Output shape        Param #
    ========================================================
    MLP                          (1, 10)               --
      net (Sequential)           (1, 10)               --
        net.0 (Linear)           (1, 256)            16,640
        net.1 (ReLU)             (1, 256)                 0
        net.2 (Linear)           (1, 10)              2,570
    ========================================================
    Total params: 19,210   Trainable params: 19,210   Non-trainable params: 0

The shapes come from one forward pass on `input_data` (or zeros of `input_size`), in eval mode
and without gradients, so no random number is drawn and no running statistic moves.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from glassnet.autograd.grad_mode import no_grad
from glassnet.tensor import Tensor


@dataclass
class LayerInfo:
    """One row: the module's qualified `name`, `kind` (class name), `depth` (0 for the model),
    `output_shape` (None when it did not run), `num_params` (its own parameters, or all of
    them when its children are not shown) and `leaf` (no child shown)."""

    name: str
    kind: str
    depth: int
    output_shape: tuple[int, ...] | None
    num_params: int
    leaf: bool


@dataclass
class ModelSummary:
    """What `summary` returns; `str()` is the table, `to_dict()` plain data (e.g. for JSON)."""

    layers: list[LayerInfo] = field(default_factory=list)
    total_params: int = 0
    trainable_params: int = 0
    input_shape: tuple[int, ...] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "input_shape": list(self.input_shape) if self.input_shape else None,
            "layers": [
                {
                    "name": row.name or "(model)",
                    "type": row.kind,
                    "output_shape": list(row.output_shape) if row.output_shape else None,
                    "params": row.num_params,
                }
                for row in self.layers
            ],
            "total_params": self.total_params,
            "trainable_params": self.trainable_params,
        }

    def __str__(self) -> str:
        labels = [
            "  " * row.depth + (f"{row.name} ({row.kind})" if row.name else row.kind)
            for row in self.layers
        ]
        shapes = [str(row.output_shape) if row.output_shape else "-" for row in self.layers]
        counts = [
            f"{row.num_params:,}" if row.leaf or row.num_params else "--" for row in self.layers
        ]
        w1 = max([len("Layer (type)"), *map(len, labels)]) + 2
        w2 = max([len("Output shape"), *map(len, shapes)]) + 2
        w3 = max([len("Param #"), *map(len, counts)])
        rule = "=" * (w1 + w2 + w3)
        lines = [f"{'Layer (type)':<{w1}}{'Output shape':<{w2}}{'Param #':>{w3}}", rule]
        lines += [f"{a:<{w1}}{b:<{w2}}{c:>{w3}}" for a, b, c in zip(labels, shapes, counts)]
        frozen = self.total_params - self.trainable_params
        lines += [
            rule,
            f"Total params: {self.total_params:,}   Trainable params: "
            f"{self.trainable_params:,}   Non-trainable params: {frozen:,}",
        ]
        return "\n".join(lines)


def summary(
    model: Any,
    input_size: Sequence[int] | None = None,
    input_data: Any = None,
    depth: int = 3,
    dtype: Any = np.float32,
) -> ModelSummary:
    """The layers of `model` with their output shapes and parameter counts.

    Parameters
    ----------
    model : Module
    input_size : sequence of int, optional
        Shape of one input batch, batch axis included (zeros of `dtype` are fed).
    input_data : Tensor or array, optional
        A real input instead (token ids for a language model). Without either, the table
        has parameter counts but no shapes.
    depth : int
        Nesting levels shown (0: the model alone); deeper modules are counted in their parent.
    dtype : NumPy dtype
        Of the zeros made from `input_size` (use np.int64 for token ids).

    Example
    -------
    >>> print(glassnet.train.summary(model, input_size=(1, 64)))
    """
    if depth < 0:
        raise ValueError(f"summary: depth must be >= 0, got {depth}")
    if input_data is None and input_size is not None:
        input_data = Tensor._wrap(np.zeros(tuple(input_size), dtype=dtype))
    elif input_data is not None and not isinstance(input_data, Tensor):
        input_data = Tensor._wrap(np.asarray(input_data))
    modules = [(n, m) for n, m in model.named_modules() if _depth(n) <= depth]
    shapes = _output_shapes(model, modules, input_data) if input_data is not None else {}
    shown = {n for n, _ in modules}
    layers = []
    for name, module in modules:
        prefix = f"{name}." if name else ""
        leaf = not any(f"{prefix}{child}" in shown for child, _ in module.named_children())
        count = sum(p.numel() for p in module.parameters(recurse=leaf))
        layers.append(
            LayerInfo(name, type(module).__name__, _depth(name), shapes.get(name), count, leaf)
        )
    every = list(model.parameters())
    return ModelSummary(
        layers,
        sum(p.numel() for p in every),
        sum(p.numel() for p in every if p.requires_grad),
        tuple(input_data.shape) if input_data is not None else None,
    )


def _depth(name: str) -> int:
    """0 for the model itself (""), 1 for its children, 2 for theirs, ..."""
    return name.count(".") + 1 if name else 0


def _output_shapes(
    model: Any, modules: list[tuple[str, Any]], input_data: Tensor
) -> dict[str, tuple[int, ...]]:
    """Each shown module's output shape in one forward pass (eval mode, no gradients)."""
    shapes: dict[str, tuple[int, ...]] = {}

    def hook_for(name: str):
        def hook(module: Any, args: tuple, output: Any) -> None:
            first = output[0] if isinstance(output, tuple | list) and output else output
            if isinstance(first, Tensor):
                shapes.setdefault(name, tuple(first.shape))

        return hook

    handles = [m.register_forward_hook(hook_for(n)) for n, m in modules]
    was_training = getattr(model, "training", False)
    model.eval()
    try:
        with no_grad():
            model(input_data)
    finally:
        model.train(was_training)
        for handle in handles:
            handle.remove()
    return shapes
