"""The report's risk register: risks of a move that the answers make likely (data/risks.yaml).

Each trigger reads the questionnaire and the plan's option: a self-run stateful process and an
option that containerises data (data migration; advice on a managed service), a web process (the
cut-over), low Docker familiarity (one person holds the knowledge), a move at all (overrun).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from analyzer._io.paths import data_dir
from analyzer._io.yamlio import load_yaml
from analyzer.model.assess import Assessment

RISKS_FILE = "risks.yaml"


@cache
def _data() -> dict[str, Any]:
    return dict(load_yaml(data_dir() / RISKS_FILE).data)


def risk_register(a: Assessment, option: str | None) -> list[dict[str, str]]:
    """Rows (risk, why it applies here, mitigation, owner) for moving to ``option``; [] if none."""
    if option is None or option == a.status_quo:
        return []
    data = _data()
    texts = data["risks"]
    q = a.questionnaire
    spec = a.options[option]
    rows: list[dict[str, str]] = []

    def add(key: str, why: str) -> None:
        t = texts[key]
        rows.append({"risk": str(t["title"]), "why": why,
                     "mitigation": " ".join(str(t["mitigation"]).split()), "owner": "to name"})

    moved = set(a.structure.data_moved(a.option_names.index(option)))
    own_data = [p for p in q.processes if p.name in moved]
    if own_data:
        names = ", ".join(f"{p.name} ({p.data_gb.likely:g} GB)" for p in own_data)
        add("data_migration", f"{spec.short_label} moves the data of {names} into volumes")
    web = [p for p in q.processes if p.kind == "web"]
    if web:
        one = len(web) == 1 and web[0].count.is_point and web[0].count.likely == 1
        add("cutover", f"{', '.join(p.name for p in web)} {'serves' if one else 'serve'} users "
            "while production switches over")
    familiarity = q.team.docker_familiarity.likely
    limit = float(data["single_expert_familiarity_below"]["value"])
    engineers = q.team.engineers.likely
    containers = any(a.structure.contained[a.option_names.index(option)])
    # knowledge held by one of several: a one-person team has nobody else to hand it to, and
    # an option without containers needs no container knowledge
    if familiarity < limit and engineers >= 2 and containers:
        add("single_expert", f"Docker familiarity is {familiarity:g} on a 0-1 scale across "
            f"{engineers:g} engineers")
    row = a.summary().loc[option]
    add("overrun", f"the move takes {row['migration_months_p50']:.1f} months at P50 and "
        f"{row['migration_months_p90']:.1f} at P90")
    databases = [p.name for p in q.processes if p.kind == "database" and not p.managed]
    if databases and containers:  # its advice is a managed service instead of a volume
        add("managed_database", f"{', '.join(databases)} "
            f"{'runs' if len(databases) == 1 else 'run'} on your own hosts today")
    return rows
