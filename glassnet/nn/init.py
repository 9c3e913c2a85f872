"""Weight initialisation, as `torch.nn.init`: each function fills a tensor in place and returns it.

Why initialisation matters: the variance of a layer's output is roughly fan_in * Var(w) * Var(x).
Choosing Var(w) = gain^2 / fan keeps the signal's scale from layer to layer, neither exploding nor
vanishing: Xavier/Glorot (fan = (fan_in + fan_out) / 2, for tanh/sigmoid) and Kaiming/He
(fan = fan_in, with gain sqrt(2) to make up for ReLU zeroing half of its inputs).

Every function that draws random numbers takes `generator=` (a `glassnet.Generator` or a NumPy
Generator); without it the global generator seeded by `glassnet.manual_seed` is used. The filling
is not recorded by autograd (it writes the tensor's array directly).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from glassnet.random import rng_of
from glassnet.tensor import Tensor

_GAINS = {
    "linear": 1.0,
    "identity": 1.0,
    "conv1d": 1.0,
    "conv2d": 1.0,
    "conv3d": 1.0,
    "conv_transpose1d": 1.0,
    "conv_transpose2d": 1.0,
    "conv_transpose3d": 1.0,
    "sigmoid": 1.0,
    "tanh": 5.0 / 3,
    "relu": math.sqrt(2.0),
    "selu": 3.0 / 4,
}


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The recommended gain for an activation: the factor that restores unit variance after it.

    linear, conv, sigmoid: 1;  tanh: 5/3;  relu: sqrt(2);  leaky_relu: sqrt(2 / (1 + slope^2))
    (`param` is the negative slope, default 0.01);  selu: 3/4.

    Example
    -------
    >>> glassnet.nn.init.calculate_gain("leaky_relu", 0.2)
    1.3867504905630728
    """
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif isinstance(param, (int, float)) and not isinstance(param, bool):
            slope = param
        else:
            raise ValueError(f"calculate_gain: negative_slope {param} is not a valid number")
        return math.sqrt(2.0 / (1 + slope**2))
    if nonlinearity not in _GAINS:
        raise ValueError(
            f"calculate_gain: unsupported nonlinearity {nonlinearity!r} "
            f"(choose from {', '.join(sorted([*_GAINS, 'leaky_relu']))})"
        )
    return _GAINS[nonlinearity]


def _calculate_fan_in_and_fan_out(tensor: Tensor) -> tuple[int, int]:
    """fan_in = inputs per output unit, fan_out = outputs per input unit.

    For a weight of shape (out, in, *kernel): fan_in = in * prod(kernel), fan_out = out *
    prod(kernel) (a Linear weight is (out_features, in_features)).
    """
    shape = tensor._data.shape
    if len(shape) < 2:
        raise ValueError(
            f"init: fan in and fan out can not be computed for a tensor with fewer than 2 "
            f"dimensions (shape {shape})"
        )
    receptive_field = math.prod(shape[2:])
    return shape[1] * receptive_field, shape[0] * receptive_field


def _fan(tensor: Tensor, mode: str) -> int:
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"init: mode {mode!r} not supported, choose 'fan_in' or 'fan_out'")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def _fill(tensor: Tensor, values: Any) -> Tensor:
    """Write values into the tensor's array (cast to its dtype), outside autograd."""
    tensor._data[...] = values
    return tensor


def uniform_(tensor: Tensor, a: float = 0.0, b: float = 1.0, generator: Any = None) -> Tensor:
    """Fill with draws from U(a, b).

    Example
    -------
    >>> glassnet.nn.init.uniform_(w, -0.1, 0.1, generator=glassnet.Generator(0))
    """
    if not a <= b:
        raise ValueError(f"uniform_: a ({a}) must not be greater than b ({b})")
    return _fill(tensor, rng_of(generator).uniform(a, b, tensor._data.shape))


def normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0, generator: Any = None) -> Tensor:
    """Fill with draws from N(mean, std^2).

    Example
    -------
    >>> glassnet.nn.init.normal_(w, std=0.02)
    """
    if std < 0:
        raise ValueError(f"normal_: std must be non-negative, got {std}")
    return _fill(tensor, rng_of(generator).normal(mean, std, tensor._data.shape))


def trunc_normal_(
    tensor: Tensor,
    mean: float = 0.0,
    std: float = 1.0,
    a: float = -2.0,
    b: float = 2.0,
    generator: Any = None,
) -> Tensor:
    """Fill with draws from N(mean, std^2) truncated to [a, b] (a, b are absolute values).

    Drawn by rejection: values outside [a, b] are drawn again, which samples the truncated
    distribution exactly. [a, b] must hold at least 0.1% of the normal's mass, else so many draws
    are rejected that a mistake is likelier (std or bounds in the wrong units).

    Example
    -------
    >>> glassnet.nn.init.trunc_normal_(w, std=0.02, a=-0.04, b=0.04)
    """
    if not a < b:
        raise ValueError(f"trunc_normal_: a ({a}) must be less than b ({b})")
    if std <= 0:
        raise ValueError(f"trunc_normal_: std must be positive, got {std}")

    def cdf(x: float) -> float:  # the standard normal's distribution function
        return 0.5 * (1.0 + math.erf((x - mean) / (std * math.sqrt(2.0))))

    if cdf(b) - cdf(a) < 1e-3:
        raise ValueError(
            f"trunc_normal_: [a, b] = [{a}, {b}] holds less than 0.1% of N({mean}, {std}^2); "
            f"bring the bounds nearer the mean"
        )
    rng = rng_of(generator)
    values = rng.normal(mean, std, tensor._data.shape)
    outside = (values < a) | (values > b)
    while outside.any():
        values[outside] = rng.normal(mean, std, int(outside.sum()))
        outside = (values < a) | (values > b)
    return _fill(tensor, values)


def constant_(tensor: Tensor, val: float) -> Tensor:
    """Fill with the value `val`."""
    return _fill(tensor, val)


def zeros_(tensor: Tensor) -> Tensor:
    """Fill with 0."""
    return _fill(tensor, 0)


def ones_(tensor: Tensor) -> Tensor:
    """Fill with 1."""
    return _fill(tensor, 1)


def eye_(tensor: Tensor) -> Tensor:
    """Fill a 2-D tensor with the identity matrix (ones on the diagonal; a linear layer that
    passes its inputs through, where the shapes allow)."""
    if tensor._data.ndim != 2:
        raise ValueError(
            f"eye_: only tensors with 2 dimensions are supported (shape {tensor._data.shape})"
        )
    return _fill(tensor, np.eye(*tensor._data.shape))


def xavier_uniform_(tensor: Tensor, gain: float = 1.0, generator: Any = None) -> Tensor:
    """Glorot & Bengio (2010): U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out)).

    That is Var(w) = gain^2 * 2 / (fan_in + fan_out), a compromise between keeping the forward
    activations' and the backward gradients' variance.

    Example
    -------
    >>> glassnet.nn.init.xavier_uniform_(w, gain=glassnet.nn.init.calculate_gain("tanh"))
    """
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    a = math.sqrt(3.0) * std  # U(-a, a) has variance a^2 / 3
    return _fill(tensor, rng_of(generator).uniform(-a, a, tensor._data.shape))


def xavier_normal_(tensor: Tensor, gain: float = 1.0, generator: Any = None) -> Tensor:
    """Glorot & Bengio (2010): N(0, std^2) with std = gain * sqrt(2 / (fan_in + fan_out))."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    return _fill(tensor, rng_of(generator).normal(0.0, std, tensor._data.shape))


def kaiming_uniform_(
    tensor: Tensor,
    a: float = 0.0,
    mode: str = "fan_in",
    nonlinearity: str = "leaky_relu",
    generator: Any = None,
) -> Tensor:
    """He et al. (2015): U(-bound, bound) with bound = gain * sqrt(3 / fan).

    `a` is the negative slope of the leaky ReLU that follows (0: plain ReLU, gain sqrt(2));
    mode 'fan_in' keeps the forward variance, 'fan_out' the backward one. PyTorch's Linear uses
    a = sqrt(5), which gives bound = 1 / sqrt(fan_in).

    Example
    -------
    >>> glassnet.nn.init.kaiming_uniform_(w, nonlinearity="relu")
    """
    if 0 in tensor._data.shape:
        return tensor  # nothing to fill (PyTorch warns and does the same)
    fan = _fan(tensor, mode)
    std = calculate_gain(nonlinearity, a) / math.sqrt(fan)
    bound = math.sqrt(3.0) * std
    return _fill(tensor, rng_of(generator).uniform(-bound, bound, tensor._data.shape))


def kaiming_normal_(
    tensor: Tensor,
    a: float = 0.0,
    mode: str = "fan_in",
    nonlinearity: str = "leaky_relu",
    generator: Any = None,
) -> Tensor:
    """He et al. (2015): N(0, std^2) with std = gain / sqrt(fan)."""
    if 0 in tensor._data.shape:
        return tensor
    fan = _fan(tensor, mode)
    std = calculate_gain(nonlinearity, a) / math.sqrt(fan)
    return _fill(tensor, rng_of(generator).normal(0.0, std, tensor._data.shape))


def orthogonal_(tensor: Tensor, gain: float = 1.0, generator: Any = None) -> Tensor:
    """Saxe et al. (2013): a (semi-)orthogonal matrix times `gain`; dims after the first are
    flattened. Q of the QR decomposition of a Gaussian matrix, with the signs of R's diagonal
    moved into Q so that Q is uniformly distributed.

    Example
    -------
    >>> glassnet.nn.init.orthogonal_(w)   # w @ w.T is the identity when rows <= cols
    """
    shape = tensor._data.shape
    if len(shape) < 2:
        raise ValueError(
            f"orthogonal_: only tensors with 2 or more dimensions are supported (shape {shape})"
        )
    if tensor._data.size == 0:
        return tensor
    rows = shape[0]
    cols = tensor._data.size // rows
    flat = rng_of(generator).normal(0.0, 1.0, (rows, cols))
    if rows < cols:
        flat = flat.T  # QR of the tall matrix; transposed back below
    q, r = np.linalg.qr(flat)
    q *= np.sign(np.diag(r))
    if rows < cols:
        q = q.T
    return _fill(tensor, (gain * q).reshape(shape))
