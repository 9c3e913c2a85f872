"""The commands beside training: `glassnet explain`, `compare-optimizers` and `playground`,
their options and the calls they make (`glassnet.explain`, `glassnet.runs.compare`,
`glassnet.playground`)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from glassnet.cli.parser import integer, positive_int


def add_explain(sub: Any) -> None:
    """The `explain` subcommand's parser."""
    p = sub.add_parser(
        "explain",
        help="formula, derivative or update rule of an activation, loss or optimizer",
        description="Explain an activation, loss or "
        "optimizer: its math, when to use it, and a chart (--plot).",
    )
    p.add_argument("name", nargs="?", help="e.g. relu, cross_entropy, adam")
    p.add_argument("--plot", metavar="FILE", help="also draw its chart (.png, .jpg, .pdf or .svg)")
    p.add_argument("--list", action="store_true", help="list every name")


def add_compare_optimizers(sub: Any) -> None:
    """The `compare-optimizers` subcommand's parser."""
    p = sub.add_parser(
        "compare-optimizers",
        help="optimizers side by side on 2-D surfaces and a real data set",
        description="Run optimizers on four test surfaces "
        "and on a data set; draw their paths and loss curves side by side.",
    )
    p.add_argument(
        "--optimizers",
        default="sgd,momentum,rmsprop,adam",
        help="comma-separated (default sgd,momentum,rmsprop,adam)",
    )
    p.add_argument("--steps", type=positive_int, default=300, help="steps on each surface")
    p.add_argument("--dataset", default="digits", help="a bundled data set (default digits)")
    p.add_argument("--epochs", type=positive_int, default=10)
    p.add_argument("--seed", type=integer, default=0)
    p.add_argument("--out", default="runs")
    p.add_argument("--quiet", action="store_true")


def add_playground(sub: Any) -> None:
    """The `playground` subcommand's parser."""
    p = sub.add_parser(
        "playground",
        help="watch a network learn, live, in the browser",
        description="Start the playground web app (needs the extra: "
        'pip install "glassnet[playground]"). Binds to localhost unless --host says otherwise.',
    )
    p.add_argument("--port", type=positive_int, default=8000)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--open", action="store_true", help="open the page in the default browser")
    p.add_argument("--max-sessions", type=positive_int, default=8, help="concurrent tabs")
    p.add_argument("--out", default="runs", help="where saved runs go (default runs)")


def cmd_explain(args: argparse.Namespace) -> int:
    """The name's math (and its chart with --plot), or every name with --list."""
    import glassnet.explain as explain

    if args.list:
        for kind, names in explain.names().items():
            print(f"{explain.PLURALS[kind]}: {', '.join(names)}")
        return 0
    if not args.name:
        raise ValueError("explain: give a NAME (or --list to see them all)")
    if args.plot:
        from glassnet.viz._figure import chart_format

        chart_format(args.plot)  # refuse an unknown suffix before any output
    e = explain.explain(args.name)
    print(f"[{e.kind}] {e.text}")
    if args.plot:
        print(f"chart: {explain.plot(args.name, args.plot)}")
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    """Compare the optimizers into a new run folder; print the summary table."""
    from glassnet.runs.compare import run_comparison

    table, run_dir = run_comparison(
        args.optimizers.split(","),
        args.dataset,
        args.steps,
        args.epochs,
        args.seed,
        args.out,
        True if args.quiet else None,
    )
    print(table)
    print(f"run folder: {run_dir}")
    return 0


def cmd_playground(args: argparse.Namespace) -> int:
    """Serve the playground until stopped."""
    from glassnet.playground import serve

    try:
        serve(args.host, args.port, args.open, args.max_sessions, args.out)
    except ImportError as e:
        print(f"glassnet playground: error: {e}", file=sys.stderr)
        return 2
    return 0
