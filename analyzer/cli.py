"""The ``analyzer`` command line. Each subcommand imports only what it needs, so quick commands
stay quick; every user-facing failure is a message on stderr and a non-zero exit code."""

from __future__ import annotations

import argparse
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

    p = sub.add_parser("schema", help="print the questionnaire's JSON Schema")
    p.set_defaults(handler=_cmd_schema)

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
