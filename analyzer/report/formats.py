"""The formats a report is written in and their file extensions: constants the command line
checks before it loads any renderer (analyzer.report.render renders them)."""

from __future__ import annotations

from typing import Literal

Format = Literal["pdf", "md", "json", "adr"]
FORMATS: tuple[Format, ...] = ("pdf", "md", "json", "adr")
#: File extension of each format (an ADR is Markdown).
EXTENSIONS: dict[str, str] = {"pdf": "pdf", "md": "md", "json": "json", "adr": "md"}
