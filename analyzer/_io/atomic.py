"""Writing output files so that a reader never sees half a file and a failure leaves nothing."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from analyzer.errors import InputError, OutputError, Problem


def write_text_atomic(path: str | Path, text: str, *, overwrite: bool = False) -> Path:
    """Write ``text`` to ``path`` through a temporary file in the same folder and ``os.replace``.

    Refuses (InputError, exit 2) to replace an existing file unless ``overwrite``; any failure to
    write is an OutputError (exit 3) and leaves neither the temporary file nor a partial target.
    """
    target = Path(path)
    name = str(target)
    if target.is_dir():
        raise InputError([Problem(name, "is a folder; give a file name")])
    if target.exists() and not overwrite:
        raise InputError(
            [Problem(name, "already exists; pass --force to overwrite it, or choose another path")]
        )
    folder = target.parent
    if not folder.is_dir():
        raise OutputError(f"{name}: the folder {folder} does not exist")
    _replace(target, text.encode("utf-8"))
    return target


_FILE_MODE = 0o666  # what open() would use; mkstemp's 0o600 would hide a report from others


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_bytes_atomic(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder and ``os.replace``,
    creating missing folders and replacing an existing file (a regenerated report).

    Any failure is an OutputError (exit 3) and leaves neither the temporary file nor a partial
    target; an existing target is kept as it was.
    """
    target = Path(path)
    name = str(target)
    if target.is_dir():
        raise InputError([Problem(name, "is a folder; give a file name")])
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(
            f"{name}: cannot create the folder {target.parent}: {exc.strerror or exc}"
        ) from None
    _replace(target, data)
    return target


def _replace(target: Path, data: bytes) -> None:
    """The atomic step both writers share: a temporary file in the target's folder, synced,
    given the mode ``open()`` would give, then ``os.replace``d over the target."""
    name = str(target)
    tmp: Path | None = None
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        tmp = Path(tmp_name)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        tmp.chmod(_FILE_MODE & ~_umask())
        tmp.replace(target)
        tmp = None
    except OSError as exc:
        raise OutputError(f"{name}: cannot write the file: {exc.strerror or exc}") from None
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                tmp.unlink()
