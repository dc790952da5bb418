"""A portfolio's applications: a folder of questionnaires, or an inventory CSV.

A folder holds one questionnaire per application (``*.yaml``) and an optional ``portfolio.yaml``
for what they share (name, platform pieces, wave plan, dependencies, business-critical flags).
An inventory CSV has one row per application: either this project's columns (see README,
"Portfolio") or the application-import CSV of Konveyor/MTA (``Record Type 1, Application Name,
Description, Comments, Business Service, ..., Tag Type N, Tag N``). What a row does not give comes
from ``data/portfolio.yaml``'s ``inventory_defaults``, and each default used is recorded.

Nothing here runs the model: the result is a list of ``App`` records whose questionnaires are
validated plain data, ready to send to worker processes.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from analyzer._io.paths import data_dir
from analyzer._io.yamlio import Loc, Marks, format_loc, load_yaml, read_text
from analyzer.errors import InputError, Problem
from analyzer.questionnaire.form import Questionnaire, validate_document

PORTFOLIO_FILE = "portfolio.yaml"
MAX_APPLICATIONS = 100_000
_ID = re.compile(r"[^a-z0-9]+")
#: Members of a dependency cycle named in its message; a longer one is counted, not listed.
CYCLE_NAMED = 10
#: How an inventory's yes/no columns (critical, database) may be written, case-insensitive.
YES = frozenset({"yes", "y", "true", "1"})
NO = frozenset({"no", "n", "false", "0"})


@dataclass(frozen=True)
class App:
    """One application of the portfolio, its questionnaire validated."""

    id: str
    name: str
    source: str  # file (and line, for a CSV row) the application came from
    questionnaire: Questionnaire
    depends_on: tuple[str, ...] = ()
    critical: bool = False
    defaults_used: tuple[str, ...] = ()
    #: where each of ``depends_on`` was written, (file, line, column), when it was not in
    #: ``source`` (a portfolio.yaml's ``applications.<id>.depends_on``); empty: ``source``
    depends_at: tuple[tuple[str, int, int], ...] = ()


@dataclass(frozen=True)
class Failure:
    """An application that could not be read or assessed: named, with its file and error."""

    id: str
    source: str
    error: str
    #: the problems in its input, each located, when it could not be read (``error`` lists them)
    problems: tuple[Problem, ...] = ()

    @classmethod
    def unread(cls, aid: str, source: str, problems: Sequence[Problem]) -> Failure:
        """An application whose input has ``problems``."""
        return cls(aid, source, "\n".join(str(p) for p in problems), tuple(problems))

    def located(self) -> tuple[Problem, ...]:
        """Its problems, or its error at its source."""
        return self.problems or (Problem(self.source, self.error),)


@dataclass(frozen=True)
class PlanSettings:
    wave_months: float
    migration_people: float
    hours_per_person_month: float
    critical_last: bool
    horizon_months: int

    @property
    def hours_per_wave(self) -> float:
        """Migration capacity of one wave: people x h per person-month x months per wave."""
        return self.migration_people * self.hours_per_person_month * self.wave_months


@dataclass(frozen=True)
class Portfolio:
    name: str
    source: str
    apps: tuple[App, ...]
    failures: tuple[Failure, ...]
    plan: PlanSettings
    platform_items: tuple[str, ...]
    notes: tuple[str, ...] = field(default_factory=tuple)
    #: every file the portfolio was read from (inventory, questionnaires, portfolio.yaml): no
    #: output is written over one of them
    inputs: tuple[Path, ...] = ()


def app_id(text: str) -> str:
    """A stable id from a name or file stem: lower case, runs of other characters as '-'."""
    return _ID.sub("-", text.strip().lower()).strip("-") or "app"


def settings() -> dict[str, Any]:
    """The bundled data/portfolio.yaml."""
    loaded = load_yaml(data_dir() / "portfolio.yaml", what="portfolio settings")
    data: dict[str, Any] = loaded.data
    return data


def _plan(
    base: Mapping[str, Any], override: Mapping[str, Any], where: _Where
) -> tuple[PlanSettings, list[Problem]]:
    """The bundled plan settings with portfolio.yaml's ``plan`` overrides, and a problem for
    each override that is wrong (located in the file; the bundled value stands in for it)."""
    values = {k: v["value"] for k, v in base.items()}
    problems = []
    for key, value in override.items():
        if key not in values:
            problems.append(where.problem(("plan", key), f"unknown plan setting '{key}'", on_key=True))
            continue
        expected = bool if isinstance(values[key], bool) else (int, float)
        if isinstance(value, bool) != (expected is bool) or not isinstance(value, expected):
            problems.append(where.problem(("plan", key), f"expected a {'yes/no' if expected is bool else 'number'}, got {value!r}"))
            continue
        if expected is not bool and not 0 < float(value) < 1e6:
            problems.append(where.problem(("plan", key), f"must be above 0, got {value}"))
            continue
        values[key] = value
    return PlanSettings(
        wave_months=float(values["wave_months"]),
        migration_people=float(values["migration_people"]),
        hours_per_person_month=float(values["hours_per_person_month"]),
        critical_last=bool(values["critical_last"]),
        horizon_months=int(values["horizon_months"]),
    ), problems


@dataclass(frozen=True)
class _Where:
    """Problems in one YAML file, each at the line and column of the value (or key) it is about:
    file:line:col: field: message, like the questionnaire's."""

    name: str
    marks: Marks | None

    def at(self, loc: Loc, *, on_key: bool = False) -> tuple[int | None, int | None]:
        if self.marks is None:
            return None, None
        return self.marks.locate(loc, prefer_key=on_key)

    def each(self, loc: Loc, n: int) -> tuple[tuple[str, int, int], ...]:
        """(file, line, column) of the items 0..n-1 of the list at ``loc`` (none without marks)."""
        if self.marks is None:
            return ()
        return tuple((self.name, *self.marks.locate((*loc, i))) for i in range(n))

    def problem(self, loc: Loc, message: str, *, on_key: bool = False) -> Problem:
        line, col = self.at(loc, on_key=on_key)
        return Problem(self.name, message, line, col, format_loc(loc) or None)


def load_portfolio(source: str | Path) -> Portfolio:
    """Read a portfolio folder or inventory CSV. Applications that fail to load are returned as
    failures (the others go on); problems with the portfolio as a whole (portfolio.yaml, no
    application that could be read) raise one InputError listing every problem found, the
    applications' own and their dependencies' included (``check_portfolio`` checks the
    dependencies of a portfolio that loads)."""
    path = Path(source)
    if path.is_dir():
        return _from_folder(path)
    if path.is_file() and path.suffix.lower() == ".csv":
        return _from_csv(path)
    what = "is not a folder or a .csv file" if path.exists() else "does not exist"
    raise InputError([Problem(str(path), f"the portfolio source {what}")])


# ---- a folder of questionnaires --------------------------------------------------------------


def _from_folder(folder: Path) -> Portfolio:
    conf = settings()
    shared = _read_shared(folder / PORTFOLIO_FILE, conf)
    files = sorted(p for p in folder.glob("*.yaml") if p.name != PORTFOLIO_FILE)
    files += sorted(folder.glob("*.yml"))
    if not files:
        inventories = sorted(folder.glob("*.csv"))
        hint = f"; to read the inventory, give the file: {inventories[0]}" if inventories else ""
        raise InputError([
            *shared.problems,
            Problem(str(folder), f"no questionnaires (*.yaml) in this folder{hint}"),
        ])
    apps: list[App] = []
    failures: list[Failure] = []
    seen: dict[str, str] = {}
    for f in files:
        aid = app_id(f.stem)
        if aid in seen:
            failures.append(Failure.unread(aid, str(f), [Problem(str(f), f"same id as {seen[aid]}")]))
            continue
        seen[aid] = str(f)
        try:
            loaded = load_yaml(f, what="questionnaire")
            q = validate_document(loaded.data, loaded.marks, str(f))
        except InputError as exc:
            failures.append(Failure.unread(aid, str(f), exc.problems))
            continue
        meta = shared.applications.get(aid, {})
        depends = meta.get("depends_on", ())
        apps.append(
            App(
                id=aid,
                name=q.name,
                source=str(f),
                questionnaire=q,
                depends_on=tuple(app_id(str(d)) for d in depends),
                critical=bool(meta.get("critical", False)),
                depends_at=shared.depends_at(aid, len(depends)),
            )
        )
    portfolio = Portfolio(
        name=str(shared.data.get("name") or folder.name),
        source=str(folder),
        apps=tuple(apps),
        failures=tuple(failures),
        plan=shared.plan,
        platform_items=tuple(conf["platform_items"]),
        inputs=(*files, *shared.files),
    )
    return _checked(portfolio, [*shared.problems, *shared.unknown(seen, f"no questionnaire in {folder}")],
                    "no questionnaire")


@dataclass(frozen=True)
class _Shared:
    """A portfolio's portfolio.yaml as read: its fields, its well-formed ``applications``
    entries by id, the plan, and every problem found in it (located)."""

    data: Mapping[str, Any]
    applications: Mapping[str, Mapping[str, Any]]
    keys: Mapping[str, Any]  # id -> the key as written
    plan: PlanSettings
    where: _Where
    problems: tuple[Problem, ...]
    files: tuple[Path, ...]  # the file, when there is one

    def depends_at(self, aid: str, n: int) -> tuple[tuple[str, int, int], ...]:
        """Where each of application ``aid``'s ``n`` dependencies is written."""
        return self.where.each(("applications", self.keys.get(aid, aid), "depends_on"), n)

    def unknown(self, ids: Iterable[str], missing: str) -> list[Problem]:
        """A problem for each application named here that is not one of ``ids`` (``missing``:
        what it has not), at its key."""
        return [
            self.where.problem(("applications", self.keys.get(u, u)),
                               f"application '{u}' has {missing}", on_key=True)
            for u in sorted(set(self.applications) - set(ids))
        ]


def _read_shared(path: Path, conf: Mapping[str, Any]) -> _Shared:
    """portfolio.yaml at ``path`` (none: the bundled plan), every problem in it collected."""
    data: Any = None
    marks: Marks | None = None
    problems: list[Problem] = []
    if path.is_file():
        try:
            loaded = load_yaml(path, what="portfolio file")
            data, marks = loaded.data, loaded.marks
        except InputError as exc:  # unreadable: its problems, and the rest is checked as usual
            problems += exc.problems
    where = _Where(str(path), marks)
    fields, shape = _portfolio_file(data, where)
    apps = fields.get("applications", {})
    plan, plan_problems = _plan(conf["plan"], fields.get("plan", {}), where)
    return _Shared(
        data=fields,
        applications={app_id(str(k)): v for k, v in apps.items()},
        keys={app_id(str(k)): k for k in apps},
        plan=plan,
        where=where,
        problems=(*problems, *shape, *plan_problems),
        files=(path,) if path.is_file() else (),
    )


def _portfolio_file(data: Any, where: _Where) -> tuple[dict[str, Any], list[Problem]]:
    """Check the shape of portfolio.yaml: name, plan, applications.<id>.{depends_on, critical}.
    Returns its fields with ``plan`` and ``applications`` kept only where they are mappings
    (each application's entry only where it is well formed), and every problem, located."""
    if data is None:
        return {}, []
    if not isinstance(data, dict):
        return {}, [where.problem((), "expected a mapping (name:, plan:, applications:)")]
    problems = []
    fields = dict(data)
    for key in data:
        if key not in {"schema_version", "name", "plan", "applications"}:
            problems.append(where.problem((key,), f"unknown field '{key}'", on_key=True))
    if not isinstance(data.get("plan", {}), dict):
        problems.append(where.problem(("plan",), "expected a mapping of settings"))
        del fields["plan"]
    apps = data.get("applications", {})
    if not isinstance(apps, dict):
        problems.append(where.problem(("applications",), "expected a mapping of application ids"))
        apps = {}
    fields["applications"] = {}
    for aid, meta in apps.items():
        loc: Loc = ("applications", aid)
        if not isinstance(meta, dict):
            problems.append(where.problem(loc, "expected {depends_on: [ids], critical: yes/no}"))
            continue
        found = len(problems)
        for extra in sorted(set(meta) - {"depends_on", "critical"}, key=str):
            problems.append(where.problem((*loc, extra), f"unknown field '{extra}' (expected depends_on, critical)", on_key=True))
        if not isinstance(meta.get("depends_on", []), list):
            problems.append(where.problem((*loc, "depends_on"), "expected a list of application ids"))
        if not isinstance(meta.get("critical", False), bool):
            problems.append(where.problem((*loc, "critical"), f"expected yes/no, got {meta['critical']!r}"))
        if len(problems) == found:
            fields["applications"][aid] = meta
    return fields, problems


def _checked(portfolio: Portfolio, problems: list[Problem], none: str) -> Portfolio:
    """``portfolio``, unless there are ``problems`` (in portfolio.yaml) or no application could
    be read: then InputError listing those, every application's own problems and the
    dependencies' (``check_dependencies``), all in one run. ``none``: why there are no
    applications when none failed either."""
    if portfolio.apps and not problems:
        return portfolio
    unread = [p for f in portfolio.failures for p in f.located()]
    if not portfolio.apps and not unread:
        unread = [Problem(portfolio.source, f"no applications: {none}")]
    raise InputError([*problems, *unread, *check_dependencies(portfolio.apps, portfolio.failures)])


# ---- an inventory CSV --------------------------------------------------------------------------

#: This project's inventory columns -> what they set. Column names are case-insensitive.
COLUMNS = {
    "id": "application id (default: from the name)",
    "name": "application name (required)",
    "description": "what it is",
    "business_service": "the business service it belongs to",
    "repository": "its repository URL",
    "tags": "semicolon-separated tags, e.g. 'language=java; database=postgresql'",
    "engineers": "product engineers working on it",
    "kloc": "thousands of lines of code",
    "services": "how many similar services it runs (a fleet)",
    "prod_deploys_per_week": "production deploys a week",
    "database": "yes/no or a database name: it has its own database process",
    "critical": "yes/no: business-critical (moved in a later wave)",
    "depends_on": "semicolon-separated ids of applications it depends on",
}
KONVEYOR_NAME = "application name"


def _from_csv(path: Path) -> Portfolio:
    conf = settings()
    # a portfolio.yaml beside the CSV: name, plan, and dependencies and flags by application id
    shared = _read_shared(path.parent / PORTFOLIO_FILE, conf)
    text = read_text(path, what="inventory CSV", kind="comma-separated text")
    rows = _csv_records(text, str(path))
    if not rows:
        raise InputError([Problem(str(path), "the inventory is empty", 1, 1)])
    header = [h.strip().lower() for h in rows[0][1]]
    konveyor = KONVEYOR_NAME in header
    if not konveyor and "name" not in header:
        raise InputError([Problem(str(path), f"no 'name' column (nor Konveyor's 'Application Name'); columns are: {', '.join(rows[0][1][:12])}", 1, 1)])
    if len(rows) - 1 > MAX_APPLICATIONS:
        raise InputError([Problem(str(path), f"more than {MAX_APPLICATIONS:,} applications")])
    apps: list[App] = []
    failures: list[Failure] = []
    seen: set[str] = set()  # every id of a row, read or not
    for line, row in rows[1:]:
        if not any(cell.strip() for cell in row):
            continue
        record = dict(zip(header, (c.strip() for c in row), strict=False))
        if konveyor:
            if record.get("record type 1", "1") not in ("1", ""):
                continue  # dependency rows (record type 2) carry no application
            record = _konveyor_record(record, row, header, conf["konveyor_tags"])
        where = f"{path}:{line}"
        name = record.get("name", "")
        aid = app_id(record.get("id") or name)
        if not name:
            failures.append(Failure.unread(aid, where, [Problem(str(path), "the name is empty", line, field="name")]))
            continue
        if aid in seen:
            failures.append(Failure.unread(aid, where, [Problem(str(path), f"application id '{aid}' appears twice", line, field="id")]))
            continue
        seen.add(aid)
        try:
            app = _row_app(aid, record, str(path), line, conf["inventory_defaults"])
        except InputError as exc:
            failures.append(Failure.unread(aid, where, exc.problems))
            continue
        apps.append(app)
    apps = [_with_meta(a, shared) if a.id in shared.applications else a for a in apps]
    default_name = path.parent.name if path.stem.lower() in {"inventory", "applications", "apps"} else path.stem
    portfolio = Portfolio(
        name=str(shared.data.get("name") or default_name),
        source=str(path),
        apps=tuple(apps),
        failures=tuple(failures),
        plan=shared.plan,
        platform_items=tuple(conf["platform_items"]),
        notes=(
            "Read as a Konveyor/MTA application-import CSV: name, description, business service and "
            "tags are used; team, code size and delivery come from defaults (listed per application).",
        ) if konveyor else (),
        inputs=(path, *shared.files),
    )
    return _checked(portfolio, [*shared.problems, *shared.unknown(seen, f"no row in {path}")],
                    "no row below the header names one")


def _csv_records(text: str, name: str) -> list[tuple[int, list[str]]]:
    """Each record of an inventory with the line it starts on (a quoted field may hold line
    breaks). A malformed record -- a quote never closed, text after a closing quote -- raises
    InputError at its line."""
    reader = csv.reader(io.StringIO(text), strict=True)
    records = []
    start = 1
    try:
        for row in reader:
            records.append((start, row))
            start = reader.line_num + 1
    except csv.Error as exc:
        if str(exc) == "unexpected end of data":  # the end of the file inside a quoted field
            raise InputError([Problem(name, "a quoted field that starts in this row is never "
                                      "closed (a '\"' is missing)", start)]) from None
        raise InputError([Problem(name, f"not valid CSV: {exc}", reader.line_num)]) from None
    return records


def _with_meta(a: App, shared: _Shared) -> App:
    """A row's application with portfolio.yaml's ``applications.<id>``: its dependencies where
    the row gives none (located in portfolio.yaml), business-critical if either says so."""
    meta = shared.applications[a.id]
    if a.depends_on:
        return replace(a, critical=a.critical or bool(meta.get("critical", False)))
    depends = meta.get("depends_on", ())
    return replace(
        a, depends_on=tuple(app_id(str(d)) for d in depends),
        depends_at=shared.depends_at(a.id, len(depends)),
        critical=a.critical or bool(meta.get("critical", False)),
    )


def _konveyor_record(
    record: Mapping[str, str], row: list[str], header: list[str], tag_types: Mapping[str, list[str]]
) -> dict[str, str]:
    """A Konveyor import row in this project's column names. Tags: 'Tag Type N' / 'Tag N'."""
    out = {
        "name": record.get(KONVEYOR_NAME, ""),
        "description": record.get("description", ""),
        "business_service": record.get("business service", ""),
        "repository": record.get("repository url", ""),
    }
    tags: list[str] = []
    for i, h in enumerate(header):
        m = re.fullmatch(r"tag type (\d+)", h)
        if not m or i >= len(row):
            continue
        kind = row[i].strip().lower()
        value_col = header.index(f"tag {m.group(1)}") if f"tag {m.group(1)}" in header else -1
        value = row[value_col].strip() if 0 <= value_col < len(row) else ""
        for key, names in tag_types.items():
            if kind in names and value:
                tags.append(f"{key}={value}")
    out["tags"] = "; ".join(tags)
    return out


def _tags(text: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for part in text.split(";"):
        if "=" in part:
            k, v = part.split("=", 1)
            out.setdefault(k.strip().lower(), []).append(v.strip())
    return out


#: The inventory's number columns: each, when given, a finite number, 0 or more (the
#: questionnaire's own bounds are checked after, on the row's questionnaire).
NUMBER_COLUMNS = ("engineers", "kloc", "services", "prod_deploys_per_week")


def _number(raw: str) -> float | str:
    """A number column's value, or what is wrong with it."""
    try:
        value = float(raw)
    except ValueError:
        return f"expected a number, got '{raw}'"
    if not math.isfinite(value):
        return f"expected a finite number, got '{raw}'"
    if value < 0:
        return f"must be 0 or more, got {raw}"
    return value


def _yes(text: str) -> bool:
    return text.strip().lower() in YES


def _row_columns(record: Mapping[str, str], file: str, line: int) -> tuple[dict[str, float], list[Problem]]:
    """The row's numbers given (by column), and a problem for each column that is not a number
    0 or more or, for ``critical``, not yes/no: every one, at the row's line."""
    numbers: dict[str, float] = {}
    problems = []
    for key in NUMBER_COLUMNS:
        raw = record.get(key, "")
        if raw == "":
            continue
        value = _number(raw)
        if isinstance(value, str):
            problems.append(Problem(file, value, line, field=key))
        else:
            numbers[key] = value
    critical = record.get("critical", "")
    if critical and critical.lower() not in YES | NO:
        problems.append(Problem(file, f"expected yes or no (true/false, 1/0), got '{critical}'", line,
                                field="critical"))
    return numbers, problems


def _row_app(aid: str, record: Mapping[str, str], file: str, line: int, defaults: Mapping[str, Any]) -> App:
    """Build and validate the questionnaire for one inventory row (schema version 2,
    docs/design/questionnaire-v2.md): the services column is one process entry's ``count``.
    Every problem of the row is raised together (InputError)."""
    numbers, problems = _row_columns(record, file, line)
    if problems:
        raise InputError(problems)
    used: list[str] = []

    def pick(key: str, default_key: str) -> Any:
        if key not in numbers:
            used.append(key)
            return defaults[default_key]
        return numbers[key]

    tags = _tags(record.get("tags", ""))
    engineers = pick("engineers", "engineers")
    kloc = pick("kloc", "kloc")
    deploys = pick("prod_deploys_per_week", "prod_deploys_per_week")
    services = numbers.get("services")
    if services is None:
        used.append("services")
        services = 1
    languages = [v.lower() for v in tags.get("language", [])] or list(defaults["languages"])
    if not tags.get("language"):
        used.append("languages")
    web: dict[str, Any] = {"name": f"{aid}-web" if services <= 1 else f"{aid}-services", "kind": "web",
                           "instances": defaults["web_instances"],
                           "native_dependencies": defaults["native_dependencies"]}
    if services > 1:  # a fleet of similar services: one entry with its count (schema v2)
        web["count"] = services
    processes: list[dict[str, Any]] = [web]
    database = record.get("database", "")
    db_names = tags.get("database", [])
    if db_names or (database and database.lower() not in NO):
        processes.append({"name": app_id(db_names[0] if db_names else (database if not _yes(database) else "database")),
                          "kind": "database", "stateful": True, "data_gb": defaults["database_gb"]})
    used.append("native_dependencies")
    doc = {
        "schema_version": 2,
        "name": record["name"],
        "description": record.get("description") or None,
        "team": {"engineers": engineers},
        "codebase": {"kloc": kloc, "languages": languages},
        "processes": processes,
        "delivery": {"prod_deploys_per_week": deploys},
        "incidents": {"hours_to_restore": defaults["hours_to_restore"]},
    }
    if doc["description"] is None:
        del doc["description"]
    q = validate_document(doc, _row_marks(doc, line), file)
    return App(
        id=aid,
        name=record["name"],
        source=f"{file}:{line}",
        questionnaire=q,
        depends_on=tuple(app_id(d) for d in record.get("depends_on", "").split(";") if d.strip()),
        critical=_yes(record.get("critical", "")),
        defaults_used=tuple(used),
    )


def _row_marks(doc: Any, line: int) -> Marks:
    """Every field of a row's questionnaire located at the row's line (column 1). (A module-level
    walk: a nested recursive one is a reference cycle, which would keep every row's marks until
    a collection, and ``analyzer portfolio`` pauses the collector.)"""
    marks = Marks()
    _mark_all(marks.values, doc, (), (line, 1))
    return marks


def _mark_all(values: dict[Loc, tuple[int, int]], obj: Any, loc: tuple[Any, ...], at: tuple[int, int]) -> None:
    values[loc] = at
    if isinstance(obj, dict):
        for k, v in obj.items():
            _mark_all(values, v, (*loc, k), at)
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            _mark_all(values, v, (*loc, i), at)


def check_portfolio(portfolio: Portfolio) -> None:
    """Raise InputError when the applications' dependencies do not hold together
    (``check_dependencies``), listing with them every application's own input problems, so
    none hides another; else the run goes on and the applications that could not be read are
    reported as failures."""
    problems = check_dependencies(portfolio.apps, portfolio.failures)
    if problems:
        raise InputError([*(p for f in portfolio.failures for p in f.located()), *problems])


def check_dependencies(apps: Iterable[App], failures: Iterable[Failure] = ()) -> list[Problem]:
    """Dependencies that name no application of the portfolio, or one that could not be read
    (one of ``failures``), an application itself, or one that depends on it in turn (a cycle):
    none can be planned, whether or not the applications move. In the order written."""
    apps = list(apps)
    ids = {a.id for a in apps}
    unread = {f.id: f.source for f in failures}
    cycle_of = {aid: cycle for cycle in dependency_cycles(apps) for aid in cycle}
    problems = []
    for a in apps:
        cycle = cycle_of.get(a.id, ())
        for i, d in enumerate(a.depends_on):
            if d == a.id:
                message = "depends on itself"
            elif d in cycle:
                message = f"depends on '{d}': a dependency cycle among {_members(cycle)}"
            elif d in ids:
                continue
            elif d in unread:
                message = f"depends on '{d}', which could not be read ({unread[d]})"
            else:
                message = f"depends on '{d}', which is not an application of this portfolio"
            problems.append(_dependency_problem(a, i, message))
    return problems


def _members(cycle: tuple[str, ...]) -> str:
    """A cycle's applications, named up to CYCLE_NAMED of them."""
    if len(cycle) <= CYCLE_NAMED:
        return ", ".join(cycle)
    return f"{len(cycle):,} applications ({', '.join(cycle[:CYCLE_NAMED])}, ...)"


def dependency_cycles(apps: Iterable[App]) -> list[tuple[str, ...]]:
    """The groups of applications that depend on one another in a circle, directly or through
    others (the strongly connected components of more than one application; Tarjan 1972,
    without recursion), each sorted; a dependency on the application itself is not one."""
    apps = list(apps)
    ids = {a.id for a in apps}
    graph = {a.id: sorted({d for d in a.depends_on if d in ids and d != a.id}) for a in apps}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[tuple[str, ...]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)

    for root in graph:
        if root in index:
            continue
        visit(root)
        work = [(root, iter(graph[root]))]
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    visit(child)
                    work.append((child, iter(graph[child])))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:  # every child seen: close the node
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        cycles.append(tuple(sorted(component)))
    return sorted(cycles)


def _dependency_problem(a: App, i: int, message: str) -> Problem:
    """A problem with ``a``'s dependency ``i``: where it was written (portfolio.yaml's line and
    column, else ``a``'s file or row)."""
    if i < len(a.depends_at):  # written in portfolio.yaml: there, at its line
        name, line, col = a.depends_at[i]
        return Problem(name, message, line, col, f"applications.{a.id}.depends_on[{i}]")
    return Problem(a.source, message, field="depends_on")
