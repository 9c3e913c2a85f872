"""`autocast`: PyTorch's mixed-precision region, which on glassnet computes in full precision.

PyTorch's autocast runs chosen ops (matmul, convolution) in a lower precision (float16, bfloat16)
inside the block. glassnet has no reduced-precision kernels, so every block runs exactly as it
would without autocast, in the tensors' own dtype (float32 by default):

- `enabled=False`: nothing to do, as in PyTorch.
- `device_type="cuda"` (or any accelerator) with `enabled=True`: PyTorch on a machine without that
  device warns "... is not available. Disabling" and runs the block unchanged; so does glassnet.
- `device_type="cpu"` with `enabled=True` (PyTorch's CPU autocast, bfloat16 by default): the block
  runs in float32; glassnet warns once per process that autocast is a no-op here.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable
from typing import Any, TypeVar

import glassnet._device as _device
import glassnet._dtypes as _dtypes

F = TypeVar("F", bound=Callable[..., Any])

_warned: set[str] = set()


def _warn_once(key: str, message: str, stacklevel: int) -> None:
    if key not in _warned:
        _warned.add(key)
        warnings.warn(message, UserWarning, stacklevel=stacklevel + 1)


class autocast:  # noqa: N801  (PyTorch's name)
    """Mixed-precision region (`torch.autocast`); on glassnet the block runs in full precision.

    Parameters
    ----------
    device_type : str
        "cpu", "cuda", "mps", ... (a string, as PyTorch requires).
    dtype : dtype, optional
        The lower precision PyTorch would use (default: float16 on "cuda", bfloat16 on "cpu").
    enabled : bool
        False makes the block a plain block, as in PyTorch.
    cache_enabled : bool, optional
        Accepted for PyTorch scripts (there is no cast cache).

    Works as `with glassnet.autocast(device_type="cpu", enabled=False):` and as a decorator.

    Example
    -------
    >>> with glassnet.autocast(device_type=device.type, enabled=False):
    ...     loss = loss_fn(model(x), y)
    """

    def __init__(
        self,
        device_type: str,
        dtype: Any = None,
        enabled: bool = True,
        cache_enabled: bool | None = None,
    ) -> None:
        if not isinstance(device_type, str):
            raise ValueError(
                f"autocast: expected `device_type` of type str (e.g. device.type), "
                f"got {type(device_type).__name__}"
            )
        kind = _device.device(device_type).type
        self.device_type = kind
        self.fast_dtype = dtype if dtype is not None else _default_dtype(kind)
        self._enabled = bool(enabled)
        if self._enabled and kind != "cpu":
            warnings.warn(
                f"autocast: device_type '{kind}' is not available (glassnet runs on the CPU "
                f"only); disabling autocast",
                UserWarning,
                stacklevel=2 if type(self) is autocast else 3,  # the user's line
            )
            self._enabled = False
        if self._enabled:
            _warn_once(
                "cpu",
                f"autocast(device_type='cpu', dtype={self.fast_dtype!r}): glassnet has no "
                f"reduced-precision kernels, so the block runs in the tensors' own dtype "
                f"(float32 by default); autocast is a no-op on glassnet",
                stacklevel=2 if type(self) is autocast else 3,
            )

    @property
    def enabled(self) -> bool:
        """Whether PyTorch would autocast here (glassnet computes the same either way)."""
        return self._enabled

    def __enter__(self) -> autocast:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def __call__(self, fn: F) -> F:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self:
                return fn(*args, **kwargs)

        return wrapper  # type: ignore[return-value]


def is_autocast_enabled(device_type: str | None = None) -> bool:
    """False: glassnet never computes in reduced precision, inside `autocast` or not."""
    return False


def _default_dtype(device_type: str) -> Any:
    """PyTorch's default autocast dtype: bfloat16 on the CPU, float16 elsewhere."""
    return _dtypes.bfloat16 if device_type == "cpu" else _dtypes.float16


def custom_fwd(fwd: Any = None, *, device_type: str = "cuda", cast_inputs: Any = None) -> Any:
    """`torch.amp.custom_fwd` for a custom autograd Function's forward: returns it unchanged
    (there is no autocast state to apply); usable with or without arguments."""
    if fwd is None:
        return lambda f: f
    return fwd


def custom_bwd(bwd: Any = None, *, device_type: str = "cuda") -> Any:
    """`torch.amp.custom_bwd`: returns the backward unchanged, as `custom_fwd`."""
    if bwd is None:
        return lambda f: f
    return bwd
