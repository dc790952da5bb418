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


def portfolio_bytes(r: PortfolioResult, fmt: PortfolioFormat, *, command: str, date: str | None) -> bytes:
    """The portfolio's results in one format."""
    if fmt == "csv":
        return to_csv(r)
    if fmt == "json":  # the report's data, without the pages' tables and figures
        return render_json(to_dict(r))
    return render(build_portfolio_report(r, command=command, date=date), fmt)


def write_portfolio(
    r: PortfolioResult, output: Path, formats: tuple[PortfolioFormat, ...], *, command: str,
    date: str | None,
) -> list[Path]:
    """Write each format; with several, ``output``'s suffix is replaced by each format's."""
    written = []
    for fmt in formats:
        path = output if len(formats) == 1 else output.with_suffix(f".{fmt}")
        written.append(write_bytes_atomic(path, portfolio_bytes(r, fmt, command=command, date=date)))
    return written
