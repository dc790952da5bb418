"""A finished content tree -> the bytes of one format: PDF, Markdown, JSON or a MADR record."""

from __future__ import annotations

import json
from typing import Any

from analyzer._io.plain import to_plain
from analyzer.report.adr import render_adr
from analyzer.report.formats import EXTENSIONS, FORMATS, Format
from analyzer.report.markdown import render_markdown
from analyzer.report.pdf import render_pdf
from analyzer.report.tree import Report

__all__ = ["EXTENSIONS", "FORMATS", "Format", "render", "render_json"]


def render_json(data: dict[str, Any]) -> bytes:
    """JSON, indented, NaN and infinities as null (JSON has neither), ending in a newline."""
    text = json.dumps(to_plain(data), indent=2, ensure_ascii=False, allow_nan=False)
    return (text + "\n").encode("utf-8")


def render(report: Report, fmt: Format) -> bytes:
    """The report's bytes in one format."""
    if fmt == "json":
        return render_json(report.data)
    if fmt == "adr":
        return render_adr(report)
    if fmt == "md":
        return render_markdown(report)
    return render_pdf(report)
