"""The files of a repository, listed once: vendored and generated folders skipped, symlinks that
leave the repository not followed, a cap on the number of files, unreadable ones recorded."""

from __future__ import annotations

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

    def _unreadable(self, text: str) -> None:
        if text not in self.unreadable:
            self.unreadable.append(text)


def generated(item: RepoFile) -> bool:
    """A generated or vendored file (data/scan.yaml skip_files): read for facts, not counted as code."""
    return _skipped(item.rel, item.name, rules()["skip_files"])


def _skipped(rel: str, name: str, patterns: Sequence[str]) -> bool:
    return any(name == p or rel == p or fnmatch.fnmatch(name, p) for p in patterns)


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root)
    except (OSError, ValueError):
        return False
    return True


def list_files(root: Path, max_files: int) -> Listing:
    """Walk ``root`` (resolved) without following symlinked folders; a symlinked file is kept when
    it points inside the repository, else listed in ``outside_links``."""
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
                if not _inside(here / d, root):
                    listing.outside_links.append(rel + "/")
                continue  # never followed: an inside link would count its files twice
            kept.append(d)
        dirs[:] = kept
        for n in sorted(names):
            rel = prefix + n
            path = here / n
            if path.is_symlink() and not _inside(path, root):
                listing.outside_links.append(rel)
                continue
            if not path.is_file():
                continue  # a dangling link, a FIFO or a socket: nothing to read
            if len(listing.files) >= max_files:
                listing.capped = True
                return listing
            listing.files.append(RepoFile(path, rel))
    return listing
