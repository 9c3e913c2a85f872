"""Build a run's model from its `model` table, its sizes checked first (positive integers, and a
parameter count that fits in memory)."""

from __future__ import annotations

import importlib
import inspect
import os
from typing import Any

from glassnet._suggest import did_you_mean
from glassnet.config import ConfigError
from glassnet.train.builders.arguments import construct, kwargs_for
from glassnet.train.builders.data import RunData

MODELS = {
    "mlp": ("glassnet.models.mlp", "MLP"),
    "logistic": ("glassnet.nn.linear", "Linear"),
    "perceptron": ("glassnet.models.perceptron", "Perceptron"),
    "lenet5": ("glassnet.models.lenet", "LeNet5"),
    "resnet": ("glassnet.models.resnet", "ResNet"),
    "gpt": ("glassnet.models.gpt", "GPT"),
}


CONV_MODELS = ("lenet5", "resnet")


def model_class(name: str) -> Any:
    if name not in MODELS:
        raise ConfigError(
            f"model.name: unknown model {name!r}{did_you_mean(name, MODELS)} "
            f"(choose from {', '.join(MODELS)})"
        )
    module, cls = MODELS[name]
    try:
        return getattr(importlib.import_module(module), cls)
    except (ImportError, AttributeError):
        raise ConfigError(f"model.name: {name} is not available in this glassnet") from None


MAX_PARAMETERS = 2_000_000_000  # 8 GB of float32 weights, before gradients and optimizer state


def _ints(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _count_parameters(name: str, spec: dict[str, Any], data: RunData) -> int | None:
    """The number of parameters the model would have (an upper estimate), or None when its
    arguments are not plain integers (its constructor then refuses them)."""
    n_in, n_out = data.num_features, data.num_outputs
    if name == "mlp":
        hidden = spec.get("hidden_sizes", [128])
        if not isinstance(hidden, list | tuple) or not all(_ints(h) for h in hidden):
            return None
        sizes = [n_in, *hidden, n_out]
        return sum((a + 1) * b for a, b in zip(sizes, sizes[1:]))
    if name in ("logistic", "perceptron"):
        return (n_in + 1) * n_out
    if name == "lenet5":
        return 61_706 + 85 * n_out
    if name == "resnet":
        layers, width = spec.get("layers", (2, 2, 2)), spec.get("width", 16)
        if not isinstance(layers, list | tuple) or not all(map(_ints, [width, *layers])):
            return None
        total = 9 * width * spec.get("in_channels", 1) if _ints(spec.get("in_channels", 1)) else 0
        for stage, n in enumerate(layers):
            c = width * 2**stage
            total += n * (18 * c * c + 4 * c) + c * c
        return total + (width * 2 ** max(len(layers) - 1, 0) + 1) * n_out
    if name == "gpt":
        C, L = spec.get("n_embd", 768), spec.get("n_layer", 12)
        if not (_ints(C) and _ints(L)):
            return None
        return (n_out + n_in) * C + L * (12 * C * C + 13 * C) + 2 * C
    return None


def _memory_bytes() -> int | None:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None


def check_model_size(name: str, spec: dict[str, Any], data: RunData) -> None:
    """Refuse, before allocating anything, a model over MAX_PARAMETERS parameters or whose
    float32 weights alone would not fit in this machine's memory."""
    count = _count_parameters(name, spec, data)
    if count is None:
        return
    memory = _memory_bytes()
    if count > MAX_PARAMETERS or (memory is not None and 4 * count > memory):
        sizes = {k: v for k, v in spec.items() if k != "name"}
        limit = f"{MAX_PARAMETERS:,}" + (
            f", or {memory / 1e9:.0f} GB of memory" if memory is not None else ""
        )
        raise ConfigError(
            f"model: {name} {sizes} with {data.num_features:,} inputs and {data.num_outputs:,} "
            f"outputs would have {count:,} parameters ({4 * count / 1e9:,.1f} GB as float32); "
            f"the limit is {limit}"
        )


# model arguments that are sizes or counts: each (or each entry of a list) must be >= 1
SIZE_KEYS = (
    "hidden_sizes",
    "layers",
    "width",
    "n_embd",
    "n_layer",
    "n_head",
    "in_channels",
    "block_size",
)


def check_sizes(spec: dict[str, Any]) -> None:
    """Refuse a size or count below 1 (`model.hidden_sizes = [0]`) with the key at fault."""
    for key in SIZE_KEYS:
        if key not in spec:
            continue
        value = spec[key]
        values = value if isinstance(value, list | tuple) else [value]
        if isinstance(value, list | tuple) and key == "hidden_sizes" and not value:
            continue  # no hidden layer: a linear model
        bad = [v for v in values if not _ints(v) or v < 1]
        if bad or not values:
            raise ConfigError(f"model.{key} must hold positive integers, got {value!r}")


def build_model(config: dict[str, Any], data: RunData, generator: Any = None) -> Any:
    """The model named by `model.name`, sized for `data` (its sizes checked first)."""
    spec = dict(config["model"])
    name = spec.pop("name")
    cls = model_class(name)
    check_sizes(spec)
    check_model_size(name, spec, data)
    if name == "mlp":
        kw = kwargs_for(cls, "model", spec, fixed=("in_features", "out_features"))
        kw.setdefault("hidden_sizes", [128])
        return construct(
            cls,
            "model",
            data.num_features,
            out_features=data.num_outputs,
            generator=generator,
            **kw,
        )
    if name == "logistic":
        kwargs_for(cls, "model", spec, fixed=("in_features", "out_features", "bias", "device"))
        return construct(cls, "model", data.num_features, data.num_outputs, generator=generator)
    if name == "perceptron":
        if data.task != "binary":
            raise ConfigError(
                "model.name: the perceptron needs a two-class problem (set data.positive_class)"
            )
        kw = kwargs_for(cls, "model", spec, fixed=("in_features",))
        return construct(cls, "model", data.num_features, **kw)
    if name in CONV_MODELS:
        kw = kwargs_for(cls, "model", spec, fixed=("num_classes", "in_channels"))
        params = inspect.signature(cls).parameters
        if "num_classes" in params:
            kw["num_classes"] = data.num_outputs
        return construct(cls, "model", **kw, **_gen(params, generator))
    if name == "gpt":  # GPT(config: GPTConfig), nanoGPT style
        from glassnet.models.gpt import GPTConfig

        kw = kwargs_for(GPTConfig, "model", spec, fixed=("vocab_size", "block_size"))
        cfg = construct(
            GPTConfig, "model", vocab_size=data.num_outputs, block_size=data.num_features, **kw
        )
        return construct(cls, "model", cfg, generator=generator)
    raise ConfigError(f"model.name: unknown model {name!r}")


def _gen(params: Any, generator: Any) -> dict[str, Any]:
    return {"generator": generator} if "generator" in params else {}
