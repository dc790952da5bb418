"""The ``scan`` subcommand's arguments and handler (kept here so analyzer/cli.py changes little)."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

DEFAULT_OUTPUT = "questionnaire.yaml"


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, got {text!r}") from None


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a number of at least 1, got {text!r}")
    return value


def add_scan_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("path", help="the repository's folder")
    p.add_argument("-o", "--output", metavar="FILE", default=DEFAULT_OUTPUT,
                   help=f"where to write the draft (default: {DEFAULT_OUTPUT})")
    p.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    p.add_argument("--since", type=_date, metavar="YYYY-MM-DD",
                   help="start of the history window (default: 12 months before the last commit)")
    p.add_argument("--tag-pattern", default="*", metavar="GLOB",
                   help="tags counted as production deploys, e.g. 'v*' (default: every tag)")
    p.add_argument("--max-files", type=_count, metavar="N",
                   help="stop listing files after N (default in data/scan.yaml)")
    p.add_argument("--no-cache", action="store_true",
                   help="count every file again instead of reusing the counts kept in "
                   "$XDG_CACHE_HOME/analyzer (keyed by file content)")


def run_scan(args: argparse.Namespace) -> int:
    from analyzer.app.progress import progress_bar
    from analyzer.errors import InputError, Problem
    from analyzer.scan.core import ScanOptions, default_cache_dir, scan_repository, write_draft

    output = Path(args.output)
    if output.exists() and not args.force:  # said before the scan, not after it
        raise InputError([Problem(str(output), "already exists; pass --force to overwrite it, or choose another path")])
    options = ScanOptions(since=args.since, tag_pattern=args.tag_pattern, max_files=args.max_files,
                          cache_dir=None if args.no_cache else default_cache_dir())
    with progress_bar("Counting code") as progress:
        findings = scan_repository(args.path, options, progress)
    written = write_draft(findings, output, force=args.force, command=f"analyzer scan {Path(args.path).name or args.path}")
    from analyzer.scan.processes import merge_processes

    merged = merge_processes(findings.processes)
    processes = ", ".join(p.name for p in merged if not p.development) or "none"
    print(f"wrote {written}: processes {processes}")
    if findings.git_problem:
        print(f"history skipped: {findings.git_problem}")
    if findings.capped:
        print(f"stopped at the cap of {findings.max_files:,} files; the rest was not read")
    from analyzer.scan.draft import REQUIRED, answers

    draft = answers(findings)
    missing = [f for f in REQUIRED if not draft.has(f)] + ([] if draft.processes else ["processes"])
    if missing:
        print(f"to fill in before it validates (no evidence in the repository): {', '.join(missing)}")
    print(f"check it, then run `analyzer validate {written}` and `analyzer report {written}`")
    return 0
