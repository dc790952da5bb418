"""Calibration report: the sixteen real decisions against what the model recommends.

For every questionnaire in ``data/questionnaires/calibration/`` this loads the file, runs the
assessment and the decision through the public API (``analyzer.load_questionnaire``,
``analyzer.assess``, ``analyzer.decide``) and prints a Markdown table
``case | expected | recommended | confidence | top reasons`` plus how many recommendations fall in
the expected set. It reports; it asserts nothing and tunes nothing (MODEL.md, "Calibration").

The expected set of a case comes from ``facts/<id>.yaml`` (key ``expected``) in the shared
calibration folder: ``--facts DIR``, else the first ``shared/calibration/facts`` found beside the
repository root or one of its parents (``../shared/calibration`` from /work/main, ``../../shared``
from a worktree), else the ``# Expected: [...]`` line of the questionnaire's header.

Options are target states, and an option's key names a move ("Stay as today" is the key
``machine-image``), not the state it leads to: for a team that already runs its code in containers
(Coinbase, Monzo, Zalando), staying is not "machine images". Each recommendation is therefore
classified by the state it leads to (``analyzer.model.structure.placement_class``: none of the own
code in containers -> machine-image, own code in containers and data stores elsewhere -> hybrid,
everything -> docker, some of the own code -> partial); the table shows the key and that class, and
the hit count is on the class. A "too close to call" counts as in the expected set only when the
classes of both the leader and the runner-up are in it. Today's setup kept for now (no change
wins the confidence threshold of the futures: the burden of proof is on the change) is a
recommendation to stay and counts as one; the table shows how often a change won. A file that does not load (e.g. before the version-2 loader lands) is reported with the
loader's message, never a traceback, and the exit code is 2.

Each case's stated driver (``benchmarks/calibration-drivers.yaml``: the driver its "why" names
and a pattern a reason about it contains) is looked for in the top three reasons; the table marks
it and the summary counts it.

Run: ``PYTHONPATH=. python benchmarks/calibration.py [--facts DIR] [--samples N] [--seed N]
[--sensitivity] [--examples] [--output FILE]``; ``--examples`` adds the four bundled examples and
the spread of states and confidences over all runs.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
CASES_DIR = ROOT / "data" / "questionnaires" / "calibration"
DRIVERS_FILE = Path(__file__).resolve().parent / "calibration-drivers.yaml"
FACTS_SUBDIR = Path("shared") / "calibration" / "facts"
OPTIONS = ("machine-image", "docker", "hybrid", "baked-images")
PLACEMENTS = ("machine-image", "docker", "hybrid", "partial")
EXAMPLES = ("seed-team", "saas-12", "org-40", "solo")
TOP_REASONS = 3
REASON_CHARS = 160  # a reason longer than this is cut in the table (the JSON output has it whole)
EXPECTED_LINE = re.compile(r"^#\s*Expected:\s*\[([^\]]*)\]", re.IGNORECASE)
EXIT_NOT_LOADED = 2
#: Folders before a file name in a message ("/a/b/case.yaml:3:1: ..." -> "case.yaml:3:1: ...").
_FOLDERS = re.compile(r"(?:[^\s:|]*/)+(?=[^\s/:|]+\.ya?ml)")


@dataclass(frozen=True)
class CaseResult:
    """One case's outcome, or why it has none (``error``)."""

    case: str
    expected: tuple[str, ...]
    recommended: str | None = None
    confidence: float | None = None
    too_close: bool = False
    runner_up: str | None = None
    reasons: tuple[str, ...] = ()
    error: str | None = None
    placement: str | None = None  # the state the recommendation leads to (placement_class)
    runner_up_placement: str | None = None
    driver: str | None = None  # the case's stated driver, a pattern (calibration-drivers.yaml)
    #: share of futures in which a change beats today's setup, when today's setup is kept for
    #: now because it is below the threshold (``Decision.kept_for_now``); else None
    kept_change_share: float | None = None

    @property
    def driver_in_top(self) -> bool | None:
        """True when a reason among the top TOP_REASONS matches the stated driver and the
        reasons argue for the decision the case made (the leader's state is in the expected
        set: "pays back" in an argument for moving is not the driver of a team that stayed);
        None when the case has no stated driver or no reasons."""
        if self.driver is None or not self.reasons:
            return None
        if self.state not in self.expected:
            return False
        pattern = re.compile(self.driver, re.IGNORECASE)
        return any(pattern.search(r) for r in self.reasons[:TOP_REASONS])

    @property
    def state(self) -> str | None:
        """The class counted: the placement when known, else the option key."""
        return self.placement if self.placement is not None else self.recommended

    @property
    def runner_up_state(self) -> str | None:
        if self.runner_up_placement is not None:
            return self.runner_up_placement
        return self.runner_up

    @property
    def in_expected(self) -> bool:
        """True when the state the recommendation leads to (both when too close to call) is in
        the expected set."""
        if self.error is not None or self.state is None:
            return False
        if self.too_close:
            return self.state in self.expected and self.runner_up_state in self.expected
        return self.state in self.expected


# ---- expected sets -----------------------------------------------------------------------------


def find_facts_dir(root: Path = ROOT) -> Path | None:
    """The shared facts folder beside the repository root or one of its parents, if any."""
    for base in (root, *root.parents):
        candidate = base.parent / FACTS_SUBDIR
        if candidate.is_dir():
            return candidate
    return None


def expected_from_facts(facts_dir: Path, case: str) -> tuple[str, ...] | None:
    """``expected`` of ``facts_dir/<case>.yaml``; None when the file does not exist."""
    path = facts_dir / f"{case}.yaml"
    if not path.is_file():
        return None
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    expected = data.get("expected") if isinstance(data, dict) else None
    if not isinstance(expected, list) or not all(isinstance(e, str) for e in expected):
        raise ValueError(f"{path}: expected: must be a list of option names")
    return tuple(expected)


def expected_from_header(text: str) -> tuple[str, ...]:
    """The ``# Expected: [a, b]`` line of a questionnaire's header comment; () if none."""
    for line in text.splitlines():
        if line and not line.startswith("#"):
            break
        match = EXPECTED_LINE.match(line)
        if match:
            return tuple(p.strip() for p in match.group(1).split(",") if p.strip())
    return ()


def expected_set(path: Path, facts_dir: Path | None) -> tuple[str, ...]:
    """The facts file's expected set when there is one, else the header's."""
    if facts_dir is not None:
        found = expected_from_facts(facts_dir, path.stem)
        if found is not None:
            return found
    return expected_from_header(path.read_text(encoding="utf-8"))


def load_drivers(path: Path = DRIVERS_FILE) -> dict[str, str]:
    """case -> the pattern of its stated driver (``match``), from calibration-drivers.yaml."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    drivers = data.get("drivers") if isinstance(data, dict) else None
    if not isinstance(drivers, dict):
        raise ValueError(f"{path}: drivers: must be a mapping of case -> {{driver, match}}")
    out = {}
    for case, entry in drivers.items():
        if not isinstance(entry, dict) or not isinstance(entry.get("match"), str):
            raise ValueError(f"{path}: drivers.{case}.match: must be a regular expression")
        re.compile(entry["match"])
        out[str(case)] = entry["match"]
    return out


# ---- running one case --------------------------------------------------------------------------


def runner_up(decision: Any) -> str | None:
    """The option a too-close answer names beside the leader (``explain.runner_up`` with
    ``changes_only``, as the headline does: a change has cleared the bar against today's
    setup, so the other side is the best change of another group), or None if the decision
    cannot say."""
    try:
        from analyzer.decision.explain import runner_up as named_runner_up

        s = decision.scoring
        i = named_runner_up(decision.assessment, s, changes_only=True)
        if i == s.recommended or s.same_group(i, s.recommended):
            return None
        return str(decision.assessment.option_names[i])
    except (AttributeError, ValueError, IndexError):
        return None


def placement_of(decision: Any, option: str | None) -> str | None:
    """The state ``option`` leads to for this team (``placement_class``), None if unknown."""
    from analyzer.model.structure import placement_class

    if option is None:
        return None
    st = decision.assessment.structure
    return placement_class(st, list(st.option_names).index(option))


def run_case(
    path: Path,
    expected: tuple[str, ...],
    *,
    samples: int,
    seed: int,
    sensitivity: bool,
    traceback: bool = False,
    driver: str | None = None,
) -> CaseResult:
    """Load, assess and decide one questionnaire; a failure becomes ``error``, not a traceback."""
    import analyzer

    case = path.stem
    try:
        q = analyzer.load_questionnaire(path)
    except analyzer.AnalyzerError as exc:
        return CaseResult(case, expected, error=f"does not load: {_first_lines(str(exc))}")
    try:
        a = analyzer.assess(q, samples=samples, seed=seed)
        d = analyzer.decide(a, sensitivity=sensitivity)
    except Exception as exc:  # a model failure on one case must not hide the other fifteen
        if traceback:
            raise
        return CaseResult(case, expected, error=f"model failed: {type(exc).__name__}: {exc}")
    second = runner_up(d) if d.too_close else None
    return CaseResult(
        case,
        expected,
        recommended=str(d.recommendation),
        placement=placement_of(d, str(d.recommendation)),
        runner_up_placement=placement_of(d, second),
        confidence=float(d.confidence),
        too_close=bool(d.too_close),
        runner_up=second,
        reasons=tuple(str(r) for r in d.reasons),
        driver=driver,
        kept_change_share=float(d.scoring.change_share) if d.kept_for_now else None,
    )


def _first_lines(text: str, n: int = 3) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    more = f" (+{len(lines) - n} more)" if len(lines) > n else ""
    return " / ".join(lines[:n]) + more


# ---- the table ---------------------------------------------------------------------------------


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell: no pipes, no line breaks."""
    return " ".join(text.replace("|", "\\|").split())


def _short(text: str, limit: int = REASON_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def recommended_cell(r: CaseResult) -> str:
    if r.error is not None:
        return "—"
    assert r.recommended is not None
    if r.too_close:
        return (f"too close: {r.recommended}{_state(r.placement)} / {r.runner_up or '?'}"
                f"{_state(r.runner_up_placement)}")
    kept = (f" (kept for now: the best change wins {100 * r.kept_change_share:.1f} %)"
            if r.kept_change_share is not None else "")
    return f"{r.recommended}{_state(r.placement)}{kept}"


def _pct(share: float) -> str:
    """As in the report (``share_phrase``): '87 %', '99.9 %', '> 99.9 %'; a finite set of
    simulated futures never shows that an option wins every possible one."""
    from analyzer.decision.explain import share_phrase

    return share_phrase(share).replace("more than", ">")


def _state(placement: str | None) -> str:
    """' [hybrid]': the state an option leads to, after its key (nothing when unknown)."""
    return "" if placement is None else f" [{placement}]"


def build_table(results: Sequence[CaseResult], top: int = TOP_REASONS) -> str:
    """The Markdown table, one row per case, a ✓ after a recommendation in the expected set."""
    lines = [
        "| case | expected | recommended [state] | confidence | driver in top 3 | top reasons |",
        "|---|---|---|---|---|---|",
    ]
    for r in results:
        expected = ", ".join(r.expected) or "?"
        hit = r.driver_in_top
        drv = "—" if hit is None else ("✓" if hit else "✗")
        if r.error is not None:
            rec, conf, why = "—", "—", f"**{_FOLDERS.sub('', r.error)}**"
        else:
            mark = "" if not r.expected else (" ✓" if r.in_expected else " ✗")
            rec = recommended_cell(r) + mark
            conf = "—" if r.confidence is None else _pct(r.confidence)
            why = "; ".join(
                f"{i}. {_short(reason)}" for i, reason in enumerate(r.reasons[:top], start=1)
            )
        lines.append(
            f"| {_cell(r.case)} | {_cell(expected)} | {_cell(rec)} | {conf} | {drv} | {_cell(why)} |"
        )
    return "\n".join(lines)


def summary(results: Sequence[CaseResult]) -> str:
    """How many recommendations fall in the expected set, and how many cases did not run."""
    ran = [r for r in results if r.error is None]
    hits = sum(r.in_expected for r in ran)
    text = f"{hits} of {len(results)} recommendations fall in the expected set"
    failed = len(results) - len(ran)
    if failed:
        text += f" ({failed} case{'s' if failed != 1 else ''} did not run)"
    with_driver = [r for r in ran if r.driver_in_top is not None]
    if with_driver:
        named = sum(bool(r.driver_in_top) for r in with_driver)
        text = (f"{text}; the stated driver is among the top {TOP_REASONS} reasons for {named} of "
                f"{len(with_driver)}")
    close = sum(1 for r in ran if r.too_close)
    keys = {o: sum(1 for r in ran if r.recommended == o and not r.too_close) for o in OPTIONS}
    states = {o: sum(1 for r in ran if r.state == o and not r.too_close) for o in PLACEMENTS}
    by_key = ", ".join([f"{o} {n}" for o, n in keys.items()] + [f"too close {close}"])
    by_state = ", ".join([f"{o} {n}" for o, n in states.items() if n or o in OPTIONS]
                         + [f"too close {close}"])
    return text + f" (by the state it leads to). Option keys: {by_key}. States: {by_state}."


#: Confidence buckets of the spread line: [low, high) in shares of futures.
CONFIDENCE_BUCKETS = ((0.0, 0.6), (0.6, 0.8), (0.8, 0.95), (0.95, 1.01))


def spread(results: Sequence[CaseResult]) -> str:
    """How many runs lead to each state (too close apart) and how their confidence spreads."""
    ran = [r for r in results if r.error is None]
    close = sum(1 for r in ran if r.too_close)
    states = {o: sum(1 for r in ran if r.state == o and not r.too_close) for o in PLACEMENTS}
    parts = [f"{o} {n}" for o, n in states.items() if n or o in OPTIONS] + [f"too close {close}"]
    buckets = []
    for low, high in CONFIDENCE_BUCKETS:
        n = sum(1 for r in ran if r.confidence is not None and low <= r.confidence < high)
        label = f">= {100 * low:.0f} %" if high > 1 else f"{100 * low:.0f}-{100 * high:.0f} %"
        buckets.append(f"{label}: {n}")
    return (f"Spread over {len(ran)} runs: " + ", ".join(parts) + ". Confidence: "
            + ", ".join(buckets) + ".")


def report(results: Sequence[CaseResult], examples: Sequence[CaseResult] = ()) -> str:
    text = build_table(results) + "\n\n" + summary(results) + "\n"
    if examples:
        text += "\nBundled examples (no expected set):\n\n" + build_table(examples) + "\n\n"
        text += spread([*examples, *results]) + "\n"
    return text


# ---- command line ------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--facts", type=Path, help="folder of facts/<id>.yaml with the expected sets")
    p.add_argument("--cases", type=Path, default=CASES_DIR, help="folder of questionnaires")
    p.add_argument("--samples", type=int, default=10_000, help="Monte Carlo samples per case")
    p.add_argument("--seed", type=int, default=1, help="seed of the one Generator per case")
    p.add_argument(
        "--sensitivity", action="store_true", help="also run tornado, Sobol and reversals"
    )
    p.add_argument("--output", type=Path, help="also write the report to this file (replaced)")
    p.add_argument(
        "--examples", action="store_true",
        help="also run the bundled examples and print the spread of states and confidences",
    )
    p.add_argument("--traceback", action="store_true", help="re-raise a model failure")
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    facts_dir = args.facts if args.facts is not None else find_facts_dir()
    if args.facts is not None and not args.facts.is_dir():
        print(f"{args.facts}: --facts: not a folder", file=sys.stderr)
        return EXIT_NOT_LOADED
    paths = sorted(args.cases.glob("*.yaml"))
    if not paths:
        print(f"{args.cases}: no questionnaires (*.yaml) found", file=sys.stderr)
        return EXIT_NOT_LOADED
    source = f"facts in {facts_dir}" if facts_dir is not None else "the files' header comments"
    print(f"Expected sets from {source}; {args.samples:,} samples, seed {args.seed}.\n")
    try:
        drivers = load_drivers()
    except (OSError, ValueError, re.error, yaml.YAMLError) as exc:
        print(f"{DRIVERS_FILE.name}: {exc}", file=sys.stderr)
        drivers = {}
    results = []
    for path in paths:
        try:
            expected = expected_set(path, facts_dir)
        except (OSError, ValueError, yaml.YAMLError) as exc:
            results.append(CaseResult(path.stem, (), error=f"expected set unreadable: {exc}"))
            continue
        results.append(
            run_case(
                path,
                expected,
                samples=args.samples,
                seed=args.seed,
                sensitivity=args.sensitivity,
                traceback=args.traceback,
                driver=drivers.get(path.stem),
            )
        )
    extra = []
    if args.examples:
        for name in EXAMPLES:
            path = ROOT / "data" / "questionnaires" / f"{name}.yaml"
            extra.append(run_case(path, (), samples=args.samples, seed=args.seed,
                                  sensitivity=args.sensitivity, traceback=args.traceback))
    text = report(results, extra)
    print(text)
    for r in results:
        if r.error is not None:
            print(f"{r.case}: {r.error}", file=sys.stderr)
    if facts_dir is not None and args.cases == CASES_DIR:
        missing = sorted({f.stem for f in facts_dir.glob("*.yaml")} - {p.stem for p in paths})
        if missing:
            print(f"facts without a questionnaire: {', '.join(missing)}", file=sys.stderr)
    if args.output is not None:
        from analyzer._io.atomic import write_text_atomic
        from analyzer.errors import AnalyzerError

        try:
            write_text_atomic(args.output, text, overwrite=True)
        except AnalyzerError as exc:
            print(str(exc), file=sys.stderr)
            return EXIT_NOT_LOADED
    return EXIT_NOT_LOADED if any(r.error is not None for r in results) else 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))  # this checkout's analyzer, not another one on the path
    sys.exit(main())
