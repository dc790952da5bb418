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


def to_plain(obj: Any, *, digits: int | None = None) -> Any:
    """A plain copy of ``obj``; NaN and infinities become None (JSON has neither), floats are
    rounded to ``digits`` decimals when given. Dataclasses and pydantic models become dicts, data
    frames lists of row dicts, numpy values Python ones; anything else its ``str``."""
    if obj is None or isinstance(obj, (str, bool, int)):
        return obj
    if isinstance(obj, float):
        if not math.isfinite(obj):
            return None
        return obj if digits is None else round(obj, digits)
    if isinstance(obj, HasPlain):
        return to_plain(obj.to_plain(), digits=digits)
    if hasattr(obj, "dtype") and hasattr(obj, "tolist"):  # numpy scalars and arrays
        return to_plain(obj.tolist(), digits=digits)
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_plain(getattr(obj, f.name), digits=digits) for f in dataclasses.fields(obj)}
    if hasattr(obj, "model_dump"):  # pydantic models
        return to_plain(obj.model_dump(mode="json"), digits=digits)
    if isinstance(obj, Mapping):
        return {str(k): to_plain(v, digits=digits) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_plain(v, digits=digits) for v in obj]
    if _is_frame(obj):
        return to_plain(obj.to_dict(orient="records"), digits=digits)
    if callable(getattr(obj, "to_dict", None)):
        return to_plain(obj.to_dict(), digits=digits)
    return str(obj)
