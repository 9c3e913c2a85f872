"""Training: `fit` (the loop), `evaluate`, `predict`, metrics, callbacks, loggers and `summary`."""

from glassnet.train.callbacks import (
    Callback,
    EarlyStopping,
    GradientNormTracker,
    LearningRateMonitor,
    ModelCheckpoint,
)
from glassnet.train.evaluation import evaluate, predict
from glassnet.train.history import History
from glassnet.train.loggers import CSVLogger, JSONLLogger, TensorBoardLogger
from glassnet.train.loop import fit
from glassnet.train.model_summary import ModelSummary, summary
from glassnet.train.state import FitState, NonFiniteError

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
    "ModelSummary",
    "NonFiniteError",
    "TensorBoardLogger",
    "evaluate",
    "fit",
    "predict",
    "summary",
]
