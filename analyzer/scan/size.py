"""Lines of code by language, counted by pygount (pygments lexers: code lines, not comments or
blank lines) over the files the walk kept, identical files counted once.

Lexing is the slow part (about 10 s for 50,000 lines on one core), so files are counted in a
process pool (the result does not depend on how the files are split), and each file's count can
be kept in a cache keyed by its content, so a second scan lexes only what changed."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from analyzer._io.atomic import write_bytes_atomic
from analyzer.errors import AnalyzerError
from analyzer.scan.findings import CodeSize
from analyzer.scan.walk import Listing, generated, not_code, rule_value, rules

_CHUNKS_PER_WORKER = 8


def _count(paths: Sequence[str]) -> list[tuple[str, int, str]]:
    """(language, code lines, state) per file; runs in a worker process."""
    from pygount import SourceAnalysis

    out = []
    for path in paths:
        try:
            result = SourceAnalysis.from_file(path, "scan", encoding="utf-8")
        except (OSError, ValueError) as exc:  # pygount reports most problems as a state
            out.append(("__error__", 0, str(exc)))
            continue
        out.append((result.language, result.code_count, result.state.name))
    return out


def _hidden(rel: str) -> bool:
    """Hidden files and folders (``.github/``, ``.env``) are configuration, not code: pygount's
    own defaults skip them too."""
    return any(part.startswith(".") for part in rel.split("/"))


def _unique(listing: Listing) -> tuple[list[tuple[str, str]], int, int]:
    """(path, key) of the files to count, one per distinct content, the number of duplicates and
    the number of files left out as not code. The key (content digest and file name: pygount picks
    its lexer from both) names the file's result in the cache."""
    seen: set[bytes] = set()
    files, duplicates, left_out = [], 0, 0
    limit = rule_value("max_file_bytes")
    for item in listing.files:
        if generated(item) or _hidden(item.rel):
            continue
        if not_code(item):
            left_out += 1
            continue
        try:
            if item.path.stat().st_size > limit:
                continue
            digest = hashlib.blake2b(item.path.read_bytes(), digest_size=16).digest()
        except OSError:
            continue  # listed as unreadable by the detectors that need it
        if digest in seen:
            duplicates += 1
            continue
        seen.add(digest)
        files.append((str(item.path), f"{digest.hex()} {item.name}"))
    return files, duplicates, left_out


Counted = tuple[str, int, str]  # language, code lines, pygount state


def _cache_file(cache_dir: Path) -> Path:
    from pygount import __version__

    return cache_dir / f"pygount-{__version__}.json"


def _load_cache(cache_dir: Path | None) -> dict[str, Counted]:
    if cache_dir is None:
        return {}
    try:
        data = json.loads(_cache_file(cache_dir).read_text(encoding="utf-8"))
        return {k: (str(v[0]), int(v[1]), str(v[2])) for k, v in data.items()}
    except (OSError, ValueError, TypeError, IndexError, AttributeError):
        return {}  # no cache yet, or one this version cannot read: count again


def _save_cache(cache_dir: Path | None, cache: dict[str, Counted]) -> None:
    if cache_dir is None:
        return
    with contextlib.suppress(AnalyzerError):  # a cache that cannot be written costs time only
        write_bytes_atomic(
            _cache_file(cache_dir), json.dumps(cache).encode("utf-8"), create_folder=True
        )


def code_size(
    listing: Listing,
    progress: Callable[[int, int], None],
    workers: int | None = None,
    cache_dir: Path | None = None,
) -> CodeSize:
    """Code lines per pygount language (states other than ``analyzed`` count nothing).

    With ``cache_dir``, each file's result is kept under its content digest and name, so a second
    scan lexes only the files that changed.
    """
    files, duplicates, left_out = _unique(listing)
    cache = _load_cache(cache_dir)
    todo = [(path, key) for path, key in files if key not in cache]
    workers = workers if workers is not None else max(1, min(os.cpu_count() or 1, 4))
    parts = max(1, workers * _CHUNKS_PER_WORKER)
    chunks = [todo[i::parts] for i in range(parts) if todo[i::parts]]
    done = len(files) - len(todo)
    progress(done, len(files))

    def take(chunk: list[tuple[str, str]], result: list[Counted]) -> None:
        nonlocal done
        cache.update((key, counted) for (_, key), counted in zip(chunk, result, strict=True))
        done += len(chunk)
        progress(done, len(files))

    if workers == 1 or len(chunks) <= 1:
        for chunk in chunks:
            take(chunk, _count([p for p, _ in chunk]))
    else:
        with ProcessPoolExecutor(workers) as pool:
            paths = [[p for p, _ in chunk] for chunk in chunks]
            for chunk, result in zip(chunks, pool.map(_count, paths), strict=True):
                take(chunk, result)
    if todo:
        _save_cache(cache_dir, cache)
    formats = set(rules()["data_formats"])
    longest = int(rule_value("data_file_max_lines"))
    counts: Counter[str] = Counter()
    counted = 0
    for _, key in files:
        language, lines, state = cache[key]
        if language in formats and lines > longest:
            left_out += 1  # a data table, not configuration
        elif state == "analyzed" and lines:
            counts[language] += lines
            counted += 1
    return CodeSize(dict(counts.most_common()), files=counted, duplicates=duplicates, not_code=left_out)
