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
MIN_SAMPLES = 2


def _cmd_validate(args: argparse.Namespace) -> int:
    from analyzer.questionnaire import load_questionnaire
    from analyzer.summary import questionnaire_summary

    q = load_questionnaire(args.file)
    print(questionnaire_summary(q, args.file))
    return 0


def _cmd_schema(args: argparse.Namespace) -> int:
    from analyzer.schema import questionnaire_json_schema

    print(json.dumps(questionnaire_json_schema(), indent=2))
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from pathlib import Path

    from analyzer.errors import InputError, Problem
    from analyzer.paths import example_questionnaire
    from analyzer.report import FORMATS, ReportRequest, write_report

    problems: list[Problem] = []
    fmt = args.format
    if fmt is None:
        suffix = Path(args.output).suffix.lower().lstrip(".") if args.output else ""
        fmt = suffix if suffix in FORMATS else "pdf"
    if args.samples is not None and args.samples < MIN_SAMPLES:
        problems.append(Problem("--samples", f"must be at least {MIN_SAMPLES}, got {args.samples}"))
    if args.seed is not None and args.seed < 0:
        problems.append(Problem("--seed", f"must be 0 or more, got {args.seed}"))
    if args.date is not None and not _valid_date(args.date):
        problems.append(Problem("--date", f"must be a calendar date YYYY-MM-DD, got '{args.date}'"))
    if problems:
        raise InputError(problems)
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
    written = write_report(request, output)
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
    """The command that reproduces this report's numbers (seed and samples always explicit)."""
    from analyzer.model.assess import DEFAULT_SAMPLES, DEFAULT_SEED

    parts = ["analyzer", "report"]
    if args.file:
        parts.append(_shown_path(args.file))
    if fmt != "pdf":
        parts += ["--format", fmt]
    parts += ["--seed", str(args.seed if args.seed is not None else DEFAULT_SEED)]
    parts += ["--samples", str(args.samples if args.samples is not None else DEFAULT_SAMPLES)]
    if args.assumptions:
        parts += ["--assumptions", _shown_path(args.assumptions)]
    if args.date:
        parts += ["--date", args.date]
    if args.no_sensitivity:
        parts.append("--no-sensitivity")
    return " ".join(parts)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="analyzer",
        description="Should this team move from machine images to Docker? "
        "Fill in a questionnaire, then assess it or render a report.",
    )
    parser.add_argument("--version", action="version", version=f"analyzer {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("validate", help="check a questionnaire and summarise its answers")
    p.add_argument("file", help="questionnaire YAML file")
    p.set_defaults(handler=_cmd_validate)

    p = sub.add_parser("schema", help="print the questionnaire's JSON Schema")
    p.set_defaults(handler=_cmd_schema)

    p = sub.add_parser(
        "report",
        help="assess a questionnaire and write the recommendation report (PDF, Markdown or JSON)",
        description="Assess a questionnaire, decide, and write the report. Without FILE, the "
        "bundled seed-team example. Default output: reports/<questionnaire name>.<format>.",
    )
    p.add_argument("file", nargs="?", help="questionnaire YAML file (default: the seed team)")
    p.add_argument("-o", "--output", metavar="PATH", help="where to write the report")
    p.add_argument("--format", choices=["pdf", "md", "json"],
                   help="pdf (default), md or json; otherwise taken from -o's extension")
    p.add_argument("--samples", type=int, metavar="N", help="simulated futures (default 10000)")
    p.add_argument("--seed", type=int, metavar="S", help="random seed (default 20240601)")
    p.add_argument("--assumptions", metavar="FILE", help="YAML overriding default assumptions")
    p.add_argument("--date", metavar="YYYY-MM-DD",
                   help="date printed on the report; without it the report carries no date")
    p.add_argument("--no-sensitivity", action="store_true",
                   help="skip the tornado, Sobol indices and reversal conditions (faster)")
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
