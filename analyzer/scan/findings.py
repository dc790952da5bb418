"""What a scan found, each fact with the evidence a reader can check (file and line, or the git
figure it was counted from). Pure data: detectors fill it, ``draft`` turns it into answers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Evidence:
    """Where a fact was read: ``Procfile line 3`` or a sentence about the git history."""

    source: str
    line: int | None = None
    detail: str = ""

    def __str__(self) -> str:
        text = self.source if self.line is None else f"{self.source} line {self.line}"
        return f"{text} ({self.detail})" if self.detail else text


@dataclass(frozen=True)
class ProcessFinding:
    """One process named by a Procfile, compose service, unit, daemon line, manifest..."""

    name: str
    kind: str
    runs_on: str  # machine-image | container | managed
    evidence: Evidence
    command: str = ""
    image: str = ""  # the container image a service runs, when it names one
    development: bool = False  # found in a development-only file (devcontainer, Procfile.dev)
    conditional: str = ""  # e.g. "only when SMTPD_PORT is set"
    deploy_method: str | None = None


@dataclass(frozen=True)
class Fact:
    """A value for one questionnaire answer and why."""

    value: Any
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class NativeDependency:
    """A package from a manifest that the native-dependencies table lists."""

    ecosystem: str
    package: str
    libraries: tuple[str, ...]
    evidence: Evidence


@dataclass(frozen=True)
class CodeSize:
    """pygount's code lines (not comments, not blank) per language over the files counted as
    code; ``not_code`` files (data, translations, fixtures, copied libraries) are left out."""

    lines_by_language: dict[str, int]
    files: int
    duplicates: int
    not_code: int = 0  # files left out as data, translations, fixtures or copied libraries

    @property
    def total(self) -> int:
        return sum(self.lines_by_language.values())


@dataclass(frozen=True)
class History:
    """People and releases from git, over a window ending at the last commit."""

    start: str  # ISO dates
    end: str
    authors: int  # people, after merging the addresses and names one person commits under
    core_authors: int
    regular_authors: int
    bots: int
    commits: int
    tags: int
    tag_pattern: str
    weeks: float
    lead_time_hours: tuple[float, float, float] | None  # low, median, high over released commits
    released_commits: int
    addresses: int = 0  # distinct author e-mail addresses the people committed under
    lead_time_basis: str = ""  # what low and high are: "P10, median, P90" or "min, median, max"


@dataclass
class Findings:
    """Everything one scan found, plus what it could not read."""

    root: str
    processes: list[ProcessFinding] = field(default_factory=list)
    native: list[NativeDependency] = field(default_factory=list)
    facts: dict[str, Fact] = field(default_factory=dict)  # keyed by questionnaire field path
    code: CodeSize | None = None
    history: History | None = None
    notes: list[str] = field(default_factory=list)  # said once at the top of the draft
    hints: dict[str, str] = field(default_factory=dict)  # field path -> what to check, when unanswered
    unreadable: list[str] = field(default_factory=list)
    outside_links: list[str] = field(default_factory=list)
    files_seen: int = 0
    max_files: int = 0
    capped: bool = False
    head: str = ""  # short commit id of HEAD, when a git repository
    git_problem: str = ""  # why history was skipped, when it was

    def add_fact(self, key: str, value: Any, evidence: Evidence) -> None:
        """Record ``key = value``; a second source for the same value adds its evidence."""
        known = self.facts.get(key)
        if known is not None and known.value == value:
            self.facts[key] = Fact(value, (*known.evidence, evidence))
        elif known is None:
            self.facts[key] = Fact(value, (evidence,))


@dataclass(frozen=True)
class Process:
    """One process after merging what several files say about it (same name)."""

    name: str
    kind: str
    runs_on: str
    evidence: tuple[Evidence, ...]
    development: bool  # every source is a development-only file
    conditional: str
    deploy_method: str | None
    started_by: str = ""  # why a process named in a config file runs in a container
    placed_by: tuple[Evidence, ...] = ()  # the production sources that put it where it runs
