"""Identical starting points for both frameworks: weights and data drawn from NumPy.

The scripts build their models the ordinary way (each framework draws its own initial weights),
then call :func:`load_numpy_weights`, which overwrites every parameter, in ``named_parameters``
order, from a ``numpy.random.RandomState`` -- the same numbers under PyTorch and glassnet.
"""

import json

import numpy as np
import torch


def load_numpy_weights(model, seed=0, scale=0.2):
    """Set each parameter of ``model`` to ``uniform(-scale, scale)`` from ``RandomState(seed)``."""
    rs = np.random.RandomState(seed)
    with torch.no_grad():
        for _, p in model.named_parameters():
            p.copy_(torch.from_numpy(rs.uniform(-scale, scale, size=tuple(p.shape))))
    return model


def report(**values):
    """Print the one JSON line the comparison test reads (floats, lists of floats, ints)."""
    print(json.dumps(values))
