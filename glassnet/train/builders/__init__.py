"""Build a run's pieces from its configuration: data, model, loss, metrics, optimizer, scheduler.

Each builder takes the resolved config (see `glassnet.config`) and raises `ConfigError` with the
key at fault when something cannot be built, so the command line can print one clear line.
Class arguments given in a config table are checked against the class's signature.

    data.py        RunData, build_data: the tabular, toy, MNIST and Shakespeare sets
    models.py      build_model, check_sizes, check_model_size
    training.py    build_optimizer, build_scheduler, build_loss, default_metrics, check_names,
                   default_threads
    arguments.py   kwargs_for, construct: config tables checked against class signatures
"""

from glassnet.train.builders.data import DATASETS, TABULAR, RunData, build_data
from glassnet.train.builders.models import (
    MAX_PARAMETERS,
    MODELS,
    build_model,
    check_model_size,
    check_sizes,
)
from glassnet.train.builders.training import (
    LOSSES,
    SCHEDULER_ALIASES,
    THREAD_VARIABLES,
    SequenceLoss,
    build_loss,
    build_optimizer,
    build_scheduler,
    check_names,
    default_metrics,
    default_threads,
    optimizer_classes,
)

__all__ = [
    "DATASETS",
    "LOSSES",
    "MAX_PARAMETERS",
    "MODELS",
    "SCHEDULER_ALIASES",
    "TABULAR",
    "THREAD_VARIABLES",
    "RunData",
    "SequenceLoss",
    "build_data",
    "build_loss",
    "build_model",
    "build_optimizer",
    "build_scheduler",
    "check_model_size",
    "check_names",
    "check_sizes",
    "default_metrics",
    "default_threads",
    "optimizer_classes",
]
