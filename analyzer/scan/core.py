"""One scan: list the files, run every detector, count the code, read the history; then write
the draft atomically (never over an existing file without ``force``)."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from analyzer._io.atomic import write_text_atomic
from analyzer.errors import InputError, Problem
from analyzer.scan import build, deps, processes
from analyzer.scan.draft import answers, header_lines, render
from analyzer.scan.findings import Findings
from analyzer.scan.history import NotGit, git, read_history, repository_root
from analyzer.scan.size import code_size
from analyzer.scan.walk import list_files, rule_value

Progress = Callable[[int, int], None]


def _silent(done: int, total: int) -> None:
    del done, total


@dataclass(frozen=True)
class ScanOptions:
    since: dt.date | None = None  # start of the history window (default: 12 months before HEAD)
    tag_pattern: str = "*"  # tags counted as production deploys (glob)
    max_files: int | None = None  # default: data/scan.yaml max_files
    workers: int | None = None  # processes counting code (default: CPUs, at most 4)
    cache_dir: Path | None = None  # where pygount's counts are kept between scans (None: no cache)


def _no_history(git_says: str) -> str:
    """Why there is no history, plainly: git's own wording only when it says something else."""
    return "not a git repository" if "not a git repository" in git_says else f"git cannot read it ({git_says})"


def scan_repository(path: str | Path, options: ScanOptions = ScanOptions(), progress: Progress = _silent) -> Findings:
    """Findings for the repository at ``path`` (InputError when it is not a readable folder)."""
    root = Path(path)
    if not root.exists():
        raise InputError([Problem(str(path), "no such folder")])
    if not root.is_dir():
        raise InputError([Problem(str(path), "is not a folder; give the repository's folder")])
    root = root.resolve()
    cap = options.max_files if options.max_files is not None else int(rule_value("max_files"))
    findings = Findings(root=root.name, max_files=cap)
    try:
        top = repository_root(root)
        if top.resolve() != root:
            findings.notes.append(f"the git repository's top is {top}; only {root.name}/ was scanned")
    except NotGit as exc:
        findings.git_problem = _no_history(str(exc))
    else:
        with contextlib.suppress(NotGit):  # no commits yet: said after the history is read
            findings.head = git(root, "rev-parse", "--short", "--verify", "--end-of-options", "HEAD").strip()
    listing = list_files(root, cap)
    findings.files_seen = len(listing.files)
    findings.capped = listing.capped
    for detector in (*processes.DETECTORS, *build.DETECTORS, *deps.DETECTORS):
        detector(listing, findings)
    findings.code = code_size(listing, progress, options.workers, options.cache_dir)
    if not findings.git_problem:
        try:
            findings.history = read_history(root, options.since, options.tag_pattern)
        except NotGit as exc:
            findings.git_problem = f"git history could not be read ({exc})"
        if findings.history is None and not findings.git_problem:
            findings.git_problem = "the repository has no commits"
    findings.unreadable = listing.unreadable
    findings.outside_links = listing.outside_links
    return findings


def default_cache_dir() -> Path:
    """$XDG_CACHE_HOME/analyzer (default ~/.cache/analyzer)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "analyzer"


def draft_text(findings: Findings, command: str = "analyzer scan") -> str:
    """The draft questionnaire's YAML text."""
    return render(answers(findings), header_lines(findings, command))


def write_draft(findings: Findings, output: str | Path, *, force: bool = False, command: str = "analyzer scan") -> Path:
    """Write the draft through analyzer._io.atomic (refuses an existing file unless ``force``)."""
    return write_text_atomic(output, draft_text(findings, command), overwrite=force)
