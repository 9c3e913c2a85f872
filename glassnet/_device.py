"""Devices: `glassnet.device`, as `torch.device`, and the one place where a device is checked.

glassnet computes with NumPy on the CPU. A script may still *name* any device PyTorch knows
(`glassnet.device("cuda")` is just a value, as in PyTorch); it is refused, with an error that names
it, at the point where a tensor would be placed there (`zeros(..., device="cuda")`, `x.to("cuda")`,
`model.cuda()`). Scripts written the usual way, `device = torch.device("cuda" if
torch.cuda.is_available() else "cpu")`, therefore run on the CPU unchanged.
"""

from __future__ import annotations

import builtins
from typing import Any

# The device types PyTorch 2.13 parses (torch.device("gpu") is an error there too).
DEVICE_TYPES = (
    "cpu",
    "cuda",
    "ipu",
    "xpu",
    "mkldnn",
    "opengl",
    "opencl",
    "ideep",
    "hip",
    "ve",
    "fpga",
    "maia",
    "xla",
    "lazy",
    "vulkan",
    "mps",
    "meta",
    "hpu",
    "mtia",
    "privateuseone",
)


class DeviceUnavailableError(ValueError, RuntimeError):
    """A tensor was asked for on a device glassnet cannot run on (anything but the CPU).

    A `ValueError` (a bad argument, glassnet's convention) and a `RuntimeError` (what PyTorch
    raises for a device it was not built with), so either `except` clause catches it.
    """


class device:  # noqa: N801  (PyTorch's name)
    """Where a tensor lives: `device("cpu")`, `device("cuda:1")`, `device("cuda", 0)`.

    Parameters
    ----------
    type : str or device
        A device type ("cpu", "cuda", "mps", ...), optionally followed by ":index".
    index : int, optional
        The device index; not allowed when `type` already carries one.

    Attributes
    ----------
    type : str
        The device type, e.g. "cuda".
    index : int or None
        The index, or None when the string gave none.

    Only "cpu" can hold glassnet tensors; the others can be named (and compared) so that scripts
    choosing a device at run time work, and are refused where a tensor would be placed on them.

    Example
    -------
    >>> glassnet.device("cuda:1")
    device(type='cuda', index=1)
    >>> glassnet.device("cpu") == "cpu"
    True
    """

    __slots__ = ("_type", "_index")

    def __init__(self, type: Any, index: int | None = None) -> None:  # noqa: A002
        if isinstance(type, device):
            if index is not None:
                raise TypeError("device: an index cannot be given with a device object")
            self._type, self._index = type._type, type._index
            return
        if isinstance(type, builtins.int) and not isinstance(type, builtins.bool):
            raise DeviceUnavailableError(
                f"device({type}): an integer names an accelerator device, and none is available "
                f"(glassnet runs on the CPU only)"
            )
        if not isinstance(type, str):
            raise TypeError(
                f"device: expected a device string such as 'cpu' or 'cuda:0', "
                f"got {type!r} ({builtins.type(type).__name__})"
            )
        self._type, self._index = _parse(type)
        if index is not None:
            if self._index is not None:
                raise RuntimeError(
                    f"device: type {type!r} already carries an index; do not pass index={index}"
                )
            if not isinstance(index, builtins.int) or isinstance(index, builtins.bool) or index < 0:
                raise RuntimeError(f"device: index must be a non-negative int, got {index!r}")
            self._index = index

    @property
    def type(self) -> str:  # noqa: A003
        return self._type

    @property
    def index(self) -> int | None:
        return self._index

    def __str__(self) -> str:
        return self._type if self._index is None else f"{self._type}:{self._index}"

    def __repr__(self) -> str:
        if self._index is None:
            return f"device(type='{self._type}')"
        return f"device(type='{self._type}', index={self._index})"

    def __eq__(self, other: object) -> bool:
        """Equal to a device (or a device string) of the same type and index.

        As in PyTorch, `device("cpu") != device("cpu:0")`: an explicit index is part of the
        identity.
        """
        if isinstance(other, str):
            try:
                other = device(other)
            except (TypeError, RuntimeError):
                return False
        if not isinstance(other, device):
            return NotImplemented
        return (self._type, self._index) == (other._type, other._index)

    def __hash__(self) -> int:
        return hash((self._type, self._index))

    def __enter__(self) -> device:
        """`with glassnet.device("cpu"):` makes tensors on the CPU (as always); another device
        is refused, since every tensor made inside would be placed there."""
        check(self, "device")
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def __reduce__(self) -> tuple:
        return (device, (self._type, self._index))


def _parse(spec: str) -> tuple[str, int | None]:
    """'cuda:1' -> ('cuda', 1); 'cpu' -> ('cpu', None); PyTorch's errors for the rest."""
    if not spec:
        raise RuntimeError("device: the device string must not be empty")
    kind, sep, idx = spec.partition(":")
    if kind not in DEVICE_TYPES:
        raise RuntimeError(
            f"device: expected one of {', '.join(DEVICE_TYPES)} device type at start of "
            f"device string: {spec}"
        )
    if not sep:
        return kind, None
    if not idx.isdigit() or (len(idx) > 1 and idx[0] == "0"):
        raise RuntimeError(f"device: invalid device string: {spec!r}")
    return kind, int(idx)


_CPU = device("cpu")


def check(dev: Any, where: str) -> device:
    """The device `dev` names (None: the default device), refused unless it is the CPU.

    Parameters
    ----------
    dev : str, device, int or None
        What a script passed as `device=`. An int is a CUDA index, as in PyTorch.
    where : str
        The function or method asking, named in the error.

    Raises
    ------
    DeviceUnavailableError
        For every device but the CPU, naming it.
    """
    if dev is None:
        return _CPU
    if isinstance(dev, int) and not isinstance(dev, bool):
        dev = device("cuda", dev)
    elif not isinstance(dev, device):
        dev = device(dev)
    if dev._type != "cpu":
        raise DeviceUnavailableError(
            f"{where}: glassnet runs on the CPU only; device '{dev}' is not available "
            f"(glassnet.cuda.is_available() is False)"
        )
    return dev


def is_device(arg: Any) -> bool:
    """True when `arg` names a device (a device, or a string starting with a device type)."""
    if isinstance(arg, device):
        return True
    return isinstance(arg, str) and arg.partition(":")[0] in DEVICE_TYPES


def get_default_device() -> device:
    """The device factories use when not given `device=`: always `device("cpu")` in glassnet."""
    return _CPU


def set_default_device(dev: Any) -> None:
    """Set the default device, as `torch.set_default_device`; only "cpu" (or None) is accepted.

    Any other device is refused at once, since every tensor made afterwards would be placed there.
    """
    if dev is not None:
        check(dev, "set_default_device")
