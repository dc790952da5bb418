"""Reading files named by others: regular files only, a byte limit, and paths kept in a folder.

A questionnaire is often someone else's (shared, processed by CI or a bot), so a file it names
(an incident export, a deploys file, a git repository) must lie inside the questionnaire's folder
or a folder the user named on the command line (``--allow-path``); symbolic links are resolved
before the check, so a link out of the folder is refused. Special files (FIFOs, devices such as
``/dev/zero``) are refused before a byte is read, and no read goes past its limit.
"""

from __future__ import annotations

import contextvars
import os
import stat
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from analyzer.errors import InputError, Problem

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
    try:
        resolved = candidate.resolve()
    except (OSError, RuntimeError) as exc:  # a symlink loop
        raise InputError(
            [Problem(str(candidate), f"cannot resolve the path: {exc}", field=field)]
        ) from None
    roots = (base, *_ALLOWED.get())
    if not any(_inside(resolved, root) for root in roots):
        shown = file if len(file) <= 200 else file[:200] + "..."
        line, column = _locate(questionnaire_path, field)
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


def _locate(questionnaire_path: str | Path, field: str) -> tuple[int | None, int | None]:
    """Line and column of a dotted field in the questionnaire (read again: only on an error)."""
    from analyzer.yamlio import load_yaml

    try:
        marks = load_yaml(questionnaire_path).marks
    except InputError:
        return None, None
    return marks.locate(tuple(field.split(".")))


def _a(noun: str) -> str:
    """``noun`` with its indefinite article: "an incident export", "a questionnaire"."""
    return ("an " if noun[:1].lower() in "aeiou" else "a ") + noun


def read_bytes_limited(path: str | Path, *, max_bytes: int, what: str = "file") -> bytes:
    """The bytes of a regular file of at most ``max_bytes``; anything else is an InputError.

    The file is opened without blocking (a FIFO would otherwise wait for a writer), checked to be
    a regular file on the open descriptor (no race with a swap), and read at most
    ``max_bytes + 1`` bytes, so a file that grows or lies about its size cannot exhaust memory.
    """
    name = str(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(name, flags)
    except FileNotFoundError:
        raise InputError([Problem(name, f"no such {what}")]) from None
    except IsADirectoryError:
        raise InputError([Problem(name, f"is a folder, not {_a(what)}")]) from None
    except OSError as exc:
        raise InputError([Problem(name, f"cannot read the {what}: {exc.strerror}")]) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise InputError([Problem(name, f"is a folder, not {_a(what)}")])
        if not stat.S_ISREG(info.st_mode):
            raise InputError(
                [Problem(name, f"is not a regular file (a device, pipe or socket); not {_a(what)}")]
            )
        if info.st_size > max_bytes:
            raise InputError(
                [Problem(name, f"the {what} is {info.st_size:,} bytes; the limit is {max_bytes:,} bytes")]
            )
        os.set_blocking(fd, True)
        chunks: list[bytes] = []
        total = 0
        while total <= max_bytes:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > max_bytes:
            raise InputError([Problem(name, f"the {what} is over the limit of {max_bytes:,} bytes")])
        return b"".join(chunks)
    except OSError as exc:
        raise InputError([Problem(name, f"cannot read the {what}: {exc.strerror}")]) from None
    finally:
        os.close(fd)


def describe_encoding(raw: bytes) -> str | None:
    """A readable name for text that is not UTF-8 but recognisable (UTF-16/32 by its byte-order
    mark), else None."""
    if raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "UTF-32"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16"
    return None
