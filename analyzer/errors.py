"""Errors a user can act on: each problem names the file, line, column and field."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

EXIT_INPUT = 2  # bad input: questionnaire, assumptions, history or command-line values
EXIT_IO = 3  # the output could not be written


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, located as precisely as the input allows."""

    file: str
    message: str
    line: int | None = None
    column: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        parts = [where]
        if self.field:
            parts.append(self.field)
        parts.append(self.message)
        return _one_line(": ".join(parts))


def _one_line(text: str) -> str:
    """Escape newlines and other control characters (a key may hold any), so one problem stays
    on one line."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


class AnalyzerError(Exception):
    """Base of every error the CLI turns into a message and a non-zero exit code."""

    exit_code = 1


class InputError(AnalyzerError):
    """One or more problems in an input file, reported together, one line each."""

    exit_code = EXIT_INPUT

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class OutputError(AnalyzerError):
    """The output could not be written (unwritable folder, full disk...)."""

    exit_code = EXIT_IO


#: How alike a typo and a known name must be (difflib's ratio) to suggest the name.
SUGGEST_CUTOFF = 0.6


def closest(word: str, known: Iterable[str], cutoff: float = SUGGEST_CUTOFF) -> str | None:
    """The known name most like ``word`` (difflib's ratio of at least ``cutoff``), if any."""
    close = difflib.get_close_matches(word, list(known), n=1, cutoff=cutoff)
    return close[0] if close else None


def did_you_mean(word: str, known: Iterable[str], cutoff: float = SUGGEST_CUTOFF) -> str:
    """`` (did you mean 'x'?)`` for the known name closest to ``word``, or an empty string."""
    match = closest(word, known, cutoff)
    return f" (did you mean '{match}'?)" if match else ""
