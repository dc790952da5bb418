"""The questionnaire a tech lead fills in, validated with pydantic v2.

Sections follow MODEL.md "Inputs": team, codebase, processes, delivery, incidents, priorities.
Every estimated number is an ``Estimate`` (a point, ``[low, likely, high]`` or a mapping); units are
in the field names. Each field carries a description, a unit and a hint on how to estimate it,
which ``analyzer init`` writes into the template and ``analyzer ask`` shows as help.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal, get_args, get_origin

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic.fields import FieldInfo

from analyzer._io.paths import data_dir
from analyzer._io.yamlio import LoadedYaml, Loc, Marks, format_loc, load_yaml, parse_yaml
from analyzer.errors import InputError, Problem, closest, did_you_mean
from analyzer.questionnaire.estimate import Bounds, Estimate, show
from analyzer.questionnaire.history_presets import (
    incident_fields,
    incident_formats,
    time_format_problem,
    timezone_problem,
)

SCHEMA_VERSION = 2
#: Versions this analyzer reads; older ones are upgraded on load (``upgrade_document``).
READABLE_VERSIONS: tuple[int, ...] = (1, 2)

ProcessKind = Literal[
    "web", "worker", "scheduler", "batch", "database", "cache", "queue", "proxy", "search", "other"
]
#: Kinds that are off-the-shelf services (an official image plus configuration), not our own code.
SERVICE_KINDS: frozenset[str] = frozenset({"database", "cache", "queue", "proxy", "search"})
#: Kinds that hold state by default (a process may say otherwise).
STATEFUL_KINDS: frozenset[str] = frozenset({"database", "queue", "search"})

DeployMethod = Literal["package-upgrade", "rebake-image", "config-management"]
RunsOn = Literal["machine-image", "container", "managed"]
Provider = Literal["aws", "gcp", "azure", "other-cloud", "own-hardware"]
Orchestrator = Literal["none", "compose", "ecs", "kubernetes", "nomad", "other"]
ConfigManagement = Literal["none", "ansible", "puppet", "chef", "salt", "other"]
#: Application start once the host is up, by kind, when a process does not say (seconds).
STARTUP_SECONDS_BY_KIND: dict[str, tuple[float, float, float]] = {
    "web": (2.0, 8.0, 30.0),
    "worker": (1.0, 5.0, 20.0),
    "scheduler": (1.0, 3.0, 10.0),
    "batch": (1.0, 3.0, 10.0),
    "database": (5.0, 20.0, 120.0),
    "cache": (1.0, 2.0, 5.0),
    "queue": (2.0, 10.0, 60.0),
    "proxy": (1.0, 2.0, 5.0),
    "search": (10.0, 30.0, 120.0),
    "other": (1.0, 5.0, 30.0),
}
#: Entries, not services: a fleet of any size is one entry with a ``count``. The limit only keeps
#: a file readable (and under yamlio's node limit).
MAX_PROCESS_ENTRIES = 5000
FAMILIARITY_WORDS: dict[str, float] = {"none": 0.0, "basic": 0.33, "working": 0.67, "expert": 1.0}

CRITERIA: tuple[str, ...] = (
    "cost",
    "transition_risk",
    "operational_risk",
    "parity",
    "scale_out",
    "portability",
    "team_fit",
)


#: How sentences name an answer ("docker wins when <label> is above ..."); others use the key.
ANSWER_LABELS: dict[str, str] = {
    "team.engineers": "engineers",
    "team.ops_time_share": "share of time on operations",
    "team.hourly_cost": "cost of an engineer-hour",
    "team.docker_familiarity": "Docker familiarity",
    "team.hires_per_year": "hires a year",
    "team.platform_engineers": "platform engineers",
    "team.platform_familiarity": "platform familiarity",
    "team.new_services_per_year": "new services a year",
    "team.new_service_wait_days": "days a new service waits",
    "team.migration_people": "people on the move",
    "platform.config_management_hours_per_month": "config-management upkeep",
    "count": "services",
    "startup_seconds": "start-up time",
    "instances": "instances",
    "codebase.kloc": "codebase size",
    "delivery.prod_deploys_per_week": "production deploys a week",
    "delivery.nonprod_deploys_per_week": "non-production deploys a week",
    "delivery.hands_on_minutes_per_deploy": "hands-on time per deploy",
    "delivery.failed_deploy_rate": "share of deploys that fail",
    "delivery.lead_time_hours": "lead time",
    "delivery.image_bake_minutes": "image bake time",
    "incidents.hours_to_restore": "hours to restore",
    "incidents.people_per_incident": "people per incident",
    "data_gb": "data",
    "scale_out_events_per_month": "scale-outs a month",
    "native_dependencies": "native dependencies",
}


def _meta(description: str, unit: str, hint: str, **kwargs: Any) -> Any:
    return Field(description=description, json_schema_extra={"unit": unit, "hint": hint}, **kwargs)


@cache
def incident_categories() -> dict[str, dict[str, Any]]:
    """Incident categories from data/incident-categories.yaml, in their listed order."""
    loaded = load_yaml(data_dir() / "incident-categories.yaml")
    return dict(loaded.data["categories"])


#: Category names are short, so a looser match than usual still suggests the one meant.
CATEGORY_CUTOFF = 0.5


def _known_category(key: str) -> str:
    known = list(incident_categories())
    if key not in known:
        match = closest(key, known, CATEGORY_CUTOFF) or next(
            (k for k in known if key and key.lower() in k), None
        )
        suggestion = f" (did you mean '{match}'?)" if match else ""
        raise ValueError(
            f"unknown incident category '{key}'{suggestion}; known: {', '.join(known)}"
        )
    return key


CategoryName = Annotated[str, AfterValidator(_known_category)]


class Section(BaseModel):
    """Base of every questionnaire section: frozen, unknown keys refused."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def _familiarity(value: Any) -> Any:
    """A familiarity word (none, basic, working, expert) as its number, a pair of words
    (basic-working) as a range; numbers and typed ranges pass through."""
    if not isinstance(value, str):
        return value
    word = value.strip().lower()
    if word in FAMILIARITY_WORDS:
        return FAMILIARITY_WORDS[word]
    pair = re.fullmatch(r"(\w+)\s*(?:-|to)\s*(\w+)", word)
    if pair and pair.group(1) in FAMILIARITY_WORDS and pair.group(2) in FAMILIARITY_WORDS:
        low, high = (FAMILIARITY_WORDS[w] for w in pair.groups())
        if low > high:
            raise ValueError(f"'{value}': the first word must be the lower familiarity")
        return [low, round((low + high) / 2, 12), high]  # basic-working: 0.33-0.67
    if not word or word[0].isdigit() or word[0] in ".+-[":
        return value  # a typed range such as '0.2-0.5' or '20%-40%': Bounds reads it
    suggestion = did_you_mean(word, FAMILIARITY_WORDS)
    raise ValueError(
        f"unknown familiarity {show(value)}{suggestion}: write a number from 0 to 1 or one "
        f"of {', '.join(FAMILIARITY_WORDS)}"
    )


class Team(Section):
    engineers: Annotated[Estimate, Bounds(ge=1, le=100_000)] = _meta(
        "Product engineers who write and ship the application.",
        "people",
        "Count people who deploy or get paged for it, in full-time equivalents; platform or "
        "operations staff go under platform_engineers.",
        examples=[[2, 3, 4]],
    )
    ops_time_share: Annotated[Estimate, Bounds(ge=0, le=1)] = _meta(
        "Share of the product engineers' time spent on operations today (deploys, servers, "
        "incidents); a cross-check of what the model itemises, reported when they differ.",
        "fraction 0-1",
        "Look at last month's calendar and tickets; 0.1 means half a day a week per person.",
        default=Estimate(0.05, 0.10, 0.25),
    )
    hourly_cost: Annotated[Estimate, Bounds(ge=0, le=2000)] = _meta(
        "Fully loaded cost of one engineer-hour.",
        "currency per hour",
        "Salary plus overhead divided by about 1,700 working hours a year.",
        default=Estimate(50.0, 75.0, 110.0),
    )
    currency: str = Field("USD", description="Currency of hourly_cost.", max_length=8)
    docker_familiarity: Annotated[Estimate, Bounds(ge=0, le=1)] = _meta(
        "How well the product engineers know containers: 0 nobody has used Docker; 0.33 basic "
        "(ran containers locally); 0.67 working (someone shipped Docker to production); 1 expert. "
        "The words none, basic, working, expert are accepted too, and ranges of them "
        "(basic-working).",
        "score 0-1",
        "Ask who has written a Dockerfile that reached production. A mixed team: the average "
        "over engineers (one expert and five beginners: (1 + 5 x 0.1) / 6 = 0.25) as likely, "
        "the beginners' level as low, e.g. [0.1, 0.25, 0.4]; the report lists the single expert "
        "as a risk.",
        default=Estimate(0.1, 0.33, 0.5),
    )
    hires_per_year: Annotated[Estimate, Bounds(ge=0, le=10_000)] | None = _meta(
        "New engineers expected to join per year (each needs a working dev environment); "
        "default: a share of the engineers (assumption hire_share_per_year, about 13 % a year).",
        "people per year",
        "Use the hiring plan, replacements included; 0 if the team is stable.",
        default=None,
    )
    platform_engineers: Annotated[Estimate, Bounds(ge=0, le=10_000)] = _meta(
        "People whose job is running infrastructure or a platform (0: the product engineers do "
        "their own operations).",
        "people",
        "Count the ops/SRE/platform team in full-time equivalents.",
        default=Estimate.point(0),
    )
    platform_familiarity: Annotated[Estimate, Bounds(ge=0, le=1)] | None = _meta(
        "Container-platform / orchestrator familiarity of the platform engineers (or of whoever "
        "would run it), 0-1 or a word; default: docker_familiarity.",
        "score 0-1",
        "Has anyone run an orchestrator (ECS, Kubernetes, Nomad) in production?",
        default=None,
    )
    new_services_per_year: Annotated[Estimate, Bounds(ge=0, le=10_000)] | None = _meta(
        "New services or applications started a year; default: a share of the team's own "
        "services today (assumption new_service_share_per_year, about 8 % a year).",
        "services per year",
        "Count the repositories or services created last year.",
        default=None,
    )
    new_service_wait_days: Annotated[Estimate, Bounds(ge=0, le=365)] = _meta(
        "Calendar days a new service waits today for its infrastructure (hosts, images, load "
        "balancer, DNS, pipeline).",
        "days",
        "Ask the last team that started a service how long until it ran in production.",
        default=Estimate(1.0, 3.0, 10.0),
    )
    migration_people: Annotated[Estimate, Bounds(ge=0.1, le=10_000)] | None = _meta(
        "People who can work on the move at once; default: derived from engineers and "
        "platform_engineers (data/assumptions.yaml).",
        "people",
        "Who would you really put on it, in full-time equivalents?",
        default=None,
    )

    @field_validator("docker_familiarity", "platform_familiarity", mode="before")
    @classmethod
    def _familiarity_words(cls, value: Any) -> Any:
        return _familiarity(value)


class Codebase(Section):
    kloc: Annotated[Estimate, Bounds(ge=0.1, le=100_000)] = _meta(
        "Size of the application's own code, in thousands of lines (not dependencies).",
        "thousand lines of code",
        "Run `cloc` or `tokei` on the repository and take the code lines of your own sources.",
        examples=[[10, 20, 40]],
    )
    languages: list[str] = Field(
        default_factory=lambda: ["python"],
        description="Main languages, e.g. [python, javascript].",
        min_length=1,
        max_length=20,
    )


@cache
def instance_sizes() -> frozenset[str]:
    """The instance types and owned servers data/prices.yaml prices (its section keys)."""
    data = load_yaml(data_dir() / "prices.yaml", what="price file").data
    return frozenset([*data.get("instance_types", {}), *data.get("servers", {})])


@cache
def _size_sources() -> tuple[dict[str, str], dict[str, str]]:
    """(size -> whose it is: a cloud's name, or "own-hardware" for an owned server;
    provider -> the provider whose prices it uses), from data/prices.yaml."""
    data = load_yaml(data_dir() / "prices.yaml", what="price file").data
    owner = {k: str(v.get("provider", "")) for k, v in data.get("instance_types", {}).items()}
    owner |= {k: "own-hardware" for k in data.get("servers", {})}
    priced = {k: str(v.get("prices_as") or k) for k, v in data.get("providers", {}).items()}
    return owner, priced


def size_mismatch(size: str | None, provider: str) -> str | None:
    """Why ``size`` cannot run under ``provider``, or None: an owned server in a cloud, or one
    cloud's instance type under another (own hardware takes any size: a VM's share of a
    server)."""
    if size is None or provider == "own-hardware":  # (no price file read for no size)
        return None
    owner, priced = _size_sources()
    if size not in owner:
        return None
    if owner[size] == "own-hardware":
        return (f"'{size}' is an owned server but hosting.provider is {provider}: name a cloud "
                "instance type, or set hosting.provider: own-hardware")
    as_ = priced.get(provider, provider)
    if owner[size] != as_:
        note = "" if as_ == provider else f" (priced as {as_})"
        return (f"'{size}' is an instance type of {owner[size]} but hosting.provider is "
                f"{provider}{note}: name one of {as_}'s instance types, or change the provider")
    return None


def _known_size(value: str | None) -> str | None:
    if value is not None and value not in instance_sizes():
        raise ValueError(
            f"unknown instance type '{value}'{did_you_mean(value, instance_sizes())}; "
            "the sizes data/prices.yaml prices are listed there"
        )
    return value


class Hosting(Section):
    provider: Provider = Field(
        "aws", description="Where the hosts run: aws, gcp, azure, other-cloud or own-hardware."
    )
    instance_type: str | None = Field(
        None,
        description="Default size for every process, a key of data/prices.yaml (e.g. "
        "m6i.large); default: the provider's general-purpose large size.",
        max_length=60,
    )

    _size = field_validator("instance_type")(_known_size)

    @model_validator(mode="after")
    def _size_of_the_provider(self) -> Hosting:
        problem = size_mismatch(self.instance_type, self.provider)
        if problem:
            raise ValueError(problem)
        return self


class Platform(Section):
    """What exists today: an option does not pay for it again."""

    registry: bool = Field(False, description="A container registry exists.")
    container_pipeline: bool = Field(
        False, description="CI builds and pushes container images already."
    )
    orchestrator: Orchestrator = Field(
        "none", description="none, compose, ecs, kubernetes, nomad or other."
    )
    orchestrator_managed: bool = Field(
        False, description="The orchestrator's control plane is run by a provider (EKS, GKE, ECS)."
    )
    config_management: ConfigManagement = Field(
        "none", description="Config management on the hosts: none, ansible, puppet, chef, salt."
    )
    config_management_hours_per_month: Annotated[Estimate, Bounds(ge=0, le=100_000)] | None = (
        _meta(
            "Upkeep of the config-management code (modules, roles, cookbooks); default from "
            "data/assumptions.yaml when config_management is not none, else 0.",
            "h per month",
            "Time spent last quarter on the Puppet/Chef/Ansible code, divided by 3.",
            default=None,
        )
    )


class Process(Section):
    name: str = Field(
        description="A short name, e.g. web, celery, mongodb.",
        min_length=1,
        max_length=60,
        examples=["web"],
    )
    kind: ProcessKind = Field(
        description="web, worker, scheduler, batch (your code) or database, cache, queue, proxy, "
        "search (off-the-shelf services), or other.",
        examples=["web"],
    )
    stateful: bool | None = Field(
        None,
        description="Keeps data that must survive a restart. Defaults to true for database, queue "
        "and search.",
    )
    runs_on: RunsOn = Field(
        "machine-image",
        description="Where it runs today: machine-image (a VM/AMI), container, or managed "
        "(a provider runs it, e.g. RDS, ElastiCache).",
    )
    data_gb: Annotated[Estimate, Bounds(ge=0, le=1_000_000)] = _meta(
        "Data the process keeps on disk (stateful processes), per service.", "GB",
        "`du -sh` on its data folder.",
        default=Estimate.point(0),
    )
    embedded: bool = Field(
        False,
        description="A file inside another process (e.g. SQLite): never its own container.",
    )
    count: Annotated[Estimate, Bounds(ge=1, le=1_000_000)] = _meta(
        "How many similar services this entry stands for (a fleet: '120 Java services like "
        "this one').",
        "services",
        "Count the repositories or deployables that look like this one; 1 for a single process.",
        default=Estimate.point(1),
    )
    deploy_method: DeployMethod | None = Field(
        None,
        description="How new versions reach it today: package-upgrade, rebake-image or "
        "config-management; default: delivery.deploy_method.",
    )
    native_dependencies: Annotated[Estimate, Bounds(ge=0, le=1000)] = _meta(
        "System libraries or compiled extensions it needs beyond the language runtime "
        "(e.g. mod_wsgi, libxml2, GDAL).",
        "packages",
        "Count the apt/yum lines in your image scripts that exist for this process.",
        default=Estimate.point(0),
    )
    startup_seconds: Annotated[Estimate, Bounds(ge=0, le=24 * 3600)] | None = _meta(
        "Application start once the host is up; default by kind.", "seconds",
        "Time from starting the process to its health check passing.",
        default=None,
    )
    instances: Annotated[Estimate, Bounds(ge=0, le=1_000_000)] = _meta(
        "Instances (hosts/VMs) normally running, per service.", "instances",
        "Count them in the cloud console.",
        default=Estimate.point(1),
    )
    peak_instances: Annotated[Estimate, Bounds(ge=0, le=1_000_000)] | None = _meta(
        "Instances at peak load, per service; default: instances.", "instances",
        "The most you have seen running at once; leave out if it never scales.",
        default=None,
    )
    peak_hours_per_day: Annotated[Estimate, Bounds(ge=0, le=24)] = _meta(
        "How long peaks last a day.", "hours per day", "Read it off the load graph.",
        default=Estimate(0.0, 2.0, 6.0),
    )
    autoscaling: bool = Field(
        False, description="Scaling is automatic (an auto scaling group or an autoscaler)."
    )
    scale_out_events_per_month: Annotated[Estimate, Bounds(ge=0, le=100_000)] = _meta(
        "Times a month new instances are started to meet load, counted over all the services "
        "this entry stands for (not per service).", "events per month",
        "Autoscaling history of the whole entry, or 0 for a fixed fleet.",
        default=Estimate(0.0, 0.0, 2.0),
    )
    instance_type: str | None = Field(
        None, description="Overrides hosting.instance_type for this process.", max_length=60
    )
    _size = field_validator("instance_type")(_known_size)
    utilisation: Annotated[Estimate, Bounds(ge=0, le=1)] = _meta(
        "Average CPU utilisation of its instances.", "fraction 0-1",
        "The monitoring dashboard's monthly average.",
        default=Estimate(0.1, 0.2, 0.4),
    )
    shares_host_with: list[str] = Field(
        default_factory=list,
        description="Names of processes co-located on the same hosts today.",
        max_length=1000,
    )

    @property
    def is_stateful(self) -> bool:
        return self.kind in STATEFUL_KINDS if self.stateful is None else self.stateful

    @property
    def is_service(self) -> bool:
        return self.kind in SERVICE_KINDS

    @property
    def managed(self) -> bool:
        """Run by a provider today (version 1's ``managed: true``)."""
        return self.runs_on == "managed"

    @property
    def startup(self) -> Estimate:
        """Start-up seconds: the answer, else the default for its kind."""
        if self.startup_seconds is not None:
            return self.startup_seconds
        return Estimate(*STARTUP_SECONDS_BY_KIND[self.kind])

    @property
    def peak(self) -> Estimate:
        return self.instances if self.peak_instances is None else self.peak_instances

    @model_validator(mode="after")
    def _peak_not_below_normal(self) -> Process:
        if self.peak_instances is not None and self.peak_instances.high < self.instances.low:
            raise ValueError("peak_instances is below instances")
        return self


class Delivery(Section):
    prod_deploys_per_week: Annotated[Estimate, Bounds(ge=0, le=10_000)] = _meta(
        "Production deploys per week.", "deploys per week",
        "Count last quarter's releases and divide by 13.",
        examples=[[1, 3, 5]],
    )
    nonprod_deploys_per_week: Annotated[Estimate, Bounds(ge=0, le=100_000)] = _meta(
        "Deploys to development, test or staging environments per week.", "deploys per week",
        "Count CI runs that deploy somewhere other than production.",
        default=Estimate(0.0, 5.0, 20.0),
    )
    environments: int = Field(
        2, ge=1, le=1000, description="Environments kept running (e.g. dev and production = 2)."
    )
    hands_on_minutes_per_deploy: Annotated[Estimate, Bounds(ge=0, le=24 * 60)] = _meta(
        "Engineer time one production deploy takes, including watching it.", "minutes",
        "Time the next release from start to 'done'.",
        default=Estimate(5.0, 15.0, 45.0),
    )
    failed_deploy_rate: Annotated[Estimate, Bounds(ge=0, le=1)] = _meta(
        "Share of production deploys that need a fix or a rollback (DORA change failure rate).",
        "fraction 0-1", "Rollbacks and hotfixes last quarter divided by deploys.",
        default=Estimate(0.02, 0.08, 0.2),
    )
    lead_time_hours: Annotated[Estimate, Bounds(ge=0, le=24 * 365)] = _meta(
        "Time from a commit being merged to it running in production (DORA lead time).", "hours",
        "Median over the last few releases; a weekly release means about 84 hours.",
        default=Estimate(4.0, 48.0, 168.0),
    )
    deploy_method: DeployMethod = Field(
        "package-upgrade",
        description="How code reaches production today, for processes that do not say: "
        "package-upgrade (pip/apt upgrade on running instances), rebake-image (a new machine "
        "image per release) or config-management (Puppet/Chef/Ansible run on the hosts).",
    )
    image_bake_minutes: Annotated[Estimate, Bounds(ge=0, le=24 * 60)] = _meta(
        "Time to build a new machine image from the scripts.", "minutes",
        "Time the last bake; Packer prints it.",
        default=Estimate(10.0, 20.0, 45.0),
    )


def _known_history_format(name: str) -> str:
    known = incident_formats()
    if name not in known:
        raise ValueError(f"unknown history format '{name}'; known: {', '.join(known)}")
    return name


def _known_history_fields(columns: dict[str, str]) -> dict[str, str]:
    unknown = sorted(set(columns) - set(incident_fields()))
    if unknown:
        raise ValueError(
            f"unknown column field(s) {', '.join(unknown)}; known: {', '.join(incident_fields())}"
        )
    return columns


def _readable_time_format(time_format: str) -> str:
    why = time_format_problem(time_format)
    if why is not None:
        raise ValueError(why)
    return time_format


def _known_timezone(timezone: str) -> str:
    why = timezone_problem(timezone)
    if why is not None:
        raise ValueError(why)
    return timezone


class IncidentHistory(Section):
    """An incident export to read counts and restore times from (``analyzer history`` shows it)."""

    file: str = Field(
        description="Incident export (CSV), relative to this questionnaire.",
        min_length=1,
        examples=["exports/incidents.csv"],
    )
    format: Annotated[str, AfterValidator(_known_history_format)] = Field(
        "generic",
        description="generic, pagerduty or opsgenie (presets in data/history-presets.yaml).",
    )
    columns: Annotated[dict[str, str], AfterValidator(_known_history_fields)] = Field(
        default_factory=dict,
        description="Column names that differ from the preset, e.g. {created: opened_at}.",
    )
    window_months: float | None = Field(
        None, gt=0, le=120,
        description="Months the export covers; default: from the first to the last incident.",
    )
    deploys: str | None = Field(
        None,
        description="Deploys CSV (timestamp, status, commit_time, service), relative to this file.",
    )
    git: str | None = Field(
        None, description="A git repository whose tags are the production deploys."
    )
    tag_pattern: str | None = Field(
        None, min_length=1,
        description="Only git tags matching this glob are deploys, e.g. 'v*' or 'release-*'.",
    )
    time_format: Annotated[str, AfterValidator(_readable_time_format)] | None = Field(
        None, min_length=1,
        description="Time format of the exports if not the preset's: ISO8601, epoch_s, epoch_ms "
        "or a strftime pattern such as '%m/%d/%Y %H:%M' (a spreadsheet re-save).",
    )
    timezone: Annotated[str, AfterValidator(_known_timezone)] | None = Field(
        None, min_length=1,
        description="IANA time zone of times written without a UTC offset, e.g. Europe/Berlin.",
    )
    categories: str | None = Field(
        None, min_length=1,
        description="Your own keyword rules (YAML like data/incident-categories.yaml), relative "
        "to this file.",
    )
    change_failure_window_hours: float = Field(
        24.0, gt=0, le=24 * 30,
        description="An incident this many hours after a deploy on its service counts as that "
        "deploy's failure (DORA change failure rate).",
    )

    @model_validator(mode="after")
    def _one_deploy_source(self) -> IncidentHistory:
        if self.deploys is not None and self.git is not None:
            raise ValueError("give deploys or git, not both")
        return self


class Incidents(Section):
    window_months: Annotated[Estimate, Bounds(ge=0.5, le=120)] = _meta(
        "The period the counts below cover.", "months", "Use the last 12 months if you can.",
        default=Estimate.point(12),
    )
    counts: dict[CategoryName, Annotated[Estimate, Bounds(ge=0, le=100_000)]] = Field(
        default_factory=dict,
        description="Incidents in the window by category; categories left out count as zero.",
    )
    hours_to_restore: Annotated[Estimate, Bounds(ge=0, le=24 * 30)] = _meta(
        "Time from noticing an incident to service restored.", "hours",
        "Typical incident; the range covers the quick ones and the bad ones.",
        default=Estimate(0.5, 2.0, 8.0),
    )
    people_per_incident: Annotated[Estimate, Bounds(ge=0.1, le=100)] = _meta(
        "Engineers busy while an incident is open.", "people", "Usually 1-2 in a small team.",
        default=Estimate(1.0, 1.0, 2.0),
    )
    history: IncidentHistory | None = Field(
        None,
        description="An incident export to take counts and restore times from instead of typing "
        "them in; check it with `analyzer history`.",
    )


class Weights(Section):
    """Relative importance of each criterion; they are normalised to sum to 1."""

    cost: float = Field(0.35, ge=0, le=100, description="Total cost in engineer-hours (NPV).")
    transition_risk: float = Field(
        0.15, ge=0, le=100, description="Risk that the move overruns the team's capacity."
    )
    operational_risk: float = Field(0.15, ge=0, le=100, description="Expected incident hours.")
    parity: float = Field(0.10, ge=0, le=100, description="Dev/prod parity.")
    scale_out: float = Field(0.10, ge=0, le=100, description="Speed of adding capacity.")
    portability: float = Field(0.05, ge=0, le=100, description="Ease of moving host or provider.")
    team_fit: float = Field(0.10, ge=0, le=100, description="Fit with the team's skills.")

    @model_validator(mode="after")
    def _not_all_zero(self) -> Weights:
        if sum(getattr(self, c) for c in CRITERIA) <= 0:
            raise ValueError("at least one weight must be above zero")
        return self

    def normalised(self) -> dict[str, float]:
        total = sum(getattr(self, c) for c in CRITERIA)
        return {c: getattr(self, c) / total for c in CRITERIA}

    def notice(self) -> str | None:
        """A sentence when the weights do not sum to 1 and were scaled (None when they do)."""
        total = sum(getattr(self, c) for c in CRITERIA)
        if math.isclose(total, 1.0, rel_tol=1e-9, abs_tol=1e-9):
            return None
        shares = self.normalised()
        scaled = ", ".join(
            f"{c} {getattr(self, c):g} -> {100 * shares[c]:.0f} %" for c in CRITERIA
            if getattr(self, c) > 0
        )
        return (f"The weights sum to {total:g}, not 1; each was divided by {total:g} so they "
                f"sum to 100 %: {scaled}.")


class Priorities(Section):
    horizon_months: int = Field(
        36, ge=3, le=120, description="How far ahead to compare the options, in months."
    )
    discount_rate_annual: float = Field(
        0.08, ge=0, le=1, description="Yearly rate at which future hours count for less (NPV)."
    )
    weight_tolerance: float = Field(
        0.2, ge=0, le=1,
        description="Relative tolerance the team accepts on the weights (they are sampled "
        "within it).",
    )
    weights: Weights = Field(default_factory=Weights, description="Criterion weights.")


class Questionnaire(Section):
    """One application and the team that runs it."""

    schema_version: Literal[2] = Field(
        description="Questionnaire format version; 2 (version 1 files are upgraded on load).",
        examples=[SCHEMA_VERSION],
    )
    name: str = Field(
        description="The team or application this is about.",
        min_length=1,
        max_length=120,
        examples=["My team - my application"],
    )
    description: str | None = Field(None, max_length=2000, description="Context for the report.")
    team: Team = Field(description="The people who build and run the application.")
    codebase: Codebase = Field(description="The application's own code.")
    hosting: Hosting = Field(  # type: ignore[arg-type]
        default_factory=Hosting, description="Where the hosts run."
    )
    platform: Platform = Field(  # type: ignore[arg-type]
        default_factory=Platform,
        description="Platform pieces that exist today (an option does not pay for them again).",
    )
    processes: list[Process] = Field(
        min_length=1,
        max_length=MAX_PROCESS_ENTRIES,
        description="Every process the application runs in production, one entry each or one "
        "per fleet of similar services (with count): your own code (web, worker...) and the "
        "services it needs (database, cache, queue...).",
        examples=[
            [
                {"name": "web", "kind": "web", "instances": [1, 2, 4]},
                {"name": "database", "kind": "database", "data_gb": [5, 20, 50]},
            ]
        ],
    )
    delivery: Delivery = Field(description="How code reaches production today.")
    incidents: Incidents = Field(  # type: ignore[arg-type]
        default_factory=Incidents,
        description="What has broken in production over a recent window.",
    )
    priorities: Priorities = Field(  # type: ignore[arg-type]
        default_factory=Priorities,
        description="How far ahead to look and what matters most to the team.",
    )

    @field_validator("processes")
    @classmethod
    def _sizes_of_the_provider(cls, processes: list[Process], info: ValidationInfo) -> list[Process]:
        """A process's own instance type is of hosting.provider's cloud (see size_mismatch)."""
        hosting = info.data.get("hosting")
        provider = hosting.provider if isinstance(hosting, Hosting) else "aws"
        for p in processes:
            problem = size_mismatch(p.instance_type, provider)
            if problem:
                raise ValueError(f"{p.name}: {problem}")
        return processes

    @field_validator("processes")
    @classmethod
    def _unique_process_names(cls, processes: list[Process]) -> list[Process]:
        # A field validator (not a model validator), so the error points at `processes:`.
        names = [p.name for p in processes]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"process names must be unique; repeated: {', '.join(dupes)}")
        known = set(names)
        for p in processes:
            unknown = sorted(set(p.shares_host_with) - known)
            if unknown:
                raise ValueError(
                    f"{p.name}: shares_host_with names unknown process(es) {', '.join(unknown)}"
                )
            if p.name in p.shares_host_with:
                raise ValueError(f"{p.name}: shares_host_with names the process itself; list "
                                 "the other processes on its hosts")
        return processes


# --------------------------------------------------------------------------------------------
# Loading: YAML with positions -> pydantic -> one Problem per error, located in the file.


def _unwrap(annotation: Any) -> Any:
    """The model class inside Optional[...], list[...], dict[str, ...] or Annotated[...]."""
    while True:
        origin = get_origin(annotation)
        if origin is None:
            return annotation
        args = [a for a in get_args(annotation) if a is not type(None)]
        if origin is Annotated or origin in (list, tuple, set):
            annotation = args[0]
        elif origin is dict:
            annotation = args[1]
        elif len(args) == 1:
            annotation = args[0]
        else:
            models = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
            return models[0] if models else annotation


def _model_at(root: type[BaseModel], loc: Loc) -> type[BaseModel] | None:
    model: Any = root
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return None
        info: FieldInfo | None = model.model_fields.get(part)
        if info is None:
            return None
        model = _unwrap(info.annotation)
    return model if isinstance(model, type) and issubclass(model, BaseModel) else None


def _suggested_field(root: type[BaseModel], loc: Loc) -> str | None:
    """The known field closest to the unknown key at the end of ``loc``, if any is close."""
    model = _model_at(root, loc[:-1])
    known = list(model.model_fields) if model else []
    return closest(str(loc[-1]), known)


def _message(error: Any, root: type[BaseModel]) -> str:
    kind = error["type"]
    loc = tuple(error["loc"])
    if kind == "extra_forbidden":
        hint = _suggested_field(root, loc)
        suggestion = f" (did you mean '{hint}'?)" if hint else ""
        return f"unknown field '{loc[-1]}'{suggestion}"
    if kind == "missing":
        return "required field is missing"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"expected a mapping of fields (key: value lines), got {show(error['input'])}"
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        return f"got {show(error['input'])}; expected {expected}"
    message = str(error["msg"])
    for prefix in ("Value error, ", "Assertion failed, "):
        message = message.removeprefix(prefix)
    return message


def problems_from_validation(
    exc: ValidationError, name: str, marks: Marks, root: type[BaseModel]
) -> list[Problem]:
    """One Problem per pydantic error, with the line and column of the offending node."""
    problems: list[Problem] = []
    errors = exc.errors(include_url=False)
    # A misspelt key also makes its field "missing": the "did you mean" line says it all.
    meant = {
        (*tuple(e["loc"])[:-1], hint)
        for e in errors
        if e["type"] == "extra_forbidden" and (hint := _suggested_field(root, tuple(e["loc"])))
    }
    for error in errors:
        loc: Loc = tuple(error["loc"])
        if error["type"] == "missing" and loc in meant:
            continue
        # pydantic appends tags like 'function-plain[...]' for custom types; drop them.
        loc = tuple(p for p in loc if not (isinstance(p, str) and "[" in p and p.endswith("]")))
        on_key = error["type"] == "extra_forbidden" or "[key]" in error["loc"]
        line, col = marks.locate(loc, prefer_key=on_key)
        field = format_loc(loc) or "(top level)"
        problems.append(Problem(name, _message(error, root), line, col, field))
    problems.sort(key=lambda p: (p.line or 0, p.column or 0))
    return problems


def check_schema_version(data: Mapping[str, Any], name: str, marks: Marks | None = None) -> None:
    """Raise InputError unless the document's ``schema_version``, when given, is one this analyzer
    reads (version 1 is upgraded on load; ``true`` is not the number 1)."""
    version = data.get("schema_version", SCHEMA_VERSION)
    if isinstance(version, bool) or version not in READABLE_VERSIONS:
        line, col = marks.locate(("schema_version",)) if marks is not None else (None, None)
        raise InputError(
            [
                Problem(
                    name,
                    f"unsupported schema_version {show(version)}; this analyzer reads versions "
                    f"{', '.join(str(v) for v in READABLE_VERSIONS)}",
                    line, col, "schema_version",
                )
            ]
        )

#: Version 1 codebase fields the model never used; dropped on upgrade with a note.
DROPPED_V1_FIELDS: tuple[str, ...] = ("apps", "architecture")
EMBEDDED_MARKER = "sqlite"
EMBEDDED_BELOW_GB = 1.0


def _below(value: Any, limit: float) -> bool:
    """True when an Estimate-shaped answer's likely value is below ``limit`` (unreadable: False)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return value < limit
    if isinstance(value, list) and len(value) == 3 and all(
        isinstance(x, (int, float)) for x in value
    ):
        return bool(value[1] < limit)
    if isinstance(value, dict) and isinstance(value.get("likely"), (int, float)):
        return bool(value["likely"] < limit)
    return False


def upgrade_document(data: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """A version-1 questionnaire (parsed YAML) as version 2, and notes on what changed.

    Same answers, new fields at their defaults (docs/design/questionnaire-v2.md, "Upgrade from
    version 1"): ``managed: true`` becomes ``runs_on: managed`` (else ``machine-image``); a
    stateful ``other`` process under 1 GB whose name contains "sqlite" becomes ``embedded``;
    ``codebase.apps`` and ``codebase.architecture`` are dropped. The input is not changed.
    """
    import copy

    out = copy.deepcopy(data)
    notes: list[str] = []
    if out.get("schema_version") != 1:
        return out, notes
    out["schema_version"] = SCHEMA_VERSION
    codebase = out.get("codebase")
    if isinstance(codebase, dict):
        for key in DROPPED_V1_FIELDS:
            if key in codebase:
                notes.append(
                    f"codebase.{key} ({show(codebase.pop(key))}) dropped: version 2 does not use it"
                )
    processes = out.get("processes")
    for i, proc in enumerate(processes if isinstance(processes, list) else []):
        if not isinstance(proc, dict):
            continue
        managed = proc.pop("managed", None)
        proc["runs_on"] = "managed" if managed is True else "machine-image"
        if managed is not None and not isinstance(managed, bool):
            proc["managed"] = managed  # not a yes/no: leave it for validation to report
        name = str(proc.get("name", ""))
        if (
            proc.get("kind") == "other"
            and proc.get("stateful") is True
            and EMBEDDED_MARKER in name.lower()
            and _below(proc.get("data_gb", 0), EMBEDDED_BELOW_GB)
        ):
            proc["embedded"] = True
            notes.append(f"processes[{i}] ({name}): marked embedded (a file inside another process)")
    return out, notes


def validate_document(data: Any, marks: Marks, name: str) -> Questionnaire:
    """Validate parsed YAML as a questionnaire (version 1 is upgraded first); raise InputError
    listing every problem."""
    if not isinstance(data, dict):
        raise InputError(
            [Problem(name, "expected a mapping of sections (team:, codebase:, ...)", 1, 1)]
        )
    check_schema_version(data, name, marks)
    data, _notes = upgrade_document(data)
    try:
        return Questionnaire.model_validate(data)
    except ValidationError as exc:
        raise InputError(problems_from_validation(exc, name, marks, Questionnaire)) from None
    except RecursionError:
        raise InputError([Problem(name, "values are nested too deeply to check")]) from None


def load_questionnaire(path: str | Path) -> Questionnaire:
    """Read, parse and validate a questionnaire file."""
    loaded: LoadedYaml = load_yaml(path, what="questionnaire")
    return validate_document(loaded.data, loaded.marks, str(loaded.path))


def parse_questionnaire(text: str, name: str = "<questionnaire>") -> Questionnaire:
    """Validate a questionnaire given as YAML text (used by notebooks and tests)."""
    data, marks = parse_yaml(text, name)
    return validate_document(data, marks, name)


def answered(model: BaseModel, name: str) -> bool:
    """The user gave field ``name`` of ``model``: it is set, and not as a ``null`` where the
    default is None (what ``init`` and ``ask`` write for an answer left to the default)."""
    if name not in model.model_fields_set:
        return False
    return not (getattr(model, name) is None and type(model).model_fields[name].default is None)


def iter_fields(model: BaseModel, prefix: str = "") -> Iterator[tuple[str, Any, bool, FieldInfo]]:
    """(dotted path, value, given by the user?, field info) for every leaf field, in order;
    optional parts left out (None by default, e.g. incidents.history) are skipped. A field
    written as ``null`` where its default is None (what ``init`` and ``ask`` write for an
    answer left to the default) is not given: it is the default, as if left out."""
    for key, info in type(model).model_fields.items():
        value = getattr(model, key)
        path = f"{prefix}{key}"
        given = answered(model, key)
        if value is None and not given:
            continue
        if isinstance(value, BaseModel):
            yield from iter_fields(value, path + ".")
        else:
            yield path, value, given, info
