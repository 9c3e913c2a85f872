"""The commands on a finished run folder: `glassnet report`, `evaluate`, `predict`, `generate`
and `export`, their options and the calls they make (`glassnet.runs`, `glassnet.train.saved_run`,
`glassnet.train.predictions`, `glassnet.onnx.run_export`)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from glassnet.cli.parser import integer, nonnegative_float, positive_int


def add_report(sub: Any) -> None:
    """The `report` subcommand's parser."""
    p = sub.add_parser(
        "report",
        help="rebuild a run folder's charts and report.html",
        description="Redraw the charts and report.html of a run folder from its metrics.jsonl "
        "(or history.json) and its best checkpoint.",
    )
    p.add_argument("run_dir")
    p.add_argument("--data-dir", help="where the run's data is, if not found as in training")


def add_evaluate(sub: Any) -> None:
    """The `evaluate` subcommand's parser."""
    p = sub.add_parser(
        "evaluate",
        help="metrics of a run's best checkpoint on its test split",
        description="Evaluate a run folder's checkpoint on its test split.",
    )
    p.add_argument("run_dir")
    p.add_argument("--checkpoint", choices=["best", "last"], default="best")
    p.add_argument("--data-dir")


def add_predict(sub: Any) -> None:
    """The `predict` subcommand's parser."""
    p = sub.add_parser(
        "predict",
        help="predict the rows of a .npy or .csv file",
        description="Print one prediction per input row (raw features, as in "
        "the data set; the run's standardisation is applied).",
    )
    p.add_argument("run_dir")
    p.add_argument("input", help="INPUT.npy or INPUT.csv")
    p.add_argument("--checkpoint", choices=["best", "last"], default="best")
    p.add_argument(
        "--proba", action="store_true", help="also print each class's probability (classifiers)"
    )
    p.add_argument("--output", metavar="FILE", help="write the predictions as CSV to FILE")


def add_generate(sub: Any) -> None:
    """The `generate` subcommand's parser."""
    p = sub.add_parser(
        "generate",
        help="sample text from a language-model run",
        description="Continue a prompt with a trained character model.",
    )
    p.add_argument("run_dir")
    p.add_argument("--prompt", default="\n")
    p.add_argument("--max-new-tokens", type=positive_int, default=200)
    p.add_argument(
        "--temperature",
        type=nonnegative_float,
        default=1.0,
        help="sampling temperature; 0 decodes greedily (the most likely character each step)",
    )
    p.add_argument("--top-k", type=positive_int)
    p.add_argument("--seed", type=integer, default=0)


def add_export(sub: Any) -> None:
    """The `export` subcommand's parser."""
    p = sub.add_parser(
        "export",
        help="write a run's best checkpoint as an ONNX model",
        description="Export a run folder's checkpoint to ONNX (batch axis dynamic; inputs as "
        "the model sees them, i.e. after the run's standardisation).",
    )
    p.add_argument("run_dir")
    p.add_argument("--format", choices=["onnx"], default="onnx")
    p.add_argument("--out", help="output file (default RUN_DIR/model.onnx)")
    p.add_argument("--checkpoint", choices=["best", "last"], default="best")


def cmd_report(args: argparse.Namespace) -> int:
    """Redraw the run folder's charts and report.html."""
    from glassnet.runs.report import rebuild_report

    path = rebuild_report(args.run_dir, data_dir=args.data_dir)
    print(f"wrote {path}")
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    """One line per test metric of the checkpoint."""
    from glassnet.train.metrics import metric_label
    from glassnet.train.predictions import run_meta
    from glassnet.train.saved_run import evaluate_run

    metrics = evaluate_run(args.run_dir, args.checkpoint, args.data_dir)
    _, meta = run_meta(args.run_dir, args.checkpoint)
    task, classes = meta.get("task", ""), meta.get("class_names", [])
    split = metrics.pop("split", "test")
    for key, value in metrics.items():
        print(f"{split} {metric_label(key, task, classes)}: {value:.4f}")
    return 0


def cmd_predict(args: argparse.Namespace) -> int:
    """One prediction per input row, on stdout or as CSV in --output."""
    from glassnet.train.predictions import prediction_table, write_csv
    from glassnet.train.saved_run import predict_file

    out, labels = predict_file(args.run_dir, args.input, args.checkpoint)
    header, rows = prediction_table(args.run_dir, args.checkpoint, out, labels, args.proba)
    if args.output:
        print(f"wrote {write_csv(args.output, header, rows)} ({len(rows)} rows)")
    elif len(header) == 1:
        print("\n".join(row[0] for row in rows))
    else:
        print(",".join(header))
        print("\n".join(",".join(row) for row in rows))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """Write the checkpoint as an ONNX model (needs the `export` extra)."""
    try:
        from glassnet.onnx.run_export import export_run
    except ImportError as e:
        print(f"glassnet export: error: {e} (pip install glassnet[export])", file=sys.stderr)
        return 2

    path = export_run(args.run_dir, args.format, args.out, args.checkpoint)
    print(f"wrote {path}")
    return 0


def cmd_generate(args: argparse.Namespace) -> int:
    """Print the prompt's continuation."""
    from glassnet.train.saved_run import generate_from_run

    print(
        generate_from_run(
            args.run_dir, args.prompt, args.max_new_tokens, args.temperature, args.top_k, args.seed
        )
    )
    return 0
