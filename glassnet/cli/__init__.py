"""The `glassnet` command: it parses and calls. The work is done by `glassnet.config`
(configuration), `glassnet.runs` (run folders, their charts and reports, compare-optimizers),
`glassnet.train.saved_run` (a finished run read back) and `glassnet.explain`.

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

    parser.py       the parser (one-line errors, "did you mean") and the checked option types
    training.py     train, configs
    run_folder.py   report, evaluate, predict, generate, export
    tools.py        explain, compare-optimizers, playground
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from glassnet.cli import run_folder, tools, training
from glassnet.cli.parser import Parser

# command -> the function that runs it
COMMANDS = {
    "train": training.cmd_train,
    "configs": training.cmd_configs,
    "report": run_folder.cmd_report,
    "evaluate": run_folder.cmd_evaluate,
    "predict": run_folder.cmd_predict,
    "generate": run_folder.cmd_generate,
    "explain": tools.cmd_explain,
    "compare-optimizers": tools.cmd_compare,
    "export": run_folder.cmd_export,
    "playground": tools.cmd_playground,
}


def build_parser() -> argparse.ArgumentParser:
    """The `glassnet` parser with every subcommand, in the order `--help` lists them."""
    parser = Parser(
        prog="glassnet",
        description="Neural networks from first principles, with the working shown.",
    )
    from glassnet.version import __version__

    parser.add_argument("--version", action="version", version=f"glassnet {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)

    for add in (
        training.add_train,
        training.add_configs,
        run_folder.add_report,
        run_folder.add_evaluate,
        run_folder.add_predict,
        run_folder.add_generate,
        tools.add_explain,
        run_folder.add_export,
        tools.add_compare_optimizers,
        tools.add_playground,
    ):
        add(sub)
    return parser


def _end_other_ranks() -> None:
    """Under mpiexec, a rank that stops on an error ends the others too (they would wait)."""
    distributed = sys.modules.get("glassnet.distributed.comm")
    if distributed is not None and distributed.world_size() > 1:
        distributed.abort("stopped on the error above", code=2)


def _report_error(command: str, e: Exception) -> None:
    """One line on stderr; an error that every rank of an MPI job raised is said by rank 0 alone
    and needs no abort (no rank is left waiting)."""
    from glassnet.distributed import comm

    every_rank = getattr(e, "every_rank", False)
    if comm.is_main() or not every_rank:
        message = "; ".join(line.strip() for line in str(e).splitlines() if line.strip())
        print(f"glassnet {command}: error: {message}", file=sys.stderr)
    if not every_rank:
        _end_other_ranks()


def main(argv: Sequence[str] | None = None) -> int:
    """Run `glassnet ARGS`; returns the exit status (0, 2 for a user's mistake, 130 on Ctrl-C).

    Example
    -------
    >>> main(["explain", "relu"])
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    from glassnet.config import ConfigError
    from glassnet.distributed.comm import DistributedError
    from glassnet.io.checkpoint import CheckpointError

    try:
        return COMMANDS[args.command](args)
    except (ConfigError, CheckpointError, DistributedError, ValueError, OSError) as e:
        _report_error(args.command, e)
        return 2
    except KeyboardInterrupt as e:  # a run says where its folder is and what it holds
        details = f"\n{e}" if str(e) else ""
        print(f"glassnet {args.command}: interrupted (Ctrl-C){details}", file=sys.stderr)
        return 130
