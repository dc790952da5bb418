"""The PDF renderer: the content tree as JSON, typeset by Typst with the packaged template.

Deterministic: the template sets ``document(date: none)`` unless a date is given (without it
typst-py stamps the current time as the PDF creation date), fonts are only those bundled with
the compiler (``ignore_system_fonts``), and figures are SVG with fixed ids and no date.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from analyzer._io.safeio import printable
from analyzer._version import __version__
from analyzer.errors import AnalyzerError
from analyzer.report.figures import figure_svg
from analyzer.report.tree import Block, Bullets, Facts, Figure, Heading, Paragraph, Report, Table

TEMPLATE = Path(__file__).resolve().parent / "templates" / "report.typ"


def block_data(block: Block, drawn: Mapping[str, str] | None = None) -> dict[str, Any]:
    """One block as the JSON the template reads; a figure's SVG is taken from ``drawn`` (by
    key) when it was drawn already."""
    if isinstance(block, Paragraph):
        return {"kind": "paragraph", "text": block.text, "style": block.style}
    if isinstance(block, Heading):
        return {"kind": "heading", "text": block.text}
    if isinstance(block, Bullets):
        return {"kind": "bullets", "items": list(block.items), "lead": block.lead}
    if isinstance(block, Facts):
        return {"kind": "facts", "items": [list(kv) for kv in block.items],
                "monospace": block.monospace}
    if isinstance(block, Table):
        return {
            "kind": "table",
            "columns": [{"header": c.header, "align": c.align, "width": c.width}
                        for c in block.columns],
            "rows": block.cells(),
            "caption": block.caption,
            "strong_rows": list(block.strong_rows),
            "small": block.small,
        }
    if isinstance(block, Figure):
        svg = drawn.get(block.key) if drawn is not None else None
        return {"kind": "figure", "svg": svg if svg is not None else figure_svg(block),
                "caption": block.caption}
    raise TypeError(f"unknown block {type(block).__name__}")  # pragma: no cover


def document_data(report: Report, drawn: Mapping[str, str] | None = None) -> dict[str, Any]:
    date = None
    if report.date:
        year, month, day = (int(x) for x in report.date.split("-"))
        date = [year, month, day]
    return {
        "title": report.title,
        "subtitle": report.subtitle,
        "date": date,
        "date_text": report.date or "",
        "version": __version__,
        "sections": [
            {
                "title": s.title,
                "page_break": s.page_break,
                "blocks": [block_data(b, drawn) for b in s.blocks],
            }
            for s in report.sections
        ],
    }


def chart_font_dir() -> Path:
    """matplotlib's bundled fonts: charts keep their text as text in DejaVu Sans, and Typst
    embeds that same font, so the PDF looks the same on every machine and chart text is
    searchable."""
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


#: Words this long get a break opportunity (a zero-width space) every BREAK_EVERY characters, so
#: a long name cannot run off the page; hexadecimal hashes are left whole.
LONG_WORD = re.compile(r"(?![0-9a-fA-F]{32,}\b)[^\s\u200b]{40,}")
BREAK_EVERY = 20


def _breakable(word: re.Match[str]) -> str:
    text = word.group(0)
    return "\u200b".join(text[i : i + BREAK_EVERY] for i in range(0, len(text), BREAK_EVERY))


#: In monospace facts (the reproduce command, hashes) a word stays whole up to this many
#: characters, what the value column holds at 7.5 pt: a break character inside a path would
#: be copied with it and break the command.
LONG_MONO_WORD = re.compile(r"[^\s\u200b]{76,}")


#: A space between a figure and its percent sign, made non-breaking in the PDF.
PERCENT_SIGN = re.compile(r"(?<=\d) %")


def _clean(value: Any, key: str = "", long_word: re.Pattern[str] = LONG_WORD) -> Any:
    """The template's data with control characters removed from every string (they come from
    the questionnaire) and long words made breakable; SVG text is only cleaned."""
    if isinstance(value, str):
        text = printable(value)
        if key == "svg":
            return text
        # "86 %" never breaks before its "%" (a lone "%" at the start of a line)
        return long_word.sub(_breakable, PERCENT_SIGN.sub("\u00a0%", text))
    if isinstance(value, dict):
        words = LONG_MONO_WORD if value.get("kind") == "facts" and value.get("monospace") else long_word
        return {k: _clean(v, k, words) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v, key, long_word) for v in value]
    return value


#: Fonts for scripts the bundled ones lack (CJK, emoji), used when installed (Debian:
#: ``apt install fonts-noto-cjk fonts-noto-color-emoji``): Typst falls back to them glyph by
#: glyph, and embeds them only when a report uses such a glyph, so other reports are unchanged.
FALLBACK_FONT_FILES = (
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"),
    Path("/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf"),
)


def fallback_font_dirs() -> list[Path]:
    """Folders of the installed FALLBACK_FONT_FILES (none when they are not installed)."""
    return sorted({f.parent for f in FALLBACK_FONT_FILES if f.is_file()})


def pdf_compiler() -> Any:
    """A Typst compiler with the template and fonts loaded: most of a compile's time, so
    ``analyzer report`` makes it ahead, while other work runs (analyzer.app.report)."""
    import typst

    return typst.Compiler(
        TEMPLATE,
        root=TEMPLATE.parent,
        ignore_system_fonts=True,
        font_paths=[chart_font_dir(), *fallback_font_dirs()],
    )


def render_pdf(
    report: Report, drawn: Mapping[str, str] | None = None, compiler: Any = None
) -> bytes:
    """The report as PDF bytes; ``drawn``: SVG of figures drawn already, by figure key (the
    figures of this same report, drawn earlier to overlap with other work); ``compiler``: one
    from ``pdf_compiler``, made ahead (a new one otherwise)."""
    import typst

    payload = json.dumps(_clean(document_data(report, drawn)), ensure_ascii=False)
    try:
        pdf = (compiler or pdf_compiler()).compile(sys_inputs={"data": payload})
    except typst.TypstError as exc:  # a bug in the template or its data, not the user's input
        raise AnalyzerError(f"typesetting the PDF failed: {exc.message}\n{exc.diagnostic}") from exc
    if not isinstance(pdf, bytes):  # pragma: no cover - one PDF comes back as bytes
        raise AnalyzerError("typesetting the PDF returned no document")
    return pdf
