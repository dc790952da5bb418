"""Classify incidents into the model's categories by keyword rules kept in data.

Rules come from data/incident-categories.yaml: each category's keywords match case-insensitively,
on whole words, in the title, description and labels; the first category listed with a match wins.
A keyword matches only where it is not part of a longer word (``(?<!\\w)kw(?!\\w)``), and inside a
multi-word keyword a space or hyphen matches any run of spaces, hyphens or underscores.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from analyzer.questionnaire.form import incident_categories

UNCLASSIFIED = "unclassified"


def keyword_pattern(keywords: list[str]) -> str:
    """One regex matching any keyword as a whole word, for lower-cased text.

    Keywords that start and end with a word character share one ``\\b(?:...)\\b`` group (the same
    test as the lookarounds, and much faster in Python's re); any other keyword keeps
    ``(?<!\\w)`` / ``(?!\\w)``. Longer keywords are tried first.
    """
    plain, other = [], []
    cleaned = {str(k).strip().lower() for k in keywords if str(k).strip()}
    for kw in sorted(cleaned, key=lambda k: (-len(k), k)):
        body = r"[\s_-]+".join(re.escape(w) for w in re.split(r"[\s_-]+", kw) if w)
        if re.match(r"\w", kw) and re.search(r"\w$", kw):
            plain.append(body)
        else:
            other.append(r"(?<!\w)" + body + r"(?!\w)")
    groups = [r"\b(?:" + "|".join(plain) + r")\b"] if plain else []
    return "|".join(groups + other) or r"(?!)"


@dataclass(frozen=True)
class Rules:
    """Compiled keyword rules, in priority order, and a lookup of category keys and labels."""

    patterns: tuple[tuple[str, re.Pattern[str]], ...]
    names: dict[str, str]  # lower-case key or label -> category key

    @property
    def categories(self) -> list[str]:
        return [key for key, _ in self.patterns]


@cache
def default_rules() -> Rules:
    """Rules from data/incident-categories.yaml (cached: the file is read once per process)."""
    cats = incident_categories()
    patterns = tuple(
        (key, re.compile(keyword_pattern(list(spec.get("keywords", [])))))
        for key, spec in cats.items()
    )
    names: dict[str, str] = {UNCLASSIFIED: UNCLASSIFIED}
    for key, spec in cats.items():
        names[key.lower()] = key
        names[key.lower().replace("_", " ")] = key
        names[key.lower().replace("_", "-")] = key
        if spec.get("label"):
            names[str(spec["label"]).strip().lower()] = key
    return Rules(patterns, names)


def classify_text(text: pd.Series, rules: Rules | None = None) -> pd.Series:
    """Category key per row of text, ``unclassified`` where no keyword matches.

    Distinct texts are classified once (exports repeat alert titles a lot). Each category's regex
    runs only on texts no earlier category claimed, so the first listed category wins and the
    work shrinks as texts are classified.
    """
    rules = rules or default_rules()
    codes, uniques = pd.factorize(text.astype(str), use_na_sentinel=False)
    values = pd.Series(uniques).str.lower().to_numpy(dtype=object)
    result = np.full(len(values), UNCLASSIFIED, dtype=object)
    remaining = np.arange(len(values))
    for key, pattern in rules.patterns:
        if remaining.size == 0:
            break
        subset = pd.Series(values[remaining], dtype=object)
        hit = subset.str.contains(pattern, regex=True).to_numpy(dtype=bool)
        result[remaining[hit]] = key
        remaining = remaining[~hit]
    return pd.Series(result[codes], index=text.index, dtype=object)


def resolve_category_names(
    raw: pd.Series, rules: Rules | None = None
) -> tuple[pd.Series, pd.Series]:
    """Map a ``category`` column's values (key or label, any case) to category keys.

    Returns (key or '' where empty, True where a non-empty value names no known category).
    """
    rules = rules or default_rules()
    cleaned = raw.astype(str).str.strip().str.lower()
    keys = cleaned.map(rules.names).fillna("")
    unknown = (cleaned != "") & (keys == "")
    return keys.astype(object), unknown
