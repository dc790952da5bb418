"""Calibration report: the recommendation for each questionnaire against the expected set.

Prints ``case | expected | recommended | confidence | top reasons`` as a Markdown table, then the
spread (how many say machine images / Docker / hybrid / too close) and the confidence
distribution. Expected sets come from calibration facts files (``expected: [...]``) whose ``id``
or file name matches the questionnaire's file name; cases without one show "-". This reports; it
tunes nothing.

    PYTHONPATH=. python benchmarks/calibration.py [QUESTIONNAIRE_OR_DIR ...] [--facts DIR]

Without arguments: the four bundled examples (data/questionnaires).
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

import yaml

from analyzer.decision.decide import decide
from analyzer.model.assess import assess
from analyzer.paths import data_dir
from analyzer.questionnaire import load_questionnaire

REASON_CHARS = 90
TOP_REASONS = 3
CONFIDENCE_BINS = ((0.0, 0.6), (0.6, 0.8), (0.8, 0.95), (0.95, 1.01))


def _questionnaires(paths: list[str]) -> list[Path]:
    if not paths:
        paths = [str(data_dir() / "questionnaires")]
    out: list[Path] = []
    for p in map(Path, paths):
        out += sorted(p.glob("*.yaml")) if p.is_dir() else [p]
    return out


def _expected(facts: Path | None) -> dict[str, list[str]]:
    if facts is None:
        return {}
    found = {}
    for f in sorted(facts.glob("*.yaml")):
        doc = yaml.safe_load(f.read_text()) or {}
        found[str(doc.get("id", f.stem))] = [str(x) for x in doc.get("expected", [])]
    return found


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*")
    parser.add_argument("--facts", type=Path, default=None)
    parser.add_argument("--samples", type=int, default=4000)
    args = parser.parse_args(argv)
    expected = _expected(args.facts)
    print("| case | expected | recommended | confidence | top reasons |")
    print("|---|---|---|---|---|")
    said: Counter[str] = Counter()
    confidences = []
    hits = judged = 0
    for path in _questionnaires(args.paths):
        d = decide(assess(load_questionnaire(path), samples=args.samples), sensitivity=False)
        want = expected.get(path.stem, [])
        rec = "too close" if d.too_close else d.recommendation
        said[rec] += 1
        confidences.append(d.confidence)
        if want:
            judged += 1
            hits += d.recommendation in want and not d.too_close
        reasons = " / ".join(r[:REASON_CHARS] for r in d.reasons[:TOP_REASONS])
        print(f"| {path.stem} | {', '.join(want) or '-'} | {rec} (most often: "
              f"{d.most_often_best}) | {100 * d.confidence:.0f} % | {reasons} |")
    print()
    print("Said: " + ", ".join(f"{k} {v}" for k, v in sorted(said.items())))
    bins = [sum(lo <= c < hi for c in confidences) for lo, hi in CONFIDENCE_BINS]
    print("Confidence: " + ", ".join(
        f"{100 * lo:.0f}-{min(100 * hi, 100):.0f} %: {n}"
        for (lo, hi), n in zip(CONFIDENCE_BINS, bins, strict=True)))
    if judged:
        print(f"In the expected set: {hits} of {judged}")


if __name__ == "__main__":
    main()
