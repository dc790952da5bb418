"""Lines of code by language, counted by pygount (pygments lexers: code lines, not comments or
blank lines) over the files the walk kept, identical files counted once.

Lexing is the slow part (about 10 s for 50,000 lines on one core), so files are counted in a
process pool; the result does not depend on how the files are split."""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor

from analyzer.scan.findings import CodeSize
from analyzer.scan.walk import Listing, generated, rule_value

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


def _unique(listing: Listing) -> tuple[list[str], int]:
    """Paths of the files to count, one per distinct content, and the number of duplicates."""
    seen: set[bytes] = set()
    paths, duplicates = [], 0
    limit = rule_value("max_file_bytes")
    for item in listing.files:
        if generated(item):
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
        paths.append(str(item.path))
    return paths, duplicates


def code_size(
    listing: Listing, progress: Callable[[int, int], None], workers: int | None = None
) -> CodeSize:
    """Code lines per pygount language (states other than ``analyzed`` count nothing)."""
    paths, duplicates = _unique(listing)
    workers = workers if workers is not None else max(1, min(os.cpu_count() or 1, 4))
    parts = max(1, workers * _CHUNKS_PER_WORKER)
    chunks = [paths[i::parts] for i in range(parts) if paths[i::parts]]
    counts: Counter[str] = Counter()
    done = 0
    progress(0, len(paths))
    results: list[list[tuple[str, int, str]]]
    if workers == 1 or len(chunks) <= 1:
        results = []
        for chunk in chunks:
            results.append(_count(chunk))
            done += len(chunk)
            progress(done, len(paths))
    else:
        with ProcessPoolExecutor(workers) as pool:
            results = []
            for chunk, result in zip(chunks, pool.map(_count, chunks), strict=True):
                results.append(result)
                done += len(chunk)
                progress(done, len(paths))
    for result in results:
        for language, lines, state in result:
            if state == "analyzed" and lines:
                counts[language] += lines
    return CodeSize(dict(counts.most_common()), files=len(paths), duplicates=duplicates)
