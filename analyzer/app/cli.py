"""The ``analyzer`` command line. Each subcommand imports only what it needs, so quick commands
stay quick; every user-facing failure is a message on stderr and a non-zero exit code."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from analyzer._version import __version__
from analyzer.errors import AnalyzerError

Handler = Callable[[argparse.Namespace], int]
DEFAULT_QUESTIONNAIRE = "questionnaire.yaml"


def _cmd_validate(args: argparse.Namespace) -> int:
    from analyzer.questionnaire.form import load_questionnaire
    from analyzer.questionnaire.summary import questionnaire_summary

    q = load_questionnaire(args.file)
    print(questionnaire_summary(q, args.file))
    return 0


def _cmd_init(args: argparse.Namespace) -> int:
    from analyzer._io.atomic import write_text_atomic
    from analyzer.questionnaire.template import render_questionnaire_yaml

    path = write_text_atomic(args.path, render_questionnaire_yaml(), overwrite=args.force)
    print(f"wrote {path}: fill it in, then run `analyzer validate {path}`")
    return 0


def _cmd_ask(args: argparse.Namespace) -> int:
    from analyzer.questionnaire.interview.session import run

    return run(args.file, report=_report_after_interview)


def _report_after_interview(path: Path) -> int:
    """``analyzer report FILE`` for the questionnaire the interview just finished."""
    return _cmd_report(build_parser().parse_args(["report", str(path)]))


def _cmd_schema(args: argparse.Namespace) -> int:
    from analyzer.questionnaire.schema import schema_text

    print(schema_text(), end="")
    return 0


def _cmd_assess(args: argparse.Namespace) -> int:
    from analyzer.app.pipeline import analyze
    from analyzer.app.progress import progress_bar

    with progress_bar("Sensitivity analysis") as progress:
        decision = analyze(
            args.file,
            samples=args.samples,
            seed=args.seed,
            assumptions_path=args.assumptions,
            sensitivity=not args.no_sensitivity,
            progress=progress,
        )
    if args.format == "json":
        print(json.dumps(decision.to_dict(), indent=2, allow_nan=False))
    else:
        from analyzer.report.textout import render_decision_text

        print(render_decision_text(decision))
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from analyzer._io.paths import example_questionnaire
    from analyzer.app.report import ReportRequest, write_report
    from analyzer.errors import InputError, Problem
    from analyzer.report.render import FORMATS

    fmt = args.format
    if fmt is None:
        suffix = Path(args.output).suffix.lower().lstrip(".") if args.output else ""
        fmt = suffix if suffix in FORMATS else "pdf"
    if args.date is not None and not _valid_date(args.date):
        raise InputError([Problem("--date", f"must be a date YYYY-MM-DD, got '{args.date}'")])
    source = Path(args.file) if args.file else example_questionnaire("seed-team")
    output = Path(args.output) if args.output else Path("reports") / f"{source.stem}.{fmt}"
    request = ReportRequest(
        questionnaire=source,
        format=fmt,
        samples=args.samples,
        seed=args.seed,
        assumptions=Path(args.assumptions) if args.assumptions else None,
        date=args.date,
        sensitivity=not args.no_sensitivity,
        command=_report_command(args, fmt),
    )
    # No progress bar: the report is quick, and the Sobol indices are computed
    # in a forked child (analyzer.app.background), which needs this process to have one thread.
    written = write_report(request, output, background=True)
    print(f"wrote {written}")
    return 0


def _valid_date(text: str) -> bool:
    import datetime
    import re

    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return False
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _shown_path(path: str) -> str:
    """A path for the reproduce command: as typed when relative, else its name (no home folders)."""
    return path if not Path(path).is_absolute() else Path(path).name


def _report_command(args: argparse.Namespace, fmt: str) -> str:
    """The command that reproduces this report (seed and samples always explicit)."""
    parts = ["analyzer", "report"]
    if args.file:
        parts.append(_shown_path(args.file))
    if fmt != "pdf":
        parts += ["--format", fmt]
    parts += ["--seed", str(args.seed), "--samples", str(args.samples)]
    if args.assumptions:
        parts += ["--assumptions", _shown_path(args.assumptions)]
    if args.date:
        parts += ["--date", args.date]
    if args.no_sensitivity:
        parts.append("--no-sensitivity")
    return " ".join(parts)


def _add_run_options(p: argparse.ArgumentParser) -> None:
    from analyzer.model.defaults import DEFAULT_SAMPLES, DEFAULT_SEED

    p.add_argument("--samples", type=int, default=DEFAULT_SAMPLES, metavar="N",
                   help=f"simulated futures (default {DEFAULT_SAMPLES:,})")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED, metavar="S",
                   help=f"random seed; same inputs and seed give the same numbers (default {DEFAULT_SEED})")
    p.add_argument("--assumptions", metavar="FILE", default=None,
                   help="your own assumptions file, merged over the bundled defaults")

def _cmd_history(args: argparse.Namespace) -> int:
    from analyzer.history import (
        deploys_from_git,
        history_profile,
        import_deploys,
        import_incidents,
        render_history_text,
    )
    from analyzer.history.evidence import evidence_from_import
    from analyzer.questionnaire.history_presets import parse_column_args

    imported = import_incidents(args.file, args.format, parse_column_args(args.columns or []))
    if args.window_months is not None:
        evidence_from_import(imported, args.window_months)  # checks the window
    deploys = None
    if args.deploys:
        deploys = import_deploys(args.deploys)
    elif args.git:
        deploys = deploys_from_git(args.git)
    sys.stdout.write(render_history_text(history_profile(imported, deploys, args.window_hours)))
    return 0


def _cmd_portfolio(args: argparse.Namespace) -> int:
    from pathlib import Path

    from analyzer.app.pipeline import check_run_options
    from analyzer.app.progress import progress_bar
    from analyzer.errors import InputError, Problem
    from analyzer.portfolio.inventory import load_portfolio
    from analyzer.portfolio.outputs import PORTFOLIO_FORMATS, write_portfolio
    from analyzer.portfolio.run import run_portfolio

    check_run_options(args.samples, args.seed)
    if args.jobs < 1:
        raise InputError([Problem("--jobs", f"must be 1 or more, got {args.jobs}")])
    if args.date is not None and not _valid_date(args.date):
        raise InputError([Problem("--date", f"must be a date YYYY-MM-DD, got '{args.date}'")])
    formats = PORTFOLIO_FORMATS if args.format == "all" else (args.format,)
    source = Path(args.source)
    portfolio = load_portfolio(source)
    stem = source.stem if source.is_file() else source.resolve().name
    output = Path(args.output) if args.output else Path("reports") / f"{stem}-portfolio.{formats[0]}"
    with progress_bar("Applications") as progress:
        result = run_portfolio(
            portfolio, samples=args.samples, seed=args.seed, assumptions_path=args.assumptions,
            jobs=args.jobs, scheduler=args.scheduler, progress=progress,
        )
    command = " ".join(["analyzer", "portfolio", _shown_path(args.source), "--seed", str(args.seed),
                        "--samples", str(args.samples)] + (["--date", args.date] if args.date else []))
    for path in write_portfolio(result, output, formats, command=command, date=args.date):
        print(f"wrote {path}")
    for f in result.failures:
        print(f"{f.source}: application '{f.id}' could not be assessed: {f.error}", file=sys.stderr)
    return 1 if result.failures else 0


def _cmd_scan(args: argparse.Namespace) -> int:
    from analyzer.app.scan import run_scan

    return run_scan(args)


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not value > 0 or value != value or value == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a number above 0, got {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="analyzer",
        description="Should this team move from machine images to Docker? "
        "Fill in a questionnaire, then assess it or render a report.",
    )
    parser.add_argument("--version", action="version", version=f"analyzer {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("init", help="write an annotated questionnaire template to fill in")
    p.add_argument(
        "path",
        nargs="?",
        default=DEFAULT_QUESTIONNAIRE,
        help=f"where to write it (default: {DEFAULT_QUESTIONNAIRE})",
    )
    p.add_argument("--force", action="store_true", help="overwrite the file if it exists")
    p.set_defaults(handler=_cmd_init)

    p = sub.add_parser(
        "ask", help="fill in or edit a questionnaire through an interview in the terminal"
    )
    p.add_argument(
        "file",
        nargs="?",
        default=DEFAULT_QUESTIONNAIRE,
        help=f"questionnaire to create, resume or edit (default: {DEFAULT_QUESTIONNAIRE})",
    )
    p.set_defaults(handler=_cmd_ask)

    p = sub.add_parser("validate", help="check a questionnaire and summarise its answers")
    p.add_argument("file", help="questionnaire YAML file")
    p.set_defaults(handler=_cmd_validate)

    p = sub.add_parser("assess", help="run the model and print the recommendation")
    p.add_argument("file", help="questionnaire YAML file")
    _add_run_options(p)
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--no-sensitivity", action="store_true",
                   help="skip the tornado, Sobol indices and reversal search (faster)")
    p.set_defaults(handler=_cmd_assess)

    p = sub.add_parser("schema", help="print the questionnaire's JSON Schema")
    p.set_defaults(handler=_cmd_schema)

    p = sub.add_parser(
        "history",
        help="import an incident export (and deploys): counts per category and the DORA four keys",
    )
    p.add_argument("file", help="incident export (CSV)")
    p.add_argument(
        "--format", default="generic",
        help="export preset: generic, pagerduty or opsgenie (data/history-presets.yaml)",
    )
    p.add_argument(
        "--columns", nargs="+", metavar="FIELD=COLUMN",
        help="column names that differ from the preset, e.g. created=opened_at title=Summary",
    )
    source = p.add_mutually_exclusive_group()
    source.add_argument("--deploys", metavar="FILE", help="deploys CSV (timestamp, status, ...)")
    source.add_argument("--git", metavar="PATH", help="git repository whose tags are the deploys")
    p.add_argument(
        "--window-hours", type=_positive, default=24.0, metavar="N",
        help="an incident within N hours after a deploy counts as its failure (default 24)",
    )
    p.add_argument(
        "--window-months", type=_positive, default=None, metavar="M",
        help="months the export covers (default: first to last incident)",
    )
    p.set_defaults(handler=_cmd_history)

    p = sub.add_parser(
        "scan", help="draft a questionnaire from a repository and its git history, with evidence"
    )
    from analyzer.app.scan import add_scan_arguments

    add_scan_arguments(p)
    p.set_defaults(handler=_cmd_scan)

    p = sub.add_parser(
        "report",
        help="write the recommendation report (PDF, Markdown or JSON)",
        description="Assess a questionnaire, decide, and write the report. Without FILE, the "
        "bundled seed-team example. Default output: reports/<questionnaire name>.<format>.",
    )
    p.add_argument("file", nargs="?", help="questionnaire YAML file (default: the seed team)")
    p.add_argument("-o", "--output", metavar="PATH", help="where to write the report")
    p.add_argument("--format", choices=("pdf", "md", "json"),
                   help="pdf (default), md or json; otherwise taken from -o's extension")
    _add_run_options(p)
    p.add_argument("--date", metavar="YYYY-MM-DD",
                   help="date printed on the report; without it the report carries no date")
    p.add_argument("--no-sensitivity", action="store_true",
                   help="skip the tornado, Sobol indices and reversal search (faster)")
    p.set_defaults(handler=_cmd_report)

    p = sub.add_parser(
        "portfolio",
        help="assess many applications sharing one platform: decision, waves, per-app table",
        description="Assess every application of a portfolio (a folder of questionnaires with an "
        "optional portfolio.yaml, or an inventory CSV, including Konveyor/MTA's import CSV), decide "
        "whether a shared container platform pays, and plan migration waves.",
    )
    p.add_argument("source", help="folder of questionnaires, or an inventory .csv")
    p.add_argument("-o", "--output", metavar="PATH",
                   help="where to write (default: reports/<source>-portfolio.<format>)")
    p.add_argument("--format", choices=("pdf", "md", "json", "csv", "all"), default="pdf",
                   help="pdf (default), md, json, csv, or all four next to each other")
    _add_run_options(p)
    p.add_argument("--jobs", type=int, default=1, metavar="N",
                   help="local worker processes (default 1)")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="run on a Dask cluster, e.g. tcp://10.0.0.5:8786 (needs analyzer[cluster])")
    p.add_argument("--date", metavar="YYYY-MM-DD", help="date printed on the report")
    p.set_defaults(handler=_cmd_portfolio)

    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler = args.handler
    try:
        return handler(args)
    except AnalyzerError as exc:
        print(str(exc), file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
