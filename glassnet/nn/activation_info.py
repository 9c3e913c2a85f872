"""The activation registry: every activation's formula, derivative and when to use it, with
vectorised `fn(x)` and `derivative(x)` on NumPy arrays, for explanations and charts.

`ACTIVATIONS` maps a canonical name ('relu', 'gelu_tanh', ...) to an `ActivationInfo`; this is
the one list of activations that `glassnet explain NAME` and the activation charts read. The
formulas and advice are not written here: each entry reads them from its layer's docstring
("Formula" and "When to use" sections, see `glassnet.nn.doc_formulas`).
`fn` and `derivative` call the forward and backward of the very ops the layers run
(`glassnet.ops.activation`), so what the registry shows is what training computes.

Example
-------
>>> info = glassnet.nn.activation.describe("tanh")
>>> info.derivative_formula
'1 - tanh(x)^2'
>>> info.derivative(np.array([0.0, 1.0]))
array([1.        , 0.41997434])
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from glassnet._suggest import did_you_mean
from glassnet.autograd.function import Op
from glassnet.nn.activation_output import LogSoftmax, Sign, Softmax, Step
from glassnet.nn.activation_relu import CELU, ELU, SELU, Hardtanh, LeakyReLU, PReLU, ReLU, ReLU6
from glassnet.nn.activation_smooth import (
    GELU,
    Hardsigmoid,
    Hardswish,
    LogSigmoid,
    Mish,
    Sigmoid,
    SiLU,
    Softplus,
    Softsign,
    Tanh,
)
from glassnet.nn.doc_formulas import formula_fields
from glassnet.ops import activation as A


@dataclass(frozen=True)
class ActivationInfo:
    """What one activation computes and when to choose it.

    Attributes
    ----------
    name : str
        Canonical name (the key in ACTIVATIONS).
    module : str
        The layer's class in `glassnet.nn` (with `module_kwargs`, e.g. GELU(approximate='tanh')).
    functional : str
        The function in `glassnet.nn.functional`.
    formula, derivative_formula : str
        Plain-text math: f(x) and f'(x).
    latex, derivative_latex : str
        The same in LaTeX.
    when_to_use : str
        Advice: where it shines, what to watch out for.
    params : dict
        Hyper-parameters and their defaults (what `fn` and `derivative` use unless overridden).
    """

    name: str
    module: str
    functional: str
    formula: str
    derivative_formula: str
    latex: str
    derivative_latex: str
    when_to_use: str
    params: dict = field(default_factory=dict)
    module_kwargs: dict = field(default_factory=dict)
    aliases: tuple = ()
    _op: Callable[..., tuple] | None = field(default=None, repr=False, compare=False)

    def fn(self, x: Any, **params: Any) -> np.ndarray:
        """f(x), elementwise (softmax and log_softmax along the last axis)."""
        return self._op(_as_float(x), **{**self.params, **params})[0]

    def derivative(self, x: Any, **params: Any) -> np.ndarray:
        """f'(x), elementwise; for softmax and log_softmax the Jacobian along the last axis,
        shape (..., C, C) with [..., i, j] = d f_i / d x_j."""
        return self._op(_as_float(x), **{**self.params, **params})[1]

    def __str__(self) -> str:
        lines = [
            f"{self.name}  (glassnet.nn.{self.module}, F.{self.functional})",
            f"  f(x)  = {self.formula}",
            f"  f'(x) = {self.derivative_formula}",
        ]
        if self.params:
            lines.append("  parameters: " + ", ".join(f"{k}={v}" for k, v in self.params.items()))
        return "\n".join(lines + ["", self.when_to_use])


def _as_float(x: Any) -> np.ndarray:
    x = np.asarray(x)
    return x if x.dtype.kind == "f" else x.astype(np.float64)


def _run(op: type[Op], x: np.ndarray, **params: Any) -> tuple[np.ndarray, np.ndarray]:
    """Forward and backward (with gy = 1) of an elementwise op: f(x) and f'(x)."""
    ctx = op()
    ctx.needs_input_grad = (True,)
    y = op.forward(ctx, x, **params)
    return y, op.backward(ctx, np.ones_like(y))


def _elementwise(op: type[Op], **fixed: Any) -> Callable[..., tuple]:
    return lambda x, **params: _run(op, x, **fixed, **params)


def _prelu(x: np.ndarray, weight: float) -> tuple[np.ndarray, np.ndarray]:
    ctx = A.Prelu()
    ctx.needs_input_grad = (True, False)
    y = A.Prelu.forward(ctx, x, np.asarray([weight], dtype=x.dtype))
    return y, A.Prelu.backward(ctx, np.ones_like(y))[0]


def _softmax_jacobian(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    s = A.Softmax.forward(A.Softmax(), x, axis=-1)
    jac = s[..., :, None] * (np.eye(s.shape[-1], dtype=s.dtype) - s[..., None, :])
    return s, jac  # d s_i / d x_j = s_i ([i = j] - s_j)


def _log_softmax_jacobian(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    y = A.LogSoftmax.forward(A.LogSoftmax(), x, axis=-1)
    s = np.exp(y)
    jac = np.eye(s.shape[-1], dtype=s.dtype) - s[..., None, :]
    return y, np.broadcast_to(jac, s.shape + s.shape[-1:]).copy()  # [i = j] - s_j


def _entry(
    name: str, layer: type, functional: str, op: Callable[..., tuple], **kw: Any
) -> ActivationInfo:
    """The registry entry of `layer`, its math read from the layer's docstring (the "Formula"
    and "When to use" sections; a layer with `module_kwargs` reads its variant's sections)."""
    variant = "".join(f" ({k}={v!r})" for k, v in kw.get("module_kwargs", {}).items() if k != "dim")
    math = formula_fields(layer, variant)
    return ActivationInfo(
        name=name,
        module=layer.__name__,
        functional=functional,
        formula=math["f(x) ="],
        derivative_formula=math["f'(x) ="],
        latex=math["LaTeX:"],
        derivative_latex=math["LaTeX':"],
        when_to_use=math["When to use"],
        _op=op,
        **kw,
    )


_ENTRIES = [
    _entry("sigmoid", Sigmoid, "sigmoid", _elementwise(A.Sigmoid)),
    _entry("tanh", Tanh, "tanh", _elementwise(A.Tanh)),
    _entry("relu", ReLU, "relu", _elementwise(A.Relu)),
    _entry(
        "leaky_relu",
        LeakyReLU,
        "leaky_relu",
        _elementwise(A.LeakyRelu),
        params={"negative_slope": 0.01},
    ),
    _entry("prelu", PReLU, "prelu", _prelu, params={"weight": 0.25}),
    _entry("relu6", ReLU6, "relu6", _elementwise(A.Hardtanh, min_val=0.0, max_val=6.0)),
    _entry(
        "hardtanh",
        Hardtanh,
        "hardtanh",
        _elementwise(A.Hardtanh),
        params={"min_val": -1.0, "max_val": 1.0},
    ),
    _entry("elu", ELU, "elu", _elementwise(A.Elu, scale=1.0), params={"alpha": 1.0}),
    _entry("selu", SELU, "selu", _elementwise(A.Elu, alpha=A.SELU_ALPHA, scale=A.SELU_SCALE)),
    _entry("celu", CELU, "celu", _elementwise(A.Celu), params={"alpha": 1.0}),
    _entry("gelu", GELU, "gelu", _elementwise(A.Gelu)),
    _entry(
        "gelu_tanh", GELU, "gelu", _elementwise(A.GeluTanh), module_kwargs={"approximate": "tanh"}
    ),
    _entry("silu", SiLU, "silu", _elementwise(A.Silu), aliases=("swish",)),
    _entry("mish", Mish, "mish", _elementwise(A.Mish)),
    _entry(
        "softplus",
        Softplus,
        "softplus",
        _elementwise(A.Softplus),
        params={"beta": 1.0, "threshold": 20.0},
    ),
    _entry("softsign", Softsign, "softsign", _elementwise(A.Softsign)),
    _entry("hardsigmoid", Hardsigmoid, "hardsigmoid", _elementwise(A.Hardsigmoid)),
    _entry("hardswish", Hardswish, "hardswish", _elementwise(A.Hardswish)),
    _entry("logsigmoid", LogSigmoid, "logsigmoid", _elementwise(A.LogSigmoid)),
    _entry(
        "softmax", Softmax, "softmax", lambda x: _softmax_jacobian(x), module_kwargs={"dim": -1}
    ),
    _entry(
        "log_softmax",
        LogSoftmax,
        "log_softmax",
        lambda x: _log_softmax_jacobian(x),
        module_kwargs={"dim": -1},
    ),
    _entry("step", Step, "step", _elementwise(A.Step, low=0), aliases=("heaviside",)),
    _entry(
        "sign",
        Sign,
        "bipolar_step",
        _elementwise(A.Step, low=-1),
        aliases=("bipolar_step", "signum"),
    ),
]

ACTIVATIONS: dict[str, ActivationInfo] = {info.name: info for info in _ENTRIES}


def _key(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())


_LOOKUP: dict[str, str] = {}
for _info in _ENTRIES:
    for _alias in (_info.name, *_info.aliases):
        _LOOKUP[_key(_alias)] = _info.name
    if not _info.module_kwargs or _info.name in ("softmax", "log_softmax"):
        _LOOKUP.setdefault(_key(_info.module), _info.name)


def describe(name: str) -> ActivationInfo:
    """The registry entry of an activation, by its name, layer or function name, any case:
    'relu', 'ReLU', 'leaky_relu', 'LeakyReLU', 'gelu_tanh', 'swish'.

    Raises a ValueError listing the known names (and the closest match) for an unknown one.
    """
    if not isinstance(name, str):
        raise TypeError(f"describe: name must be a string, got {type(name).__name__}")
    found = _LOOKUP.get(_key(name))
    if found is None:
        hint = did_you_mean(name, ACTIVATIONS)
        raise ValueError(
            f"describe: unknown activation {name!r}{hint}; known: {', '.join(ACTIVATIONS)}"
        )
    return ACTIVATIONS[found]
