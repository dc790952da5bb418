"""Classify incidents into the model's categories by keyword rules kept in data.

Rules come from data/incident-categories.yaml (or a file of one's own, ``--categories FILE``): each
category's keywords match case-insensitively, on whole words, in the title, description and labels.

Priority ("most specific match"): the category with the most distinct keywords found in the text
wins; a tie goes to the category listed first. So "AWS us-east-1 EBS degraded, db latency" (aws,
ebs: infrastructure, 2; latency: capacity, 1) is infrastructure, and "config drift" (one keyword
each) is environment drift, listed first. A text no keyword matches is ``other``: a category the
model counts like any other (no option prevents it), never discarded.

A keyword matches only where it is not part of a longer word (``(?<!\\w)kw(?!\\w)``), and inside a
multi-word keyword a space or hyphen matches any run of spaces, hyphens or underscores.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analyzer._io.yamlio import load_yaml
from analyzer.errors import InputError, Problem, did_you_mean
from analyzer.questionnaire.form import incident_categories

#: The category of incidents no keyword matches (listed last in data/incident-categories.yaml).
UNCLASSIFIED = "other"


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
    source: str = "data/incident-categories.yaml"

    @property
    def categories(self) -> list[str]:
        return [key for key, _ in self.patterns]


def _rules(cats: Mapping[str, Mapping[str, Any]], source: str) -> Rules:
    patterns = tuple(
        (key, re.compile(keyword_pattern(list(spec.get("keywords") or []))))
        for key, spec in cats.items()
    )
    names: dict[str, str] = {UNCLASSIFIED: UNCLASSIFIED, "unclassified": UNCLASSIFIED}
    for key, spec in cats.items():
        names[key.lower()] = key
        names[key.lower().replace("_", " ")] = key
        names[key.lower().replace("_", "-")] = key
        if spec.get("label"):
            names[str(spec["label"]).strip().lower()] = key
    return Rules(patterns, names, source)


@cache
def default_rules() -> Rules:
    """Rules from data/incident-categories.yaml (cached: the file is read once per process)."""
    return _rules(incident_categories(), "data/incident-categories.yaml")


def load_rules(path: str | Path | None) -> Rules:
    """The bundled rules, or the bundled rules with the keywords of ``path``'s categories replaced.

    ``path`` is a YAML file shaped like data/incident-categories.yaml::

        categories:
          application: {keywords: [NoMethodError, "RecordNotFound"]}
          dependency: {keywords: [bundler, gem], extend: true}   # added to the bundled list

    Its keys must be categories the model knows (the model has a rate per known category);
    ``extend: true`` adds to the bundled keywords instead of replacing them. An unknown key or a
    keyword list that is not a list of strings is an InputError naming the file and line.
    """
    if path is None:
        return default_rules()

    loaded = load_yaml(path, what="categories file")
    data, marks = loaded.data, loaded.marks
    name = str(path)
    known = incident_categories()

    def problem(message: str, *loc: str) -> Problem:
        line, column = marks.locate(loc, prefer_key=len(loc) == 2)  # an unknown key: at the key
        return Problem(name, message, line, column, ".".join(loc) or None)

    if not isinstance(data, Mapping) or not isinstance(data.get("categories"), Mapping):
        where = ("categories",) if isinstance(data, Mapping) and "categories" in data else ()
        raise InputError(
            [problem("expected a mapping 'categories: {KEY: {keywords: [...]}}'", *where)]
        )
    problems: list[Problem] = []
    merged: dict[str, dict[str, Any]] = {k: dict(v) for k, v in known.items()}
    for key, spec in data["categories"].items():
        if key not in known:
            problems.append(
                problem(
                    f"unknown category '{key}'{did_you_mean(str(key), known)}; the model "
                    f"knows: {', '.join(known)}",
                    "categories", str(key),
                )
            )
            continue
        words = spec.get("keywords") if isinstance(spec, Mapping) else None
        if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
            problems.append(
                problem("keywords must be a list of words or phrases", "categories", key,
                        "keywords")
            )
            continue
        extend = bool(spec.get("extend", False))
        merged[key]["keywords"] = [*(merged[key].get("keywords") or []), *words] if extend else words
    if problems:
        raise InputError(problems)
    return _rules(merged, Path(path).name)


def classify_text(text: pd.Series, rules: Rules | None = None) -> pd.Series:
    """Category key per row of text, ``other`` where no keyword matches.

    Distinct texts are classified once (exports repeat alert titles a lot); each category's
    distinct keyword hits are counted, and the most hits win, ties to the category listed first.
    """
    return classify_detail(text, rules, explain=False)[0]


def classify_detail(
    text: pd.Series, rules: Rules | None = None, *, explain: bool = True
) -> tuple[pd.Series, pd.Series]:
    """(category per row, the keywords that decided it, comma-separated) -- see classify_text.

    Without ``explain`` the keywords are left empty (they cost a second regex pass)."""
    rules = rules or default_rules()
    codes, uniques = pd.factorize(text.astype(str), use_na_sentinel=False)
    values = pd.Series(uniques, dtype=object).str.lower()
    result = np.full(len(values), UNCLASSIFIED, dtype=object)
    why = np.full(len(values), "", dtype=object)
    if rules.patterns and len(values):
        # Which categories match at all (one regex search per text and category); only texts
        # two or more categories match need their distinct keywords counted.
        hits = np.stack(
            [values.str.contains(p, regex=True).to_numpy(dtype=bool) for _, p in rules.patterns]
        )
        counts = hits.astype(np.int64)
        multi = np.flatnonzero(hits.sum(axis=0) > 1)
        for c, (_, pattern) in enumerate(rules.patterns):
            rows = multi[hits[c, multi]]
            if rows.size:
                found = values.iloc[rows].str.findall(pattern)
                counts[c, rows] = [len(set(f)) for f in found]
        best = counts.argmax(axis=0)  # argmax takes the first of equals: the listed order
        matched = hits.any(axis=0)
        keys = np.array(rules.categories, dtype=object)
        result[matched] = keys[best[matched]]
        for c, (_, pattern) in enumerate(rules.patterns if explain else ()):
            rows = np.flatnonzero(matched & (best == c))
            if rows.size:
                found = values.iloc[rows].str.findall(pattern)
                why[rows] = [", ".join(sorted(set(f))) for f in found]
    return (
        pd.Series(result[codes], index=text.index, dtype=object),
        pd.Series(why[codes], index=text.index, dtype=object),
    )


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
