"""The ``sweepwalk`` command line.

``sweepwalk report RUNS.csv --metric accuracy --target "lr=0.01,solver=adam"`` loads a sweep in long
format (one row per run), compares the target configuration with its neighbours (or with every
configuration) and prints the comparison, coloured by status when standard output is a terminal.

Errors are reported as one line on standard error, with exit code 2.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import textwrap
import time
from collections.abc import Sequence
from typing import IO, TYPE_CHECKING, Any, NoReturn

from .. import _vocab
from .._version import __version__
from ..analysis.settings import DEFAULTS, IMPORTANCE_CORRECTION
from .errors import CLIError
from .safe import COLOUR_CODES, PROGRESS_CODES, SafeStream
from .sources import sources_help

if TYPE_CHECKING:
    import pandas as pd

# The commands import the engine (pandas, scipy, the sweep) when they run, so that
# `sweepwalk --version` and `--help` load none of it.

EXIT_OK = 0
EXIT_ERROR = 2


#: Words that mean "this parameter is absent" in ``--target`` (case-insensitive).
class _Formatter(argparse.HelpFormatter):
    """argparse's formatter, but the list of SOURCE forms keeps its lines."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if text.startswith("SOURCE is one of"):
            return "".join(indent + line for line in text.splitlines(keepends=True))
        # argparse's own paragraph fill
        return textwrap.fill(
            " ".join(text.split()), width, initial_indent=indent, subsequent_indent=indent
        )


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line (no usage block) and exit code 2."""

    def error(self, message: str) -> NoReturn:
        raise CLIError(f"{message} (see `{self.prog} --help`)")


# ---------------------------------------------------------------------------------------------
# Input


#: Strings pandas reads as missing by default that a sweep may use as values ("None" solver).
def _load_sweep(args: argparse.Namespace) -> tuple[Any, pd.DataFrame]:
    from ..sweep import Sweep
    from .inputs import read_runs, split_list
    from .sources import is_table, open_named_source, parse_bins

    bins = parse_bins(args.bins, CLIError)
    params = split_list(args.params) if args.params is not None else None
    if not is_table(args.runs):  # a tracker or a folder: the io adapters infer what they can
        goal = args.goal
        sweep = open_named_source(
            args.runs, metric=args.metric, seed=args.seed, params=params, goal=goal,
            min_runs=args.min_runs, bins=bins,
        )  # fmt: skip
        info = sweep.runs_attrs.get("source")
        for note in getattr(info, "attention", ()):  # columns left out, renamed, runs cut short
            print(f"sweepwalk: note: {note}", file=sys.stderr)
        return sweep, _target_values(sweep, sweep.runs)
    if args.metric is None:
        raise CLIError(f"--metric is required for a table of runs ({args.runs!r}): its column")
    notes: list[str] = []
    runs = read_runs(
        args.runs, keep_na_strings=args.keep_na_strings, notes=notes, ignore=[args.metric]
    )
    for note in notes:
        print(f"sweepwalk: note: {note}", file=sys.stderr)
    try:
        sweep = Sweep.from_runs(
            runs,
            metric=args.metric,
            params=params,
            seed=args.seed,
            goal=args.goal,  # None: from the metric's name, as every reader does
            min_runs=args.min_runs,
            bins=bins,
        )
    except ValueError as error:
        if params is None and "params=" in str(error):
            raise CLIError(f"{_one_line(error)} On the command line: --params a,b,...") from None
        raise
    return sweep, _target_values(sweep, runs)


def _target_values(sweep: Any, runs: pd.DataFrame) -> pd.DataFrame:
    """Return the values --target and --start are read against (binned: the intervals)."""
    if not sweep.binned:
        return runs
    units = sweep.runs  # pooled cells: one row per configuration, not per run
    cell = units["config"].to_numpy()
    shown: pd.DataFrame = units.assign(
        **{str(p): sweep.configs[p].to_numpy()[cell] for p in sweep.binned}
    )
    return shown


#: What --target and --start take for the configuration with the best mean (the widget's start).
BEST = "best"


def _resolve_target(sweep: Any, runs: pd.DataFrame, text: str | None) -> int:
    """Return the config id ``text`` names: best (or none: the best mean), values, or an id."""
    from ..session.session import default_target
    from .inputs import parse_target

    if text is None or (text.strip().lower() == BEST and BEST not in sweep.params):
        return default_target(sweep)
    target = parse_target(text, runs, sweep.params)
    return int(sweep.find(target)) if isinstance(target, dict) else target


def cmd_report(args: argparse.Namespace, stdout: IO[str]) -> None:
    """``sweepwalk report``: compare a target configuration and print the comparison."""
    from .output import STATUS_ORDER, plain, to_json, to_table, use_color, write_csv

    sweep, runs = _load_sweep(args)
    target = _resolve_target(sweep, runs, args.target)
    comparison = sweep.compare(
        target,
        against=args.against,
        test=args.test,
        correction=args.correction,
        alpha=args.alpha,
        neighbors=args.neighbors,
        random_state=args.random_state,
        n_resamples=args.n_resamples,
        effect_of_interest=args.effect_of_interest,
        ks_method=args.ks_method,
    )
    frame = comparison.to_frame()
    if args.format == "csv":
        write_csv(frame, stdout)
        _write_notes(comparison.notes, sys.stderr)  # stdout stays a clean table
        return
    if args.format == "json":
        is_target = frame["status"] == "target" if "status" in frame.columns else None
        target_id = frame.index[is_target][0] if is_target is not None and is_target.any() else None
        meta = {
            "metric": sweep.metric,
            "goal": sweep.goal,
            "notes": list(comparison.notes),
            "target": plain(target_id),
            "test": args.test,
            "correction": comparison.correction,  # the checked name ("H" -> "holm")
            "alpha": comparison.alpha,
            "against": args.against,
            "neighbors": args.neighbors,
            "estimand": comparison.estimand,
            "effect_of_interest": plain(comparison.effect_of_interest),
            "power_basis": comparison.power_basis,
        }
        stdout.write(to_json(frame, meta) + "\n")
        return
    stdout.write(to_table(frame, sweep.params, use_color(args.color, stdout)) + "\n")
    counts = frame["status"].value_counts().to_dict() if "status" in frame.columns else {}
    summary = ", ".join(f"{counts[s]} {s}" for s in STATUS_ORDER[1:] if s in counts)
    stdout.write(
        f"\n{sweep.metric} ({sweep.goal}): test={args.test}, correction={comparison.correction}, "
        f"alpha={args.alpha:g}, against={args.against}: {summary or 'nothing compared'}\n"
    )
    _write_notes(comparison.notes, stdout)


def _write_notes(notes: Sequence[str], stream: IO[str]) -> None:
    """Facts worth telling (``Comparison.notes``), one ``note:`` line each."""
    for note in notes:
        stream.write(f"note: {note}\n")


def cmd_walk(args: argparse.Namespace, stdout: IO[str]) -> None:
    """``sweepwalk walk``: the greedy walk from ``--start``, its tests recorded in a ledger."""
    import pandas as pd

    from .._vocab import ERROR_CONTROLS
    from ..session.session import Session
    from ..validation.arguments import check_config_id
    from .output import plain, to_json, write_csv

    if args.error_control not in ERROR_CONTROLS:
        raise CLIError(
            f"--error-control {args.error_control!r}: expected one of {', '.join(ERROR_CONTROLS)}"
        )
    sweep, runs = _load_sweep(args)
    start = check_config_id(_resolve_target(sweep, runs, args.start), len(sweep), "--start")
    session = Session(
        sweep,
        target=start,
        test=args.test,
        correction=args.correction,
        alpha=args.alpha,
        neighbors=args.neighbors,
        error_control=args.error_control,
        random_state=args.random_state,
    )
    result = session.walk()
    frame = result.to_frame()
    ledger = session.ledger
    if args.format == "csv":
        write_csv(frame, stdout)
        return
    meta = {
        "metric": sweep.metric,
        "goal": sweep.goal,
        "start": result.start,
        "end": result.end,
        "path": [int(i) for i in result.path],
        "stopped": result.stopped,
        **{k: plain(v) for k, v in session.settings.items() if k not in {"target", "against"}},
        "n_tests": len(ledger),
        "n_discoveries": int(ledger.n_discoveries),
        "rule": ledger.rule,
    }
    if args.format == "json":
        stdout.write(to_json(frame, meta) + "\n")
        return
    if len(frame):
        text = frame.to_string(float_format=lambda v: f"{v:.4g}", na_rep="-")
        stdout.write("\n".join(line.rstrip() for line in text.splitlines()) + "\n\n")
    values = sweep.configs.loc[result.end, list(sweep.params)]
    end = ", ".join(f"{p}={'absent' if pd.isna(x) else x}" for p, x in values.items())
    stdout.write(
        f"{sweep.metric} ({sweep.goal}): walk {' -> '.join(map(str, result.path))} "
        f"({len(result)} steps, stopped: {result.stopped}); end #{result.end}: {end}\n"
        f"{len(ledger)} tests, {ledger.n_discoveries} significant; {ledger.rule}\n"
    )


class Progress:
    """A one-line progress bar on a terminal, drawn only once the work has taken ``after`` s.

    Call it with the fraction done (0..1); :meth:`close` erases the bar.
    """

    def __init__(self, stream: IO[str], after: float, width: int = 30) -> None:
        self.stream = stream
        self.after = after
        self.width = width
        self.start = time.perf_counter()
        self.drawn = False

    def __call__(self, fraction: float) -> None:
        """Redraw the bar at ``fraction`` done (nothing before ``after`` seconds)."""
        elapsed = time.perf_counter() - self.start
        if elapsed < self.after:
            return
        filled = round(self.width * min(max(fraction, 0.0), 1.0))
        bar = "#" * filled + "." * (self.width - filled)
        self.stream.write(f"\r[{bar}] {100 * fraction:3.0f}% {elapsed:5.1f} s")
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        """Erase the bar, if it was drawn."""
        if self.drawn:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.drawn = False


#: Seconds of work before the importance progress bar appears (work "longer than a second").
PROGRESS_AFTER = 1.0


#: the columns of the importance table on a terminal (csv and json keep every column)
IMPORTANCE_TABLE = (
    "pairs",
    "tested",
    "too_few_runs",
    "matters",
    "negligible",
    "inconclusive",
    "median_abs_effect",
    "verdict",
)


def cmd_importance(args: argparse.Namespace, stdout: IO[str]) -> None:
    """``sweepwalk importance``: which parameters matter, over every neighbour pair."""
    from .output import isatty, plain, to_json, write_csv

    sweep, runs = _load_sweep(args)
    target = None if args.target is None else _resolve_target(sweep, runs, args.target)
    show = args.progress == "always" or (args.progress == "auto" and isatty(sys.stderr))
    progress = Progress(sys.stderr, 0.0 if args.progress == "always" else PROGRESS_AFTER)
    try:
        frame = sweep.importance(
            test=args.test,
            correction=args.correction,
            alpha=args.alpha,
            neighbors=args.neighbors,
            margin=args.margin,
            target=target,
            random_state=args.random_state,
            progress=progress if show else None,
            ks_method=args.ks_method,
        ).to_frame()
    finally:
        progress.close()
    if args.format == "csv":
        write_csv(frame, stdout)
        _write_notes(frame.attrs.get("notes", ()), sys.stderr)
        return
    meta = {
        "metric": sweep.metric,
        "goal": sweep.goal,
        "target": target,
        **{str(k): plain(v) for k, v in frame.attrs.items() if str(k) not in {"rows", "target"}},
    }
    if args.format == "json":
        stdout.write(to_json(frame, meta) + "\n")
        return
    text = frame.loc[:, list(IMPORTANCE_TABLE)].to_string(
        float_format=lambda v: f"{v:.4g}", na_rep="-"
    )
    stdout.write("\n".join(line.rstrip() for line in text.splitlines()) + "\n")
    meta["margin"] = f"{frame.attrs['margin']:.3g} ({frame.attrs['margin_source']})"
    del meta["margin_source"]
    shown = {k: v for k, v in meta.items() if k not in {"metric", "goal", "notes"}}
    settings = ", ".join(f"{k}={v}" for k, v in shown.items())
    stdout.write(f"\n{sweep.metric} ({sweep.goal}): {settings}\n")
    _write_notes([*sweep.notes, *frame.attrs.get("notes", ())], stdout)


def _sweep_options() -> _Parser:
    """Options shared by every command: the runs table and how to read it."""
    parent = _Parser(add_help=False)
    parent.add_argument(
        "runs",
        metavar="SOURCE",
        help="where the sweep lives: a runs table (.csv, .tsv, .parquet; - = CSV on stdin), a "
        "Parquet folder, optuna:URL#STUDY, mlflow:URI#EXPERIMENT, a Ray Tune, Hydra or "
        "TensorBoard folder (see the list below)",
    )
    parent.add_argument(
        "--metric",
        help="score column (one float per run); required for a table, else inferred if unique",
    )
    parent.add_argument(
        "--params", help="comma-separated parameter columns (default: all but metric and seed)"
    )
    parent.add_argument("--seed", help="seed column (needed for the paired tests)")
    parent.add_argument(
        "--keep-na-strings",
        action="store_true",
        help="keep None, NA, null, N/A, ... as values (CSV); only empty cells are missing",
    )
    parent.add_argument(
        "--goal",
        default=None,
        help=f"{' or '.join(_vocab.GOALS)} (default: from the source, else from the metric's "
        "name: min for a loss or an error, else max)",
    )  # checked by the engine's check_goal: the same message as in Python
    parent.add_argument(
        "--bins",
        help="bin continuous parameters (random search): NAME=COUNT or NAME=auto, comma-"
        "separated, e.g. lr=8,weight_decay=auto; --target then takes the interval as shown "
        '(lr="[0.001, 0.00316)") or a config id',
    )
    parent.add_argument("--min-runs", type=int, default=3, help="fewer scores give na (default: 3)")
    return parent


def _choices(values: Sequence[str], default: str) -> str:
    """Return the allowed values of a flag for its help, the default first and marked."""
    return ", ".join([f"{default} (default)", *(x for x in values if x != default)])


def _test_options(correction: str) -> _Parser:
    """Options shared by every command: the test, the correction and the output."""
    parent = _Parser(add_help=False)
    parent.add_argument("--test", default=DEFAULTS.test, help=_choices(_vocab.TESTS, DEFAULTS.test))
    parent.add_argument(
        "--correction",
        default=correction,
        help=f"{_choices(['none'], correction)}, or any statsmodels multipletests method",
    )
    parent.add_argument(
        "--alpha", type=float, default=DEFAULTS.alpha, help=f"default: {DEFAULTS.alpha}"
    )
    parent.add_argument(
        "--neighbors",
        default=DEFAULTS.neighbors,
        help=_choices(_vocab.NEIGHBORS, DEFAULTS.neighbors),
    )
    parent.add_argument(
        "--random-state",
        type=int,
        default=DEFAULTS.random_state,
        help="seed of the permutation tests and the holdout split "
        f"(default: {DEFAULTS.random_state}, reproducible)",
    )
    parent.add_argument(
        "--ks-method",
        default="auto",
        help="KS p-value: auto (scipy's ks_2samp, default), permutation (tie-aware), "
        "permutation-tiebreak",
    )
    parent.add_argument(
        "--effect-of-interest",
        type=float,
        default=None,
        help="difference in means worth detecting, metric units (seeds_needed, underpowered); "
        "default: half the median seed-to-seed standard deviation",
    )
    parent.add_argument(
        "--format", choices=("table", "csv", "json"), default="table", help="default: table"
    )
    return parent


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser of the ``sweepwalk`` command."""
    parser = _Parser(
        prog="sweepwalk",
        description="Walk a hyperparameter sweep by significance. "
        "Runs are long format: one row per run (configuration x seed).",
        epilog=sources_help(),
        formatter_class=_Formatter,
    )
    parser.add_argument("--version", action="version", version=f"sweepwalk {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True
    sweep_options = _sweep_options()

    report = commands.add_parser(
        "report",
        epilog=sources_help(),
        formatter_class=_Formatter,
        parents=[sweep_options, _test_options(DEFAULTS.correction)],
        help="compare a target configuration with its neighbours",
        description="Compare a target configuration with its neighbours (or every "
        "configuration) by a two-sample test over the per-seed scores.",
    )
    report.add_argument(
        "--target",
        help='the target: "name=value,..." (a missing value is "absent"), a config id, or best '
        "(default: the configuration with the best mean, as the widget starts)",
    )
    report.add_argument(
        "--against", default=DEFAULTS.against, help=_choices(_vocab.AGAINST, DEFAULTS.against)
    )
    report.add_argument(
        "--n-resamples", type=int, default=9999, help="permutation test resamples (default: 9999)"
    )
    report.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="auto (default): colour when stdout is a terminal and NO_COLOR is unset",
    )
    report.set_defaults(func=cmd_report)

    importance = commands.add_parser(
        "importance",
        epilog=sources_help(),
        formatter_class=_Formatter,
        parents=[sweep_options, _test_options(IMPORTANCE_CORRECTION)],
        help="which parameters matter: every neighbour pair tested once",
        description="Test every neighbour pair once and summarise per parameter. A parameter "
        "is only called equivalent from TOST equivalence tests within --margin, never from "
        "non-significance alone.",
    )
    importance.add_argument(
        "--margin", type=float, help="equivalence margin in metric units (adds TOST)"
    )
    importance.add_argument(
        "--target",
        help="only the pairs that include this configuration (name=value,..., id or best)",
    )
    importance.add_argument(
        "--progress",
        choices=("auto", "always", "never"),
        default="auto",
        help="auto (default): a bar on stderr when it is a terminal and the work takes > 1 s",
    )
    importance.set_defaults(func=cmd_importance)

    walk = commands.add_parser(
        "walk",
        epilog=sources_help(),
        formatter_class=_Formatter,
        parents=[sweep_options, _test_options(DEFAULTS.correction)],
        help="walk greedily from a configuration to better neighbours",
        description="From --start, keep moving to the significantly better neighbour with the "
        "largest effect until none is left. Every test is recorded in a ledger; with "
        "--error-control walk an online FDR procedure (LOND) decides them walk-wide.",
    )
    walk.add_argument(
        "--start",
        help='where to start: "name=value,...", a config id, or best (default: the best mean)',
    )
    walk.add_argument(
        "--error-control",
        default=DEFAULTS.error_control,
        help=f"{_choices(_vocab.ERROR_CONTROLS, DEFAULTS.error_control)}; per-target: each step's "
        "neighbours corrected on their own, walk: online FDR (LOND) over the whole walk",
    )
    walk.set_defaults(func=cmd_walk)
    return parser


def _one_line(error: BaseException) -> str:
    # KeyError's str() is the repr of its argument; show the message itself.
    message = error.args[0] if isinstance(error, KeyError) and error.args else error
    # Multi-line messages (e.g. a table of the closest configurations) become one line.
    text = ""
    for line in str(message).splitlines():
        line = " ".join(line.split())
        if line:
            text += ("" if not text else " " if text.endswith(":") else "; ") + line
    return text or type(error).__name__


#: engine arguments that are command-line flags of the same name (``min_runs`` -> --min-runs)
FLAG_ARGUMENTS = frozenset(
    {"alpha", "test", "correction", "neighbors", "against", "goal", "min_runs", "margin",
     "random_state", "n_resamples", "target", "metric", "seed", "params"}
)  # fmt: skip


def _with_flag(text: str) -> str:
    """Name the flag in front of the engine's checker message ("--goal: `goal` must be ...")."""
    match = re.match(r"`(\w+)` must be", text)
    if match is None or match.group(1) not in FLAG_ARGUMENTS:
        return text
    return f"--{match.group(1).replace('_', '-')}: {text}"


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``sweepwalk`` command line; return the exit code (0, or 2 on any user error).

    Everything written goes through :class:`~sweepwalk.cli.safe.SafeStream`: control
    characters from the data (names, values, notes, errors) are shown escaped.
    """
    from .safe import use_color

    parser = build_parser()
    stderr = sys.stderr
    safe_stderr = SafeStream(stderr, PROGRESS_CODES)
    try:
        sys.stderr = safe_stderr  # notes and progress too
        try:
            args = parser.parse_args(argv)
            colour = use_color(getattr(args, "color", "never"), sys.stdout)
            args.func(args, SafeStream(sys.stdout, COLOUR_CODES if colour else None))
        finally:
            sys.stderr = stderr
    except BrokenPipeError:
        # The reader (e.g. `| head`) went away: not an error of ours; silence the final flush.
        _silence_stdout()
        return EXIT_OK
    except (CLIError, ValueError, KeyError, TypeError, OSError, MemoryError) as error:
        safe_stderr.write(f"sweepwalk: error: {_with_flag(_one_line(error))}\n")
        return EXIT_ERROR
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
