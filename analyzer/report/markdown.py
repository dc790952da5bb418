"""The Markdown renderer (for a wiki page or a pull request), from the same content tree.

Charts are not embedded (a Markdown file cannot carry them portably); each is named with its
caption and a pointer to the PDF. Table cells are the tree's formatted strings, so the numbers
are the PDF's.
"""

from __future__ import annotations

from analyzer.report.tree import Block, Bullets, Facts, Figure, Heading, Paragraph, Report, Table


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


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
        lines += ["", f"*{t.caption}*"]
    return lines


def _block(b: Block) -> list[str]:
    if isinstance(b, Paragraph):
        if b.style == "headline":
            return [f"> **{b.text}**"]
        if b.style == "note":
            return [f"*{b.text}*"]
        return [b.text]
    if isinstance(b, Heading):
        return [f"### {b.text}"]
    if isinstance(b, Bullets):
        return [f"- {item}" for item in b.items]
    if isinstance(b, Facts):
        value = "`{}`" if b.monospace else "{}"
        return [f"- **{k}:** {value.format(v)}" for k, v in b.items]
    if isinstance(b, Table):
        return _table(b)
    if isinstance(b, Figure):
        return [f"*Chart: {b.caption} (in the PDF report).*"]
    raise TypeError(f"unknown block {type(b).__name__}")  # pragma: no cover


def render_markdown(report: Report) -> bytes:
    """The report as UTF-8 Markdown."""
    lines = [f"# {report.title} {report.subtitle}", ""]
    if report.date:
        lines += [f"Report date: {report.date}", ""]
    for s in report.sections:
        lines += [f"## {s.title}", ""]
        for b in s.blocks:
            lines += [*_block(b), ""]
    return ("\n".join(lines).rstrip() + "\n").encode("utf-8")
