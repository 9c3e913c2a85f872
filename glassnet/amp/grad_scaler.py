"""`GradScaler`: PyTorch's loss scaling for mixed precision, with PyTorch's CPU semantics.

Loss scaling multiplies the loss by S before backward, so that small float16 gradients do not
underflow, and divides the gradients by S before the optimizer step:

    scale(loss)   = S * loss
    unscale_(opt) : g <- g / S for every gradient; found_inf = any g not finite
    step(opt)     : opt.step() unless found_inf (the step is skipped)
    update()      : found_inf -> S <- S * backoff_factor, tracker <- 0
                    else      -> tracker += 1; tracker == growth_interval -> S <- S * growth_factor

As in PyTorch: `GradScaler("cpu")` is a working scaler; a scaler for "cuda" (the default, and
every `glassnet.cuda.amp.GradScaler`) or another accelerator warns that the device is not
available and disables itself, and a disabled scaler (`enabled=False`) is transparent:
`scale(loss)` returns `loss`, `step(opt)` is `opt.step()`, `get_scale()` is 1.0.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

import glassnet._device as _device

_READY, _UNSCALED, _STEPPED = "ready", "unscaled", "stepped"


class GradScaler:
    """Scale the loss and unscale the gradients (`torch.amp.GradScaler`).

    Parameters
    ----------
    device : str
        "cuda" (PyTorch's default; disabled here with a warning), or "cpu" (a working scaler).
    init_scale : float
        The first scale S.
    growth_factor, backoff_factor : float
        S is multiplied by these after `growth_interval` finite steps, or after a step with an
        inf/NaN gradient.
    growth_interval : int
        Consecutive finite steps before S grows.
    enabled : bool
        False makes every method transparent (see the module docstring).

    Example
    -------
    >>> scaler = glassnet.amp.GradScaler(enabled=False)
    >>> scaler.scale(loss).backward()
    >>> scaler.step(optimizer)
    >>> scaler.update()
    """

    def __init__(
        self,
        device: str = "cuda",
        init_scale: float = 2.0**16,
        growth_factor: float = 2.0,
        backoff_factor: float = 0.5,
        growth_interval: int = 2000,
        enabled: bool = True,
    ) -> None:
        self._device = _device.device(device).type
        self._enabled = bool(enabled)
        if self._enabled and self._device != "cpu":
            warnings.warn(
                f"GradScaler is enabled, but device '{self._device}' is not available "
                f"(glassnet runs on the CPU only). Disabling.",
                UserWarning,
                stacklevel=2 if type(self) is GradScaler else 3,  # the user's line
            )
            self._enabled = False
        if growth_factor <= 1.0:
            raise ValueError(f"GradScaler: growth_factor should be > 1, got {growth_factor}")
        if not 0.0 < backoff_factor < 1.0:
            raise ValueError(
                f"GradScaler: backoff_factor should be in (0, 1), got {backoff_factor}"
            )
        if growth_interval <= 0:
            raise ValueError(f"GradScaler: growth_interval should be > 0, got {growth_interval}")
        self._scale = float(init_scale)
        self._growth_factor = float(growth_factor)
        self._backoff_factor = float(backoff_factor)
        self._growth_interval = int(growth_interval)
        self._growth_tracker = 0
        self._per_optimizer: dict[int, dict[str, Any]] = {}

    # ----------------------------------------------------------------- the loop
    def scale(self, outputs: Any) -> Any:
        """S * outputs (a tensor, or tensors nested in lists/tuples); `outputs` when disabled."""
        if not self._enabled:
            return outputs
        if isinstance(outputs, (list, tuple)):
            return type(outputs)(self.scale(o) for o in outputs)
        return outputs * self._scale

    def _state(self, optimizer: Any) -> dict[str, Any]:
        return self._per_optimizer.setdefault(id(optimizer), {"stage": _READY, "found_inf": False})

    def unscale_(self, optimizer: Any) -> None:
        """Divide the gradients of `optimizer`'s parameters by S, in place, and record whether
        any is inf/NaN. At most once per optimizer between `update()` calls, before `step`."""
        if not self._enabled:
            return
        state = self._state(optimizer)
        if state["stage"] == _UNSCALED:
            raise RuntimeError(
                "unscale_() has already been called on this optimizer since the last update()."
            )
        if state["stage"] == _STEPPED:
            raise RuntimeError("unscale_() is being called after step().")
        inv_scale = 1.0 / self._scale
        found_inf = False
        for group in optimizer.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                g = p.grad._data
                g *= inv_scale
                found_inf = found_inf or not bool(np.isfinite(g).all())
        state["found_inf"] = found_inf
        state["stage"] = _UNSCALED

    def step(self, optimizer: Any, *args: Any, **kwargs: Any) -> Any:
        """`optimizer.step()` on unscaled gradients, skipped when any gradient is inf/NaN.

        Returns what `optimizer.step` returns (None when the step was skipped).
        """
        if not self._enabled:
            return optimizer.step(*args, **kwargs)
        if "closure" in kwargs:
            raise RuntimeError("Closure use is not currently supported if GradScaler is enabled.")
        state = self._state(optimizer)
        if state["stage"] == _STEPPED:
            raise RuntimeError("step() has already been called since the last update().")
        if state["stage"] == _READY:
            self.unscale_(optimizer)
        result = None if state["found_inf"] else optimizer.step(*args, **kwargs)
        state["stage"] = _STEPPED
        return result

    def update(self, new_scale: Any = None) -> None:
        """Adjust S for the next iteration (see the module docstring), or set it to `new_scale`."""
        if not self._enabled:
            return
        if new_scale is not None:
            self._scale = float(new_scale)
        else:
            if not self._per_optimizer:
                raise RuntimeError("No inf checks were recorded prior to update().")
            found_inf = any(s["found_inf"] for s in self._per_optimizer.values())
            if found_inf:
                self._scale *= self._backoff_factor
                self._growth_tracker = 0
            else:
                self._growth_tracker += 1
                if self._growth_tracker == self._growth_interval:
                    grown = self._scale * self._growth_factor
                    if math.isfinite(grown):
                        self._scale = grown
                    self._growth_tracker = 0
        self._per_optimizer = {}

    # ----------------------------------------------------------------- accessors
    def get_scale(self) -> float:
        """The current scale S (1.0 when disabled)."""
        return self._scale if self._enabled else 1.0

    def is_enabled(self) -> bool:
        return self._enabled

    def get_growth_factor(self) -> float:
        return self._growth_factor

    def set_growth_factor(self, new_factor: float) -> None:
        self._growth_factor = float(new_factor)

    def get_backoff_factor(self) -> float:
        return self._backoff_factor

    def set_backoff_factor(self, new_factor: float) -> None:
        self._backoff_factor = float(new_factor)

    def get_growth_interval(self) -> int:
        return self._growth_interval

    def set_growth_interval(self, new_interval: int) -> None:
        self._growth_interval = int(new_interval)

    def state_dict(self) -> dict[str, Any]:
        """PyTorch's keys: scale, growth_factor, backoff_factor, growth_interval,
        _growth_tracker; empty when disabled."""
        if not self._enabled:
            return {}
        return {
            "scale": self._scale,
            "growth_factor": self._growth_factor,
            "backoff_factor": self._backoff_factor,
            "growth_interval": self._growth_interval,
            "_growth_tracker": self._growth_tracker,
        }

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore from `state_dict()`; a disabled scaler ignores it, as in PyTorch."""
        if not self._enabled:
            return
        if len(state_dict) == 0:
            raise RuntimeError(
                "The source state dict is empty, possibly because it was saved "
                "from a disabled instance of GradScaler."
            )
        self._scale = float(state_dict["scale"])
        self._growth_factor = float(state_dict["growth_factor"])
        self._backoff_factor = float(state_dict["backoff_factor"])
        self._growth_interval = int(state_dict["growth_interval"])
        self._growth_tracker = int(state_dict["_growth_tracker"])
