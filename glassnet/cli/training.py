"""`glassnet train` and `glassnet configs`: their options, and the calls they make
(`glassnet.config` resolves the run's config, `glassnet.runs` trains it into a run folder)."""

from __future__ import annotations

import argparse
from typing import Any

from glassnet.cli.parser import integer, positive_float, positive_int


def add_train(sub: Any) -> None:
    """The `train` subcommand's parser."""
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
        type=positive_int,
        help="BLAS threads (default: 1 for the small tabular data sets, else all cores)",
    )
    p.add_argument("--model", help="mlp, logistic, perceptron, lenet5, resnet, gpt")
    p.add_argument(
        "--dataset", help="digits, iris, breast_cancer, wine, diabetes, mnist, shakespeare"
    )
    p.add_argument("--optimizer", help="sgd, adam, adamw, rmsprop, adagrad, ...")
    p.add_argument("--lr", type=positive_float, help="learning rate")
    p.add_argument("--epochs", type=positive_int)
    p.add_argument("--batch-size", type=positive_int)
    p.add_argument("--seed", type=integer)
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


def add_configs(sub: Any) -> None:
    """The `configs` subcommand's parser."""
    sub.add_parser(
        "configs",
        help="list the shipped run configs",
        description="List the run configs shipped with glassnet, one line each; "
        "`glassnet train NAME` runs one.",
    )


def overrides(args: argparse.Namespace) -> dict[str, Any]:
    """The config keys train's options set, as {"optimizer.lr": 0.01, ...}."""
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
    """Resolve the config (or take the run folder's, with --resume) and train it."""
    from glassnet._threads import set_num_threads
    from glassnet.config import DEFAULT_RUN, ConfigError, resolve
    from glassnet.runs.run import resume_run, train_run
    from glassnet.train.builders import check_names, default_threads

    if args.from_run is not None:
        if args.config is not None:
            raise ValueError(f"give a config ({args.config}) or --from RUN_DIR, not both")
        args.config = args.from_run
    flat = overrides(args)
    # --quiet: nothing; otherwise a bar on a terminal and one line per epoch in a log
    output = {"quiet": bool(args.quiet), "log_format": args.log_format}
    if args.resume is not None:
        if args.config is not None or flat or args.out != "runs":
            raise ConfigError(
                "--resume RUN_DIR continues the run with its own config.json; "
                "give no config file or options besides --quiet and --log-format"
            )
        result = resume_run(args.resume, distributed=args.distributed, **output)
    else:
        if args.config is None and not any(k.startswith(("model.", "data.dataset")) for k in flat):
            config = resolve(None, {**DEFAULT_RUN, **flat})
        else:
            config = resolve(args.config, flat)
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
    """One line per shipped config."""
    from glassnet.config import config_summary, shipped_configs

    shipped = shipped_configs()
    width = max(map(len, shipped))
    for name, path in shipped.items():
        print(f"{name:<{width}}  {config_summary(path)}")
    print("run one with: glassnet train NAME")
    return 0
