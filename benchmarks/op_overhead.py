"""Per-op overhead: what one op costs on a tiny tensor (10 elements), where the arithmetic is free
and only the framework's bookkeeping is left. This cost decides how fast small models train.

For each op we time, in one process and taking turns (so a noisy neighbour slows all alike):
  numpy     the bare NumPy expression (forward) and the same plus its hand-written backward
  glassnet  the op (forward), and the op plus `y.backward(gy)` (forward + backward)
  torch     the same as glassnet, with autograd

A second table times chains of 100 ops with one backward at the end, as in a real model: the
cost per op there leaves out the fixed cost of starting a backward pass.

Run:  python benchmarks/op_overhead.py              (about a minute)
      python benchmarks/op_overhead.py --quick      (a few seconds)
      python benchmarks/op_overhead.py --cpu-time   (thread CPU time: steadier on a busy machine)
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script from anywhere

import glassnet  # noqa: E402
from benchmarks.harness import machine_info  # noqa: E402

try:
    import torch
except ImportError:  # the table simply has no torch columns
    torch = None


def _cases(rng: np.random.Generator) -> dict:
    """op -> (input arrays, forward on arrays of any library, NumPy backward(gy, *arrays))."""
    a = rng.standard_normal(10).astype(np.float32)
    b = rng.standard_normal(10).astype(np.float32) + 3
    m1 = rng.standard_normal((2, 5)).astype(np.float32)
    m2 = rng.standard_normal((5, 2)).astype(np.float32)
    return {
        "add": ((a, b), lambda x, y: x + y, lambda g, x, y: (g, g)),
        "mul": ((a, b), lambda x, y: x * y, lambda g, x, y: (g * y, g * x)),
        "div": ((a, b), lambda x, y: x / y, lambda g, x, y: (g / y, -g * x / (y * y))),
        "mul_scalar": ((a,), lambda x: x * 2.0, lambda g, x: (g * 2.0,)),
        "exp": ((a,), lambda x: x.exp() if not isinstance(x, np.ndarray) else np.exp(x), None),
        "relu": (
            (a,),
            lambda x: x.relu() if not isinstance(x, np.ndarray) else np.maximum(x, 0),
            lambda g, x: (g * (x > 0),),
        ),
        "sum": ((a,), lambda x: x.sum(), lambda g, x: (np.broadcast_to(g, x.shape),)),
        "mean_dim": (
            (m1,),
            lambda x: x.mean(1) if not isinstance(x, np.ndarray) else x.mean(axis=1),
            lambda g, x: (np.broadcast_to(g[:, None] / 5, x.shape),),
        ),
        "matmul": ((m1, m2), lambda x, y: x @ y, lambda g, x, y: (g @ y.T, x.T @ g)),
        "reshape": ((a,), lambda x: x.reshape(2, 5), lambda g, x: (g.reshape(10),)),
        "getitem": ((a,), lambda x: x[2:7], None),
    }


def _numpy_backward_exp(g: np.ndarray, x: np.ndarray) -> tuple:
    return (g * np.exp(x),)


def _numpy_backward_getitem(g: np.ndarray, x: np.ndarray) -> tuple:
    gx = np.zeros_like(x)
    gx[2:7] = g
    return (gx,)


def _loop(fn: Callable[[], object], n: int) -> Callable[[], None]:
    def run() -> None:
        for _ in range(n):
            fn()

    return run


def time_interleaved(
    steps: dict[str, Callable[[], None]], repeats: int, timer: Callable[[], float]
) -> dict[str, list[float]]:
    """Seconds per repeat of each step, the steps taking turns (after one warm-up run each)."""
    for fn in steps.values():
        fn()
    times: dict[str, list[float]] = {name: [] for name in steps}
    for _ in range(repeats):
        for name, fn in steps.items():
            t0 = timer()
            fn()
            times[name].append(timer() - t0)
    return times


def _row(op: str, key: str, seconds: list[float], per: int) -> dict:
    us = [s / per * 1e6 for s in seconds]
    framework, mode = key.split(" ")
    return {
        "op": op,
        "framework": framework,
        "mode": mode,
        "median_us": statistics.median(us),
        "min_us": min(us),
        "max_us": max(us),
    }


CHAIN = {
    "add": lambda h, c: h + c,
    "mul": lambda h, c: h * c,
    "relu": lambda h, c: (h - c).relu() if not isinstance(h, np.ndarray) else np.maximum(h - c, 0),
    "tanh": lambda h, c: h.tanh() if not isinstance(h, np.ndarray) else np.tanh(h),
}


def _chain_steps(op: Callable, n: int, length: int) -> dict:
    """Loops of n chains of `length` ops (forward, and forward + one backward) per library."""
    rng = np.random.default_rng(1)
    a = rng.standard_normal(10).astype(np.float32)
    c = rng.uniform(0.9, 1.1, 10).astype(np.float32)
    gy = np.ones(10, np.float32)

    def chain(x: object, c: object) -> object:
        h = x
        for _ in range(length):
            h = op(h, c)
        return h

    g_x, g_c = glassnet.tensor(a, requires_grad=True), glassnet.tensor(c, requires_grad=True)
    g_gy = glassnet.tensor(gy)
    steps = {
        "numpy fwd": _loop(lambda: chain(a, c), n),
        "glassnet fwd": _loop(lambda: chain(g_x, g_c), n),
        "glassnet fwd+bwd": _loop(lambda: chain(g_x, g_c).backward(g_gy), n),
    }
    if torch is not None:
        t_x, t_c = torch.tensor(a, requires_grad=True), torch.tensor(c, requires_grad=True)
        t_gy = torch.tensor(gy)
        steps["torch fwd"] = _loop(lambda: chain(t_x, t_c), n)
        steps["torch fwd+bwd"] = _loop(lambda: chain(t_x, t_c).backward(t_gy), n)
    return steps


def measure_chains(n: int, repeats: int, timer: Callable[[], float], length: int = 100) -> list:
    """Microseconds per op in a chain of `length` ops followed by one backward."""
    rows = []
    for name, op in CHAIN.items():
        steps = _chain_steps(op, n, length)
        for key, seconds in time_interleaved(steps, repeats, timer).items():
            rows.append(_row(name, key, seconds, n * length))
    return rows


def format_chains(rows: list[dict]) -> str:
    cell = {(r["op"], r["framework"], r["mode"]): r for r in rows}
    cols = [("numpy", "fwd"), ("glassnet", "fwd"), ("glassnet", "fwd+bwd")]
    if torch is not None:
        cols += [("torch", "fwd"), ("torch", "fwd+bwd")]
    head = f"{'op':<6}" + "".join(f" {f + ' ' + m:>24}" for f, m in cols)
    if torch is not None:
        head += f" {'gn/torch f+b':>13}"
    lines = [head, "-" * len(head)]
    for op in CHAIN:
        line = f"{op:<6}"
        for f, m in cols:
            r = cell[(op, f, m)]
            text = f"{r['median_us']:.2f} ({r['min_us']:.2f}-{r['max_us']:.2f})"
            line += f" {text:>24}"
        if torch is not None:
            ratio = cell[(op, "glassnet", "fwd+bwd")]["median_us"]
            ratio /= cell[(op, "torch", "fwd+bwd")]["median_us"]
            line += f" {ratio:>13.2f}"
        lines.append(line)
    return "\n".join(lines)


def measure(n: int, repeats: int, timer: Callable[[], float]) -> list[dict]:
    """Microseconds per call, per (op, framework, mode): median and min-max over the repeats."""
    rng = np.random.default_rng(0)
    rows = []
    for name, (arrays, fwd, bwd) in _cases(rng).items():
        bwd = bwd or {"exp": _numpy_backward_exp, "getitem": _numpy_backward_getitem}[name]
        gy = np.ones_like(fwd(*arrays))
        g_in = [glassnet.tensor(x, requires_grad=True) for x in arrays]
        g_gy = glassnet.tensor(gy)

        def numpy_fb(arrays=arrays, fwd=fwd, bwd=bwd, gy=gy) -> None:
            fwd(*arrays)
            bwd(gy, *arrays)

        def glassnet_fb(g_in=g_in, fwd=fwd, g_gy=g_gy) -> None:
            fwd(*g_in).backward(g_gy)

        steps = {
            "numpy fwd": _loop(lambda arrays=arrays, fwd=fwd: fwd(*arrays), n),
            "glassnet fwd": _loop(lambda g_in=g_in, fwd=fwd: fwd(*g_in), n),
            "numpy fwd+bwd": _loop(numpy_fb, n),
            "glassnet fwd+bwd": _loop(glassnet_fb, n),
        }
        if torch is not None:
            t_in = [torch.tensor(x, requires_grad=True) for x in arrays]
            t_gy = torch.tensor(gy)

            def torch_fb(t_in=t_in, fwd=fwd, t_gy=t_gy) -> None:
                fwd(*t_in).backward(t_gy)

            steps["torch fwd"] = _loop(lambda t_in=t_in, fwd=fwd: fwd(*t_in), n)
            steps["torch fwd+bwd"] = _loop(torch_fb, n)
        for key, seconds in time_interleaved(steps, repeats, timer).items():
            rows.append(_row(name, key, seconds, n))
    return rows


def format_rows(rows: list[dict]) -> str:
    """One line per (op, mode): the three frameworks side by side and glassnet's ratios."""
    cell = {(r["op"], r["mode"], r["framework"]): r for r in rows}
    frameworks = ["numpy", "glassnet"] + (["torch"] if torch is not None else [])
    head = f"{'op':<11} {'mode':<8}" + "".join(f" {f + ' us (min-max)':>24}" for f in frameworks)
    head += f" {'gn/np':>6}" + (f" {'gn/torch':>8}" if torch is not None else "")
    lines = [head, "-" * len(head)]
    ops = list(dict.fromkeys(r["op"] for r in rows))
    for mode in ("fwd", "fwd+bwd"):
        for op in ops:
            line = f"{op:<11} {mode:<8}"
            for f in frameworks:
                r = cell[(op, mode, f)]
                text = f"{r['median_us']:.2f} ({r['min_us']:.2f}-{r['max_us']:.2f})"
                line += f" {text:>24}"
            gn = cell[(op, mode, "glassnet")]["median_us"]
            line += f" {gn / cell[(op, mode, 'numpy')]['median_us']:>6.2f}"
            if torch is not None:
                line += f" {gn / cell[(op, mode, 'torch')]['median_us']:>8.2f}"
            lines.append(line)
    return "\n".join(lines)


def summary(rows: list[dict]) -> str:
    """Mean over ops of the medians, per framework and mode."""
    out = []
    for mode in ("fwd", "fwd+bwd"):
        parts = []
        for f in ("numpy", "glassnet", "torch"):
            vals = [r["median_us"] for r in rows if r["mode"] == mode and r["framework"] == f]
            if vals:
                parts.append(f"{f} {statistics.fmean(vals):.2f} us")
        out.append(f"mean per op, {mode:<8}: " + ", ".join(parts))
    return "\n".join(out)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer calls and repeats")
    parser.add_argument("--calls", type=int, default=None, help="calls per timed loop")
    parser.add_argument("--repeats", type=int, default=None, help="interleaved repeats")
    parser.add_argument(
        "--cpu-time", action="store_true", help="time with this thread's CPU time, not wall time"
    )
    args = parser.parse_args(argv)
    timer = time.thread_time if args.cpu_time else time.perf_counter
    glassnet.tune_allocator()  # as training does (glassnet/allocator.py)
    n = args.calls or (300 if args.quick else 2000)
    repeats = args.repeats or (3 if args.quick else 7)
    if torch is not None:
        torch.set_num_threads(1)  # tiny tensors: threads only add overhead
    info = machine_info()
    print(f"python {info['python']}, numpy {info['numpy']}, {info['machine']}")
    print(f"BLAS: {info['blas']}")
    if torch is not None:
        print(f"torch {torch.__version__} (1 thread)")
    clock = "thread CPU time" if args.cpu_time else "wall time"
    print(f"{n} calls per loop, {repeats} interleaved repeats, {clock}; microseconds per call\n")
    rows = measure(n, repeats, timer)
    print(format_rows(rows))
    print()
    print(summary(rows))
    print("\nchains of 100 ops, one backward at the end; microseconds per op (median, min-max)\n")
    print(format_chains(measure_chains(max(n // 100, 3), repeats, timer)))


if __name__ == "__main__":
    main()
