"""The files of a repository, listed once: vendored and generated folders skipped, symlinks that
leave the repository not followed, a cap on the number of files, unreadable ones (and symlink
loops) recorded."""

from __future__ import annotations

import errno
import fnmatch
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from analyzer._io.paths import data_dir
from analyzer._io.yamlio import load_yaml


@cache
def rules() -> dict[str, Any]:
    """data/scan.yaml: folders to skip, kind words, thresholds."""
    loaded: dict[str, Any] = load_yaml(data_dir() / "scan.yaml").data
    return loaded


@cache
def native_table() -> dict[str, Any]:
    """data/native-dependencies.yaml: package -> system libraries, per ecosystem."""
    loaded: dict[str, Any] = load_yaml(data_dir() / "native-dependencies.yaml").data
    return loaded


#: What ``_link_problem`` says of a symlink that leaves the repository, and of one that loops.
OUTSIDE = "outside"
LOOP = "symlink loop"


def rule_value(name: str) -> Any:
    """A threshold of data/scan.yaml (stored as {value, unit, reason})."""
    return rules()[name]["value"]


@dataclass(frozen=True)
class RepoFile:
    path: Path  # absolute
    rel: str  # relative to the root, with forward slashes

    @property
    def name(self) -> str:
        return self.path.name


@dataclass
class Listing:
    root: Path
    files: list[RepoFile] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)
    outside_links: list[str] = field(default_factory=list)
    capped: bool = False

    def read(self, item: RepoFile) -> str | None:
        """The file's text (UTF-8, undecodable bytes replaced), or None when unreadable or too big;
        each failure is recorded once."""
        try:
            if item.path.stat().st_size > rule_value("max_file_bytes"):
                self._unreadable(f"{item.rel} (larger than {rule_value('max_file_bytes'):,} bytes)")
                return None
            return item.path.read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            self._unreadable(f"{item.rel} ({exc.strerror or exc})")
            return None

    def link(self, rel: str, problem: str | None) -> None:
        """Record a symlink not followed: one leaving the repository, or one that cannot be
        resolved (listed as unreadable with the reason); None (inside) records nothing."""
        if problem == OUTSIDE:
            self.outside_links.append(rel)
        elif problem is not None:
            self._unreadable(f"{rel} ({problem})")

    def _unreadable(self, text: str) -> None:
        if text not in self.unreadable:
            self.unreadable.append(text)


def generated(item: RepoFile) -> bool:
    """A generated or vendored file (data/scan.yaml skip_files): read for facts, not counted as code."""
    return _skipped(item.rel, item.name, rules()["skip_files"])


def not_code(item: RepoFile) -> bool:
    """Data, translations, fixtures or a copied library (data/scan.yaml not_code): read for facts,
    not counted as the team's code."""
    where = "/" + item.rel
    return any(fnmatch.fnmatch(where, p) for p in rules()["not_code"])


def _skipped(rel: str, name: str, patterns: Sequence[str]) -> bool:
    return any(name == p or rel == p or fnmatch.fnmatch(name, p) for p in patterns)


def _link_problem(path: Path, root: Path) -> str | None:
    """Why the symlink ``path`` is not followed: None when it points inside ``root``, 'outside'
    when it leaves it, else why it cannot be resolved (a loop, ``a -> b -> a`` or ``a -> a``)."""
    try:
        path.resolve().relative_to(root)
    except ValueError:
        return OUTSIDE
    except RuntimeError:  # Python before 3.13 reports a loop so, later ones as OSError(ELOOP)
        return LOOP
    except OSError as exc:
        return LOOP if exc.errno == errno.ELOOP else str(exc.strerror or exc)
    return None


def list_files(root: Path, max_files: int) -> Listing:
    """Walk ``root`` (resolved) without following symlinked folders; a symlinked file is kept when
    it points inside the repository, else listed in ``outside_links``, or in ``unreadable`` when
    it cannot be resolved (a symlink loop)."""
    root = root.resolve()
    listing = Listing(root)
    skip_dirs = rules()["skip_folders"]

    def on_error(exc: OSError) -> None:
        where = Path(exc.filename).relative_to(root).as_posix() if exc.filename else "?"
        listing._unreadable(f"{where}/ ({exc.strerror or exc})")

    for folder, dirs, names in os.walk(root, onerror=on_error, followlinks=False):
        here = Path(folder)
        base = here.relative_to(root).as_posix()
        prefix = "" if base == "." else base + "/"
        kept = []
        for d in sorted(dirs):
            rel = prefix + d
            if _skipped(rel, d, skip_dirs):
                continue
            if (here / d).is_symlink():
                listing.link(rel + "/", _link_problem(here / d, root))
                continue  # never followed: an inside link would count its files twice
            kept.append(d)
        dirs[:] = kept
        for n in sorted(names):
            rel = prefix + n
            path = here / n
            if path.is_symlink():
                problem = _link_problem(path, root)
                if problem is not None:
                    listing.link(rel, problem)
                    continue
            if not path.is_file():
                continue  # a dangling link, a FIFO or a socket: nothing to read
            if len(listing.files) >= max_files:
                listing.capped = True
                return listing
            listing.files.append(RepoFile(path, rel))
    return listing
