"""Write a file so no reader ever sees half of it: a temporary file in the target folder, then
``os.replace``. A missing folder is created; a failure is an ``OutputError`` and leaves nothing."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from analyzer.errors import OutputError

_FILE_MODE = 0o666  # what open() would use; mkstemp's 0o600 would hide the report from others


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically and return the path."""
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(
            f"{target}: cannot create the folder {target.parent}: {exc.strerror or exc}"
        ) from exc
    if target.is_dir():
        raise OutputError(f"{target}: is a folder; give a file name, e.g. {target / 'report.pdf'}")
    tmp: Path | None = None
    try:
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        tmp = Path(name)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        tmp.chmod(_FILE_MODE & ~_umask())
        tmp.replace(target)
        tmp = None
    except OSError as exc:
        raise OutputError(f"{target}: cannot write the report: {exc.strerror or exc}") from exc
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                tmp.unlink()
    return target
