"""Numbers as people read them, shared by the terminal output, the reasons and every report format.

Pure functions of their arguments. Hours are rounded the way a person says them (3.4 h, 27 h,
320 h, 1,050 h); ranges read "P10 to P90"; percentages are whole numbers with a space before "%".
Missing, NaN or infinite values read "n/a".
"""

from __future__ import annotations

import math
from typing import Any

#: From here on round hours to tens ("320 h"); below it to whole hours ("27 h").
TENS_FROM = 100.0
#: From here on whole hours; below it one decimal ("3.4 h").
WHOLE_FROM = 10.0
#: Parameter values from here on are printed as whole numbers with thousands separators.
WHOLE_VALUE_FROM = 1_000.0
#: ``fmt_short`` prints whole numbers from here on, two significant figures below.
SHORT_WHOLE_FROM = 10.0
NOT_AVAILABLE = "n/a"
#: Money is rounded to the nearest thousand, or to the nearest hundred below a thousand.
MONEY_THOUSANDS_FROM = 1_000.0


def _finite(x: Any) -> float | None:
    """``x`` as a float, or None when it is missing, NaN or infinite."""
    if x is None:
        return None
    v = float(x)
    return v if math.isfinite(v) else None


def fmt_number(x: Any) -> str:
    """A quantity rounded like ``fmt_hours``, without a unit: 3.4, 27, 320, 1,050."""
    v = _finite(x)
    if v is None:
        return NOT_AVAILABLE
    if abs(v) >= TENS_FROM:
        text = f"{round(v, -1):,.0f}"
    elif abs(v) >= WHOLE_FROM:
        text = f"{v:.0f}"
    else:
        text = f"{v:.1f}"
    return text.removeprefix("-") if text in ("-0", "-0.0") else text


def fmt_count(x: float, noun: str, plural: str | None = None) -> str:
    """A count and its noun as a sentence has them: ``fmt_count(1, "incident") == "1
    incident"``, ``fmt_count(2.9, "incident") == "2.9 incidents"`` (``fmt_short``'s figure;
    singular only when it reads exactly 1)."""
    figure = fmt_short(x)
    return f"{figure} {noun if figure == '1' else (plural or noun + 's')}"


def fmt_short(x: float) -> str:
    """A number as a person writes it in a sentence: two significant figures below 10, whole
    numbers with thousands separators from 10 (``fmt_short(0.853) == "0.85"``)."""
    if not math.isfinite(x):
        return str(x)
    if abs(x) >= SHORT_WHOLE_FROM:
        return f"{x:,.0f}"
    if x == 0:
        return "0"
    return f"{x:.2g}"


def fmt_hours(x: Any) -> str:
    """Engineer-hours: ``fmt_hours(323.3) == "320 h"``."""
    text = fmt_number(x)
    return text if text == NOT_AVAILABLE else f"{text} h"


def fmt_months(x: Any) -> str:
    """Calendar months with one decimal: ``"4.6 months"``."""
    v = _finite(x)
    return NOT_AVAILABLE if v is None else f"{v:.1f} months"


def fmt_pct(share: Any) -> str:
    """A share 0-1 as a whole percentage: ``fmt_pct(0.257) == "26 %"``; a share strictly
    between 0 and 1 never reads as either bound: 0.9993 is "99.9 %", 0.99996 "> 99.9 %", 0.0004
    "< 0.1 %" (7 futures in 10,000 are not none of them)."""
    v = _finite(share)
    if v is None:
        return NOT_AVAILABLE
    if 0.0 < v < 0.0005:
        return "< 0.1 %"
    if 0.9995 <= v < 1.0:
        return "> 99.9 %"
    if 0.0 < v < 0.005 or 0.995 <= v < 1.0:
        return f"{100 * v:.1f} %"
    return f"{100 * v:.0f} %"


def fmt_range(p10: Any, p90: Any, unit: str = "h") -> str:
    """The P10-P90 range: ``fmt_range(280, 380) == "280 to 380 h"``."""
    if _finite(p10) is None or _finite(p90) is None:
        return NOT_AVAILABLE
    tail = f" {unit}" if unit else ""
    return f"{fmt_number(p10)} to {fmt_number(p90)}{tail}"


def fmt_spread(p10: Any, p50: Any, p90: Any, unit: str = "h") -> str:
    """The median with its P10-P90 range: ``"320 h (280 to 380)"``."""
    if _finite(p50) is None:
        return NOT_AVAILABLE
    mid = f"{fmt_number(p50)} {unit}".rstrip()
    low, high = fmt_number(p10), fmt_number(p90)
    if NOT_AVAILABLE in (low, high) or low == high:
        return mid
    return f"{mid} ({low} to {high})"


def fmt_money(amount: Any, currency: str) -> str:
    """Money rounded to the nearest thousand, to two significant figures below a thousand:
    ``"USD 24,000"``, ``"USD 310"``, ``"USD 83"`` (a month's infrastructure of a small team
    is not "USD 100" or "USD 0")."""
    v = _finite(amount)
    if v is None:
        return NOT_AVAILABLE
    digits = -3 if abs(v) >= MONEY_THOUSANDS_FROM else -1 if abs(v) >= 100 else 0
    return f"{currency} {round(v, digits):,.0f}"


def fmt_money_change(before: float, after: float, currency: str) -> tuple[str, str]:
    """Two amounts a sentence compares, ``fmt_money``'s rounding made finer (to tens at most)
    until they read differently: "USD 8,000 to USD 7,700", never "USD 8,000 to USD 8,000"."""
    for digits in (-3, -2, -1):
        if abs(before) < MONEY_THOUSANDS_FROM and digits == -3:
            continue
        a, b = round(before, digits), round(after, digits)
        if a != b:
            break
    return f"{currency} {a:,.0f}", f"{currency} {b:,.0f}"


def fmt_score(x: Any) -> str:
    """Points on the 0-100 scale, one decimal."""
    v = _finite(x)
    return NOT_AVAILABLE if v is None else f"{v:.1f}"


def fmt_index(x: Any) -> str:
    """A 0-1 index (Sobol, TOPSIS closeness), two decimals; an estimate a hair below zero
    (Sobol estimator noise, -0.004) reads 0.00, not -0.00."""
    v = _finite(x)
    return NOT_AVAILABLE if v is None else f"{v:.2f}".replace("-0.00", "0.00")


#: The counted nouns of the units of data/ and the questionnaire, and their singular.
SINGULAR: dict[str, str] = {
    "people": "person", "services": "service", "instances": "instance", "hosts": "host",
    "packages": "package", "hours": "hour", "months": "month", "minutes": "minute",
    "seconds": "second", "days": "day", "incidents": "incident", "events": "event",
    "deploys": "deploy", "images": "image", "nodes": "node", "engineers": "engineer",
    "hires": "hire",
}


#: Verbs whose plural is not the singular without its "s".
IRREGULAR_PLURAL_VERBS: dict[str, str] = {"has": "have", "is": "are", "does": "do"}


def verb_for(subject: str, verb: str) -> str:
    """``verb`` (third person singular) as it agrees with ``subject``, an option's short label:
    "containers save", "baked images cost", but "the hybrid saves", "today's setup wins". A
    subject is plural when its last word ends in a single "s" ("containers", "images"; not
    "serverless")."""
    last = subject.split(" ")[-1] if subject else ""
    if not (last.endswith("s") and not last.endswith("ss")):
        return verb
    return IRREGULAR_PLURAL_VERBS.get(verb, verb[:-1] if verb.endswith("s") else verb)


def unit_for(figure: str, unit: str) -> str:
    """``unit`` as it follows ``figure``: its first counted noun singular when the figure reads
    exactly 1 ("1 service", "1 production deploy a week"), else as it is."""
    if figure != "1":
        return unit
    words = unit.split(" ")
    for i, w in enumerate(words):
        if w in SINGULAR:
            words[i] = SINGULAR[w]
            return " ".join(words)
    return unit


def fmt_value(x: Any, unit: str = "") -> str:
    """A parameter value in its own unit, three significant figures (whole numbers from 1,000)."""
    v = _finite(x)
    if v is None:
        return NOT_AVAILABLE
    text = f"{v:,.0f}" if abs(v) >= WHOLE_VALUE_FROM else f"{v:.3g}"
    return f"{text} {unit_for(text, unit)}".rstrip()


def fmt_month_of(x: Any, horizon: int) -> str:
    """A break-even month, or a plain statement that it is beyond the horizon."""
    v = _finite(x)
    return f"not within {horizon} months" if v is None else f"month {v:.0f}"


