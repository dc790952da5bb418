"""Writing output files so that a reader never sees half a file and a failure leaves nothing.

Only regular files are replaced: an existing device, FIFO, socket or symbolic link at the target
is refused, never swapped for a file. The temporary file (``.NAME.XXXXXXXX.tmp`` beside the
target) is locked while it is written; one left behind by a killed run is unlocked, and the next
write to the same target removes it.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import stat
import tempfile
from pathlib import Path

from analyzer.errors import InputError, OutputError, Problem

#: Targets written completely by this process, most recent last (for the message on Ctrl-C).
WRITTEN: list[Path] = []


def check_target(path: str | Path, inputs: tuple[Path, ...] = ()) -> None:
    """Refuse (InputError) a target that is a folder, an existing non-regular file (device,
    FIFO, socket, symbolic link) or the same file as one of ``inputs``."""
    target = Path(path)
    name = str(target)
    try:
        info = target.lstat()
    except (FileNotFoundError, NotADirectoryError):  # the folder is checked when writing
        return
    except OSError as exc:
        raise OutputError(f"{name}: cannot inspect the file: {exc.strerror or exc}") from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError([Problem(name, "is a folder; give a file name")])
    if not stat.S_ISREG(info.st_mode):
        kind = "a symbolic link" if stat.S_ISLNK(info.st_mode) else "not a regular file"
        raise InputError(
            [Problem(name, f"is {kind}; refusing to replace it (give the path of a regular file)")]
        )
    for source in inputs:
        with contextlib.suppress(OSError):
            if source.exists() and source.samefile(target):
                raise InputError(
                    [Problem(name, f"is the input file {source}; refusing to write over it")]
                )


def write_text_atomic(path: str | Path, text: str, *, overwrite: bool = False) -> Path:
    """Write ``text`` to ``path`` through a temporary file in the same folder and ``os.replace``.

    Refuses (InputError, exit 2) to replace an existing file unless ``overwrite``; any failure to
    write is an OutputError (exit 3) and leaves neither the temporary file nor a partial target.
    """
    target = Path(path)
    name = str(target)
    check_target(target)
    if target.exists() and not overwrite:
        raise InputError(
            [Problem(name, "already exists; pass --force to overwrite it, or choose another path")]
        )
    folder = target.parent
    if not folder.is_dir():
        problem = "is not a folder" if folder.exists() else "does not exist"
        raise OutputError(f"{name}: the folder {folder} {problem}")
    _replace(target, text.encode("utf-8"))
    return target


#: Backups tried before giving up: FILE.bak, FILE.bak.1 ... FILE.bak.<this - 1>.
MAX_BACKUPS = 100


def write_backup(path: str | Path, text: str) -> Path:
    """Keep ``text`` (a file's contents before it is rewritten) as ``FILE.bak``, or the first
    free ``FILE.bak.N`` when an earlier backup is there: a backup is never written over. The
    file itself is checked first (``check_target``), so a refusal leaves no backup behind."""
    target = Path(path)
    check_target(target)
    first = target.with_name(target.name + ".bak")
    for n in range(MAX_BACKUPS):
        candidate = first if n == 0 else first.with_name(f"{first.name}.{n}")
        if not candidate.exists() and not candidate.is_symlink():
            return write_text_atomic(candidate, text)
    raise OutputError(f"{target}: {MAX_BACKUPS} backups exist already ({first} ...); "
                      "remove some, then run again")


_FILE_MODE = 0o666  # what open() would use; mkstemp's 0o600 would hide a report from others


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_bytes_atomic(
    path: str | Path,
    data: bytes,
    *,
    create_folder: bool = False,
    inputs: tuple[Path, ...] = (),
) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder and ``os.replace``,
    replacing an existing regular file (a regenerated report) but never one of ``inputs``.

    A missing folder is an OutputError unless ``create_folder`` (the default reports/ folder).
    Any failure is an OutputError (exit 3) and leaves neither the temporary file nor a partial
    target; an existing target is kept as it was.
    """
    target = Path(path)
    check_target(target, inputs)
    check_folder(target, create=create_folder)
    _replace(target, data)
    return target


def check_folder(path: str | Path, *, create: bool = False, now: bool = True) -> None:
    """The folder ``path`` is to be written in: created with ``create`` (the default reports/
    folder), else it must exist (OutputError, exit 3). A command checks it before its work
    with ``now=False``, so a wrong path fails fast and a run that fails later leaves no empty
    folder behind (a folder to create is only checked to be creatable: its nearest existing
    ancestor a folder); ``write_bytes_atomic`` checks it again and creates it."""
    target = Path(path)
    name = str(target)
    if create and not now:
        existing = next((p for p in target.parents if p.exists()), None)
        if existing is not None and not existing.is_dir():
            raise OutputError(f"{name}: cannot create the folder {target.parent}: {existing} "
                              "is not a folder")
        return
    if create:
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(
                f"{name}: cannot create the folder {target.parent}: {exc.strerror or exc}"
            ) from None
    elif not target.parent.is_dir():
        problem = "is not a folder" if target.parent.exists() else "does not exist; create it first"
        raise OutputError(f"{name}: {target.parent} {problem}")


def remove_stale_temporaries(target: Path) -> int:
    """Remove temporary files of ``target`` left by killed runs: ours (``.NAME.*.tmp``), regular,
    and not locked by a live writer. Returns how many were removed."""
    removed = 0
    with contextlib.suppress(OSError):
        for candidate in target.parent.glob(f".{glob_escape(target.name)}.*.tmp"):
            with contextlib.suppress(OSError):
                fd = os.open(candidate, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
                try:
                    if not stat.S_ISREG(os.fstat(fd).st_mode):
                        continue
                    try:
                        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    except BlockingIOError:
                        continue  # a writer is alive
                    candidate.unlink()
                    removed += 1
                finally:
                    os.close(fd)
    return removed


def glob_escape(name: str) -> str:
    """``name`` with glob's special characters taken literally."""
    return "".join(f"[{c}]" if c in "*?[" else c for c in name)


def _replace(target: Path, data: bytes) -> None:
    """The atomic step both writers share: a temporary file in the target's folder, synced,
    given the mode ``open()`` would give, then ``os.replace``d over the target."""
    name = str(target)
    remove_stale_temporaries(target)
    tmp: Path | None = None
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        tmp = Path(tmp_name)
        with os.fdopen(fd, "wb") as handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)  # released when closed, or at death
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
            tmp.chmod(_FILE_MODE & ~_umask())
            tmp.replace(target)
            tmp = None
            WRITTEN.append(target)
    except OSError as exc:
        raise OutputError(f"{name}: cannot write the file: {exc.strerror or exc}") from None
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                tmp.unlink()
