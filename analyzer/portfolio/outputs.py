"""Write a portfolio's results: PDF, Markdown, JSON or CSV (or all four), each atomically."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from analyzer._io.atomic import write_bytes_atomic
from analyzer.portfolio.content import build_portfolio_report, to_csv, to_dict
from analyzer.portfolio.run import PortfolioResult
from analyzer.report.render import render, render_json

PortfolioFormat = Literal["pdf", "md", "json", "csv"]
PORTFOLIO_FORMATS: tuple[PortfolioFormat, ...] = ("pdf", "md", "json", "csv")
#: File extension of each format.
EXTENSIONS: dict[str, str] = {f: f for f in PORTFOLIO_FORMATS}


def portfolio_bytes(r: PortfolioResult, fmt: PortfolioFormat, *, command: str, date: str | None) -> bytes:
    """The portfolio's results in one format."""
    if fmt == "csv":
        return to_csv(r)
    if fmt == "json":  # the report's data, without the pages' tables and figures
        return render_json(to_dict(r))
    return render(build_portfolio_report(r, command=command, date=date), fmt)


def output_paths(output: Path, formats: tuple[PortfolioFormat, ...]) -> list[Path]:
    """Where each format is written: ``output``, or with several formats ``output`` with each
    format's extension in place of its own."""
    if len(formats) == 1:
        return [output]
    return [output.with_suffix(f".{EXTENSIONS[fmt]}") for fmt in formats]


def write_portfolio(
    r: PortfolioResult, output: Path, formats: tuple[PortfolioFormat, ...], *, command: str,
    date: str | None, inputs: tuple[Path, ...] = (), create_folder: bool = False,
) -> list[Path]:
    """Write each format (``output_paths``), never over one of ``inputs``; the folder is created
    only with ``create_folder`` (the default reports/ folder)."""
    return [
        write_bytes_atomic(path, portfolio_bytes(r, fmt, command=command, date=date),
                           create_folder=create_folder, inputs=inputs)
        for fmt, path in zip(formats, output_paths(output, formats), strict=True)
    ]
