"""A number a tech lead may know only roughly: a point, ``[low, likely, high]`` or a mapping.

``Estimate`` is the validated form. ``Bounds`` attaches per-field limits to it for pydantic, so a
field is declared as ``Annotated[Estimate, Bounds(ge=0, le=1000)]`` and its JSON Schema shows all
three accepted spellings.
"""

from __future__ import annotations

import math
import reprlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

from analyzer.questionnaire.interview.answer import AnswerError, parse_typed_estimate

_KEYS = ("low", "likely", "high")


def beside(value: float, bound: float) -> str:
    """``value`` short (``:g``), or in full when short it would read as the bound it broke
    ("5000.0000001 is above 5000", not "5000 is above 5000")."""
    short = f"{value:g}"
    return repr(float(value)) if short == f"{bound:g}" else short


@dataclass(frozen=True)
class Estimate:
    """low <= likely <= high, all finite; a point estimate has all three equal."""

    low: float
    likely: float
    high: float

    @classmethod
    def point(cls, value: float) -> Estimate:
        return cls(float(value), float(value), float(value))

    @property
    def is_point(self) -> bool:
        return self.low == self.high

    @property
    def pert_mean(self) -> float:
        """(low + 4 likely + high) / 6, the PERT mean (Vose, lambda = 4)."""
        return (self.low + 4.0 * self.likely + self.high) / 6.0

    def as_list(self) -> list[float]:
        return [self.low, self.likely, self.high]

    def to_yaml(self) -> float | int | list[float | int]:
        """The most compact spelling: a bare number for a point, else ``[low, likely, high]``."""
        if self.is_point:
            return _compact(self.likely)
        return [_compact(v) for v in self.as_list()]

    def to_plain(self) -> float | int | list[float | int]:
        """Its plain-data spelling (``analyzer._io.plain``): the YAML one."""
        return self.to_yaml()

    def __str__(self) -> str:
        if self.is_point:
            return f"{_compact(self.likely)}"
        return f"{_compact(self.likely)} ({_compact(self.low)}-{_compact(self.high)})"


def _compact(value: float) -> float | int:
    return int(value) if float(value).is_integer() and abs(value) < 1e15 else value


def _error(kind: str, message: str) -> PydanticCustomError:
    """A pydantic error whose text is already formatted.

    The text goes in through the context: a template with escaped braces would keep them doubled,
    since pydantic formats a template only when it has a context.
    """
    return PydanticCustomError(kind, "{message}", {"message": message})


_SHOW = reprlib.Repr()
_SHOW.maxstring = _SHOW.maxother = 60  # long or deeply nested input is shown abbreviated


def show(value: Any) -> str:
    """A short, safe repr of user input for an error message."""
    return _SHOW.repr(value)


def _number(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _error("estimate_type", f"{what} must be a number, got {show(value)}")
    try:
        number = float(value)
    except OverflowError:
        raise _error("estimate_finite", f"{what} is too large to be a number") from None
    if math.isnan(number) or math.isinf(number):
        raise _error("estimate_finite", f"{what} must be a finite number, got {value}")
    return number


_SHAPE_HINT = (
    "write a number, a list [low, likely, high], or a mapping {low: .., likely: .., high: ..}"
)


def parse_estimate(value: Any) -> Estimate:
    """Turn any accepted spelling into an Estimate, or raise a PydanticCustomError saying why."""
    if isinstance(value, Estimate):
        return value
    if isinstance(value, (list, tuple)):
        if len(value) != 3:
            raise _error(
                "estimate_shape",
                f"a range needs exactly three numbers [low, likely, high], got {len(value)}",
            )
        low, likely, high = (_number(v, k) for v, k in zip(value, _KEYS, strict=True))
    elif isinstance(value, Mapping):
        unknown = sorted(str(k) for k in value if k not in _KEYS)
        missing = [k for k in _KEYS if k not in value]
        if unknown or missing:
            parts = []
            if missing:
                parts.append("missing " + ", ".join(missing))
            if unknown:
                parts.append("unknown key(s) " + ", ".join(unknown))
            raise _error(
                "estimate_shape",
                f"a range mapping needs low, likely and high ({'; '.join(parts)})",
            )
        low, likely, high = (_number(value[k], k) for k in _KEYS)
    else:
        if value is None:  # an empty line: an answer still to give (scan's "# fill in")
            raise _error("estimate_type", f"not filled in yet: {_SHAPE_HINT}")
        if isinstance(value, (str, bool)):
            raise _error("estimate_type", f"got {show(value)}: {_SHAPE_HINT}")
        low = likely = high = _number(value, "the value")
    if low > likely:
        raise _error("estimate_order", f"low ({low:g}) is greater than likely ({likely:g})")
    if likely > high:
        raise _error("estimate_order", f"likely ({likely:g}) is greater than high ({high:g})")
    return Estimate(low, likely, high)


def _typed(text: str, *, percent: bool) -> Any:
    """A range typed as text in YAML, read as ``analyzer ask`` reads it: '3-5', '20%' (fields
    from 0 to 1 only), '2, 4, 10' (questionnaire/interview/answer.py). A quoted plain number stays an error (YAML
    has numbers for it), and so does text that is no range at all."""
    plain = text.strip().lstrip("+-").replace(".", "", 1).replace("_", "").isdigit()
    if plain:
        return text  # parse_estimate says: got '3', write a number
    try:
        return parse_typed_estimate(text, percent=percent)
    except AnswerError as exc:
        detail = str(exc) if "%" in text else ""
        raise _error(
            "estimate_type",
            f"got {show(text)}: {_SHAPE_HINT}, or text as `analyzer ask` takes it ('3-5', "
            f"'2, 4, 10'{', 20%' if percent else ''})" + (f" ({detail})" if detail else ""),
        ) from None


@dataclass(frozen=True)
class Bounds:
    """Limits for an Estimate field: every one of low/likely/high must lie in [ge, le]."""

    ge: float = 0.0
    le: float = 1e6

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        def validate(value: Any) -> Estimate:
            if isinstance(value, str):
                value = _typed(value, percent=self.le == 1)
            est = parse_estimate(value)
            for key in _KEYS:
                v = getattr(est, key)
                name = "the value" if est.is_point else key
                if v < self.ge:
                    raise _error(
                        "estimate_bound",
                        f"{name} must be at least {self.ge:g}, got {beside(v, self.ge)}",
                    )
                if v > self.le:
                    raise _error(
                        "estimate_bound",
                        f"{name} is {beside(v, self.le)}, above the plausible maximum {self.le:g}",
                    )
            return est

        return core_schema.no_info_plain_validator_function(
            validate,
            serialization=core_schema.plain_serializer_function_ser_schema(
                lambda e: e.to_yaml(), when_used="always"
            ),
        )

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        number = {"type": "number", "minimum": self.ge, "maximum": self.le}
        return {
            "anyOf": [
                number,
                {"type": "string", "description": "as typed in `analyzer ask`: '3-5', "
                 "'2, 4, 10'" + (", '20%' or '15%-30%'" if self.le == 1 else "")},
                {"type": "array", "items": number, "minItems": 3, "maxItems": 3,
                 "description": "[low, likely, high]"},
                {
                    "type": "object",
                    "properties": {k: number for k in _KEYS},
                    "required": list(_KEYS),
                    "additionalProperties": False,
                },
            ]
        }
