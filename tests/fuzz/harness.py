"""The fuzz harness: run one public op on the same random inputs in glassnet and in PyTorch 2.13.

An op is declared once, as a `Spec` in one of the tables (`table_ops.py`, `table_nn.py`,
`table_losses.py`): its name, the glassnet callable, the torch callable and a hypothesis
strategy of `Case`s (the positional and keyword arguments; NumPy arrays among them become a
glassnet tensor on one side and a torch tensor on the other, floating ones requiring grad).

`check(spec, case)` then holds glassnet to this rule, forward and backward:

* glassnet returns a value and PyTorch returns one: same shape, dtype and values (NaN-aware,
  with a tolerance by dtype);
* glassnet raises: the error must be *clean* (see `clean_error`), whatever PyTorch did;
* glassnet returns a value where PyTorch raises: accepted, but a floating input must not come
  back silently as a wider float (float16/float32 -> float64).

Examples are kept tiny (sides up to 4) so that nothing can hang; hypothesis' deadline catches
any op that loops.
"""

from __future__ import annotations

import os
import traceback
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

import glassnet

GLASSNET_DIR = str(Path(glassnet.__file__).parent)
# GLASSNET_FUZZ=long: 400 random (not derandomized) examples per op, for a dedicated run (tens
# of minutes); CI runs 8 fixed examples per op (~60 s for all tables on 2 workers).
LONG = os.environ.get("GLASSNET_FUZZ") == "long"
# GLASSNET_FUZZ_STRICT=1: a glassnet error where torch returns a value fails too (to find the
# cases glassnet could compute; the normal run accepts a clean error).
STRICT = os.environ.get("GLASSNET_FUZZ_STRICT") == "1"
FUZZ = settings(
    max_examples=400 if LONG else 8,
    deadline=10_000,  # ms: a hang, not a slow op (examples are tiny)
    derandomize=not LONG,  # CI is reproducible; the long run explores
    suppress_health_check=list(HealthCheck),
    database=None,
)

ALL_DTYPES = ["bool", "int32", "int64", "float16", "float32", "float64", "complex64"]
FLOAT_DTYPES = ["float16", "float32", "float64"]
SPECIALS = (np.nan, np.inf, -np.inf, 1e30, -1e30)
TOLERANCE = {"float16": (2e-2, 2e-3), "float32": (2e-4, 1e-5), "complex64": (2e-4, 1e-5)}


@dataclass
class Case:
    """One call: positional and keyword arguments (NumPy arrays are turned into tensors)."""

    args: tuple
    kwargs: dict = field(default_factory=dict)


@dataclass
class Spec:
    """One public op: `g(*args, **kwargs)` in glassnet against `t(*args, **kwargs)` in torch.

    `cases` draws Cases; `grad` says whether to compare gradients; `huge=False` compares values
    only for finite inputs below 1e20 in size (ops whose float32 intermediates overflow there,
    where PyTorch accumulates in double, or that treat NaN differently; errors are still
    checked); `values_if(case)` and `grad_if(case)` limit the value and gradient checks to the
    cases where glassnet and PyTorch agree by design; `values=False` compares shapes and dtypes
    only (random results); `note` explains any deliberate difference from PyTorch."""

    name: str
    g: Callable
    t: Callable
    cases: Any
    grad: bool = True
    rtol_scale: float = 1.0
    huge: bool = True
    grad_if: Callable | None = None
    values_if: Callable | None = None
    values: bool = True
    note: str = ""


# --------------------------------------------------------------------------- input strategies


def _fill(rng: np.random.Generator, shape: tuple, dtype: str, special: bool) -> np.ndarray:
    if dtype == "bool":
        return np.asarray(rng.random(shape) < 0.5)
    if dtype.startswith("int"):
        return np.asarray(rng.integers(-5, 6, shape), dtype=dtype)
    a = np.asarray(rng.standard_normal(shape))
    if dtype.startswith("complex"):
        a = a + 1j * rng.standard_normal(shape)
    a = np.asarray(a, dtype=dtype)
    if special and a.size:
        k = rng.integers(1, a.size + 1)
        idx = rng.integers(0, a.size, k)
        a.reshape(-1)[idx] = rng.choice(SPECIALS, k)
    return a


@st.composite
def arrays(draw, shape: Any = None, dtypes: Any = None, special: Any = None, max_dims: int = 4):
    """A NumPy array: a shape (0-d, 0-size and size-1 sides included), a dtype, random values
    with, sometimes, NaN, +-Inf and +-1e30 among them."""
    if shape is None:
        shape = draw(shapes(max_dims=max_dims))
    dtype = draw(dtypes_st(dtypes))
    if special is None:
        special = draw(st.integers(0, 4)) == 0
    seed = draw(st.integers(0, 2**32 - 1))
    return _fill(np.random.default_rng(seed), tuple(shape), dtype, special)


def dtypes_st(dtypes: Any = None):
    """Floats most of the time (where values are compared), every other dtype sometimes."""
    if dtypes is None:
        return st.sampled_from(["float32", "float64", "float32", "float64"] + ALL_DTYPES)
    return st.sampled_from(list(dtypes))


def shapes(min_dims: int = 0, max_dims: int = 4, min_side: int = 0, max_side: int = 4):
    return st.lists(st.integers(min_side, max_side), min_size=min_dims, max_size=max_dims).map(
        tuple
    )


def broadcastable(shape: tuple):
    """A shape that broadcasts with `shape` most of the time (and sometimes does not)."""

    @st.composite
    def draw_shape(draw):
        kind = draw(st.integers(0, 5))
        if kind == 0:
            return draw(shapes())  # anything: often not broadcastable
        out = list(shape[draw(st.integers(0, len(shape))) :])
        for i in range(len(out)):
            if draw(st.booleans()):
                out[i] = 1
        return tuple(out)

    return draw_shape()


def dims(ndim: int, allow_none: bool = True):
    """A `dim` argument: in range mostly, out of range sometimes, None sometimes."""
    n = max(ndim, 1)
    choices = st.integers(-n - 1, n)
    return st.one_of(st.none(), choices) if allow_none else choices


# --------------------------------------------------------------------------- running both sides


def _to_glassnet(a: Any) -> Any:
    if isinstance(a, np.ndarray):
        return glassnet.tensor(a.copy(), requires_grad=a.dtype.kind == "f")
    if isinstance(a, (list, tuple)) and any(isinstance(x, np.ndarray) for x in a):
        return type(a)(_to_glassnet(x) for x in a)
    return a


def _to_torch(a: Any) -> Any:
    if isinstance(a, np.ndarray):
        return torch.from_numpy(a.copy()).requires_grad_(a.dtype.kind == "f")
    if isinstance(a, (list, tuple)) and any(isinstance(x, np.ndarray) for x in a):
        return type(a)(_to_torch(x) for x in a)
    return a


def _leaves(x: Any) -> list:
    if isinstance(x, (list, tuple)):
        return [leaf for item in x for leaf in _leaves(item)]
    return [x]


def clean_error(err: BaseException) -> str | None:
    """Why `err` is not a clean glassnet error, or None when it is.

    Clean: a ValueError/TypeError/RuntimeError/IndexError/NotImplementedError with a message,
    raised by a `raise` statement in glassnet's own code (so NumPy's errors -- UFuncTypeError,
    AxisError -- and Python's from inside an expression -- ZeroDivisionError, IndexError from a
    NumPy call, OverflowError -- all count as raw)."""
    ok = (ValueError, TypeError, RuntimeError, IndexError, NotImplementedError)
    if not isinstance(err, ok):
        return f"raw {type(err).__name__}"
    if type(err).__module__.startswith("numpy"):
        return f"raw NumPy {type(err).__name__}"
    if not str(err):
        return f"{type(err).__name__} without a message"
    frame = traceback.extract_tb(err.__traceback__)[-1]
    if not frame.filename.startswith(GLASSNET_DIR):
        return f"{type(err).__name__} raised outside glassnet, in {frame.filename}"
    if not (frame.line or "").lstrip().startswith("raise"):
        return f"{type(err).__name__} from inside glassnet's {frame.name}: {frame.line!r}"
    return None


def _np_dtype(t: torch.Tensor) -> np.dtype:
    return torch.empty(0, dtype=t.dtype).numpy().dtype


def _as_numpy(x: Any) -> Any:
    if isinstance(x, glassnet.Tensor):
        return x.detach().numpy()
    if isinstance(x, torch.Tensor):
        return x.detach().resolve_conj().numpy()
    return x


def _compare_meta(name: str, what: str, got: Any, want: Any) -> None:
    """Same type (Tensor or not), shape and dtype."""
    if isinstance(want, torch.Tensor):
        assert isinstance(got, glassnet.Tensor), f"{name}: {what} is {type(got)}, torch a Tensor"
        assert tuple(got.shape) == tuple(want.shape), (
            f"{name}: {what} shape {tuple(got.shape)} != torch {tuple(want.shape)}"
        )
        assert got.dtype == _np_dtype(want), f"{name}: {what} dtype {got.dtype} != {want.dtype}"


def _compare(
    name: str, what: str, got: Any, want: Any, rtol_scale: float, tol_dtype: Any = None
) -> None:
    _compare_meta(name, what, got, want)
    g, w = np.asarray(_as_numpy(got)), np.asarray(_as_numpy(want))
    if g.dtype.kind in "fc" or w.dtype.kind in "fc":
        rtol, atol = TOLERANCE.get(str(tol_dtype or g.dtype), (1e-7, 1e-9))
        np.testing.assert_allclose(
            g.astype(w.dtype) if g.shape == w.shape else g,
            w,
            rtol=rtol * rtol_scale,
            atol=atol * rtol_scale,
            equal_nan=True,
            err_msg=f"{name}: {what} differs from torch",
        )
    else:
        np.testing.assert_array_equal(g, w, err_msg=f"{name}: {what} differs from torch")


def _finite(args: Any, nan_ok: bool = False) -> bool:
    """No NaN, Inf or |x| >= 1e20 among the array arguments (NaN allowed when nan_ok)."""
    for a in _leaves(list(args)):
        if isinstance(a, np.ndarray) and a.dtype.kind in "fc":
            size = np.abs(a.astype(np.float64))
            if not nan_ok and np.isnan(size).any():
                return False
            if (size[~np.isnan(size)] >= 1e20).any():
                return False
    return True


def _run_glassnet(spec: Spec, case: Case) -> tuple:
    g_args: list = []
    try:
        g_args = [_to_glassnet(a) for a in case.args]
        g_kwargs = {k: _to_glassnet(v) for k, v in case.kwargs.items()}
        return g_args, spec.g(*g_args, **g_kwargs), None
    except Exception as err:  # judged by clean_error
        return g_args, None, err


def check(spec: Spec, case: Case) -> None:
    """Run `case` through both libraries and hold glassnet to the harness' rule."""
    g_args, g_out, g_err = _run_glassnet(spec, case)
    if g_err is not None:
        why = clean_error(g_err)
        assert why is None, f"{spec.name}{_describe(case)}: {why}: {g_err!r}"
        if STRICT and not _has_complex(case):  # complex: refused by design
            t_args = [_to_torch(a) for a in case.args]
            t_kwargs = {k: _to_torch(v) for k, v in case.kwargs.items()}
            try:
                spec.t(*t_args, **t_kwargs)
            except Exception:
                return
            raise AssertionError(f"{spec.name}{_describe(case)}: torch computes it: {g_err!r}")
        return
    t_args = [_to_torch(a) for a in case.args]
    t_kwargs = {k: _to_torch(v) for k, v in case.kwargs.items()}
    try:
        t_out = spec.t(*t_args, **t_kwargs)
    except Exception:
        _no_silent_upcast(spec, case, g_out)
        return
    g_leaves, t_leaves = _leaves(g_out), _leaves(t_out)
    assert len(g_leaves) == len(t_leaves), f"{spec.name}: {len(g_leaves)} outputs vs torch's"
    if not spec.values:
        for k, (g, t) in enumerate(zip(g_leaves, t_leaves)):
            _compare_meta(f"{spec.name}{_describe(case)}", f"output {k}", g, t)
        return
    if not spec.huge and not _finite(case.args):
        return
    if spec.values_if is not None and not spec.values_if(case):
        return
    for k, (g, t) in enumerate(zip(g_leaves, t_leaves)):
        _compare(f"{spec.name}{_describe(case)}", f"output {k}", g, t, spec.rtol_scale)
    if spec.grad and _finite(case.args) and (spec.grad_if is None or spec.grad_if(case)):
        _check_backward(spec, case, g_args, t_args, g_leaves, t_leaves)


def _has_complex(case: Case) -> bool:
    arrays_ = _leaves(list(case.args) + list(case.kwargs.values()))
    return any(isinstance(a, np.ndarray) and a.dtype.kind == "c" for a in arrays_)


def _no_silent_upcast(spec: Spec, case: Case, g_out: Any) -> None:
    inputs = [a.dtype for a in _leaves(list(case.args)) if isinstance(a, np.ndarray)]
    if any(d.kind == "f" and d.itemsize == 8 for d in inputs) or not inputs:
        return
    for leaf in _leaves(g_out):
        if isinstance(leaf, glassnet.Tensor) and any(d.kind == "f" for d in inputs):
            assert leaf.dtype != np.float64, f"{spec.name}{_describe(case)}: float64 output"


def _check_backward(spec, case, g_args, t_args, g_leaves, t_leaves) -> None:
    pairs = [
        (g, t)
        for g, t in zip(g_leaves, t_leaves)
        if isinstance(t, torch.Tensor) and t.requires_grad and t.dtype.is_floating_point
    ]
    if not pairs:
        return
    g_out, t_out = pairs[0]
    seed = zlib.crc32(spec.name.encode())  # hash() of a str changes per process
    gy = np.random.default_rng(seed).standard_normal(tuple(t_out.shape)).astype(_np_dtype(t_out))
    try:
        t_out.backward(torch.from_numpy(gy.copy()))
    except Exception:
        t_failed = True
    else:
        t_failed = False
    try:
        if not g_out.requires_grad:
            raise AssertionError(f"{spec.name}: output does not require grad; torch's does")
        g_out.backward(glassnet.tensor(gy.copy()))
    except AssertionError:
        raise
    except Exception as err:
        why = clean_error(err)
        assert why is None, f"{spec.name}{_describe(case)} backward: {why}: {err!r}"
        return
    if t_failed:
        return
    g_in = [a for a in _leaves(list(g_args)) if isinstance(a, glassnet.Tensor)]
    t_in = [a for a in _leaves(list(t_args)) if isinstance(a, torch.Tensor)]
    for k, (g, t) in enumerate(zip(g_in, t_in)):
        if t.grad is None:
            continue
        assert g.grad is not None, f"{spec.name}: input {k} got no gradient (torch's did)"
        # a gradient is only as precise as the output it comes through (float16 output, float64
        # input): its tolerance is the coarser dtype's
        coarse = min(g.dtype, g_out.dtype, key=lambda d: d.itemsize)
        label = f"{spec.name}{_describe(case)}"
        _compare(label, f"gradient of input {k}", g.grad, t.grad, spec.rtol_scale * 10, coarse)


def _describe(case: Case) -> str:
    def one(a: Any) -> str:
        if isinstance(a, np.ndarray):
            return f"array{a.shape}:{a.dtype}"
        if isinstance(a, (list, tuple)):
            return "[" + ", ".join(one(x) for x in a) + "]"
        return repr(a)

    args = [one(a) for a in case.args] + [f"{k}={one(v)}" for k, v in case.kwargs.items()]
    return "(" + ", ".join(args) + ")"
