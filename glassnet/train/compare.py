"""The training half of `glassnet compare-optimizers`: which optimizers can be compared (with the
learning rate each gets on a data set) and the same MLP trained with each. The charts are drawn by
`glassnet.viz.compare`; `glassnet.runs.compare` puts both in a run folder.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from glassnet._suggest import did_you_mean

# label -> (glassnet.optim class, kwargs, learning rate on the data set)
CHOICES: dict[str, tuple[str, dict[str, Any], float]] = {
    "sgd": ("SGD", {}, 0.1),
    "momentum": ("SGD", {"momentum": 0.9}, 0.03),
    "nesterov": ("SGD", {"momentum": 0.9, "nesterov": True}, 0.03),
    "rmsprop": ("RMSprop", {}, 1e-3),
    "adagrad": ("Adagrad", {}, 0.03),
    "adam": ("Adam", {}, 1e-3),
    "adamw": ("AdamW", {"weight_decay": 0.01}, 1e-3),
    "nadam": ("NAdam", {}, 1e-3),
    "radam": ("RAdam", {}, 1e-3),
    "adamax": ("Adamax", {}, 2e-3),
    "lion": ("Lion", {}, 1e-4),
}
DEFAULT_CHOICE = ("sgd", "momentum", "rmsprop", "adam")


def check_choices(optimizers: Sequence[str]) -> list[str]:
    """The labels chosen (lower case); an unknown one is a ValueError with the closest match."""
    chosen = [o.strip().lower() for o in optimizers if o.strip()]
    unknown = [o for o in chosen if o not in CHOICES]
    if unknown or not chosen:
        name = unknown[0] if unknown else ""
        raise ValueError(
            f"compare-optimizers: unknown optimizer {name!r}{did_you_mean(name, CHOICES)}"
            f" (choose from {', '.join(CHOICES)})"
        )
    return chosen


def train_on_dataset(
    optimizers: Sequence[str], dataset: str, epochs: int, seed: int, quiet: bool | None = True
) -> dict[str, Any]:
    """Train the same MLP (same initial weights, same batches) with each optimizer at its
    `CHOICES` learning rate; returns their Histories by label."""
    from glassnet.config import resolve
    from glassnet.data.loader import DataLoader
    from glassnet.random import Generator
    from glassnet.train import builders
    from glassnet.train.loop import fit

    base = resolve(
        None,
        {
            "data.dataset": dataset,
            "seed": seed,
            "train.epochs": epochs,
            "model.hidden_sizes": [128],
        },
    )
    data = builders.build_data(base)
    histories = {}
    for name in optimizers:
        cls_name, kwargs, lr = CHOICES[name]
        config = copy.deepcopy(base)
        config["optimizer"] = {"name": cls_name.lower(), "lr": lr, **kwargs}
        model = builders.build_model(config, data, generator=Generator(seed))
        optimizer = builders.build_optimizer(config, model.parameters())
        loader = DataLoader(data.train, batch_size=64, shuffle=True, generator=Generator(seed))
        histories[name] = fit(
            model,
            builders.build_loss(config, data),
            optimizer,
            loader,
            data.val,
            epochs=epochs,
            metrics=builders.default_metrics(config, data)[:1],
            seed=seed,
            quiet=quiet,
        )
    return histories
