"""A process's kind from the image it runs, its name and its command (words in data/scan.yaml)."""

from __future__ import annotations

import re

from analyzer.scan.walk import rules

_WORD = re.compile(r"[a-z0-9_.:-]+")


def _image_base(image: str) -> str:
    """``ghcr.io/org/postgres:16`` -> ``postgres``."""
    last = image.lower().rsplit("/", 1)[-1]
    return re.split(r"[:@]", last, maxsplit=1)[0]


def kind_of(name: str, command: str = "", image: str = "") -> str:
    """The first kind in data/scan.yaml whose image names or words match; ``other`` if none.

    The image decides first (``redis:7`` is a cache whatever the service is called), then the
    name, then the command.
    """
    table: dict[str, dict[str, list[str]]] = rules()["kinds"]
    base = _image_base(image) if image else ""
    if base:
        for kind, entry in table.items():
            if any(base == w or base.startswith(w + "-") or base.endswith("-" + w) for w in entry["images"]):
                return kind
    for text in (name.lower(), command.lower()):
        if not text:
            continue
        words = set(_WORD.findall(text))
        for part in list(words):
            words.update(re.split(r"[_.:-]", part))
        for kind, entry in table.items():
            for w in entry["words"]:
                if (" " in w and w in text) or w in words:
                    return kind
    return "other"


def is_development(rel: str) -> bool:
    """Whether a path belongs to a development-only set-up (devcontainer, Procfile.dev, tests)."""
    parts = rel.lower().split("/")
    markers = [m.lower() for m in rules()["development_markers"]]
    for part in parts:
        stem = part.rsplit(".", 1)[0] if part.endswith((".yml", ".yaml")) else part
        if part in markers or stem in markers:
            return True
    return False
