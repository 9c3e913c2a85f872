"""Per-layer convolution table: glassnet against PyTorch (CPU, 2 threads) on one layer at a time.

    python -m benchmarks.conv_layers [--quick] [--repeats N] [--only TEXT ...] [--json FILE]
                                     [--threads N] [--cpu-time]
    python -m benchmarks --conv-layers ...      (the same table after the suite's workloads)

Each row is one Conv2d (with bias) over a grid of shapes: kernels 1x1, 3x3, 5x5 and 7x7; stride 1
and 2; padding 0 ('valid'), 'same' and other; dilation 2; grouped and depthwise (groups =
channels); 1-256 channels; maps 4x4-64x64; batch 1, 8 and 64. For each it times, taking turns in
this one process (so a noisy neighbour slows both alike), the median of the repeats of

  fwd      the forward pass under no_grad (inference)
  fwd+bwd  the forward pass and `y.backward(gy)`: gradients of the weight, the bias and (past the
           first layer, C > 3) the input

and prints milliseconds, the ratio glassnet / PyTorch and GFLOP/s (2 FLOPs per multiply-add,
backward = 2x forward). --quick times each row once, briefly: it proves the table runs.
--threads sets both frameworks' threads (PyTorch's intra-op and the BLAS pool; default 2);
--cpu-time times process CPU time instead of wall-clock: steadier on a busy machine, and fair
with --threads 1 (with more threads it also counts the time PyTorch's workers spend spinning).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

if not __package__:  # run as a script: the repository on the path
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import glassnet  # noqa: E402
from benchmarks.harness import machine_info  # noqa: E402
from benchmarks.workloads.common import torch_setup  # noqa: E402

# (name, N, C, H=W, O, kernel, stride, padding, dilation, groups)
GRID = [
    ("lenet c1 5x5 valid", 64, 1, 28, 6, 5, 1, 0, 1, 1),
    ("lenet c2 5x5 valid", 64, 6, 12, 16, 5, 1, 0, 1, 1),
    ("lenet c3 5x5 valid", 64, 6, 14, 16, 5, 1, 0, 1, 1),
    ("lenet c1 5x5 same", 64, 1, 28, 6, 5, 1, 2, 1, 1),
    ("lenet c1 batch 1", 1, 1, 28, 6, 5, 1, 0, 1, 1),
    ("mnist c1 3x3 valid", 64, 1, 28, 32, 3, 1, 0, 1, 1),
    ("mnist c2 3x3 valid", 64, 32, 26, 64, 3, 1, 0, 1, 1),
    ("resnet 3x3 16ch 28", 64, 16, 28, 16, 3, 1, 1, 1, 1),
    ("resnet 3x3 32ch 14", 64, 32, 14, 32, 3, 1, 1, 1, 1),
    ("resnet 3x3 64ch 7", 64, 64, 7, 64, 3, 1, 1, 1, 1),
    ("resnet 3x3/2 down", 64, 16, 28, 32, 3, 2, 1, 1, 1),
    ("resnet 1x1/2 shortcut", 64, 16, 28, 32, 1, 2, 0, 1, 1),
    ("3x3/2 valid", 64, 32, 14, 32, 3, 2, 0, 1, 1),
    ("3x3 pad 2 (grows)", 64, 16, 28, 16, 3, 1, 2, 1, 1),
    ("3x3 128ch 4x4", 64, 128, 4, 128, 3, 1, 1, 1, 1),
    ("1x1 64->256", 64, 64, 8, 256, 1, 1, 0, 1, 1),
    ("1x1 256->64", 64, 256, 8, 64, 1, 1, 0, 1, 1),
    ("1x1 256->256 4x4", 64, 256, 4, 256, 1, 1, 0, 1, 1),
    ("1x1 128 16x16", 8, 128, 16, 128, 1, 1, 0, 1, 1),
    ("1x1 32->64 32x32", 8, 32, 32, 64, 1, 1, 0, 1, 1),
    ("stem 7x7/2", 8, 3, 64, 16, 7, 2, 3, 1, 1),
    ("stem 3x3 cifar", 8, 3, 32, 16, 3, 1, 1, 1, 1),
    ("3x3 valid 64ch 16", 8, 64, 16, 64, 3, 1, 0, 1, 1),
    ("3x3 dil 2 same", 8, 32, 32, 32, 3, 1, 2, 2, 1),
    ("3x3 dil 2 valid", 8, 32, 32, 32, 3, 1, 0, 2, 1),
    ("3x3 8ch 64x64", 8, 8, 64, 16, 3, 1, 1, 1, 1),
    ("5x5 same 64x64", 8, 16, 64, 16, 5, 1, 2, 1, 1),
    ("7x7 same 32x32", 8, 16, 32, 32, 7, 1, 3, 1, 1),
    ("5x5/2 pad 1", 8, 32, 16, 32, 5, 2, 1, 1, 1),
    ("grouped 3x3 g4", 8, 64, 16, 128, 3, 1, 1, 1, 4),
    ("depthwise 3x3", 8, 64, 16, 64, 3, 1, 1, 1, 64),
    ("depthwise 3x3/2", 8, 64, 16, 64, 3, 2, 1, 1, 64),
    ("depthwise 5x5", 8, 32, 32, 32, 5, 1, 2, 1, 32),
    ("batch 1 3x3 64ch 32", 1, 64, 32, 64, 3, 1, 1, 1, 1),
    ("batch 1 3x3 256ch 4", 1, 256, 4, 256, 3, 1, 1, 1, 1),
    ("batch 1 3x3/2 stem", 1, 3, 64, 32, 3, 2, 1, 1, 1),
]


def _flops(row: tuple) -> float:
    """Forward FLOPs of one row: 2 N O Ho Wo (C/groups) kh kw."""
    _, N, C, H, O, k, s, p, d, g = row
    Ho = (H + 2 * p - d * (k - 1) - 1) // s + 1
    return 2.0 * N * O * Ho * Ho * (C // g) * k * k


def _steps(row: tuple, torch) -> dict[str, Callable[[], None]]:
    """The four timed callables of one row, sharing one set of weights and data."""
    _, N, C, H, O, k, s, p, d, g = row
    rng = np.random.default_rng(0)
    x_np = rng.standard_normal((N, C, H, H)).astype(np.float32)
    w_np = (rng.standard_normal((O, C // g, k, k)) / np.sqrt(C // g * k * k)).astype(np.float32)
    b_np = rng.standard_normal(O).astype(np.float32)
    kwargs = dict(stride=s, padding=p, dilation=d, groups=g)
    input_grad = C > 3  # a first layer's input (images) wants no gradient
    F, TF = glassnet.nn.functional, torch.nn.functional
    gx = glassnet.tensor(x_np, requires_grad=input_grad)
    gw = glassnet.tensor(w_np, requires_grad=True)
    gb = glassnet.tensor(b_np, requires_grad=True)
    tx = torch.tensor(x_np, requires_grad=input_grad)
    tw = torch.tensor(w_np, requires_grad=True)
    tb = torch.tensor(b_np, requires_grad=True)
    gy_np = np.ones(F.conv2d(gx, gw, gb, **kwargs).shape, dtype=np.float32)
    g_gy, t_gy = glassnet.tensor(gy_np), torch.tensor(gy_np)

    def g_fwd():
        with glassnet.no_grad():
            F.conv2d(gx, gw, gb, **kwargs)

    def t_fwd():
        with torch.no_grad():
            TF.conv2d(tx, tw, tb, **kwargs)

    def g_train():
        gw.grad = gb.grad = gx.grad = None
        F.conv2d(gx, gw, gb, **kwargs).backward(g_gy)

    def t_train():
        tw.grad = tb.grad = tx.grad = None
        TF.conv2d(tx, tw, tb, **kwargs).backward(t_gy)

    return {"g_fwd": g_fwd, "t_fwd": t_fwd, "g_train": g_train, "t_train": t_train}


def _time_row(
    steps: dict, repeats: int, min_s: float, timer: Callable[[], float] = time.perf_counter
) -> dict[str, float]:
    """Median seconds per call of each step: calls looped to last ~min_s, steps taking turns."""
    loops = {}
    for name, fn in steps.items():
        fn()  # warm-up (and the caches' first fill)
        t0 = timer()
        fn()
        loops[name] = max(1, int(min_s / max(timer() - t0, 1e-6)))
    times: dict[str, list[float]] = {name: [] for name in steps}
    for _ in range(repeats):
        for name, fn in steps.items():
            t0 = timer()
            for _ in range(loops[name]):
                fn()
            times[name].append((timer() - t0) / loops[name])
    return {name: statistics.median(t) for name, t in times.items()}


def run(
    repeats: int = 5,
    quick: bool = False,
    only: list[str] | None = None,
    threads: int = 2,
    cpu_time: bool = False,
) -> list[dict]:
    """Time every row of GRID (or those whose name contains one of `only`); one dict per row."""
    from threadpoolctl import threadpool_limits

    torch = torch_setup()
    torch.set_num_threads(threads)
    threadpool_limits(threads)
    timer = time.process_time if cpu_time else time.perf_counter
    rows = []
    for row in GRID:
        name = row[0]
        if only and not any(o in name for o in only):
            continue
        t = _time_row(_steps(row, torch), 1 if quick else repeats, 0.0 if quick else 0.02, timer)
        flops = _flops(row)
        rows.append(
            {
                "layer": name,
                "shape": dict(
                    zip(
                        ("N", "C", "H", "O", "k", "stride", "padding", "dilation", "groups"),
                        row[1:],
                    )
                ),  # fmt: skip
                "forward_flops": flops,
                "glassnet_fwd_s": t["g_fwd"],
                "torch_fwd_s": t["t_fwd"],
                "fwd_ratio": t["g_fwd"] / t["t_fwd"],
                "glassnet_train_s": t["g_train"],
                "torch_train_s": t["t_train"],
                "train_ratio": t["g_train"] / t["t_train"],
                "glassnet_train_gflops": 3 * flops / t["g_train"] / 1e9,
                "torch_train_gflops": 3 * flops / t["t_train"] / 1e9,
            }
        )
        print(format_row(rows[-1]), flush=True)
    return rows


HEAD = (
    f"{'layer':<24} {'shape N,C,HxW->O k/s/p/d/g':<30} {'fwd ms':>7} {'torch':>7} {'ratio':>6}"
    f" {'f+b ms':>8} {'torch':>8} {'ratio':>6} {'GFLOP/s':>8} {'torch':>6}"
)


def format_row(r: dict) -> str:
    s = r["shape"]
    shape = (
        f"{s['N']},{s['C']},{s['H']}x{s['H']}->{s['O']} "
        f"{s['k']}/{s['stride']}/{s['padding']}/{s['dilation']}/{s['groups']}"
    )
    return (
        f"{r['layer']:<24} {shape:<30} {r['glassnet_fwd_s'] * 1e3:>7.3f} "
        f"{r['torch_fwd_s'] * 1e3:>7.3f} {r['fwd_ratio']:>6.2f} "
        f"{r['glassnet_train_s'] * 1e3:>8.3f} {r['torch_train_s'] * 1e3:>8.3f} "
        f"{r['train_ratio']:>6.2f} {r['glassnet_train_gflops']:>8.1f} "
        f"{r['torch_train_gflops']:>6.1f}"
    )


def format_table(rows: list[dict]) -> str:
    """The rows under one header, and the worst and median ratios."""
    lines = [HEAD, "-" * len(HEAD)] + [format_row(r) for r in rows]
    if rows:
        fwd = [r["fwd_ratio"] for r in rows]
        train = [r["train_ratio"] for r in rows]
        lines.append(
            f"ratios: fwd median {statistics.median(fwd):.2f} worst {max(fwd):.2f}; "
            f"fwd+bwd median {statistics.median(train):.2f} worst {max(train):.2f}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.conv_layers", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--quick", action="store_true", help="one brief repeat per row")
    parser.add_argument("--repeats", type=int, default=5, help="timed repeats per row")
    parser.add_argument("--only", nargs="+", help="rows whose name contains one of these")
    parser.add_argument("--json", type=Path, help="also write the rows here as JSON")
    parser.add_argument("--threads", type=int, default=2, help="threads of both frameworks")
    parser.add_argument("--cpu-time", action="store_true", help="time CPU, not wall-clock")
    args = parser.parse_args(argv)
    print(f"machine: {machine_info()}\n{HEAD}\n{'-' * len(HEAD)}", flush=True)
    rows = run(args.repeats, args.quick, args.only, args.threads, args.cpu_time)
    print("\n" + format_table(rows))
    if args.json:
        args.json.write_text(json.dumps({"machine": machine_info(), "conv_layers": rows}, indent=2))
        print(f"\nJSON written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
