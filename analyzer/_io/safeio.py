"""Reading files named by others: regular files only, a byte limit, and paths kept in a folder.

A questionnaire is often someone else's (shared, processed by CI or a bot), so a file it names
(an incident export, a deploys file, a git repository) must lie inside the questionnaire's folder
or a folder the user named on the command line (``--allow-path``); symbolic links are resolved
before the check, so a link out of the folder is refused. Special files (FIFOs, devices such as
``/dev/zero``) are refused before a byte is read, and no read goes past its limit.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from analyzer.errors import InputError, Problem


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


#: Characters no text output carries: C0 controls but tab and newline, DEL, C1 controls, and the
#: bidirectional overrides that make text display in another order than it reads.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """``text`` without control characters (ESC, NUL, carriage return...) and bidi overrides, so
    a name from someone else's file cannot move the cursor, recolour or rewrite a terminal."""
    return _UNPRINTABLE.sub("", text)
