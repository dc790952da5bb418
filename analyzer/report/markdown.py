"""The Markdown renderer (for a wiki page or a pull request), from the same content tree.

Charts are not embedded (a Markdown file cannot carry them portably); each is named with its
caption and a pointer to the PDF. Table cells are the tree's formatted strings, so the numbers
are the PDF's.
"""

from __future__ import annotations

import re

from analyzer._io.safeio import printable
from analyzer.report.tree import Block, Bullets, Facts, Figure, Heading, Paragraph, Report, Table

#: Characters with a meaning inside a Markdown line (CommonMark 0.31, "Backslash escapes"):
#: emphasis, code, links and images, tables, and the backslash itself.
_INLINE = re.compile(r"([\\`*_\[\]|~])")
#: What makes a line a heading, quote, list item, rule or setext underline when it starts one.
#: (``-5`` and ``0.50`` stay as they are: only a marker followed by a space, the end or itself.)
_LINE_START = re.compile(r"^(\s*)([#+=-])(?=\s|$|\2)")
_ORDERED = re.compile(r"^(\s*\d+)([.)])(?=\s|$)")


def _escape(text: str) -> str:
    """Text from the content tree (names and descriptions come from the questionnaire) as
    literal Markdown: control characters dropped, newlines joined, HTML's ``& < >`` as entities
    (no raw HTML, comment or autolink survives), Markdown's punctuation backslash-escaped, and a
    leading ``#``, ``>``, ``-``, ``+``, ``=`` or ``1.`` escaped so no line becomes a heading
    or a list."""
    flat = " ".join(printable(text.replace("\r", "\n")).split("\n"))
    html = flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    inline = _INLINE.sub(r"\\\1", html)
    escaped = _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), inline)
    return _ORDERED.sub(lambda m: m.group(1) + "\\" + m.group(2), escaped)


def _code(text: str) -> str:
    """Text for a code span: inside one nothing is markup, so only a backtick (which would
    close it) and line breaks are replaced."""
    return " ".join(printable(text).replace("`", "'").splitlines())


def _table(t: Table) -> list[str]:
    align = ["---:" if c.align == "right" else ":---" for c in t.columns]
    lines = [
        "| " + " | ".join(_escape(h) for h in t.header()) + " |",
        "| " + " | ".join(align) + " |",
    ]
    for i, row in enumerate(t.cells()):
        cells = [_escape(c.replace("\u00a0", " ").strip()) for c in row]
        if i in t.strong_rows:
            cells = [f"**{c}**" if c else c for c in cells]
        lines.append("| " + " | ".join(cells) + " |")
    if t.caption:
        lines += ["", f"*{_escape(t.caption)}*"]
    return lines


def _block(b: Block) -> list[str]:
    if isinstance(b, Paragraph):
        if b.style == "headline":
            return [f"> **{_escape(b.text)}**"]
        if b.style == "note":
            return [f"*{_escape(b.text)}*"]
        return [_escape(b.text)]
    if isinstance(b, Heading):
        return [f"### {_escape(b.text)}"]
    if isinstance(b, Bullets):
        items = [f"- {_escape(item)}" for item in b.items]
        return [_escape(b.lead), "", *items] if b.lead else items
    if isinstance(b, Facts):
        if b.monospace:
            return [f"- **{_escape(k)}:** `{_code(v)}`" for k, v in b.items]
        return [f"- **{_escape(k)}:** {_escape(v)}" for k, v in b.items]
    if isinstance(b, Table):
        return _table(b)
    if isinstance(b, Figure):
        return [f"*Chart: {_escape(b.caption)} (in the PDF report).*"]
    raise TypeError(f"unknown block {type(b).__name__}")  # pragma: no cover


def render_markdown(report: Report) -> bytes:
    """The report as UTF-8 Markdown."""
    lines = [f"# {_escape(report.title)} {_escape(report.subtitle)}", ""]
    if report.date:
        lines += [f"Report date: {_escape(report.date)}", ""]
    for s in report.sections:
        lines += [f"## {_escape(s.title)}", ""]
        for b in s.blocks:
            lines += [*_block(b), ""]
    return ("\n".join(lines).rstrip() + "\n").encode("utf-8")
