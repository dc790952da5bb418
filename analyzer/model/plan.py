"""The migration plan: the model's transition work items, grouped in stages with a pilot first.

Stage 1 (pilot) proves the route end to end on one application process: learning, the delivery
pipeline, adapting the code and containerising that process. Stage 2 moves the remaining
processes and ties them together. Stage 3 moves the data and cuts over. An option that keeps
machine images and bakes them per release has one stage of its own (the bake pipeline, then the
services). The productivity dip is
proportional to the rest of the work (MODEL.md), so each stage carries its share of it.

Stage hours are summed per sample before taking percentiles (percentiles do not add), and a
stage's calendar time is its hours over the option's migration pace, T / D hours a month.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from analyzer.model.assess import Assessment, percentiles
from analyzer.model.core import WORK_ITEM_LABELS
from analyzer.model.placement import experience_sum

FloatArray = NDArray[np.float64]

PILOT_ITEM = "containerise_pilot"
REST_ITEM = "containerise_rest"
DIP_ITEM = "productivity_dip"


@dataclass(frozen=True)
class Stage:
    key: str
    title: str
    goal: str
    items: tuple[str, ...]


STAGES: tuple[Stage, ...] = (
    Stage(
        "pilot",
        "Stage 1: pilot",
        "one application process in a container, built and deployed by the pipeline",
        ("learning", "pipeline", "platform_setup", "app_adaptation", PILOT_ITEM),
    ),
    Stage(
        "processes",
        "Stage 2: remaining processes",
        "the other processes in containers, composed and configured per environment",
        (REST_ITEM, "composition", "environment_config", "observability"),
    ),
    Stage(
        "data",
        "Stage 3: data and cut-over",
        "stateful data in volumes, a restore rehearsed, production switched over",
        ("volumes", "data_migration", "backup_drill"),
    ),
    Stage(
        "bake",
        "Images baked per release",
        "a bake pipeline and instance-replacing deploys, then one service after another baked "
        "per release and rolled out by replacing its instances",
        ("bake_pipeline",),
    ),
)

EXTRA_LABELS = {
    PILOT_ITEM: "Containerise the pilot process",
    REST_ITEM: "Containerise the other processes",
}


def process_containerise_hours(a: Assessment, option: str) -> dict[str, FloatArray]:
    """Containerising hours per process entry the option puts in a container (the model's
    ``Outputs.process_containerise_hours``: first unit x experience curve over the entry's
    count). Their sum equals the model's ``containerise`` item."""
    o = a.option_names.index(option)
    st = a.structure
    per_process = a.outputs.process_containerise_hours[o]
    return {
        p.name: np.broadcast_to(per_process[j], (a.samples,))
        for j, (p, inside) in enumerate(zip(st.processes, st.contained[o], strict=True))
        if inside
    }


def pilot_process(a: Assessment, option: str) -> str | None:
    """The process to pilot: the first application process the option containerises (web first)."""
    o = a.option_names.index(option)
    st = a.structure
    inside = [p for p, c in zip(st.processes, st.contained[o], strict=True) if c]
    candidates = [p for p in inside if not p.service] or inside
    if not candidates:
        return None
    web = [p for p in candidates if p.kind == "web"]
    return (web or candidates)[0].name


def _single(a: Assessment, process: str) -> bool:
    """The entry stands for one service (its ``count`` is exactly 1)."""
    p = next(p for p in a.questionnaire.processes if p.name == process)
    return p.count.is_point and p.count.likely == 1


def _item_samples(a: Assessment, option: str) -> dict[str, FloatArray]:
    """Hours per sample for each plan item, the containerise item split into pilot and rest."""
    o = a.option_names.index(option)
    items = {k: np.asarray(arr[o], dtype=np.float64) for k, arr in a.outputs.work_items.items()}
    per_process = process_containerise_hours(a, option)
    pilot = pilot_process(a, option)
    zero = np.zeros(a.samples)
    pilot_hours = per_process.get(pilot, zero) if pilot is not None else zero
    if pilot is not None:
        # the pilot is one service of its entry: the first unit on the entry's experience
        # curve (placement.experience_sum), not all ``count`` of them (156 microservices
        # made a "pilot" of most of the move)
        count = np.asarray(a.values[f"processes.{pilot}.count"], dtype=np.float64)
        rate = np.asarray(a.values["assumptions.experience_learning_rate"], dtype=np.float64)
        pilot_hours = pilot_hours / experience_sum(count, rate)
    items[PILOT_ITEM] = pilot_hours
    items[REST_ITEM] = items.pop("containerise") - pilot_hours
    return items


def migration_plan(a: Assessment, option: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(items, stages) for one option.

    items: stage, item, label, p10, p50, p90 (hours) for each non-zero item, in stage order.
    stages: stage, title, goal, hours p10/p50/p90 (its share of the productivity dip included),
    months p10/p50/p90 (calendar months the stage takes) and ends_p10/p50/p90 (month it ends).
    """
    o = a.option_names.index(option)
    items = _item_samples(a, option)
    labels = {**WORK_ITEM_LABELS, **EXTRA_LABELS}
    pilot = pilot_process(a, option)
    if pilot is not None:
        one = _single(a, pilot)
        labels[PILOT_ITEM] = f"{labels[PILOT_ITEM]} ({pilot if one else f'one service of {pilot}'})"
    dip = items[DIP_ITEM]
    stages = _stages_for(items)
    subtotal = sum((items[k] for s in stages for k in s.items), np.zeros(a.samples))
    transition = a.outputs.transition_hours[o]
    months = a.outputs.migration_months[o]
    pace = np.divide(transition, months, out=np.zeros_like(transition), where=months > 0)

    item_rows, stage_rows = [], []
    ends = np.zeros(a.samples)
    for stage in stages:
        hours = sum((items[k] for k in stage.items), np.zeros(a.samples))
        if not np.any(hours):
            continue
        share = np.divide(hours, subtotal, out=np.zeros_like(hours), where=subtotal > 0)
        with_dip = hours + share * dip
        stage_months = np.divide(with_dip, pace, out=np.zeros_like(with_dip), where=pace > 0)
        ends = ends + stage_months
        for k in stage.items:
            if np.any(items[k]):
                p10, p50, p90 = percentiles(items[k])
                item_rows.append({"stage": stage.key, "item": k, "label": labels[k],
                                  "p10": p10, "p50": p50, "p90": p90})
        h10, h50, h90 = percentiles(with_dip)
        m10, m50, m90 = percentiles(stage_months)
        e10, e50, e90 = percentiles(ends)
        stage_rows.append({"stage": stage.key, "title": stage.title, "goal": stage.goal,
                           "hours_p10": h10, "hours_p50": h50, "hours_p90": h90,
                           "months_p10": m10, "months_p50": m50, "months_p90": m90,
                           "ends_p10": e10, "ends_p50": e50, "ends_p90": e90})
    if np.any(dip):
        p10, p50, p90 = percentiles(dip)
        item_rows.append({"stage": "all", "item": DIP_ITEM, "label": labels[DIP_ITEM],
                          "p10": p10, "p50": p50, "p90": p90})
    item_cols = ["stage", "item", "label", "p10", "p50", "p90"]
    stage_cols = ["stage", "title", "goal", *(f"{q}_{p}" for q in ("hours", "months", "ends")
                                               for p in ("p10", "p50", "p90"))]
    # Named columns even when no stage has work (a questionnaire of only managed services).
    return pd.DataFrame(item_rows, columns=item_cols), pd.DataFrame(stage_rows, columns=stage_cols)


def _stages_for(items: dict[str, FloatArray]) -> tuple[Stage, ...]:
    """STAGES, with any work item they do not name (a new option's) added to stage 2."""
    staged = {k for s in STAGES for k in s.items} | {DIP_ITEM}
    extra = tuple(k for k in items if k not in staged)
    if not extra:
        return STAGES
    return tuple(
        Stage(s.key, s.title, s.goal, s.items + extra) if s.key == "processes" else s
        for s in STAGES
    )


def plan_option(a: Assessment, recommended: str, ranking: list[str]) -> str | None:
    """Whose plan to show: the recommended option if it is a move, else the best-ranked move;
    an option that leads to today's state (``Structure.unchanged``) is no move."""
    st = a.structure

    def moves(name: str) -> bool:
        return name != a.status_quo and not st.unchanged(a.option_names.index(name))

    if moves(recommended):
        return recommended
    return next((name for name in ranking if moves(name)), None)
