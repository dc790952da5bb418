"""The format-neutral report: sections of blocks (paragraphs, lists, facts, tables, figures).

Tables keep their numbers in a DataFrame and say how each column is formatted, so every renderer
prints the same strings from the same numbers. Figures keep a drawing function; renderers give it
an Axes of the stated size, then save and close the figure themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd

if TYPE_CHECKING:
    from matplotlib.axes import Axes

Align = Literal["left", "right"]
ParagraphStyle = Literal["body", "headline", "lead", "note"]


def _as_text(value: Any) -> str:
    return "" if value is None else str(value)


@dataclass(frozen=True)
class Column:
    """One table column: the frame's ``key``, its header, how a value becomes text, alignment
    and relative width."""

    key: str
    header: str
    fmt: Callable[[Any], str] = _as_text
    align: Align = "left"
    width: float = 1.0


@dataclass(frozen=True)
class Table:
    frame: pd.DataFrame
    columns: tuple[Column, ...]
    caption: str = ""
    strong_rows: tuple[int, ...] = ()  # row positions printed in bold (stage and total rows)
    small: bool = False  # long reference tables in a smaller type

    def header(self) -> list[str]:
        return [c.header for c in self.columns]

    def cells(self) -> list[list[str]]:
        """Every row as formatted text, in column order."""
        return [[c.fmt(row[c.key]) for c in self.columns] for _, row in self.frame.iterrows()]


@dataclass(frozen=True)
class Paragraph:
    text: str
    style: ParagraphStyle = "body"


@dataclass(frozen=True)
class Heading:
    text: str


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]
    #: a sentence introducing the list, kept on the same page as its first item
    lead: str = ""


@dataclass(frozen=True)
class Facts:
    """Label-value pairs (who and what the report is about, reproducibility data)."""

    items: tuple[tuple[str, str], ...]
    monospace: bool = False


@dataclass(frozen=True)
class Figure:
    key: str  # file-name stem, e.g. "cost-over-time"
    caption: str
    draw: Callable[[Axes], Axes]
    size: tuple[float, float] = (7.0, 3.6)  # inches


Block = Paragraph | Heading | Bullets | Facts | Table | Figure


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    blocks: tuple[Block, ...]
    page_break: bool = False  # start on a new page in paged formats


@dataclass(frozen=True)
class Report:
    title: str
    subtitle: str
    date: str | None
    sections: tuple[Section, ...]
    data: dict[str, Any] = field(default_factory=dict)  # the JSON document (Decision.to_dict() +)

    def figures(self) -> list[Figure]:
        return [b for s in self.sections for b in s.blocks if isinstance(b, Figure)]
