# PYTHON_ARGCOMPLETE_OK  (marker argcomplete looks for: shell completion, analyzer[completion])
"""The ``analyzer`` command line. Each subcommand imports only what it needs, so quick commands
stay quick; every user-facing failure is a message on stderr and a non-zero exit code."""

from __future__ import annotations

import argparse
import contextlib
import json
import shlex
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from analyzer._version import __version__
from analyzer.errors import AnalyzerError

if TYPE_CHECKING:
    from analyzer.portfolio.outputs import PortfolioFormat
    from analyzer.report.formats import Format

Handler = Callable[[argparse.Namespace], int]
DEFAULT_QUESTIONNAIRE = "questionnaire.yaml"


def _cmd_validate(args: argparse.Namespace) -> int:
    from analyzer.errors import InputError
    from analyzer.questionnaire.form import load_questionnaire
    from analyzer.questionnaire.summary import questionnaire_summary
    from analyzer.questionnaire.template import unreplaced_examples

    q = load_questionnaire(args.file)
    _emit(questionnaire_summary(q, args.file))
    problems = unreplaced_examples(args.file)
    if problems:
        raise InputError(problems)
    if q.incidents.history is not None:
        from analyzer.history import incident_evidence  # pandas: only for an export to read

        evidence = incident_evidence(q, Path(args.file))  # the export exists and reads
        assert evidence is not None
        _emit(f"incidents.history: {evidence.source}: {sum(evidence.counts.values())} incidents "
              f"over {evidence.window_months:.1f} months read with the "
              f"'{q.incidents.history.format}' preset")
    return 0


def _cmd_upgrade(args: argparse.Namespace) -> int:
    from analyzer.questionnaire.upgrade import upgrade_file

    result = upgrade_file(args.file)
    if not result.changed:
        _emit(f"{result.path} is already version 2: nothing to do")
        return 0
    for note in result.notes:
        _emit(f"note: {note}")
    how = "comments kept" if result.kept_comments else "re-rendered from the template"
    _emit(f"upgraded {result.path} to version 2 ({how}); the original is {result.backup}")
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
        from analyzer.report.content import running_cost_records
        from analyzer.report.render import render_json
        from analyzer.report.textout import relabel_reversals

        doc = relabel_reversals(decision.assessment, decision.to_dict())
        doc["running_cost"] = running_cost_records(decision.assessment)
        sys.stdout.write(render_json(doc).decode("utf-8"))
    else:
        from analyzer.report.textout import render_decision_text

        _emit(render_decision_text(decision))
    return 0


#: Set for ``analyzer report`` and ``analyzer portfolio`` unless the user set it: their
#: processes share the cores and their matrix products are small, so OpenBLAS's worker threads
#: only spin (about 0.25 s of CPU a report, 2-4 % of a portfolio run; benchmarks/bench_report.py,
#: bench_portfolio.py). Read when numpy loads, so set before the command's imports.
REPORT_ENVIRONMENT = {"OPENBLAS_NUM_THREADS": "1"}


def _single_threaded_blas() -> None:
    import os

    for name, value in REPORT_ENVIRONMENT.items():
        os.environ.setdefault(name, value)


def _cmd_report(args: argparse.Namespace) -> int:
    _single_threaded_blas()
    import gc

    # No cyclic garbage collection in this short-lived process (the report's imports included):
    # analyzer.app.report.collector_paused says why; the process ends with the report.
    gc.disable()
    from analyzer._io.paths import example_questionnaire
    from analyzer.app.report import ReportRequest, write_report
    from analyzer.errors import InputError, Problem
    from analyzer.report.formats import EXTENSIONS

    fmt = _report_format(args.output, args.format)
    if args.date is not None and not _valid_date(args.date):
        raise InputError([Problem("--date", f"must be a date YYYY-MM-DD, got '{args.date}'")])
    if args.file:
        source = Path(args.file)
    elif Path(DEFAULT_QUESTIONNAIRE).is_file():  # what init and ask write by default
        source = Path(DEFAULT_QUESTIONNAIRE)
        args.file = DEFAULT_QUESTIONNAIRE
        print(f"no FILE given: reporting on ./{DEFAULT_QUESTIONNAIRE}", file=sys.stderr)
    else:
        source = example_questionnaire("seed-team")
        print(
            f"no FILE given and no ./{DEFAULT_QUESTIONNAIRE}: reporting on the bundled seed-team "
            "example (run `analyzer init` or `analyzer ask` for your own)",
            file=sys.stderr,
        )
    stream = args.output is not None and args.output in STDOUT_NAMES
    if stream and fmt == "pdf" and sys.stdout.isatty():
        raise InputError([Problem("-o", "a PDF is not written to a terminal; give a file name")])
    suffix = f"-adr.{EXTENSIONS[fmt]}" if fmt == "adr" else f".{EXTENSIONS[fmt]}"
    output = Path(args.output) if args.output else Path("reports") / f"{source.stem}{suffix}"
    if args.date is None:  # a decision record is dated; --date pins it for reproducible bytes
        import datetime

        args.date = datetime.date.today().isoformat()
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
    print(f"assessing {source.name} and writing {output} ({fmt})...", file=sys.stderr,
          flush=True)
    if stream:
        from analyzer.app.report import make_report

        sys.stdout.buffer.write(make_report(request, background=True))
        sys.stdout.flush()
        return 0
    written = write_report(request, output, background=True, create_folder=args.output is None)
    _emit(f"wrote {written}")
    return 0


#: Output names that mean standard output, written to as a stream (never replaced by a file).
STDOUT_NAMES = frozenset({"-", "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"})


def _report_format(output: str | None, given: str | None) -> Format:
    """The report's format: ``--format``, else the extension of ``-o``, else PDF. The extension
    of ``-o`` must be the format's (``.docx``, a ``.yaml`` questionnaire or a ``.csv`` export is
    never written over by a report); an ADR is a ``.md`` file."""
    from analyzer.report.formats import EXTENSIONS

    return _output_format(output, given, EXTENSIONS, "a report")  # type: ignore[return-value]


def _output_format(
    output: str | None, given: str | None, extensions: dict[str, str], what: str
) -> str:
    """The format of ``what`` (a report, a portfolio): ``--format`` (``given``), else the
    extension of ``-o`` (``output``), else PDF (Markdown on standard output). ``extensions``:
    each format's file extension; the extension of ``-o`` must be the format's."""
    from analyzer.errors import InputError, Problem

    if output is None or output in STDOUT_NAMES:
        return given or ("pdf" if output is None else "md")
    suffix = _suffix(output)
    if given is not None and extensions.get(given) == suffix:
        return given
    if given is None and suffix in extensions:
        return suffix
    if suffix in extensions.values():
        message = f"'{output}' ends in .{suffix} but --format is {given}"
    else:
        message = f"'{output}' {_has_extension(suffix)}; {what} is written to a " \
                  f"{_known(extensions)} file"
    raise InputError([Problem("-o", message)])


def _suffix(output: str) -> str:
    """The extension of ``-o``, lower case, without its dot (``.markdown`` is ``md``)."""
    suffix = Path(output).suffix.lower().lstrip(".")
    return "md" if suffix == "markdown" else suffix


def _has_extension(suffix: str) -> str:
    return f"ends in '.{suffix}'" if suffix else "has no extension"


def _known(extensions: dict[str, str]) -> str:
    return ", ".join(sorted({f".{e}" for e in extensions.values()}))


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
    for folder in getattr(args, "allow_path", None) or []:  # the run needed it to read a file
        parts += ["--allow-path", _shown_path(folder)]
    if args.date:
        parts += ["--date", args.date]
    if args.no_sensitivity:
        parts.append("--no-sensitivity")
    return shlex.join(parts)  # a path with a space is quoted, so the command runs as shown


def _add_run_options(p: argparse.ArgumentParser) -> None:
    from analyzer.model.defaults import DEFAULT_SAMPLES, DEFAULT_SEED

    p.add_argument("--samples", type=int, default=DEFAULT_SAMPLES, metavar="N",
                   help=f"simulated futures (default {DEFAULT_SAMPLES:,})")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED, metavar="S",
                   help=f"random seed; same inputs and seed give the same numbers (default {DEFAULT_SEED})")
    p.add_argument("--assumptions", metavar="FILE", default=None,
                   help="your own assumptions file, merged over the bundled defaults")
    _add_allow_path(p)


def _add_allow_path(p: argparse.ArgumentParser) -> None:
    p.add_argument("--allow-path", action="append", default=[], metavar="DIR",
                   help="a folder outside the questionnaire's own that files it names (incident "
                   "exports, deploys, git) may be in; repeatable")

def _cmd_history(args: argparse.Namespace) -> int:
    from analyzer.history import (
        deploys_from_git,
        history_profile,
        import_deploys,
        import_incidents,
        render_history_text,
    )
    from analyzer.history.classify import load_rules
    from analyzer.history.evidence import evidence_from_import
    from analyzer.history.profile import render_rows, to_dict
    from analyzer.questionnaire.history_presets import (
        check_times,
        incident_formats,
        incident_preset,
        parse_column_args,
    )

    check_times(args.time_format, args.tz, names=("--time-format", "--tz"))
    if args.preset is not None:
        incident_preset(args.preset, option="--preset")  # an unknown name, said as --preset
    preset, output = args.preset, args.format
    if output not in (None, "text", "json"):
        if output not in incident_formats():
            from analyzer.errors import InputError, Problem

            raise InputError(
                [Problem("--format", f"expected text or json, got '{output}' (the export preset "
                         f"is --preset: {', '.join(incident_formats())})")]
            )
        print(f"note: --format {output} names an export preset; use --preset {output}",
              file=sys.stderr)
        preset, output = preset or output, None
    imported = import_incidents(
        args.file,
        preset or "generic",
        parse_column_args(args.columns or []),
        rules=load_rules(args.categories),
        time_format=args.time_format,
        timezone=args.tz,
        explain=args.show_rows,
    )
    if args.window_months is not None:
        evidence_from_import(imported, args.window_months)  # checks the window
    deploys = None
    if args.deploys:
        deploys = import_deploys(args.deploys, time_format=args.time_format, timezone=args.tz)
    elif args.git:
        deploys = deploys_from_git(args.git, args.tag_pattern)
    history = history_profile(imported, deploys, args.window_hours)
    if output == "json":
        doc = to_dict(history, rows=args.show_rows)
        sys.stdout.write(json.dumps(doc, indent=2, allow_nan=False, default=str) + "\n")
        return 0
    _emit(render_history_text(history), end="")
    if args.show_rows:
        _emit("\n" + render_rows(history), end="")
    return 0


def _cmd_portfolio(args: argparse.Namespace) -> int:
    _single_threaded_blas()
    import gc

    # No cyclic garbage collection in this process (its imports and the inventory's thousands of
    # questionnaires included: ~0.1 s of CPU before the first application is sent), as for a
    # report: reading and assessing applications leave no cycles (tests/test_portfolio_runs.py);
    # local workers collect as usual (portfolio.run.local_workers). A Dask client's own
    # bookkeeping is not checked for cycles: it keeps the collector.
    if not args.scheduler:
        gc.disable()
    from contextlib import nullcontext
    from pathlib import Path

    from analyzer._io.atomic import check_folder, check_target
    from analyzer.app.pipeline import check_run_options
    from analyzer.app.progress import progress_bar
    from analyzer.errors import InputError, Problem
    from analyzer.portfolio.inventory import check_portfolio, load_portfolio
    from analyzer.portfolio.outputs import output_paths, portfolio_bytes, write_portfolio
    from analyzer.portfolio.run import local_workers, run_portfolio

    check_run_options(args.samples, args.seed)
    if args.jobs < 1:
        raise InputError([Problem("--jobs", f"must be 1 or more, got {args.jobs}")])
    if args.date is not None and not _valid_date(args.date):
        raise InputError([Problem("--date", f"must be a date YYYY-MM-DD, got '{args.date}'")])
    formats = _portfolio_formats(args.output, args.format)
    stream = args.output is not None and args.output in STDOUT_NAMES
    source = Path(args.source)
    portfolio = load_portfolio(source)
    check_portfolio(portfolio)  # its dependencies, before any output is prepared
    stem = source.stem if source.is_file() else source.resolve().name
    output = Path(args.output) if args.output else Path("reports") / f"{stem}-portfolio.{formats[0]}"
    inputs = (*portfolio.inputs, *([Path(args.assumptions)] if args.assumptions else []))
    if not stream:  # before the run: a wrong path fails fast, and no input is written over
        for path in output_paths(output, formats):
            check_target(path, inputs)
        check_folder(output, create=args.output is None, now=False)
    local = args.jobs > 1 and not args.scheduler and len(portfolio.apps) > 1
    # the workers start before the progress bar's thread, so they can be forked (local_workers)
    with local_workers(args.jobs) if local else nullcontext() as pool, \
            progress_bar("Applications") as progress:
        result = run_portfolio(
            portfolio, samples=args.samples, seed=args.seed, assumptions_path=args.assumptions,
            jobs=args.jobs, scheduler=args.scheduler, progress=progress, pool=pool,
        )
    command = _portfolio_command(args)
    if stream:
        (fmt,) = formats
        sys.stdout.buffer.write(portfolio_bytes(result, fmt, command=command, date=args.date))
        sys.stdout.flush()
    else:
        for path in write_portfolio(result, output, formats, command=command, date=args.date,
                                    inputs=inputs, create_folder=args.output is None):
            print(f"wrote {path}")
    for f in result.failures:
        if f.problems:  # its input: each problem on a line of its own, where it is
            for problem in f.problems:
                print(f"{problem} (application '{f.id}' not assessed)", file=sys.stderr)
        else:
            print(f"{f.source}: application '{f.id}' could not be assessed: {f.error}",
                  file=sys.stderr)
    return 1 if result.failures else 0


def _portfolio_command(args: argparse.Namespace) -> str:
    """The command that reproduces a portfolio's report: SOURCE as typed, absolute too (unlike
    ``_shown_path``: the report's Source line names the folder or file in full already, so
    shortening it here hides nothing and only makes a command that cannot run from elsewhere),
    quoted where it needs it (``shlex.join``)."""
    parts = ["analyzer", "portfolio", args.source, "--seed", str(args.seed), "--samples", str(args.samples)]
    if getattr(args, "assumptions", None):
        parts += ["--assumptions", args.assumptions]
    if args.date:
        parts += ["--date", args.date]
    return shlex.join(parts)


def _portfolio_formats(output: str | None, given: str | None) -> tuple[PortfolioFormat, ...]:
    """The formats ``analyzer portfolio`` writes: ``--format``, else the extension of ``-o``,
    else PDF, checked as a report's (``_output_format``); ``all``: the four next to each other,
    named after ``-o`` (which has one of their extensions, or none), never on standard output."""
    from analyzer.errors import InputError, Problem
    from analyzer.portfolio.outputs import EXTENSIONS, PORTFOLIO_FORMATS

    stream = output is not None and output in STDOUT_NAMES
    if given == "all":
        if stream:
            raise InputError([Problem("-o", "--format all writes four files; give a file name, "
                                      "not standard output")])
        suffix = _suffix(output) if output is not None else ""
        if suffix and suffix not in EXTENSIONS.values():
            raise InputError([Problem("-o", f"'{output}' {_has_extension(suffix)}; --format all "
                                      f"writes {_known(EXTENSIONS)} files named after it")])
        return PORTFOLIO_FORMATS
    fmt = _output_format(output, given, EXTENSIONS, "a portfolio")
    if stream and fmt == "pdf" and sys.stdout.isatty():
        raise InputError([Problem("-o", "a PDF is not written to a terminal; give a file name")])
    return (fmt,)  # type: ignore[return-value]


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


def _complete(parser: argparse.ArgumentParser) -> None:
    """Answer a shell's completion request (argcomplete sets _ARGCOMPLETE) and exit; otherwise
    do nothing, so argcomplete is imported only while completing."""
    import os

    if "_ARGCOMPLETE" not in os.environ:
        return
    try:
        import argcomplete
    except ImportError:  # completion is an optional extra: analyzer[completion]
        return
    argcomplete.autocomplete(parser)


def _described(sub: Any, name: str, help: str, **kw: Any) -> argparse.ArgumentParser:
    """A subcommand whose --help repeats its one-line summary unless given a description."""
    kw.setdefault("description", help[:1].upper() + help[1:] + ".")
    parser: argparse.ArgumentParser = sub.add_parser(name, help=help, **kw)
    return parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="analyzer",
        description="Should this team move from machine images to Docker? "
        "Fill in a questionnaire, then assess it or render a report.",
    )
    parser.add_argument("--version", action="version", version=f"analyzer {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = _described(sub, "init", help="write an annotated questionnaire template to fill in")
    p.add_argument(
        "path",
        nargs="?",
        default=DEFAULT_QUESTIONNAIRE,
        help=f"where to write it (default: {DEFAULT_QUESTIONNAIRE})",
    )
    p.add_argument("--force", action="store_true", help="overwrite the file if it exists")
    p.set_defaults(handler=_cmd_init)

    p = _described(sub, "ask", help="fill in or edit a questionnaire through an interview in the terminal"
    )
    p.add_argument(
        "file",
        nargs="?",
        default=DEFAULT_QUESTIONNAIRE,
        help=f"questionnaire to create, resume or edit (default: {DEFAULT_QUESTIONNAIRE})",
    )
    p.set_defaults(handler=_cmd_ask)

    p = _described(sub, "validate", help="check a questionnaire and summarise its answers")
    p.add_argument("file", help="questionnaire YAML file")
    _add_allow_path(p)
    p.set_defaults(handler=_cmd_validate)

    p = _described(
        sub, "upgrade", help="rewrite a version-1 questionnaire as version 2 (keeps FILE.bak)"
    )
    p.add_argument("file", help="questionnaire YAML file")
    p.set_defaults(handler=_cmd_upgrade)

    p = _described(sub, "assess", help="run the model and print the recommendation")
    p.add_argument("file", help="questionnaire YAML file")
    _add_run_options(p)
    p.add_argument("--format", choices=("text", "json"), default="text",
                   help="text for the terminal (default) or json (the decision as data)")
    p.add_argument("--no-sensitivity", action="store_true",
                   help="skip the tornado, Sobol indices and reversal search (faster)")
    p.set_defaults(handler=_cmd_assess)

    p = _described(sub, "schema", help="print the questionnaire's JSON Schema")
    p.set_defaults(handler=_cmd_schema)

    p = _described(sub, "history",
        help="import an incident export (and deploys): counts per category and the DORA four keys",
    )
    p.add_argument("file", help="incident export (CSV)")
    p.add_argument(
        "--preset", metavar="NAME", default=None,
        help="export preset: generic (default), pagerduty or opsgenie (data/history-presets.yaml)",
    )
    p.add_argument(
        "--format", default=None, metavar="{text,json}",
        help="output: text (default) or json",
    )
    p.add_argument(
        "--columns", nargs="+", metavar="FIELD=COLUMN",
        help="column names that differ from the preset, e.g. created=opened_at title=Summary",
    )
    p.add_argument(
        "--time-format", metavar="FMT",
        help="how times are written if not as the preset says: ISO8601, epoch_s, epoch_ms or a "
        "strftime pattern, e.g. '%%m/%%d/%%Y %%H:%%M' for a spreadsheet re-save",
    )
    p.add_argument(
        "--tz", metavar="ZONE",
        help="time zone of times without a UTC offset, e.g. Europe/Berlin (default UTC)",
    )
    p.add_argument(
        "--categories", metavar="FILE",
        help="your own keyword rules (YAML like data/incident-categories.yaml; "
        "'extend: true' adds to the bundled keywords)",
    )
    p.add_argument(
        "--show-rows", action="store_true",
        help="list every incident with its category and the keywords that decided it",
    )
    source = p.add_mutually_exclusive_group()
    source.add_argument("--deploys", metavar="FILE", help="deploys CSV (timestamp, status, ...)")
    source.add_argument("--git", metavar="PATH", help="git repository whose tags are the deploys")
    p.add_argument(
        "--tag-pattern", metavar="GLOB",
        help="with --git: only tags matching this glob are deploys, e.g. 'v*' or 'release-*'",
    )
    p.add_argument(
        "--window-hours", type=_positive, default=24.0, metavar="N",
        help="an incident within N hours after a deploy counts as its failure (default 24)",
    )
    p.add_argument(
        "--window-months", type=_positive, default=None, metavar="M",
        help="months the export covers (default: first to last incident)",
    )
    p.set_defaults(handler=_cmd_history)

    p = _described(
        sub, "scan", help="draft a questionnaire from a repository and its git history, with evidence"
    )
    from analyzer.app.scan import add_scan_arguments

    add_scan_arguments(p)
    p.set_defaults(handler=_cmd_scan)

    p = _described(sub, "report",
        help="write the recommendation report (PDF, Markdown, JSON or a MADR decision record)",
        description="Assess a questionnaire, decide, and write the report. Without FILE: "
        "./questionnaire.yaml if it exists, else the bundled seed-team example. "
        "Default output: reports/<questionnaire name>.<format>.",
    )
    p.add_argument(
        "file", nargs="?",
        help=f"questionnaire YAML file (default: ./{DEFAULT_QUESTIONNAIRE} if it exists, else the "
        "bundled seed-team example, with a notice)",
    )
    p.add_argument("-o", "--output", metavar="PATH", help="where to write the report")
    p.add_argument("--format", choices=("pdf", "md", "json", "adr"),
                   help="pdf (default), md, json, or adr (a MADR 4.0 decision record in Markdown, "
                   "e.g. -o docs/decisions/0001-containers.md); otherwise taken from -o's "
                   "extension")
    _add_run_options(p)
    p.add_argument("--date", metavar="YYYY-MM-DD",
                   help="date printed on the report (default: today); give it to reproduce a "
                   "report byte for byte on another day")
    p.add_argument("--no-sensitivity", action="store_true",
                   help="skip the tornado, Sobol indices and reversal search (faster)")
    p.set_defaults(handler=_cmd_report)

    p = _described(
        sub, "portfolio",
        help="assess many applications sharing one platform: decision, waves, per-app table",
        description="Assess every application of a portfolio (a folder of questionnaires with an "
        "optional portfolio.yaml, or an inventory CSV, including Konveyor/MTA's import CSV), decide "
        "whether a shared container platform pays, and plan migration waves.",
    )
    p.add_argument("source", help="folder of questionnaires, or an inventory .csv")
    p.add_argument("-o", "--output", metavar="PATH",
                   help="where to write (default: reports/<source>-portfolio.<format>; "
                   "-o - : standard output)")
    p.add_argument("--format", choices=("pdf", "md", "json", "csv", "all"),
                   help="pdf (default), md, json, csv, or all four next to each other; otherwise "
                   "taken from -o's extension (-o - : Markdown, JSON or CSV on standard output)")
    _add_run_options(p)
    p.add_argument("--jobs", type=int, default=1, metavar="N",
                   help="local worker processes (default 1)")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="run on a Dask cluster, e.g. tcp://10.0.0.5:8786 (needs analyzer[cluster])")
    p.add_argument("--date", metavar="YYYY-MM-DD", help="date printed on the report")
    p.set_defaults(handler=_cmd_portfolio)

    return parser


def _emit(text: str, end: str = "\n") -> None:
    """Print to standard output without terminal control characters (ESC, NUL...): names and
    titles come from files others wrote."""
    from analyzer._io.safeio import printable

    sys.stdout.write(printable(text) + end)


def _interrupted() -> int:
    """The message for Ctrl-C, naming a file that was completely written before it."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the message
    from analyzer._io.atomic import WRITTEN

    if WRITTEN:
        print(f"interrupted after {WRITTEN[-1]} was completely written", file=sys.stderr)
    else:
        print("interrupted; nothing was written", file=sys.stderr)
    return 130


def _stdout_failed(exc: OSError) -> int:
    """Standard output cannot be written (a full disk, /dev/full): say so on stderr, exit 3."""
    import os

    with _suppress_os_error():  # do not fail again when Python flushes stdout at exit
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    print(f"analyzer: cannot write to standard output: {exc.strerror or exc}", file=sys.stderr)
    return 3


def _suppress_os_error() -> contextlib.suppress:
    return contextlib.suppress(OSError, ValueError, AttributeError)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; every failure, and every Ctrl-C (also one during a message), ends in a
    message on stderr and an exit code, never a traceback."""
    try:
        return _main(argv)
    except KeyboardInterrupt:
        return _interrupted()


def _main(argv: Sequence[str] | None) -> int:
    # A non-UTF-8 terminal gets escapes, not a crash. Ctrl-C is held back while the streams are
    # reconfigured (an interrupt inside reconfigure() leaves stderr unusable for the message)
    # and delivered right after, where main() turns it into the usual message.
    import signal

    hold = hasattr(signal, "pthread_sigmask")
    if hold:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        for stream in (sys.stdout, sys.stderr):
            with _suppress_os_error():
                stream.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]
    finally:
        if hold:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    try:
        parser = build_parser()
        _complete(parser)
        args = parser.parse_args(argv)
        handler: Handler = args.handler
        from analyzer._io.confine import allowed_paths

        with allowed_paths(getattr(args, "allow_path", None) or []):
            code = handler(args)
        sys.stdout.flush()
        global _finished
        _finished = args.command
        return code
    except AnalyzerError as exc:
        print(str(exc), file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return _interrupted()
    except BrokenPipeError:
        with _suppress_os_error():
            import os

            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as exc:
        if exc.filename is None:  # writing to standard output
            return _stdout_failed(exc)
        print(f"analyzer: {exc.filename}: {exc.strerror or exc}", file=sys.stderr)
        return 1


#: The command ``main`` last ran to its end (None after a failure): ``run`` reads it.
_finished: str | None = None
#: Commands after which ``run`` skips the interpreter's teardown: every file they write is
#: written atomically and closed when they return, they leave no thread, child or connection
#: behind, and freeing every module and object would take ~0.3 s after a report
#: (benchmarks/bench_report.py) that the user waits for.
QUICK_EXIT_COMMANDS = frozenset({"report", "assess", "validate"})
#: Commands after which ``run`` skips the teardown only when nothing they started still runs:
#: ``analyzer portfolio`` joins its local workers before it returns (~0.2 s of teardown after
#: 1,000 applications, benchmarks/bench_portfolio.py), but a Dask client leaves threads behind.
QUICK_EXIT_WHEN_ALONE = frozenset({"portfolio"})


def run() -> int:
    """The program's entry point (``analyzer`` and ``python -m analyzer``): ``main``, and after a
    Ctrl-C an exit with status 130 straight away. (CPython remembers a KeyboardInterrupt raised in
    code that C extensions run and would otherwise kill the process with SIGINT at exit, after
    the message, although it was handled.)"""
    code = main()
    if code == 130:
        import multiprocessing
        import os

        for child in multiprocessing.active_children():
            child.terminate()
        with _suppress_os_error():
            sys.stdout.flush()
        with _suppress_os_error():
            sys.stderr.flush()
        os._exit(130)
    quick = _finished in QUICK_EXIT_COMMANDS or (_finished in QUICK_EXIT_WHEN_ALONE and _alone())
    if quick and not _children_alive():
        import os

        with _suppress_os_error():
            sys.stdout.flush()
        with _suppress_os_error():
            sys.stderr.flush()
        os._exit(code)
    return code


def _alone() -> bool:
    """Whether the main thread is this process's only thread."""
    import threading

    return threading.active_count() == 1


def _children_alive() -> bool:
    """Whether a multiprocessing child of this process still runs (never when it was not used)."""
    if "multiprocessing" not in sys.modules:
        return False
    import multiprocessing

    return bool(multiprocessing.active_children())


if __name__ == "__main__":  # pragma: no cover
    sys.exit(run())
