"""`glassnet.testing.assert_close`: PyTorch's tensor comparison, its tolerances and its messages.

Two values are close when, elementwise,

    |actual - expected| <= atol + rtol * |expected|

(infinities must match exactly; NaNs match only with `equal_nan=True`). Default tolerances depend
on the dtype, as in PyTorch (the looser of the two inputs' when they differ):

    float16 (1e-3, 1e-5)   float32 (1.3e-6, 1e-5)   float64 (1e-7, 1e-7)   others (0, 0)

given as (rtol, atol); Python floats count as float64, ints and bools compare exactly.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from glassnet.tensor import Tensor

_PRECISIONS = {
    np.dtype(np.float16): (1e-3, 1e-5),
    np.dtype(np.float32): (1.3e-6, 1e-5),
    np.dtype(np.float64): (1e-7, 1e-7),
    np.dtype(np.complex64): (1.3e-6, 1e-5),
    np.dtype(np.complex128): (1e-7, 1e-7),
}


class _Mismatch(Exception):
    """A failed comparison: the exception type to raise, its message, and the item path."""

    def __init__(self, kind: type[Exception], msg: str, path: tuple = ()) -> None:
        super().__init__(msg)
        self.kind, self.msg, self.path = kind, msg, path


def assert_close(
    actual: Any,
    expected: Any,
    *,
    allow_subclasses: bool = True,
    rtol: float | None = None,
    atol: float | None = None,
    equal_nan: bool = False,
    check_device: bool = True,
    check_dtype: bool = True,
    check_layout: bool = True,
    check_stride: bool = False,
    msg: str | Callable[[str], str] | None = None,
) -> None:
    """Assert that `actual` and `expected` are close, as `torch.testing.assert_close`.

    Parameters
    ----------
    actual, expected : Tensor, ndarray, number, None, or sequences / mappings of them
        Compared recursively (lists against tuples is fine; keys and lengths must match).
    rtol, atol : float, optional
        Relative and absolute tolerance; give both or neither (neither: by dtype, see above).
    equal_nan : bool
        Count NaN == NaN as a match.
    check_dtype : bool
        Require equal dtypes; when False both are promoted to a common dtype first.
    msg : str or callable, optional
        Replaces the message (a callable receives the generated message and returns a new one).
    allow_subclasses, check_device, check_layout, check_stride
        Accepted for PyTorch's signature (glassnet tensors are dense and on the CPU).

    Raises
    ------
    AssertionError
        With PyTorch's message: "Tensor-likes are not close!", the number of mismatched elements,
        and the greatest absolute and relative differences with their indices.
    ValueError
        When only one of `rtol` and `atol` is given.
    TypeError
        When the inputs cannot be compared (e.g. a Tensor against a float or a NumPy array).

    Example
    -------
    >>> glassnet.testing.assert_close(glassnet.tensor([1.0]), glassnet.tensor([1.0 + 1e-7]))
    """
    if (rtol is None) != (atol is None):
        missing = "rtol" if rtol is None else "atol"
        raise ValueError(
            f"Both 'rtol' and 'atol' must be either specified or omitted, but got no {missing}."
        )
    try:
        _compare(actual, expected, rtol, atol, equal_nan, check_dtype)
    except _Mismatch as m:
        raise m.kind(_final_message(m, msg)) from None


def _final_message(m: _Mismatch, msg: str | Callable[[str], str] | None) -> str:
    """The mismatch's message with the failing item's path, or the user's `msg` instead."""
    text = m.msg
    if m.path:
        text += f"\n\nThe failure occurred for item {''.join(str([k]) for k in m.path)}"
    if isinstance(msg, str):
        return msg
    return msg(text) if callable(msg) else text


def _compare(a: Any, e: Any, rtol: Any, atol: Any, equal_nan: bool, check_dtype: bool) -> None:
    if a is None and e is None:
        return
    if isinstance(a, (Tensor, np.ndarray)) or isinstance(e, (Tensor, np.ndarray)):
        if not (isinstance(a, Tensor) and isinstance(e, Tensor)) and not (
            isinstance(a, np.ndarray) and isinstance(e, np.ndarray)
        ):
            _no_pair(a, e)
        _compare_arrays(np.asarray(a), np.asarray(e), rtol, atol, equal_nan, check_dtype)
        return
    if isinstance(a, Mapping) and isinstance(e, Mapping):
        if set(a) != set(e):
            raise _Mismatch(
                AssertionError,
                "The keys of the mappings do not match:\n"
                f"Missing keys in the actual mapping: {sorted(set(e) - set(a), key=repr)}\n"
                f"Additional keys in the actual mapping: {sorted(set(a) - set(e), key=repr)}",
            )
        for key in e:
            _nested(key, a[key], e[key], rtol, atol, equal_nan, check_dtype)
        return
    if _is_sequence(a) and _is_sequence(e):
        if len(a) != len(e):
            raise _Mismatch(
                AssertionError, f"The length of the sequences mismatch: {len(a)} != {len(e)}"
            )
        for i, (x, y) in enumerate(zip(a, e, strict=True)):
            _nested(i, x, y, rtol, atol, equal_nan, check_dtype)
        return
    if isinstance(a, (bool, np.bool_)) and isinstance(e, (bool, np.bool_)):
        if bool(a) != bool(e):
            raise _Mismatch(AssertionError, f"Booleans mismatch: {a} is not {e}")
        return
    if _is_number(a) and _is_number(e):
        _compare_scalars(a, e, rtol, atol, equal_nan, check_dtype)
        return
    _no_pair(a, e)


def _nested(key: Any, a: Any, e: Any, rtol: Any, atol: Any, nan: bool, check: bool) -> None:
    try:
        _compare(a, e, rtol, atol, nan, check)
    except _Mismatch as m:
        raise _Mismatch(m.kind, m.msg, (key, *m.path)) from None


def _is_sequence(x: Any) -> bool:
    return isinstance(x, Sequence) and not isinstance(x, (str, bytes))


def _is_number(x: Any) -> bool:
    return isinstance(x, (int, float, complex, np.number)) and not isinstance(x, bool)


def _no_pair(a: Any, e: Any) -> None:
    raise _Mismatch(
        TypeError,
        f"No comparison pair was able to handle inputs of type {type(a)} and {type(e)}.",
    )


def _tolerances(rtol: Any, atol: Any, *dtypes: np.dtype) -> tuple[float, float]:
    if rtol is not None:
        return float(rtol), float(atol)
    pairs = [_PRECISIONS.get(d, (0.0, 0.0)) for d in dtypes]
    return max(p[0] for p in pairs), max(p[1] for p in pairs)


def _compare_scalars(a: Any, e: Any, rtol: Any, atol: Any, nan: bool, check: bool) -> None:
    if check and type(a) is not type(e):
        raise _Mismatch(AssertionError, f"The (d)types do not match: {type(a)} != {type(e)}.")
    rtol, atol = _tolerances(rtol, atol, np.asarray(a).dtype, np.asarray(e).dtype)
    if _isclose(np.asarray(a), np.asarray(e), rtol, atol, nan):
        return
    abs_diff = abs(a - e)
    rel_diff = float("inf") if e == 0 else abs_diff / abs(e)
    raise _Mismatch(
        AssertionError,
        _message(
            "Scalars", f"Expected {e} but got {a}.", abs_diff, None, rel_diff, None, rtol, atol
        ),
    )


def _compare_arrays(
    a: np.ndarray, e: np.ndarray, rtol: Any, atol: Any, nan: bool, check: bool
) -> None:
    if a.shape != e.shape:
        raise _Mismatch(
            AssertionError,
            f"The values for attribute 'shape' do not match: {a.shape} != {e.shape}.",
        )
    rtol, atol = _tolerances(rtol, atol, a.dtype, e.dtype)
    if a.dtype != e.dtype:
        if check:
            raise _Mismatch(
                AssertionError,
                f"The values for attribute 'dtype' do not match: "
                f"glassnet.{a.dtype} != glassnet.{e.dtype}.",
            )
        common = np.result_type(a.dtype, e.dtype)
        a, e = a.astype(common), e.astype(common)
    matches = _isclose(a, e, rtol, atol, nan)
    if matches.all():
        return
    if a.ndim == 0:
        abs_diff = abs(a.item() - e.item())
        rel_diff = float("inf") if e.item() == 0 else abs_diff / abs(e.item())
        extra = f"Expected {e.item()} but got {a.item()}."
        raise _Mismatch(
            AssertionError,
            _message("Scalars", extra, abs_diff, None, rel_diff, None, rtol, atol),
        )
    raise _Mismatch(AssertionError, _tensor_message(a, e, matches, rtol, atol))


def _isclose(a: np.ndarray, e: np.ndarray, rtol: float, atol: float, nan: bool) -> np.ndarray:
    """|a - e| <= atol + rtol |e| elementwise; equal values (infinities included) always match."""
    if a.dtype.kind in "biu" and rtol == 0 and atol == 0:
        return np.asarray(a == e)
    with np.errstate(invalid="ignore", over="ignore"):
        close = np.isclose(a, e, rtol=rtol, atol=atol, equal_nan=nan)
    return np.asarray(close | (a == e))


def _tensor_message(
    a: np.ndarray, e: np.ndarray, matches: np.ndarray, rtol: float, atol: float
) -> str:
    total = matches.size
    mismatched = total - int(matches.sum())
    extra = f"Mismatched elements: {mismatched} / {total} ({mismatched / total:.1%})"
    a, e, m = a.ravel(), e.ravel(), matches.ravel()
    if a.dtype.kind in "biu":  # integers: differences in int64, the ratio in float32
        a, e = a.astype(np.int64), e.astype(np.int64)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        abs_diff = np.abs(a - e)
        abs_diff[m] = 0
        rel_diff = (
            abs_diff.astype(np.float32) / np.abs(e).astype(np.float32)
            if a.dtype.kind == "i"
            else abs_diff / np.abs(e)
        )
        rel_diff[m] = 0
    i, j = _argmax_nan(abs_diff), _argmax_nan(rel_diff)
    return _message(
        "Tensor-likes",
        extra,
        abs_diff[i].item(),
        np.unravel_index(i, matches.shape),
        rel_diff[j].item(),
        np.unravel_index(j, matches.shape),
        rtol,
        atol,
    )


def _argmax_nan(x: np.ndarray) -> int:
    """Index of the greatest value, or of the first NaN (as torch.max, NaN propagates)."""
    nans = np.flatnonzero(np.isnan(x)) if x.dtype.kind == "f" else ()
    return int(nans[0]) if len(nans) else int(np.argmax(x))


def _message(
    what: str,
    extra: str,
    abs_diff: Any,
    abs_idx: Any,
    rel_diff: Any,
    rel_idx: Any,
    rtol: float,
    atol: float,
) -> str:
    equal = rtol == 0 and atol == 0
    lines = [f"{what} are not {'equal' if equal else 'close'}!", "", extra]
    for kind, diff, idx, tol in (
        ("absolute", abs_diff, abs_idx, atol),
        ("relative", rel_diff, rel_idx, rtol),
    ):
        if idx is None:
            line = f"{kind.title()} difference: {diff}"
        else:
            line = f"Greatest {kind} difference: {diff} at index {tuple(int(k) for k in idx)}"
        lines.append(line if equal else f"{line} (up to {tol} allowed)")
    return "\n".join(lines)
