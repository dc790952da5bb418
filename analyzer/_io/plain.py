"""One conversion to plain data (None, bool, int, float, str, list, dict with str keys), shared by
the JSON outputs, the questionnaire template and ``what_if``.

Pure; imports neither numpy nor pandas, so the quick commands stay quick: numpy scalars and
arrays are recognised by their ``dtype`` and ``tolist``, data frames by their module.
"""

from __future__ import annotations

import dataclasses
import math
import sys
from collections.abc import Mapping
from typing import Any, Protocol, runtime_checkable


@runtime_checkable
class HasPlain(Protocol):
    """A value that knows its own plain spelling (``Estimate``: a number or [low, likely, high])."""

    def to_plain(self) -> Any: ...


def _is_frame(obj: Any) -> bool:
    pandas = sys.modules.get("pandas")
    return pandas is not None and isinstance(obj, pandas.DataFrame)


def to_plain(obj: Any, *, digits: int | None = None, nan_as_none: bool = True) -> Any:
    """A plain copy of ``obj``; NaN and infinities become None (JSON has neither) unless
    ``nan_as_none`` is False (answers, which the loader then refuses by name), floats are
    rounded to ``digits`` decimals when given. Dataclasses and pydantic models become dicts, data
    frames lists of row dicts, numpy values Python ones; anything else its ``str``."""
    if obj is None or isinstance(obj, (str, bool, int)):
        return obj
    if isinstance(obj, float):
        if not math.isfinite(obj):
            return None if nan_as_none else obj
        return obj if digits is None else round(obj, digits)
    if isinstance(obj, HasPlain):
        return to_plain(obj.to_plain(), digits=digits, nan_as_none=nan_as_none)
    if hasattr(obj, "dtype") and hasattr(obj, "tolist"):  # numpy scalars and arrays
        return to_plain(obj.tolist(), digits=digits, nan_as_none=nan_as_none)
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {
            f.name: to_plain(getattr(obj, f.name), digits=digits, nan_as_none=nan_as_none)
            for f in dataclasses.fields(obj)
        }
    if hasattr(obj, "model_dump"):  # pydantic models
        return to_plain(obj.model_dump(mode="json"), digits=digits, nan_as_none=nan_as_none)
    if isinstance(obj, Mapping):
        return {str(k): to_plain(v, digits=digits, nan_as_none=nan_as_none) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_plain(v, digits=digits, nan_as_none=nan_as_none) for v in obj]
    if _is_frame(obj):
        return to_plain(obj.to_dict(orient="records"), digits=digits, nan_as_none=nan_as_none)
    if callable(getattr(obj, "to_dict", None)):
        return to_plain(obj.to_dict(), digits=digits, nan_as_none=nan_as_none)
    return str(obj)
