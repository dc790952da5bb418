"""The ``analyzer`` command line. Each subcommand imports only what it needs, so quick commands
stay quick; every user-facing failure is a message on stderr and a non-zero exit code."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence

from analyzer import __version__
from analyzer.errors import AnalyzerError

Handler = Callable[[argparse.Namespace], int]
DEFAULT_QUESTIONNAIRE = "questionnaire.yaml"


def _cmd_validate(args: argparse.Namespace) -> int:
    from analyzer.questionnaire import load_questionnaire
    from analyzer.summary import questionnaire_summary

    q = load_questionnaire(args.file)
    print(questionnaire_summary(q, args.file))
    return 0


def _cmd_upgrade(args: argparse.Namespace) -> int:
    from analyzer.upgrade import upgrade_file

    result = upgrade_file(args.file)
    if not result.changed:
        print(f"{result.path} is already version 2: nothing to do")
        return 0
    for note in result.notes:
        print(f"note: {note}")
    how = "comments kept" if result.kept_comments else "re-rendered from the template"
    print(f"upgraded {result.path} to version 2 ({how}); the original is {result.backup}")
    return 0


def _cmd_init(args: argparse.Namespace) -> int:
    from analyzer.atomic import write_text_atomic
    from analyzer.template import render_questionnaire_yaml

    path = write_text_atomic(args.path, render_questionnaire_yaml(), overwrite=args.force)
    print(f"wrote {path}: fill it in, then run `analyzer validate {path}`")
    return 0


def _cmd_ask(args: argparse.Namespace) -> int:
    from analyzer.ask import run

    return run(args.file)


def _cmd_schema(args: argparse.Namespace) -> int:
    from analyzer.schema import schema_text

    print(schema_text(), end="")
    return 0


def _cmd_assess(args: argparse.Namespace) -> int:
    from analyzer.pipeline import analyze
    from analyzer.progress import progress_bar

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
        from analyzer.textout import render_text

        print(render_text(decision))
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from pathlib import Path

    from analyzer.errors import InputError, Problem
    from analyzer.paths import example_questionnaire
    from analyzer.report import FORMATS, ReportRequest, write_report

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
    # No progress bar: the report takes about two seconds, and the Sobol indices are computed
    # in a forked child (analyzer.background), which needs this process to have one thread.
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
    from pathlib import Path

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
    from analyzer.defaults import DEFAULT_SAMPLES, DEFAULT_SEED

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
        render_text,
    )
    from analyzer.history.evidence import evidence_from_import
    from analyzer.history.presets import parse_column_args

    imported = import_incidents(args.file, args.format, parse_column_args(args.columns or []))
    if args.window_months is not None:
        evidence_from_import(imported, args.window_months)  # checks the window
    deploys = None
    if args.deploys:
        deploys = import_deploys(args.deploys)
    elif args.git:
        deploys = deploys_from_git(args.git)
    sys.stdout.write(render_text(history_profile(imported, deploys, args.window_hours)))
    return 0


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

    p = sub.add_parser(
        "upgrade", help="rewrite a version-1 questionnaire as version 2 (keeps FILE.bak)"
    )
    p.add_argument("file", help="questionnaire YAML file")
    p.set_defaults(handler=_cmd_upgrade)

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
