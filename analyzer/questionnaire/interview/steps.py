"""The interview behind ``analyzer ask``, without the terminal: which questions, in which order,
what an answer does to the answers so far, and where an unfinished interview resumes.

The answers are a plain nested dict shaped like the questionnaire YAML. The list of questions is
recomputed from it after every answer (one block per process, data size only for stateful
processes), so going back and resuming need no state
beyond the answers and the id of the next question. Every answer is checked by validating the
whole questionnaire with the same pydantic model the file loader uses, and keeping the problems
at that question's place.
"""

from __future__ import annotations

import copy
import itertools
import re
import types
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Annotated, Any, Literal, Union, cast, get_args, get_origin

from annotated_types import Le
from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from analyzer._io.yamlio import Loc, Marks, format_loc
from analyzer.errors import InputError, Problem
from analyzer.questionnaire.estimate import Bounds, Estimate
from analyzer.questionnaire.form import (
    FAMILIARITY_WORDS,
    SCHEMA_VERSION,
    SERVICE_KINDS,
    STATEFUL_KINDS,
    Incidents,
    Priorities,
    Process,
    Questionnaire,
    check_schema_version,
    incident_categories,
    problems_from_validation,
    upgrade_document,
)
from analyzer.questionnaire.interview import answer

Shape = Literal["estimate", "number", "text", "words", "pairs", "choice", "yes_no", "gate"]
Answers = dict[str, Any]

ADD_PROCESS = "add_another"  # last part of the id of "add another process?" questions
SECTIONS = ("team", "codebase", "delivery", "incidents", "priorities")


@dataclass(frozen=True)
class Step:
    """One question: where its answer goes, how it is typed, and the words shown with it."""

    loc: Loc
    shape: Shape
    question: str
    unit: str | None = None
    hint: str | None = None
    choices: tuple[str, ...] = ()
    words: tuple[str, ...] = ()
    percent: bool = False
    required: bool = False
    default: Any = None  # the value used when the file has none, as YAML would spell it
    section: str = ""

    @property
    def id(self) -> str:
        return format_loc(self.loc)

    @property
    def clearable(self) -> bool:
        """An optional answer with no default (a description, peak instances): may be left out."""
        return not self.required and self.default is None and self.shape != "gate"


# --------------------------------------------------------------------------------------------
# Questions from the model's fields


def _flatten(annotation: Any) -> list[Any]:
    """Every type and metadata object inside Optional/Union/Annotated."""
    out: list[Any] = []
    origin = get_origin(annotation)
    if origin is Annotated:
        base, *meta = get_args(annotation)
        return _flatten(base) + meta
    if origin is Union or origin is types.UnionType:
        for arg in get_args(annotation):
            out += _flatten(arg)
        return out
    return [annotation]


def _default(info: FieldInfo) -> Any:
    value = info.get_default(call_default_factory=True)
    if value is PydanticUndefined:
        return None
    if isinstance(value, Estimate):
        return value.to_yaml()
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    return value


def field_step(model: type[BaseModel], name: str, prefix: Loc, section: str) -> Step:
    """The question for one field, its text, unit and hint taken from the field's metadata."""
    info = model.model_fields[name]
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    parts = _flatten(info.annotation) + list(info.metadata)
    limits = [p.le for p in parts if isinstance(p, (Bounds, Le))]
    percent = bool(limits) and limits[0] == 1
    required = info.is_required()
    hint = str(extra["hint"]) if "hint" in extra else None
    records = [p for p in parts if isinstance(p, type) and issubclass(p, BaseModel)]
    shape: Shape
    choices: tuple[str, ...] = ()
    if Estimate in parts:
        shape = "estimate"
    elif any(get_origin(p) is Literal for p in parts):
        shape = "choice"
        choices = tuple(str(c) for p in parts if get_origin(p) is Literal for c in get_args(p))
    elif records:
        shape = "pairs"  # a small record of numbers, such as the criterion weights
        hint = hint or (records[0].__doc__ or "").strip() or None
    elif bool in parts:
        shape = "yes_no"
    elif int in parts or float in parts:
        shape = "number"
    elif any(get_origin(p) is list for p in parts):
        shape = "words"
    else:
        shape = "text"
    words = tuple(FAMILIARITY_WORDS) if name == "docker_familiarity" else ()
    question = info.description or name
    if question[:1].islower():  # "monolith, modular-monolith, ...": say what is chosen
        question = f"{name.replace('_', ' ').capitalize()}: {question}"
    return Step(
        loc=(*prefix, name),
        shape=shape,
        question=question,
        unit=str(extra["unit"]) if "unit" in extra else None,
        hint=hint,
        choices=choices,
        words=words,
        percent=percent,
        required=required,
        default=_default(info),
        section=section,
    )


def _model_steps(model: type[BaseModel], prefix: Loc, section: str) -> list[Step]:
    return [field_step(model, name, prefix, section) for name in model.model_fields]


def _process_steps(i: int, process: Mapping[str, Any], count: int) -> list[Step]:
    kind = process.get("kind")
    stateful = process.get("stateful")
    if stateful is None:
        stateful = kind in STATEFUL_KINDS
    section = f"process {i + 1}" + (f" ({process['name']})" if process.get("name") else "")
    steps: list[Step] = []
    for name in Process.model_fields:
        if name in ("data_gb", "embedded") and not stateful:
            continue
        if name == "embedded" and kind != "other":
            continue  # only a file of the team's own (SQLite) can live inside another process
        if name == "native_dependencies" and kind in SERVICE_KINDS:
            continue  # off-the-shelf services run from their official image
        if name == "deploy_method":
            continue  # delivery.deploy_method asks it for every process; a mixed estate says it
            # per process in the file (a choice question cannot leave it to the default)
        step = field_step(Process, name, ("processes", i), section)
        if name == "stateful":
            step = replace(step, default=kind in STATEFUL_KINDS)
        steps.append(step)
    later = count - i - 1
    warning = f" (no removes the {later} process(es) after this one)" if later > 0 else ""
    steps.append(
        Step(
            loc=("processes", i, ADD_PROCESS),
            shape="gate",
            question="Add another process (web, worker, database, cache, scheduler...)?" + warning,
            hint="List every process that runs in production, one at a time.",
            default=later > 0,
            section=section,
        )
    )
    return steps


def _incident_steps() -> list[Step]:
    steps = [field_step(Incidents, "window_months", ("incidents",), "incidents")]
    for key, category in incident_categories().items():
        steps.append(
            Step(
                loc=("incidents", "counts", key),
                shape="estimate",
                question=f"{category['label']} incidents in the window: "
                + " ".join(str(category["description"]).split()),
                unit="incidents",
                hint=Incidents.model_fields["counts"].description,
                default=0,
                section="incidents",
            )
        )
    steps += [
        field_step(Incidents, name, ("incidents",), "incidents")
        for name in Incidents.model_fields
        # history names an export file: set up in the file (README, "Incident and deploy
        # history") and checked with `analyzer history`, not typed in an interview
        if name not in ("window_months", "counts", "history")
    ]
    return steps


def _section_model(name: str) -> type[BaseModel]:
    return cast(type[BaseModel], Questionnaire.model_fields[name].annotation)


def steps_for(answers: Mapping[str, Any]) -> list[Step]:
    """Every question to ask, in order, given the answers so far."""
    steps = [
        field_step(Questionnaire, name, (), "about")
        for name in Questionnaire.model_fields
        if name in ("name", "description")
    ]
    for section in ("team", "codebase", "hosting", "platform"):
        steps += _model_steps(_section_model(section), (section,), section)
    given = answers.get("processes")
    processes: list[Any] = given if isinstance(given, list) else []
    count = max(1, len(processes))
    for i in range(count):
        process = processes[i] if i < len(processes) and isinstance(processes[i], dict) else {}
        steps += _process_steps(i, process, count)
    steps += _model_steps(_section_model("delivery"), ("delivery",), "delivery")
    steps += _incident_steps()
    steps += _model_steps(Priorities, ("priorities",), "priorities")
    return steps


# --------------------------------------------------------------------------------------------
# Reading and changing the answers


def get_value(answers: Mapping[str, Any], loc: Loc) -> Any:
    """The answer at ``loc``, or None when there is none yet."""
    node: Any = answers
    for part in loc:
        if isinstance(part, int):
            if not isinstance(node, list) or part >= len(node):
                return None
        elif not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def current_value(answers: Mapping[str, Any], step: Step) -> Any:
    """What the question shows as its default: the answer so far, else the field's default."""
    if step.loc[-1] == ADD_PROCESS:
        processes = answers.get("processes") or []
        return isinstance(processes, list) and len(processes) > step.loc[1] + 1  # type: ignore[operator]
    value = get_value(answers, step.loc)
    return step.default if value is None else value


def _set(answers: Answers, loc: Loc, value: Any) -> None:
    node: Any = answers
    for part, following in itertools.pairwise(loc):
        empty: Any = [] if isinstance(following, int) else {}
        if isinstance(part, int):
            while len(node) <= part:
                node.append({})
            if not isinstance(node[part], dict):
                node[part] = {}
        elif not isinstance(node.get(part), (dict, list)):
            node[part] = empty
        node = node[part]
    last = loc[-1]
    if value is None:
        if isinstance(node, dict):
            node.pop(last, None)
    else:
        node[last] = value


def with_answer(answers: Mapping[str, Any], step: Step, value: Any) -> Answers:
    """A copy of the answers with this question answered (None removes the answer)."""
    new: Answers = copy.deepcopy(dict(answers))
    new.setdefault("schema_version", SCHEMA_VERSION)
    if step.loc[-1] == ADD_PROCESS:
        i = int(step.loc[1])
        processes = new.get("processes")
        processes = processes if isinstance(processes, list) else []
        if value:
            if len(processes) <= i + 1:
                processes += [{} for _ in range(i + 2 - len(processes))]
        else:
            del processes[i + 1 :]
        new["processes"] = processes
    else:
        _set(new, step.loc, value)
    return new


# --------------------------------------------------------------------------------------------
# Checking answers with the loader's rules


def problems(answers: Mapping[str, Any]) -> list[Problem]:
    """Every problem the file loader would report for these answers (empty when complete)."""
    try:
        Questionnaire.model_validate(answers)
    except ValidationError as exc:
        return problems_from_validation(exc, "answers", Marks(), Questionnaire)
    return []


def _within(field: str | None, step_id: str) -> bool:
    field = field or ""
    return field == step_id or field.startswith((step_id + ".", step_id + "["))


def _mention(message: str, name: str | int) -> int | None:
    """Where a record-level message names the field (``instances`` is not in ``peak_instances``)."""
    found = re.search(rf"(?<![\w]){re.escape(str(name))}(?![\w])", message)
    return found.start() if found else None


def check(answers: Mapping[str, Any], step: Step, value: Any) -> list[str]:
    """Why this answer cannot stand (empty when it can), by the questionnaire's own rules.

    Problems at the question's place count, and so do problems of the record holding it (such as
    peak instances below normal instances) that this answer brings in.
    """
    if step.shape == "gate":
        return []
    if value is None and step.required:
        return ["an answer is needed"]
    new = with_answer(answers, step, value)
    after = problems(new)
    messages = [p.message for p in after if _within(p.field, step.id)]
    parents = {format_loc(step.loc[:n]) or "(top level)" for n in range(len(step.loc))}
    before = {(p.field, p.message) for p in problems(with_answer(answers, step, None))}
    messages += [
        p.message
        for p in after
        if p.field in parents
        and _mention(p.message, step.loc[-1]) is not None
        and (p.field, p.message) not in before
    ]
    if step.loc[0] == "processes" and step.loc[-1] == "name" and isinstance(value, str):
        others = [
            p.get("name")
            for j, p in enumerate(new.get("processes") or [])
            if j != step.loc[1] and isinstance(p, dict)
        ]
        if value in others:  # the loader's rule, which it checks only once all else is valid
            messages.append(f"process names must be unique; repeated: {value}")
    return list(dict.fromkeys(messages))


def parse(step: Step, text: str) -> Any:
    """The value typed for this question; raises answer.AnswerError on a wrong spelling."""
    if step.shape == "estimate":
        return answer.parse_typed_estimate(text, percent=step.percent, words=step.words)
    if step.shape == "number":
        return answer.parse_number(text, percent=step.percent)
    if step.shape == "words":
        return answer.parse_words(text)
    if step.shape == "pairs":
        return answer.parse_pairs(text)
    if step.shape in ("yes_no", "gate"):
        return answer.parse_yes_no(text)
    if step.shape == "choice":
        value = text.strip()
        if value not in step.choices:
            raise answer.AnswerError(f"choose one of: {', '.join(step.choices)}")
        return value
    return text.strip()


CLEAR_WORDS = frozenset({"-", "none"})
BACK_WORDS = frozenset({"<", "back"})
BACK: Any = object()  # what a prompt returns when the user goes back
Evaluate = Callable[[str], Any]  # checks one typed answer: its value, or raises ValueError


def evaluate(answers: Mapping[str, Any], step: Step, text: str) -> Any:
    """The value to store for typed ``text``, or answer.AnswerError saying why it cannot be.

    Enter alone keeps the current answer (or the default); ``-`` or ``none`` leaves an optional
    answer out; named numbers (weights) change only the names typed. An answer equal to the
    default, where none was stored, stays unstored so the default keeps applying.
    """
    raw = text.strip()
    stored = get_value(answers, step.loc)
    if not raw:
        value = current_value(answers, step) if step.shape == "gate" else stored
    elif raw.lower() in CLEAR_WORDS and step.clearable:
        value = None
    else:
        value = parse(step, raw)
        if step.shape == "pairs":
            base = current_value(answers, step)
            value = {**(base if isinstance(base, dict) else {}), **value}
        if stored is None and step.shape != "gate" and value == step.default:
            value = None
    messages = check(answers, step, value)
    if messages:
        raise answer.AnswerError("; ".join(messages))
    return value


# --------------------------------------------------------------------------------------------
# Where to start


def check_shape(data: Any, name: str) -> Answers:
    """The parsed file as answers, refusing shapes the interview cannot continue from."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InputError(
            [Problem(name, "expected a mapping of sections (team:, codebase:, ...)", 1, 1)]
        )
    check_schema_version(data, name)
    data, _notes = upgrade_document(data)  # a version-1 file is edited as version 2
    bad = [s for s in SECTIONS if s in data and not isinstance(data[s], dict)]
    processes = data.get("processes")
    if processes is not None and (
        not isinstance(processes, list) or not all(isinstance(p, dict) for p in processes)
    ):
        bad.append("processes")
    if bad:
        raise InputError(
            [Problem(name, "should be a list of mappings" if s == "processes" else
                     "should be a mapping of fields", field=s) for s in bad]
        )
    data.setdefault("schema_version", SCHEMA_VERSION)
    return data


def start_index(answers: Mapping[str, Any], steps: list[Step], next_id: str | None) -> int:
    """Where to (re)start: the recorded next question, else the first one with a problem,
    else the first question (editing a complete questionnaire)."""
    ids = [s.id for s in steps]
    if next_id in ids:
        return ids.index(next_id)  # type: ignore[arg-type]
    first = first_problem(answers, steps)
    return 0 if first is None else first


def first_problem(answers: Mapping[str, Any], steps: list[Step]) -> int | None:
    """Index of the first question whose answer has a problem, if any question has one."""
    found = problems(answers)
    for index, step in enumerate(steps):
        for p in found:
            if _within(p.field, step.id):
                return index
            if _within(step.id, p.field or ""):  # a record's rule: go to the field it names first
                named = [
                    (at, i)
                    for i, s in enumerate(steps)
                    if _within(s.id, p.field or "")
                    and (at := _mention(p.message, s.loc[-1])) is not None
                ]
                return min(named)[1] if named else index
    return None


def unreachable(answers: Mapping[str, Any], steps: list[Step]) -> list[Problem]:
    """Problems no question can fix (unknown keys, for instance): the user must edit the file."""
    return [
        p
        for p in problems(answers)
        if not any(_within(p.field, s.id) or _within(s.id, p.field or "") for s in steps)
        and p.field != "(top level)"
    ]
