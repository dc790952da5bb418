"""Deploy history: from a CSV (time, status, optional commit time and service) or a git repo's tags.

CSV checks follow the incident importer: a missing time or status column, or no usable deploy at
all, is fatal; a row with an empty or unparsable time, an unknown status, a commit after its
deploy, a repeated id or a time without a UTC offset among rows that have one is excluded and
listed with its line number.
Cancelled or skipped runs (``not_a_deploy`` statuses in data/history-presets.yaml) are not deploys
and are left out on purpose, counted in ``not_deploys``.

Git: each tag under refs/tags is a production deploy at the tag's date (the tagger date for an
annotated tag, else the commit date), with the tagged commit's committer date as the commit time.
That lead time is a lower bound (the last commit of the release, not the oldest).
"""

from __future__ import annotations

import fnmatch
import os
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analyzer._io.safeio import printable
from analyzer.errors import InputError, Problem
from analyzer.history.table import (
    LINE,
    Quoted,
    Reasons,
    missing_columns,
    no_usable_rows,
    parse_times,
    read_table,
)
from analyzer.questionnaire.history_presets import deploy_preset, with_times

GIT_FORMAT = "%00".join(
    ["%(refname:short)", "%(creatordate:iso-strict)", "%(*committerdate:iso-strict)",
     "%(committerdate:iso-strict)", "%(objecttype)", "%(*objecttype)"]
)
GIT_COLUMNS = ["tag", "created", "peeled_commit", "commit", "type", "peeled_type"]
GIT_TIMEOUT_S = 60


@dataclass(frozen=True)
class DeployHistory:
    """Production deploys (columns: line, time, failed, commit_time, service) and excluded rows."""

    source: str
    deploys: pd.DataFrame
    excluded: pd.DataFrame
    not_deploys: int = 0


def import_deploys(
    path: str | Path,
    columns: Mapping[str, str] | None = None,
    *,
    time_format: str | None = None,
    timezone: str | None = None,
) -> DeployHistory:
    """Read and check a deploys CSV; see the module docstring for what is fatal.

    ``time_format`` and ``timezone`` override the preset's (as for incidents).
    """
    preset = with_times(
        deploy_preset().with_columns(columns or {}, source="deploy columns"), time_format, timezone
    )
    table = read_table(Path(path), what="deploys file")
    problems = missing_columns(table, preset.columns, ("time", "status"), hint="name the column as")
    if problems:
        raise InputError(problems)
    frame, present, cols = table.frame, table.columns, preset.columns

    def col(field: str) -> pd.Series:
        c = cols.get(field)
        return frame[c] if c in present else pd.Series("", index=frame.index, dtype=object)

    reasons = Reasons(table.lines)
    time = parse_times(col("time"), preset.time_format, preset.assume_timezone)
    commit = parse_times(col("commit_time"), preset.time_format, preset.assume_timezone)
    reasons.add(time.empty, "deploy time is empty")
    reasons.add(time.bad, "cannot read deploy time ", Quoted(col("time")))
    reasons.add(commit.bad, "cannot read commit time ", Quoted(col("commit_time")))
    status = col("status").astype(str).str.strip().str.lower()
    kinds = {word: kind for kind, words in preset.statuses.items() for word in words}
    kind = status.map(kinds).fillna("")
    known = ", ".join(w for words in preset.statuses.values() for w in words)
    reasons.add(
        (kind == "").to_numpy(), "unknown status ", Quoted(col("status")), f" (known: {known})"
    )
    if (time.has_offset | commit.has_offset).any():
        naive = (~time.has_offset & ~time.empty) | (~commit.has_offset & ~commit.empty)
        reasons.add(
            naive & ~(time.bad | commit.bad),
            "time has no UTC offset while other rows have one (mixed time zones)",
        )
    late = (commit.utc > time.utc).to_numpy(dtype=bool, na_value=False)
    reasons.add(late, "commit time after the deploy time")
    if cols.get("id") in present:
        ids = col("id").astype(str).str.strip()
        ok = ~reasons.bad & (ids != "").to_numpy()
        dup = np.zeros(len(frame), dtype=bool)
        dup[np.flatnonzero(ok)] = ids[ok].duplicated(keep="first").to_numpy()
        reasons.add(dup, "duplicate deploy id ", Quoted(ids))
    skip = (kind == "not_a_deploy").to_numpy() & ~reasons.bad
    usable = ~reasons.bad & ~skip
    deploys = pd.DataFrame(
        {
            LINE: table.lines[usable].to_numpy(dtype=np.int64),
            "time": time.utc[usable].to_numpy(),
            "failed": (kind[usable] == "failure").to_numpy(),
            "commit_time": commit.utc[usable].to_numpy(),
            "service": col("service")[usable].astype(str).str.strip().to_numpy(),
        }
    )
    deploys["time"] = pd.to_datetime(deploys["time"], utc=True)
    deploys["commit_time"] = pd.to_datetime(deploys["commit_time"], utc=True)
    excluded = pd.concat([table.unreadable, reasons.excluded()], ignore_index=True)
    excluded = excluded.sort_values(LINE, kind="stable").reset_index(drop=True)
    if deploys.empty:
        runs = int(skip.sum())
        left_out = f"{runs} cancelled or skipped run(s), not deploys" if runs else ""
        raise InputError(no_usable_rows(table.name, "deploy", excluded, left_out))
    return DeployHistory(
        source=Path(path).name,
        deploys=deploys.sort_values("time", kind="stable").reset_index(drop=True),
        excluded=excluded,
        not_deploys=int(skip.sum()),
    )


def _git_env(path: Path) -> dict[str, str]:
    """The environment git runs in: no GIT_* variable of ours (GIT_DIR would override the path
    given), no prompt, and a ceiling at the folder's parent, so a subfolder of a repository is
    not silently read as the repository around it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(
        GIT_TERMINAL_PROMPT="0",
        LC_ALL="C",
        GIT_CEILING_DIRECTORIES=str(path.resolve().parent),
    )
    return env


def deploys_from_git(repo: str | Path, tag_pattern: str | None = None) -> DeployHistory:
    """Every tag of a git repository as a successful production deploy (no shell, argument list).

    ``tag_pattern`` keeps only the tags it matches (a glob such as ``v*`` or ``release-*``,
    matched on the whole short tag name with fnmatch): the other tags are not deploys.
    """

    path = Path(repo)
    name = str(path)
    git = shutil.which("git")
    if git is None:
        raise InputError(
            [Problem(name, "git is not installed (or not on PATH); use --deploys FILE")]
        )
    if not path.is_dir():
        raise InputError([Problem(name, "no such git repository (not a folder)")])
    args = [git, "-C", str(path), "for-each-ref", f"--format={GIT_FORMAT}", "refs/tags"]
    try:
        proc = subprocess.run(
            args,
            capture_output=True,
            text=True,
            timeout=GIT_TIMEOUT_S,
            check=False,
            env=_git_env(path),
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise InputError([Problem(name, f"could not run git: {exc}")]) from None
    if proc.returncode != 0:
        first = printable((proc.stderr.strip().splitlines() or ["git failed"])[0])[:200]
        if "not a git repository" in first:
            first = "not the top folder of a git repository (give the folder holding .git)"
        raise InputError([Problem(name, f"not a readable git repository: {first}")])
    rows = [line.split("\x00") for line in proc.stdout.splitlines() if line.strip()]
    if not rows:
        raise InputError(
            [
                Problem(
                    name,
                    "the repository has no tags (refs/tags); tag each "
                    "production release, or use --deploys FILE",
                )
            ]
        )
    table = pd.DataFrame(rows, columns=GIT_COLUMNS)
    # A tag on a blob or a tree (a key, a file) is no release: only tags of commits count.
    of_commit = (table["type"] == "commit") | (table["peeled_type"] == "commit")
    table = table.loc[of_commit].reset_index(drop=True)
    if table.empty:
        raise InputError(
            [Problem(name, "no tag of the repository points at a commit; tag each production "
                     "release, or use --deploys FILE")]
        )
    if tag_pattern:
        keep = np.array([fnmatch.fnmatchcase(t, tag_pattern) for t in table["tag"]], dtype=bool)
        if not keep.any():
            raise InputError(
                [
                    Problem(
                        name,
                        f"no tag matches --tag-pattern '{tag_pattern}' ({len(table)} tags, e.g. "
                        f"{', '.join(table['tag'].head(3))})",
                    )
                ]
            )
        table = table[keep].reset_index(drop=True)
    commit_raw = table["peeled_commit"].where(table["peeled_commit"] != "", table["commit"])
    deploys = pd.DataFrame(
        {
            LINE: np.zeros(len(table), dtype=np.int64),
            "time": pd.to_datetime(table["created"], utc=True, format="ISO8601"),
            "failed": np.zeros(len(table), dtype=bool),
            "commit_time": pd.to_datetime(commit_raw, utc=True, format="ISO8601"),
            "service": "",
            "tag": table["tag"],
        }
    )
    shown = f" matching {tag_pattern}" if tag_pattern else ""
    return DeployHistory(
        source=f"git tags{shown} of {path.name or name}",
        deploys=deploys.sort_values("time", kind="stable").reset_index(drop=True),
        excluded=pd.DataFrame({LINE: np.array([], dtype=np.int64), "reason": []}),
    )
