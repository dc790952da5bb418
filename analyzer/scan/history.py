"""People and releases from git history: authors active in the window, tags per week as production
deploys, lead time from commit to tag.

git runs without a shell, with an argument list ending in ``--end-of-options`` (so no path, tag or
date can be read as an option), with GIT_DIR and every other GIT_* variable removed from its
environment (so the repository at PATH is the one read), and with a timeout. The window ends at the
last commit, so the figures depend on the repository only, not on the day the scan runs."""

from __future__ import annotations

import datetime as dt
import fnmatch
import os
import shutil
import subprocess
from collections import defaultdict
from pathlib import Path

import numpy as np

from analyzer.errors import InputError, Problem
from analyzer.scan.findings import History
from analyzer.scan.walk import rules

GIT_TIMEOUT_S = 120
_DAYS_PER_WEEK = 7.0


class NotGit(Exception):
    """PATH is not inside a git work tree (or git is missing); the reason is the message."""


def _environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update({"GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C", "GIT_CONFIG_NOSYSTEM": "1"})
    return env


def git(root: Path, *args: str) -> str:
    """stdout of ``git -C root <args>``; NotGit with git's first line of stderr on failure."""
    exe = shutil.which("git")
    if exe is None:
        raise NotGit("git is not installed (or not on PATH)")
    # core.fsmonitor off: a repository's own config must not make git start a program
    command = [exe, "-C", str(root), "-c", "core.quotePath=true", "-c", "core.fsmonitor=false",
               "--no-pager", *args]
    try:
        proc = subprocess.run(command, capture_output=True, text=True, timeout=GIT_TIMEOUT_S,
                              check=False, env=_environment(), errors="replace")
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise NotGit(f"could not run git: {exc}") from None
    if proc.returncode != 0:
        raise NotGit((proc.stderr.strip().splitlines() or ["git failed"])[0])
    return proc.stdout


def repository_root(path: Path) -> Path:
    """The top of the work tree holding ``path`` (NotGit if there is none)."""
    return Path(git(path, "rev-parse", "--show-toplevel").strip())


def _months_before(day: dt.datetime, months: int) -> dt.datetime:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    last = [31, 29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28, 31, 30, 31, 30,
            31, 31, 30, 31, 30, 31][month]
    return day.replace(year=year, month=month + 1, day=min(day.day, last))


def _is_bot(name: str, email: str) -> bool:
    text = f"{name} {email}".lower()
    return any(marker in text for marker in rules()["history"]["bot_markers"])


def _letters(text: str) -> str:
    return "".join(c for c in text.casefold() if c.isalnum())


def _handle(email: str) -> str:
    """The person-like part of an address: its local part, or the login of a no-reply address
    (``123+jdoe@users.noreply.github.com`` -> ``jdoe``; data/scan.yaml history.noreply_domains)."""
    local, _, domain = email.partition("@")
    if domain.lower() in rules()["history"]["noreply_domains"]:
        local = local.split("+", 1)[-1]
    return _letters(local)


def people(identities: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """A person number per (name, e-mail) author identity: two identities are one person when
    they share an address, a name (letters and digits, any case), or when one's address handle
    is the other's name (``philip.mcmahon@...`` and "Philip McMahon"; a GitHub no-reply login)."""
    parent = list(range(len(identities)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict[str, int] = {}
    for i, (name, email) in enumerate(identities):
        for key in (f"e:{email.lower()}" if email else "", f"n:{_letters(name)}" if _letters(name) else ""):
            if key:
                parent[find(i)] = find(first.setdefault(key, i))
    for i, (_, email) in enumerate(identities):
        same = first.get(f"n:{_handle(email)}") if email and _handle(email) else None
        if same is not None:
            parent[find(i)] = find(same)
    return {identity: find(i) for i, identity in enumerate(identities)}


def read_history(root: Path, since: dt.date | None, tag_pattern: str) -> History | None:
    """Authors, tags and lead times over the window ending at the last commit of HEAD.

    Authors are people: identities (name, e-mail) after .mailmap, merged by ``people``; bots
    left out. A tag counts when its
    creation date (tagger date, or the commit date of a lightweight tag) is in the window and its
    name matches ``tag_pattern`` (a glob). Lead time of a released commit = tag date - commit date,
    over the commits a tag adds to the previous one; reported in hours as (P10, median, P90), or
    (min, median, max) when fewer commits than data/scan.yaml history.lead_time_min_commits.
    None when HEAD has no commits.
    """
    window = rules()["history"]
    try:
        last = git(root, "log", "-1", "--format=%ct", "--end-of-options", "HEAD").strip()
    except NotGit:
        return None
    if not last:
        return None
    end = dt.datetime.fromtimestamp(int(last), tz=dt.timezone.utc)
    start = (dt.datetime.combine(since, dt.time(), tzinfo=dt.timezone.utc) if since is not None
             else _months_before(end, int(window["window_months"]["value"])))
    if start >= end:
        raise InputError([Problem("--since", f"{start.date()} is not before the last commit ({end.date()})")])
    log = git(root, "log", "--use-mailmap", "--format=%ct%x00%aN%x00%aE",
              f"--since={int(start.timestamp())}", f"--until={int(end.timestamp())}",
              "--end-of-options", "HEAD")
    stamps_by: dict[tuple[str, str], list[int]] = defaultdict(list)
    bots: set[str] = set()
    for line in log.splitlines():
        parts = line.split("\x00")
        if len(parts) != 3:
            continue
        stamp, name, email = parts
        if _is_bot(name, email):
            bots.add(email.strip().lower() or name.strip().lower())
            continue
        stamps_by[(name.strip(), email.strip().lower())].append(int(stamp))
    person = people(list(stamps_by))
    commits_by: dict[int, int] = defaultdict(int)
    months_by: dict[int, set[str]] = defaultdict(set)
    for identity, stamps in stamps_by.items():
        commits_by[person[identity]] += len(stamps)
        months_by[person[identity]].update(
            dt.datetime.fromtimestamp(t, tz=dt.timezone.utc).strftime("%Y-%m") for t in stamps)
    commits = sum(commits_by.values())
    share = float(window["core_commit_share"]["value"])
    regular = int(window["regular_months"]["value"])
    core = sum(1 for n in commits_by.values() if commits and n / commits >= share)
    steady = sum(1 for m in months_by.values() if len(m) >= regular)

    refs = git(root, "for-each-ref", "--format=%(refname:strip=2)%00%(creatordate:unix)", "refs/tags")
    tags = []
    for line in refs.splitlines():
        name, _, stamp = line.partition("\x00")
        if stamp.strip().isdigit() and fnmatch.fnmatchcase(name, tag_pattern):
            tags.append((int(stamp), name))
    tags.sort()
    in_window = [(s, n) for s, n in tags if start.timestamp() <= s <= end.timestamp()]
    weeks = (end - start).total_seconds() / 86400 / _DAYS_PER_WEEK
    lead = _lead_times(root, tags, in_window)
    return History(
        start=start.date().isoformat(), end=end.date().isoformat(), authors=len(commits_by),
        addresses=len({email for _, email in stamps_by}),
        core_authors=core, regular_authors=steady, bots=len(bots), commits=commits,
        tags=len(in_window), tag_pattern=tag_pattern, weeks=weeks,
        lead_time_hours=lead[0], released_commits=lead[1], lead_time_basis=lead[2],
    )


def lead_time_range(hours: list[float]) -> tuple[tuple[float, float, float], str]:
    """(low, median, high) of ``hours`` and what they are: P10, median and P90 (numpy's linear
    percentiles), or min, median and max below history.lead_time_min_commits values."""
    window = rules()["history"]
    values = np.asarray(hours, dtype=np.float64)
    if len(values) < int(window["lead_time_min_commits"]["value"]):
        return (float(values.min()), float(np.median(values)), float(values.max())), "min, median, max"
    p = window["lead_time_percentiles"]["value"]
    low, mid, high = (float(v) for v in np.percentile(values, p))
    return (low, mid, high), f"P{p[0]}, median, P{p[2]}"


def _lead_times(
    root: Path, tags: list[tuple[int, str]], in_window: list[tuple[int, str]]
) -> tuple[tuple[float, float, float] | None, int, str]:
    """Hours from each commit to the first tag that contains it, for the tags in the window."""
    hours: list[float] = []
    previous = {name: tags[i - 1][1] if i else None for i, (_, name) in enumerate(tags)}
    for stamp, name in in_window:
        before = previous[name]
        revs = [f"refs/tags/{name}"] + ([f"^refs/tags/{before}"] if before else [])
        try:
            out = git(root, "log", "--format=%ct", "--end-of-options", *revs)
        except NotGit:
            continue
        hours += [max(0.0, (stamp - int(s)) / 3600) for s in out.split() if s.isdigit()]
    if not hours:
        return None, 0, ""
    spread, basis = lead_time_range(hours)
    return spread, len(hours), basis
