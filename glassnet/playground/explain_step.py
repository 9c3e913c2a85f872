""" "Explain a step": one backward pass of a network session, layer by layer, with its math.

The pass is glassnet's: the loss of the current model on a small batch is differentiated by
`glassnet.autograd.trace`, which records every op the backward pass visits. Each Linear layer's
pre-activation z_l keeps its gradient (`retain_grad`), so the page can show

    delta_L = dL/dz_L                                 (the loss's gradient at the output)
    delta_l = (delta_{l+1} W_{l+1}) * f'(z_l)          (backpropagated through W and the activation)
    dL/dW_l = delta_l^T h_{l-1},   dL/db_l = sum over the batch of delta_l

and, from a copy of the optimizer with the same state, the update the next step would make.
Dropout is off (eval mode) so that the numbers can be recomputed exactly.
"""

from __future__ import annotations

import copy
import inspect
from typing import Any

import numpy as np

import glassnet.nn as nn
from glassnet.autograd import trace
from glassnet.explain import explain
from glassnet.tensor import Tensor

EXPLAIN_BATCH = 8  # training points in the explained batch
SHOWN = 8  # rows and columns of each matrix sent to the page


def _matrix(a: np.ndarray) -> list[list[float]]:
    """The top-left SHOWN x SHOWN corner, as exact Python floats (the page shows rounded ones)."""
    a = np.atleast_2d(a)
    return [[float(v) for v in row[:SHOWN]] for row in a[:SHOWN]]


def explained_batch(session: Any) -> np.ndarray:
    """Indices of the batch an explanation uses: the first EXPLAIN_BATCH training points."""
    return np.arange(min(EXPLAIN_BATCH, len(session.data.X_train)))


def backward_pass(session: Any, idx: np.ndarray) -> dict[str, Any]:
    """Run the traced backward pass on the batch `idx`; returns z tensors, loss and trace."""
    model = session.model
    model.eval()
    model.zero_grad()
    h = Tensor._wrap(session.data.X_train[idx])
    zs = []
    for layer in model:
        h = layer(h)
        if isinstance(layer, nn.Linear):
            h.retain_grad()
            zs.append(h)
    loss = session.loss_fn(h, Tensor._wrap(session.targets(session.data.y_train[idx])))
    recorded = trace(loss, names=dict(model.named_parameters()))
    return {"zs": zs, "loss": float(loss.item()), "trace": recorded}


def _update(session: Any) -> list[np.ndarray]:
    """W_after - W_before of every Linear layer for one optimizer step with the current grads,
    taken on copies so that the session is not changed."""
    model = copy.deepcopy(session.model)
    for p, q in zip(session.model.parameters(), model.parameters()):
        q.grad = None if p.grad is None else Tensor._wrap(p.grad._data.copy())
    cls = type(session.optimizer)
    accepted = inspect.signature(cls).parameters
    hyper = {k: v for k, v in session.optimizer.defaults.items() if k in accepted}
    opt = cls(model.parameters(), **hyper)
    opt.load_state_dict(copy.deepcopy(session.optimizer.state_dict()))
    before = [m.weight._data.copy() for m in model if isinstance(m, nn.Linear)]
    opt.step()
    after = [m.weight._data for m in model if isinstance(m, nn.Linear)]
    return [a - b for a, b in zip(after, before)]


def explain_step(session: Any) -> dict[str, Any]:
    """The explanation the page shows: per layer delta, dL/dW and the update, the trace
    table, and the activation, loss and optimizer texts of `glassnet explain`."""
    s = session.settings
    idx = explained_batch(session)
    passed = backward_pass(session, idx)
    updates = _update(session)
    layers = []
    n = len(session.linears)
    for k, (m, z, dW) in enumerate(zip(session.linears, passed["zs"], updates), start=1):
        rule = (
            "delta = dL/dz (the loss's gradient at the output)"
            if k == n
            else f"delta_{k} = (delta_{k + 1} W_{k + 1}) * {s.activation}'(z_{k})"
        )
        layers.append(
            {
                "name": f"layer {k}",
                "shape": list(m.weight.shape),
                "rule": rule,
                "delta": _matrix(z.grad._data),
                "delta_norm": float(np.linalg.norm(z.grad._data)),
                "grad_W": _matrix(m.weight.grad._data),
                "grad_W_norm": float(np.linalg.norm(m.weight.grad._data)),
                "grad_b": [float(v) for v in m.bias.grad._data[:SHOWN]],
                "update_W": _matrix(dW),
            }
        )
    session.model.zero_grad()
    return {
        "indices": idx.tolist(),
        "loss": passed["loss"],
        "layers": layers,
        "formulas": [
            f"z_l = h_(l-1) W_l^T + b_l,   h_l = {s.activation}(z_l)",
            "delta_l = dL/dz_l = (delta_(l+1) W_(l+1)) * f'(z_l)",
            "dL/dW_l = delta_l^T h_(l-1),   dL/db_l = sum over the batch of delta_l",
        ],
        "activation_text": explain(s.activation).text,
        "loss_text": explain(s.loss).text,
        "optimizer_text": explain(s.optimizer).text,
        "trace": str(passed["trace"]),
    }
