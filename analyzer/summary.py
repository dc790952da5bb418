"""A one-screen text summary of a questionnaire's answers, with defaults marked."""

from __future__ import annotations

from analyzer.estimate import Estimate
from analyzer.questionnaire import Questionnaire, iter_fields

DEFAULT_MARK = "*"


def _fmt(value: object) -> str:
    if isinstance(value, Estimate):
        return str(value)
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k} {_fmt(v)}" for k, v in value.items()) or "none"
    return str(value)


def questionnaire_summary(q: Questionnaire, source: str) -> str:
    """Every answer on one line each, grouped by section; '*' marks a default."""
    lines = [f"{q.name}", f"  from {source} (schema version {q.schema_version})", ""]
    defaults: list[str] = []
    for section in ("team", "codebase", "delivery", "incidents", "priorities"):
        lines.append(section)
        for path, value, given, _info in iter_fields(getattr(q, section), f"{section}."):
            mark = " " if given else DEFAULT_MARK
            if not given:
                defaults.append(path)
            label = path.split(".", 1)[1]
            lines.append(f"  {mark} {label:<30} {_fmt(value)}")
        if section == "codebase":
            lines.append(f"processes ({len(q.processes)})")
            for p in q.processes:
                traits = [p.kind]
                if p.managed:
                    traits.append("managed")
                if p.is_stateful:
                    traits.append(f"stateful, {p.data_gb} GB")
                traits.append(f"{p.instances} instance(s)")
                if p.peak_instances is not None:
                    traits.append(f"peak {p.peak_instances}")
                if p.scale_out_events_per_month.high > 0:
                    traits.append(f"{p.scale_out_events_per_month} scale-outs/month")
                if p.native_dependencies.high > 0:
                    traits.append(f"{p.native_dependencies} native deps")
                lines.append(f"    {p.name:<30} {'; '.join(traits)}")
    lines.append("")
    lines.append("Ranges read likely (low-high).")
    if defaults:
        lines.append(
            f"{DEFAULT_MARK} default used for {len(defaults)} answer(s): check they fit your team."
        )
    else:
        lines.append("Every answer was given; no defaults used.")
    return "\n".join(lines)
