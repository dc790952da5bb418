"""Files a questionnaire names stay in its folder (or one the user allowed with --allow-path).

A questionnaire is often someone else's (shared, processed by CI or a bot), so a file it names
(an incident export, a deploys file, a git repository) must lie inside the questionnaire's folder
or a folder named on the command line; symbolic links are resolved before the check, so a link
out of the folder is refused.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from analyzer._io.yamlio import load_yaml
from analyzer.errors import InputError, Problem

#: Characters of a path repeated in a message, at most.
MAX_SHOWN = 200

#: Folders besides the questionnaire's own that referenced files may lie in (``--allow-path``).
_ALLOWED: contextvars.ContextVar[tuple[Path, ...]] = contextvars.ContextVar(
    "analyzer_allowed_paths", default=()
)


@contextmanager
def allowed_paths(folders: Sequence[str | Path]) -> Iterator[None]:
    """Within the block, files referenced by a questionnaire may also lie under ``folders``."""
    token = _ALLOWED.set(tuple(Path(f).expanduser().resolve() for f in folders))
    try:
        yield
    finally:
        _ALLOWED.reset(token)


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def referenced_path(questionnaire_path: str | Path, file: str, *, field: str) -> Path:
    """The file ``file`` named in a questionnaire, resolved relative to the questionnaire's folder,
    refused (InputError naming ``field``) unless it lies in that folder or an allowed one.

    The check is on the fully resolved path (``Path.resolve``: symbolic links followed, ``..``
    removed), so neither ``../../etc/passwd`` nor a link to it gets through.
    """
    base = Path(questionnaire_path).expanduser().resolve().parent
    raw = Path(file).expanduser()
    candidate = raw if raw.is_absolute() else base / raw
    shown = file if len(file) <= MAX_SHOWN else file[:MAX_SHOWN] + "..."
    try:
        resolved = candidate.resolve()
    except (OSError, RuntimeError) as exc:  # a symlink loop
        line, column = locate_field(questionnaire_path, field)
        raise InputError(
            [
                Problem(
                    str(questionnaire_path),
                    f"cannot resolve '{shown}': {exc}",
                    line,
                    column,
                    field,
                )
            ]
        ) from None
    roots = (base, *_ALLOWED.get())
    if not any(_inside(resolved, root) for root in roots):
        line, column = locate_field(questionnaire_path, field)
        raise InputError(
            [
                Problem(
                    str(questionnaire_path),
                    f"'{shown}' is outside the questionnaire's folder (or links out of it); "
                    "move the file next to the questionnaire, or allow its folder with "
                    "--allow-path DIR",
                    line,
                    column,
                    field,
                )
            ]
        )
    return candidate


def locate_field(questionnaire_path: str | Path, field: str) -> tuple[int | None, int | None]:
    """Line and column of a dotted field in the questionnaire (read again: only on an error)."""
    try:
        marks = load_yaml(questionnaire_path).marks
    except InputError:
        return None, None
    return marks.locate(tuple(field.split(".")))
