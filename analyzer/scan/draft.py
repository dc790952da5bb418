"""Findings -> questionnaire answers (schema version 2, docs/design/questionnaire-v2.md), and the
draft's YAML text with one ``# scan:`` evidence comment per filled answer.

This module is the only place that knows questionnaire field names: ``answers`` maps findings to
fields, ``render`` writes them. An answer the repository cannot give is left out (the loader's
default is used and `validate` marks it as a default) with a ``# check:`` line saying what to look
at; a required answer without evidence is written as an empty ``key:`` line with ``# fill in``,
so `validate` names that line until it is filled."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import yaml

from analyzer.questionnaire.estimate import Bounds
from analyzer.questionnaire.form import Codebase, Delivery, Section
from analyzer.scan.findings import Evidence, Findings, Process
from analyzer.scan.processes import merge_processes
from analyzer.scan.walk import rules

DRAFT_SCHEMA_VERSION = 2
STATEFUL_KINDS = ("database", "queue", "search")
OWN_CODE_KINDS = ("web", "worker", "scheduler", "batch", "other")
ORCHESTRATOR_PREFERENCE = ("kubernetes", "nomad", "ecs", "compose")

#: What to check for answers a repository cannot give, by field path.
CHECKS: dict[str, str] = {
    "team.engineers": "required: people who write and ship the application (authors in git are a hint)",
    "team.platform_engineers": "people whose job is running the infrastructure (default 0)",
    "team.ops_time_share": "share of the engineers' time on operations today",
    "team.hourly_cost": "loaded cost of an engineer-hour",
    "team.docker_familiarity": "who has shipped a container to production",
    "team.hires_per_year": "the hiring plan",
    "codebase.kloc": "required: thousands of lines of your own code (e.g. `pygount --format=summary`)",
    "hosting.provider": "aws, gcp, azure, other-cloud or own-hardware (default aws)",
    "platform.registry": "does a container registry exist (ECR, GHCR, Docker Hub)?",
    "platform.container_pipeline": "does CI build and push container images?",
    "platform.orchestrator": "compose, ecs, kubernetes or nomad if one runs today (default none)",
    "platform.config_management": "ansible, puppet, chef or salt if used (default none)",
    "delivery.prod_deploys_per_week": "required: production deploys a week (count last quarter's releases / 13)",
    "delivery.lead_time_hours": "hours from merge to production",
    "delivery.deploy_method": "package-upgrade, rebake-image or config-management",
    "delivery.environments": "environments kept running",
    "delivery.failed_deploy_rate": "share of deploys rolled back or hot-fixed",
    "delivery.hands_on_minutes_per_deploy": "engineer minutes one deploy takes",
    "incidents": "incident counts: `analyzer history EXPORT.csv` imports them",
}
REQUIRED = ("team.engineers", "codebase.kloc", "delivery.prod_deploys_per_week")


def _bounds(model: type[Section], name: str) -> Bounds:
    """The v2 loader's limits on an Estimate field, so a draft never writes a value it refuses."""
    found = [m for m in model.model_fields[name].metadata if isinstance(m, Bounds)]
    return found[0] if found else Bounds()


@dataclass(frozen=True)
class Answer:
    """One filled answer: its value and the evidence comment."""

    value: Any
    evidence: str


@dataclass
class Draft:
    """Answers by section, processes, and the header lines."""

    name: Answer
    sections: dict[str, dict[str, Answer]] = field(default_factory=dict)
    processes: list[tuple[Process, dict[str, Answer]]] = field(default_factory=list)
    ignored_processes: list[Process] = field(default_factory=list)
    checks: dict[str, str] = field(default_factory=lambda: dict(CHECKS))

    def put(self, path: str, value: Any, evidence: str) -> None:
        section, key = path.split(".", 1)
        self.sections.setdefault(section, {})[key] = Answer(value, evidence)

    def has(self, path: str) -> bool:
        section, key = path.split(".", 1)
        return key in self.sections.get(section, {})


def _evidence(items: tuple[Evidence, ...], limit: int = 3) -> str:
    text = "; ".join(str(e) for e in items[:limit])
    return text + (f"; and {len(items) - limit} more" if len(items) > limit else "")


def _estimate(low: float, likely: float, high: float, digits: int) -> float | list[float]:
    values = [round(v, digits) for v in (low, likely, high)]
    values = [float(v) if digits else float(int(v)) for v in values]
    return values[0] if values[0] == values[2] else values


def _engineers(draft: Draft, findings: Findings) -> None:
    h = findings.history
    if h is None or h.authors == 0:
        return
    low = max(1, h.core_authors)
    high = max(low, h.authors)
    likely = min(max(low, h.regular_authors), high)
    share = rules()["history"]["core_commit_share"]["value"]
    months = rules()["history"]["regular_months"]["value"]
    draft.put("team.engineers", _estimate(low, likely, high, 0),
              f"{h.authors} authors with commits in the 12 months to {h.end} (people: their "
              f"{h.addresses} e-mail addresses merged by .mailmap, same name, and an address naming "
              f"the author or their GitHub login; a range: authors are not engineers); {h.core_authors} made >= {share:.0%} of the {h.commits} commits, "
              f"{h.regular_authors} committed in {months}+ months"
              + (f"; {h.bots} bot(s) left out" if h.bots else ""))


def _language(pygount_name: str) -> str:
    """pygount's name without its lexer's second half (``HTML+Django/Jinja`` -> ``HTML``), aliases
    resolved (data/scan.yaml language_aliases)."""
    base = pygount_name.split("+", 1)[0].strip()
    aliases: dict[str, str] = rules()["language_aliases"]
    return aliases.get(base, base)


def _codebase(draft: Draft, findings: Findings) -> None:
    code = findings.code
    if code is None or code.total == 0:
        return
    kloc = max(_bounds(Codebase, "kloc").ge, round(code.total / 1000, 1))
    lines: dict[str, int] = {}
    for lang, n in code.lines_by_language.items():
        lines[_language(lang)] = lines.get(_language(lang), 0) + n
    ranked = sorted(lines.items(), key=lambda kv: (-kv[1], kv[0]))
    top = ", ".join(f"{lang} {n:,}" for lang, n in ranked[:4])
    left = f", and {code.not_code:,} files of data, translations, fixtures or copied libraries" if code.not_code else ""
    draft.put("codebase.kloc", kloc,
              f"pygount: {code.total:,} code lines in {code.files:,} files ({top}); left out: vendored "
              f"and generated folders{left} (data/scan.yaml not_code)" + (", capped" if findings.capped else ""))
    skip = {s.lower() for s in rules()["not_languages"]}
    floor = rules()["language_min_share"]["value"]
    main = [(lang, n) for lang, n in ranked if n / code.total >= floor]
    named = [lang.lower() for lang, n in main if lang.lower() not in skip]
    unnamed = [f"{lang} {n / code.total:.0%}" for lang, n in main if lang.lower() in skip]
    if named:
        draft.put("codebase.languages", named,
                  f"programming languages with >= {floor:.0%} of the {code.total:,} code lines ("
                  + ", ".join(f"{lang} {n / code.total:.0%}" for lang, n in main if lang.lower() not in skip) + ")"
                  + (f"; {', '.join(unnamed)} counted in kloc, not named (markup, style, data or build scripts)"
                     if unnamed else ""))


def _platform(draft: Draft, findings: Findings) -> None:
    for key in ("platform.registry", "platform.container_pipeline"):
        fact = findings.facts.get(key)
        if fact is not None:
            draft.put(key, fact.value, _evidence(fact.evidence))
    for name in ORCHESTRATOR_PREFERENCE:
        fact = findings.facts.get(f"orchestrator.{name}")
        if fact is not None:
            draft.put("platform.orchestrator", name, _evidence(fact.evidence))
            break
    managed = [f for k, f in findings.facts.items() if k.startswith("config_management.")]
    if managed:
        draft.put("platform.config_management", managed[0].value, _evidence(managed[0].evidence))


def _delivery(draft: Draft, findings: Findings) -> None:
    h = findings.history
    if h is not None and h.tags == 0:
        draft.checks["delivery.prod_deploys_per_week"] = (
            f"required: no tag matching '{h.tag_pattern}' in the {h.weeks:.0f} weeks to {h.end}; "
            "count production deploys (or rerun with --tag-pattern)")
    if h is None and findings.git_problem:
        draft.checks["team.engineers"] += " -- no git history to count them from (see the top)"
    if h is not None and h.tags > 0:
        draft.put("delivery.prod_deploys_per_week", round(h.tags / h.weeks, 2),
                  f"{h.tags} tags matching '{h.tag_pattern}' in the {h.weeks:.1f} weeks to {h.end}, "
                  "each counted as a production deploy")
    if h is not None and h.lead_time_hours is not None:
        top = _bounds(Delivery, "lead_time_hours").le
        low, mid, high = (min(v, top) for v in h.lead_time_hours)
        draft.put("delivery.lead_time_hours", _estimate(low, mid, high, 1),
                  f"commit to tag over {h.released_commits} released commits: {h.lead_time_basis} (hours)")
    fact = findings.facts.get("delivery.deploy_method")
    if fact is not None:
        draft.put("delivery.deploy_method", fact.value, _evidence(fact.evidence))
    elif draft.has("platform.config_management") and "delivery.deploy_method" not in findings.hints:
        # a deployment file that says how releases ship (riff-raff) outranks the guess
        draft.put("delivery.deploy_method", "config-management",
                  draft.sections["platform"]["config_management"].evidence)


def _processes(draft: Draft, findings: Findings) -> None:
    native = findings.native
    for process in merge_processes(findings.processes):
        if process.development:
            draft.ignored_processes.append(process)
            continue
        answers = {"kind": Answer(process.kind, _evidence(process.evidence))}
        if process.runs_on != "machine-image":
            where = {"container": "in a container", "managed": "run by a provider"}[process.runs_on]
            answers["runs_on"] = Answer(process.runs_on, process.started_by or f"{where}: {_evidence(process.placed_by, 2)}")
        if process.deploy_method:
            answers["deploy_method"] = Answer(process.deploy_method, _evidence(process.evidence, 1))
        if process.kind in STATEFUL_KINDS:
            answers["stateful"] = Answer(True, f"a {process.kind} keeps data")
        if process.kind in OWN_CODE_KINDS and process.runs_on != "managed" and native:
            packages = ", ".join(f"{d.package} ({d.evidence.source} line {d.evidence.line})" for d in native)
            answers["native_dependencies"] = Answer(
                len(native), f"packages needing system libraries (data/native-dependencies.yaml): {packages}")
        draft.processes.append((process, answers))


def _familiarity_hint(draft: Draft) -> None:
    """Containers in the repository say someone wrote them, not who: a hint for the check line."""
    boxed = [p for p, _ in draft.processes if p.runs_on == "container"]
    if boxed:
        draft.checks["team.docker_familiarity"] += (
            f" -- the repository runs {len(boxed)} process(es) in containers "
            f"(e.g. {_evidence(boxed[0].placed_by or boxed[0].evidence, 1)}); ask who wrote them")


def answers(findings: Findings) -> Draft:
    """The questionnaire answers the findings support, each with its evidence."""
    draft = Draft(name=Answer(findings.root, "the repository folder's name"))
    _engineers(draft, findings)
    _codebase(draft, findings)
    _platform(draft, findings)
    _processes(draft, findings)
    _delivery(draft, findings)
    _familiarity_hint(draft)
    for path, hint in findings.hints.items():
        if not draft.has(path) and path in draft.checks:
            draft.checks[path] += f" -- {hint}"
    return draft


# --- YAML text -------------------------------------------------------------------------------


def _scalar(value: Any) -> str:
    """A YAML scalar: JSON's quoting is valid YAML for strings; lists written inline."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_scalar(v) for v in value) + "]"
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"not a finite number: {value}")
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if text.replace("-", "").isalpha() and text.islower() and text not in ("true", "false", "null", "yes", "no", "on", "off"):
        return text
    dumped = yaml.safe_dump(text, default_style='"', allow_unicode=False, width=1_000_000)
    return dumped.strip().removesuffix("...").strip()


def _comment(text: str) -> str:
    """One line of comment: control characters escaped (file names may hold any)."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


SECTION_ORDER = ("team", "codebase", "platform", "delivery")
SECTION_FIELDS: dict[str, tuple[str, ...]] = {
    "team": ("engineers", "platform_engineers", "ops_time_share", "hourly_cost", "docker_familiarity", "hires_per_year"),
    "codebase": ("kloc", "languages"),
    "platform": ("registry", "container_pipeline", "orchestrator", "config_management"),
    "delivery": ("prod_deploys_per_week", "lead_time_hours", "deploy_method", "environments",
                 "failed_deploy_rate", "hands_on_minutes_per_deploy"),
}
PROCESS_FIELDS = ("kind", "runs_on", "deploy_method", "stateful", "native_dependencies")


def _without_required(check: str) -> str:
    return check.removeprefix("required: ").removeprefix("required -- ")


def render(draft: Draft, header: list[str]) -> str:
    """The draft as YAML with comments."""
    lines = [f"# {_comment(h)}" for h in header]
    lines += [f"schema_version: {DRAFT_SCHEMA_VERSION}",
              f"name: {_scalar(draft.name.value)}  # scan: {_comment(draft.name.evidence)}"]
    for section in SECTION_ORDER:
        filled = draft.sections.get(section, {})
        to_fill = [f for f in REQUIRED if f.startswith(f"{section}.") and f.split(".", 1)[1] not in filled]
        lines += ["", f"{section}:" if filled or to_fill else f"# {section}: (nothing found; defaults apply)"]
        for key in SECTION_FIELDS[section]:
            path = f"{section}.{key}"
            if key in filled:
                answer = filled[key]
                lines.append(f"  {key}: {_scalar(answer.value)}  # scan: {_comment(answer.evidence)}")
            elif path in to_fill:  # an empty line of its own, so `validate` points at it
                lines.append(f"  {key}:  # fill in (required): {_comment(_without_required(draft.checks[path]))}")
            elif path in draft.checks:
                lines.append(f"  # {key}:  # check: {_comment(draft.checks[path])}")
        if section == "codebase":
            lines += ["", "# hosting: (not read from the repository)",
                      f"  # provider:  # check: {CHECKS['hosting.provider']}"]
    lines += [""]
    if draft.processes:
        lines.append("processes:")
        for process, answers_ in draft.processes:
            lines.append(f"  - name: {_scalar(process.name)}")
            for key in PROCESS_FIELDS:
                if key in answers_:
                    a = answers_[key]
                    lines.append(f"    {key}: {_scalar(a.value)}  # scan: {_comment(a.evidence)}")
            if process.conditional:
                lines.append(f"    # check: runs {_comment(process.conditional)}")
            if process.kind in ("database", "cache", "queue", "search") and process.runs_on == "machine-image":
                lines.append("    # check: runs_on -- on your own hosts (machine-image, the default) or a provider's service (managed)?")
            if process.kind == "cache":
                lines.append("    # check: stateful -- does it keep data that must survive a restart (sessions, a job queue)?")
            lines.append("    # check: instances, utilisation, startup_seconds")
    else:
        lines.append("processes:  # fill in (required): no Procfile, compose file, unit or manifest found; list each process")
    for process in draft.ignored_processes:
        lines.append(f"  # development only, not listed: {_comment(process.name)} ({_comment(_evidence(process.evidence, 2))})")
    lines += ["", f"# incidents:  # check: {CHECKS['incidents']}", ""]
    return "\n".join(lines)


def header_lines(findings: Findings, command: str) -> list[str]:
    """What the scan read and could not read, said once at the top."""
    where = f" at commit {findings.head}" if findings.head else ""
    out = [
        f"Draft questionnaire written by `{command}` from {findings.root}{where}.",
        "Each answer read from the repository says where (# scan: ...). Answers it cannot know are",
        "left out, so the model's defaults apply; # check: lines say what to look at. Confirm each",
        "answer, then `analyzer validate` this file (it marks the defaults) and `analyzer report` it.",
        f"Files read: {findings.files_seen:,}"
        + (f" -- stopped at the cap of {findings.max_files:,} files; the rest was not read" if findings.capped else f" (cap {findings.max_files:,})"),
    ]
    if findings.git_problem:
        out.append(f"History skipped: {findings.git_problem}")
    if findings.unreadable:
        out.append(f"Not readable ({len(findings.unreadable)}): " + ", ".join(findings.unreadable[:10])
                   + (" ..." if len(findings.unreadable) > 10 else ""))
    if findings.outside_links:
        out.append(f"Symlinks out of the repository, not followed ({len(findings.outside_links)}): "
                   + ", ".join(findings.outside_links[:10]) + (" ..." if len(findings.outside_links) > 10 else ""))
    out += [f"Also found: {n}" for n in findings.notes]
    return out
