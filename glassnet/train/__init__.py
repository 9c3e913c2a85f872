"""Training: `fit` (the loop), `evaluate`, `predict`, metrics and callbacks."""

from glassnet.train.callbacks import (
    Callback,
    CSVLogger,
    EarlyStopping,
    GradientNormTracker,
    JSONLLogger,
    LearningRateMonitor,
    ModelCheckpoint,
)
from glassnet.train.history import History
from glassnet.train.loop import FitState, clip_grad_norm_, evaluate, fit, predict
from glassnet.train.state import NonFiniteError

__all__ = [
    "CSVLogger",
    "Callback",
    "EarlyStopping",
    "FitState",
    "GradientNormTracker",
    "History",
    "JSONLLogger",
    "LearningRateMonitor",
    "ModelCheckpoint",
    "NonFiniteError",
    "clip_grad_norm_",
    "evaluate",
    "fit",
    "predict",
]
