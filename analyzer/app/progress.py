"""Progress bars for long computations, kept out of the computations themselves.

Computations accept an optional ``progress(done, total)`` callback; the CLI passes the one made
here. It draws a rich bar on stderr, only when stderr is a terminal, so piped output, CI logs
and JSON on stdout stay clean.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import rich.progress
from rich.console import Console
from rich.progress import BarColumn, TextColumn, TimeElapsedColumn

from analyzer.decision.sensitivity import Progress


def _silent(done: int, total: int) -> None:
    del done, total


@contextmanager
def progress_bar(description: str, *, console: Console | None = None) -> Iterator[Progress]:
    """``with progress_bar("Sobol indices") as progress: sobol_indices(..., progress=progress)``.

    Yields a no-op callback when the console is not a terminal.
    """
    console = console if console is not None else Console(stderr=True)
    if not console.is_terminal:
        yield _silent
        return
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
    )
    with rich.progress.Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task(description, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update
