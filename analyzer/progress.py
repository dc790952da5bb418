"""A progress bar on the terminal (stderr) for work that takes over a second; silent otherwise."""

from __future__ import annotations

import atexit
from collections.abc import Callable


def terminal_progress() -> Callable[[str, float], None]:
    """A callback ``(label, fraction done)`` drawing one rich progress bar per label on stderr."""
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    tasks: dict[str, TaskID] = {}

    def update(label: str, fraction: float) -> None:
        if not tasks:
            progress.start()
            atexit.register(progress.stop)
        if label not in tasks:
            tasks[label] = progress.add_task(label, total=1.0)
        progress.update(tasks[label], completed=min(max(fraction, 0.0), 1.0))
        if all(progress.tasks[i].finished for i in tasks.values()):
            progress.stop()

    return update
