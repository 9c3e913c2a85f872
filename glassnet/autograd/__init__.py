"""Reverse-mode automatic differentiation: graph nodes, the backward engine, gradient checks."""

import importlib

from glassnet.autograd.grad_mode import (
    enable_grad,
    is_grad_enabled,
    no_grad,
    set_grad_enabled,
)

__all__ = [
    "AnomalyError",
    "Function",
    "Op",
    "backward",
    "detect_anomaly",
    "enable_grad",
    "grad",
    "gradcheck",
    "GradcheckError",
    "is_anomaly_enabled",
    "is_grad_enabled",
    "no_grad",
    "set_detect_anomaly",
    "set_grad_enabled",
    "unbroadcast",
]

# These need Tensor, whose module imports this package first; they load on first use.
_LAZY = {
    "Function": "function",
    "Op": "function",
    "unbroadcast": "function",
    "GlassnetShapeError": "function",
    "grad": "grad_api",
    "gradcheck": "check",
    "GradcheckError": "check",
    "backward": "engine",
    "trace": "backward_trace",
    "BackwardTrace": "backward_trace",
    "graph_dot": "backward_trace",
    "detect_anomaly": "anomaly",
    "set_detect_anomaly": "anomaly",
    "is_anomaly_enabled": "anomaly",
    "AnomalyError": "anomaly",
}


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(importlib.import_module(f"glassnet.autograd.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'glassnet.autograd' has no attribute {name!r}")
