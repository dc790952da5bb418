"""Typed answers in the interview: turn what a tech lead types into questionnaire values and back.

Accepted spellings for an estimate (any number in the questionnaire):

- ``3`` -- a single number;
- ``3-5`` (also ``3 to 5``) -- low 3 and high 5; likely is the midpoint, 4;
- ``2, 4, 10``, ``2 4 10`` or ``[2, 4, 10]`` -- low, likely and high;
- ``10%`` -- one hundredth of the number, for fractions between 0 and 1;
- words a field accepts, such as ``basic`` for Docker familiarity.

Parsing checks only the spelling; bounds and ordering are checked by the questionnaire model itself,
so the interview and the file loader apply the same rules.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from typing import Any

NUMBER = r"[-+]?(?:\d[\d_]*(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?%?"
_NUMBER_RE = re.compile(rf"^{NUMBER}$")
_RANGE_RE = re.compile(rf"^({NUMBER})\s*(?:-|to)\s*({NUMBER})$", re.IGNORECASE)
_SEPARATORS = re.compile(r"[\s,;]+")

FORMS = "a number or a range: 3, 3-5 or 2, 4, 10"

#: Longer tokens are not numbers anyone means (and Python refuses to convert over 4,300 digits).
MAX_NUMBER_CHARS = 40

YES = frozenset({"y", "yes", "true"})
NO = frozenset({"n", "no", "false"})


class AnswerError(ValueError):
    """The typed text is not a valid spelling for this question; the message says what is."""


def _number(token: str, *, percent: bool) -> int | float:
    """One number; ``%`` divides by 100 where fractions are asked for."""
    scale = 1.0
    if token.endswith("%"):
        if not percent:
            raise AnswerError(f"'{token}': a percentage only fits a fraction between 0 and 1")
        token, scale = token[:-1], 0.01
    if len(token) > MAX_NUMBER_CHARS:
        raise AnswerError(f"'{token[:12]}...' has {len(token):,} characters: too long for a number")
    if not _NUMBER_RE.match(token):
        raise AnswerError(f"'{token}' is not a number")
    is_int = not any(c in token for c in ".eE") and scale == 1.0
    value: int | float = int(token) if is_int else float(token) * scale
    if isinstance(value, float):
        value = round(value, 12)
        if value.is_integer() and abs(value) < 1e15:
            value = int(value)
    return value


def _compact(value: float) -> int | float:
    return int(value) if float(value).is_integer() and abs(value) < 1e15 else value


def parse_typed_estimate(text: str, *, percent: bool = False, words: Collection[str] = ()) -> Any:
    """A point, ``[low, likely, high]`` or an accepted word, from typed text."""
    raw = text.strip().replace("\u2013", "-").replace("\u2014", "-")
    if raw.lower() in words:
        return raw.lower()
    pair = re.fullmatch(r"(\w+)\s*(?:-|to)\s*(\w+)", raw.lower()) if words else None
    if pair and pair.group(1) in words and pair.group(2) in words:
        return f"{pair.group(1)}-{pair.group(2)}"  # a range of words, e.g. basic-working
    if raw.startswith("[") and raw.endswith("]"):
        raw = raw[1:-1].strip()
    if not raw:
        raise AnswerError(f"type {FORMS}")
    if _NUMBER_RE.match(raw):
        return _number(raw, percent=percent)
    match = _RANGE_RE.match(raw)
    if match:
        low, high = (_number(g, percent=percent) for g in match.groups())
        if low > high:
            raise AnswerError(f"the low end ({low:g}) is above the high end ({high:g})")
        # Rounded like every typed number, so 15%-30% keeps 0.225, not 0.22499999999999998.
        return [low, _compact(round((low + high) / 2, 12)), high]
    tokens = [t for t in _SEPARATORS.split(raw) if t]
    if len(tokens) == 3 and all(_NUMBER_RE.match(t) for t in tokens):
        return [_number(t, percent=percent) for t in tokens]
    if all(_NUMBER_RE.match(t) for t in tokens):
        raise AnswerError(f"{len(tokens)} numbers: type {FORMS}")
    if words:
        raise AnswerError(f"'{text.strip()}' is not understood: type 3, 3-5, 2, 4, 10 or "
                          + "/".join(words))
    raise AnswerError(f"'{text.strip()}' is not understood: type {FORMS}")


def parse_number(text: str, *, percent: bool = False) -> int | float:
    """A single number (the model decides whether it must be whole)."""
    raw = text.strip()
    if not raw:
        raise AnswerError("type a number")
    return _number(raw, percent=percent)


def parse_words(text: str) -> list[str]:
    """A list of names separated by commas or spaces, e.g. ``python, javascript``."""
    items = [t for t in _SEPARATORS.split(text.strip().strip("[]")) if t]
    if not items:
        raise AnswerError("type at least one name, separated by commas")
    return items


_PAIR_RE = re.compile(rf"([A-Za-z_][\w-]*)\s*[:=]?\s*({NUMBER})")


def parse_pairs(text: str) -> dict[str, int | float]:
    """Named numbers such as ``cost 0.5, parity 0.2`` (also ``cost=0.5`` or ``cost: 0.5``)."""
    raw = text.strip().strip("{}")
    pairs: dict[str, int | float] = {}
    rest = raw
    for match in _PAIR_RE.finditer(raw):
        pairs[match.group(1)] = _number(match.group(2), percent=False)
        rest = rest.replace(match.group(0), " ", 1)
    if not pairs or _SEPARATORS.sub("", rest):
        raise AnswerError("type name value pairs, e.g. cost 0.5, parity 0.2")
    return pairs


def parse_yes_no(text: str) -> bool:
    """``y``/``yes``/``true`` or ``n``/``no``/``false``, any case."""
    raw = text.strip().lower()
    if raw in YES:
        return True
    if raw in NO:
        return False
    raise AnswerError("type y or n")


def format_value(value: Any) -> str:
    """A stored value as the interview shows it, in a spelling the parsers read back."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return str(_compact(value))
    if isinstance(value, Mapping) and set(value) == {"low", "likely", "high"}:
        return format_value([value["low"], value["likely"], value["high"]])
    if isinstance(value, Mapping):
        return ", ".join(f"{k} {format_value(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return ", ".join(format_value(v) for v in value)
    return str(value)
