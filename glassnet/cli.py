"""The `glassnet` command: parsing only. The work is done by `glassnet.config` (configuration),
`glassnet.train.run` (run folders), `glassnet.train.compare`, `glassnet.train.report` and
`glassnet.explain`.

    glassnet train [CONFIG] [--model M --dataset D --optimizer O --lr X --epochs N ...]
                   [--log-format auto|plain|json] [--tensorboard]
    glassnet train --resume RUN_DIR
    glassnet configs
    glassnet evaluate RUN_DIR
    glassnet predict RUN_DIR INPUT.npy|INPUT.csv [--proba] [--output FILE]
    glassnet generate RUN_DIR --prompt TEXT [--temperature 0]
    glassnet report RUN_DIR
    glassnet explain NAME [--plot FILE.png|.jpg|.pdf|.svg]
    glassnet compare-optimizers [--optimizers sgd,adam] [--dataset digits]

A mistake by the user (unknown option or config key, bad value, missing file) prints one line on
stderr and exits with status 2.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from typing import Any, NoReturn


class _Parser(argparse.ArgumentParser):
    """argparse, but an error is one line (`glassnet train: error: ...`) and exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}{self._hint(message)} (see --help)\n")

    def _hint(self, message: str) -> str:
        """ " (did you mean ...?)" for a mistyped subcommand, choice or option."""
        from glassnet._suggest import did_you_mean

        match = re.search(r"invalid choice: '([^']*)' \(choose from (.*)\)", message)
        if match:
            choices = [c.strip(" '") for c in match.group(2).split(",")]
            return did_you_mean(match.group(1), choices)
        match = re.search(r"unrecognized arguments: (\S+)", message)
        if match and match.group(1).startswith("--"):
            options = [o for a in self._actions for o in a.option_strings]
            for action in self._actions:  # the subcommands' options too
                for sub in getattr(action, "choices", None) or {}:
                    if isinstance(action.choices[sub], argparse.ArgumentParser):
                        options += [
                            o for a in action.choices[sub]._actions for o in a.option_strings
                        ]
            return did_you_mean(match.group(1).split("=")[0], options)
        return ""


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
    return value


def _nonnegative_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number >= 0, got {text!r}") from None
    if not value >= 0:
        raise argparse.ArgumentTypeError(f"expected a number >= 0, got {text!r}")
    return value


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="glassnet",
        description="Neural networks from first principles, with the working shown.",
    )
    from glassnet.version import __version__

    parser.add_argument("--version", action="version", version=f"glassnet {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    for add in (
        _add_train,
        _add_configs,
        _add_report,
        _add_evaluate,
        _add_predict,
        _add_generate,
        _add_explain,
        _add_export,
        _add_compare_optimizers,
        _add_playground,
    ):
        add(sub)
    return parser


def _add_train(sub: Any) -> None:
    p = sub.add_parser(
        "train",
        help="train a model and write a run folder",
        description="Train a model. With no arguments: an MLP on the 8x8 digits "
        "(the digits-mlp config). Options override the config.",
    )
    p.add_argument(
        "config",
        nargs="?",
        help="a shipped config's name (see `glassnet configs`), a TOML file, or a run folder "
        "(or its config.json) to repeat that run",
    )
    p.add_argument("--from", dest="from_run", metavar="RUN_DIR", help="repeat this run's config")
    p.add_argument(
        "--threads",
        type=_positive_int,
        help="BLAS threads (default: 1 for the small tabular data sets, else all cores)",
    )
    p.add_argument("--model", help="mlp, logistic, perceptron, lenet5, resnet, gpt")
    p.add_argument(
        "--dataset", help="digits, iris, breast_cancer, wine, diabetes, mnist, shakespeare"
    )
    p.add_argument("--optimizer", help="sgd, adam, adamw, rmsprop, adagrad, ...")
    p.add_argument("--lr", type=_positive_float, help="learning rate")
    p.add_argument("--epochs", type=_positive_int)
    p.add_argument("--batch-size", type=_positive_int)
    p.add_argument("--seed", type=_int)
    p.add_argument("--name", help="run name (the folder is OUT/<timestamp>-<name>)")
    p.add_argument("--out", default="runs", help="folder for run folders (default runs/)")
    p.add_argument(
        "--data-dir", help="folder holding mnist/ and tinyshakespeare/ (default: $GLASSNET_DATA)"
    )
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override any config key, e.g. --set train.max_steps_per_epoch=50",
    )
    _add_output_options(p)
    p.add_argument(
        "--resume",
        metavar="RUN_DIR",
        help="continue a stopped run from its newest checkpoint (with its own config.json)",
    )
    p.add_argument(
        "--distributed",
        action="store_true",
        help="data-parallel over MPI ranks (automatic under mpiexec -n N with N > 1)",
    )


def _add_output_options(p: argparse.ArgumentParser) -> None:
    """train's --quiet, --log-format and --tensorboard."""
    p.add_argument("--quiet", action="store_true", help="no progress output")
    p.add_argument(
        "--log-format",
        choices=["auto", "plain", "json"],
        default="auto",
        help="progress output: auto (a bar on a terminal, one line per epoch otherwise), plain "
        "(one line per epoch), json (one JSON object per line on stdout)",
    )
    p.add_argument(
        "--tensorboard",
        action="store_true",
        help="also write TensorBoard event files to RUN_DIR/tensorboard (train.tensorboard)",
    )


def _add_configs(sub: Any) -> None:
    sub.add_parser(
        "configs",
        help="list the shipped run configs",
        description="List the run configs shipped with glassnet, one line each; "
        "`glassnet train NAME` runs one.",
    )


def _add_report(sub: Any) -> None:
    p = sub.add_parser(
        "report",
        help="rebuild a run folder's charts and report.html",
        description="Redraw the charts and report.html of a run folder from its metrics.jsonl "
        "(or history.json) and its best checkpoint.",
    )
    p.add_argument("run_dir")
    p.add_argument("--data-dir", help="where the run's data is, if not found as in training")


def _add_evaluate(sub: Any) -> None:
    p = sub.add_parser(
        "evaluate",
        help="metrics of a run's best checkpoint on its test split",
        description="Evaluate a run folder's checkpoint on its test split.",
    )
    p.add_argument("run_dir")
    p.add_argument("--checkpoint", choices=["best", "last"], default="best")
    p.add_argument("--data-dir")


def _add_predict(sub: Any) -> None:
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


def _add_generate(sub: Any) -> None:
    p = sub.add_parser(
        "generate",
        help="sample text from a language-model run",
        description="Continue a prompt with a trained character model.",
    )
    p.add_argument("run_dir")
    p.add_argument("--prompt", default="\n")
    p.add_argument("--max-new-tokens", type=_positive_int, default=200)
    p.add_argument(
        "--temperature",
        type=_nonnegative_float,
        default=1.0,
        help="sampling temperature; 0 decodes greedily (the most likely character each step)",
    )
    p.add_argument("--top-k", type=_positive_int)
    p.add_argument("--seed", type=_int, default=0)


def _add_explain(sub: Any) -> None:
    p = sub.add_parser(
        "explain",
        help="formula, derivative or update rule of an activation, loss or optimizer",
        description="Explain an activation, loss or "
        "optimizer: its math, when to use it, and a chart (--plot).",
    )
    p.add_argument("name", nargs="?", help="e.g. relu, cross_entropy, adam")
    p.add_argument("--plot", metavar="FILE", help="also draw its chart (.png, .jpg, .pdf or .svg)")
    p.add_argument("--list", action="store_true", help="list every name")


def _add_export(sub: Any) -> None:
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


def _add_compare_optimizers(sub: Any) -> None:
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
    p.add_argument("--steps", type=_positive_int, default=300, help="steps on each surface")
    p.add_argument("--dataset", default="digits", help="a bundled data set (default digits)")
    p.add_argument("--epochs", type=_positive_int, default=10)
    p.add_argument("--seed", type=_int, default=0)
    p.add_argument("--out", default="runs")
    p.add_argument("--quiet", action="store_true")


def _add_playground(sub: Any) -> None:
    p = sub.add_parser(
        "playground",
        help="watch a network learn, live, in the browser",
        description="Start the playground web app (needs the extra: "
        'pip install "glassnet[playground]"). Binds to localhost unless --host says otherwise.',
    )
    p.add_argument("--port", type=_positive_int, default=8000)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--open", action="store_true", help="open the page in the default browser")
    p.add_argument("--max-sessions", type=_positive_int, default=8, help="concurrent tabs")
    p.add_argument("--out", default="runs", help="where saved runs go (default runs)")


def _overrides(args: argparse.Namespace) -> dict[str, Any]:
    from glassnet.config import parse_assignment

    flat: dict[str, Any] = {}
    for option, key in (
        ("model", "model.name"),
        ("dataset", "data.dataset"),
        ("optimizer", "optimizer.name"),
        ("lr", "optimizer.lr"),
        ("epochs", "train.epochs"),
        ("batch_size", "data.batch_size"),
        ("seed", "seed"),
        ("name", "name"),
        ("data_dir", "data.data_dir"),
    ):
        value = getattr(args, option)
        if value is not None:
            flat[key] = value
    if getattr(args, "tensorboard", False):
        flat["train.tensorboard"] = True
    for assignment in args.set:
        key, value = parse_assignment(assignment)
        flat[key] = value
    return flat


def cmd_train(args: argparse.Namespace) -> int:
    from glassnet._threads import set_num_threads
    from glassnet.config import DEFAULT_RUN, ConfigError, resolve
    from glassnet.train.builders import check_names, default_threads
    from glassnet.train.run import resume_run, train_run

    if args.from_run is not None:
        if args.config is not None:
            raise ValueError(f"give a config ({args.config}) or --from RUN_DIR, not both")
        args.config = args.from_run
    overrides = _overrides(args)
    # --quiet: nothing; otherwise a bar on a terminal and one line per epoch in a log
    output = {"quiet": bool(args.quiet), "log_format": args.log_format}
    if args.resume is not None:
        if args.config is not None or overrides or args.out != "runs":
            raise ConfigError(
                "--resume RUN_DIR continues the run with its own config.json; "
                "give no config file or options besides --quiet and --log-format"
            )
        result = resume_run(args.resume, distributed=args.distributed, **output)
    else:
        if args.config is None and not any(
            k.startswith(("model.", "data.dataset")) for k in overrides
        ):
            config = resolve(None, {**DEFAULT_RUN, **overrides})
        else:
            config = resolve(args.config, overrides)
        check_names(config)  # a typo fails before a run folder exists
        threads = args.threads or default_threads(config)
        if threads:
            set_num_threads(threads)
        result = train_run(config, out=args.out, distributed=args.distributed, **output)
    from glassnet.distributed import comm

    if comm.is_main():  # (under mpiexec, rank 0 speaks for the run)
        _print_result(result, args.log_format)
    return 0


def _print_result(result: Any, log_format: str) -> None:
    """The headline and the run folder: two lines, or one JSON object with --log-format json."""
    if log_format == "json":
        import json

        record = {"type": "result", "run_dir": str(result.run_dir), **result.test_metrics}
        print(json.dumps(record, default=float))
    else:
        print(result.headline)
        print(f"run folder: {result.run_dir}")


def cmd_configs(args: argparse.Namespace) -> int:
    from glassnet.config import config_summary, shipped_configs

    shipped = shipped_configs()
    width = max(map(len, shipped))
    for name, path in shipped.items():
        print(f"{name:<{width}}  {config_summary(path)}")
    print("run one with: glassnet train NAME")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from glassnet.train.report import rebuild_report

    path = rebuild_report(args.run_dir, data_dir=args.data_dir)
    print(f"wrote {path}")
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    from glassnet.train.metrics import metric_label
    from glassnet.train.predictions import run_meta
    from glassnet.train.run import evaluate_run

    metrics = evaluate_run(args.run_dir, args.checkpoint, args.data_dir)
    _, meta = run_meta(args.run_dir, args.checkpoint)
    task, classes = meta.get("task", ""), meta.get("class_names", [])
    split = metrics.pop("split", "test")
    for key, value in metrics.items():
        print(f"{split} {metric_label(key, task, classes)}: {value:.4f}")
    return 0


def cmd_predict(args: argparse.Namespace) -> int:
    from glassnet.train.predictions import prediction_table, write_csv
    from glassnet.train.run import predict_file

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
    try:
        from glassnet.onnx.run_export import export_run
    except ImportError as e:
        print(f"glassnet export: error: {e} (pip install glassnet[export])", file=sys.stderr)
        return 2

    path = export_run(args.run_dir, args.format, args.out, args.checkpoint)
    print(f"wrote {path}")
    return 0


def cmd_generate(args: argparse.Namespace) -> int:
    from glassnet.train.run import generate_from_run

    print(
        generate_from_run(
            args.run_dir, args.prompt, args.max_new_tokens, args.temperature, args.top_k, args.seed
        )
    )
    return 0


def cmd_explain(args: argparse.Namespace) -> int:
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
    from glassnet.train.compare import run_comparison

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
    from glassnet.playground import serve

    try:
        serve(args.host, args.port, args.open, args.max_sessions, args.out)
    except ImportError as e:
        print(f"glassnet playground: error: {e}", file=sys.stderr)
        return 2
    return 0


COMMANDS = {
    "train": cmd_train,
    "configs": cmd_configs,
    "report": cmd_report,
    "evaluate": cmd_evaluate,
    "predict": cmd_predict,
    "generate": cmd_generate,
    "explain": cmd_explain,
    "compare-optimizers": cmd_compare,
    "export": cmd_export,
    "playground": cmd_playground,
}


def _end_other_ranks() -> None:
    """Under mpiexec, a rank that stops on an error ends the others too (they would wait)."""
    distributed = sys.modules.get("glassnet.distributed.comm")
    if distributed is not None and distributed.world_size() > 1:
        distributed.abort("stopped on the error above", code=2)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    from glassnet.config import ConfigError
    from glassnet.io.checkpoint import CheckpointError

    try:
        return COMMANDS[args.command](args)
    except (ConfigError, CheckpointError, ValueError, OSError) as e:
        message = "; ".join(line.strip() for line in str(e).splitlines() if line.strip())
        print(f"glassnet {args.command}: error: {message}", file=sys.stderr)
        _end_other_ranks()
        return 2
    except KeyboardInterrupt as e:  # a run says where its folder is and what it holds
        details = f"\n{e}" if str(e) else ""
        print(f"glassnet {args.command}: interrupted (Ctrl-C){details}", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
