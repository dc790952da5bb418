"""What is fixed for a run: today's state, each option's target state, and the difference.

MODEL.md v2 "Describe the team as it is": the status quo is data. Each process (or fleet of similar
services) runs today on a machine image, in a container or as a managed service, and is deployed by
a method; each option places three groups of processes (the team's own code, stateless
off-the-shelf services, stateful processes) and needs platform pieces. The transition is the
difference between the two; everything here is a plain value, the uncertain numbers are sampled
separately (analyzer.model.params) and read through ``analyzer.model.draws``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from analyzer.model.assumptions import Assumptions
from analyzer.model.money import MoneyPlan
from analyzer.model.options import OptionSpec
from analyzer.questionnaire.form import SERVICE_KINDS, Process, Questionnaire, incident_categories

#: Where a process runs.
MACHINE_IMAGE = "machine-image"
CONTAINER = "container"
MANAGED = "managed"
#: Delivery methods, today's three plus the two an option can bring.
PACKAGE = "package-upgrade"
REBAKE = "rebake-image"
CONFIG_MANAGEMENT = "config-management"
CONTAINER_METHOD = "container"
BAKED_CONTAINER = "baked-container"
MANAGED_METHOD = "managed"
#: Orchestrators as the model costs them.
NO_ORCHESTRATOR = "none"
COMPOSE = "compose"
MANAGED_ORCHESTRATOR = "managed"
SELF_RUN = "self-run"


@dataclass(frozen=True)
class ProcessInfo:
    """One questionnaire entry (a process, or a fleet of ``count`` similar services)."""

    name: str
    kind: str
    service: bool  # off-the-shelf (database, cache, ...): an official image, not our code
    stateful: bool
    embedded: bool  # a file inside another process: never its own container
    runs_on: str  # today
    method: str  # today's delivery method (container/managed for those locations)
    autoscaling: bool
    co_located: bool
    group: str  # application, service or stateful: which option.target entry places it

    @property
    def managed(self) -> bool:
        return self.runs_on == MANAGED


@dataclass(frozen=True)
class Structure:
    """Options, processes, where each process runs under each option and the platform pieces."""

    option_names: tuple[str, ...]
    options: tuple[OptionSpec, ...]
    processes: tuple[ProcessInfo, ...]
    location: tuple[tuple[str, ...], ...]  # [option][process]: target location
    method: tuple[tuple[str, ...], ...]  # [option][process]: delivery method in the target
    orchestrator_today: str
    orchestrator: tuple[str, ...]  # [option]: the orchestrator the target runs on
    new_pieces: tuple[tuple[str, ...], ...]  # [option]: platform pieces it needs and today lacks
    config_management: bool
    environments: int
    horizon_months: int
    discount_rate_annual: float
    categories: tuple[str, ...]
    #: the team gave its hands-on minutes per deploy (else the default, see recurring.delivery)
    hands_on_answered: bool = True
    #: prices and sizes for the money (analyzer.model.money), attached by core.build_structure
    money: MoneyPlan | None = None

    @property
    def status_quo(self) -> int:
        return next(i for i, o in enumerate(self.options) if o.status_quo)

    @property
    def contained(self) -> tuple[tuple[bool, ...], ...]:
        """[option][process]: runs in a container in the target (embedded files never do)."""
        return tuple(
            tuple(
                loc == CONTAINER and not p.embedded
                for loc, p in zip(row, self.processes, strict=True)
            )
            for row in self.location
        )

    def unchanged(self, option: int) -> bool:
        """``option`` leads to today's state exactly: every process where and how it runs
        today, on today's orchestrator, with no platform piece to add: not a move (every
        option is, for a team that runs every process in containers already)."""
        sq = self.status_quo
        return (
            self.location[option] == self.location[sq]
            and self.method[option] == self.method[sq]
            and self.orchestrator[option] == self.orchestrator[sq]
            and not self.new_pieces[option]
        )

    @property
    def nothing_to_move(self) -> bool:
        """Every option is today's state (``unchanged``): there is no move to decide on."""
        return all(self.unchanged(i) for i in range(len(self.options)))

    def data_moved(self, option: int) -> tuple[str, ...]:
        """Names of the stateful processes (not embedded) that ``option`` moves into containers
        from elsewhere: their data has to be migrated into volumes."""
        return tuple(
            p.name
            for p, loc in zip(self.processes, self.location[option], strict=True)
            if p.stateful and not p.embedded and loc == CONTAINER and p.runs_on != CONTAINER
        )

    @property
    def rebakes_today(self) -> bool:
        """Does any process ship today by baking a new machine image per release?"""
        return any(p.method == "rebake-image" for p in self.processes)

    def mask(self, location: str) -> NDArray[np.float64]:
        """(options, processes) 1.0 where the target runs a (non-embedded) process there."""
        return np.array(
            [
                [
                    float(loc == location and not p.embedded)
                    for loc, p in zip(row, self.processes, strict=True)
                ]
                for row in self.location
            ]
        )

    def today_mask(self, location: str) -> NDArray[np.float64]:
        """(processes,) 1.0 where a (non-embedded) process runs there today."""
        return np.array([float(p.runs_on == location and not p.embedded) for p in self.processes])

    def method_mask(self, *methods: str) -> NDArray[np.float64]:
        """(options, processes) 1.0 where the target deploys a process by one of ``methods``."""
        return np.array(
            [
                [
                    float(m in methods and not p.embedded)
                    for m, p in zip(row, self.processes, strict=True)
                ]
                for row in self.method
            ]
        )

    def today_method_mask(self, *methods: str) -> NDArray[np.float64]:
        return np.array([float(p.method in methods and not p.embedded) for p in self.processes])

    def process_mask(self, want: str) -> NDArray[np.float64]:
        """(processes,) 1.0 for non-embedded processes that are ``own`` code, ``service``
        (off-the-shelf), ``stateful``, ``co_located``, ``manual`` (scaled by hand) or ``any``."""
        tests = {
            "own": lambda p: not p.service,
            "service": lambda p: p.service,
            "stateful": lambda p: p.stateful,
            "co_located": lambda p: p.co_located,
            "manual": lambda p: not p.autoscaling,
            "any": lambda p: True,
        }
        test = tests[want]
        return np.array([float(test(p) and not p.embedded) for p in self.processes])


def _group(p: Process) -> str:
    if p.is_stateful:
        return "stateful"
    return "service" if p.is_service else "application"


def _today_method(p: Process, q: Questionnaire) -> str:
    if p.runs_on == CONTAINER:
        # a container baked into its own machine image and deployed on new instances per
        # release, one per VM, no orchestrator (Zalando STUPS, Coinbase Odin): the process says
        # so with its own deploy_method
        return BAKED_CONTAINER if p.deploy_method == REBAKE else CONTAINER_METHOD
    if p.runs_on == MANAGED:
        return MANAGED_METHOD
    return p.deploy_method or q.delivery.deploy_method


def _orchestrator_today(q: Questionnaire) -> str:
    kind = q.platform.orchestrator
    if kind == "none":
        return NO_ORCHESTRATOR
    if kind == "compose":
        return COMPOSE
    return MANAGED_ORCHESTRATOR if q.platform.orchestrator_managed else SELF_RUN


def _target_method(p: ProcessInfo, location: str, spec: OptionSpec) -> str:
    moved_by_option = getattr(spec.target, p.group) == CONTAINER
    if location == CONTAINER == p.runs_on and p.method == BAKED_CONTAINER and moved_by_option:
        # an option that runs this group in containers runs them its way: scheduled by compose
        # or an orchestrator, unless it deploys them by re-baking
        return BAKED_CONTAINER if spec.deploys_via == REBAKE else CONTAINER_METHOD
    if location == p.runs_on:
        if location == MACHINE_IMAGE and getattr(spec.image_delivery, p.group) == REBAKE:
            return REBAKE  # stays on a machine image, baked per release from now on
        return p.method
    if location == CONTAINER:
        return BAKED_CONTAINER if spec.deploys_via == REBAKE else CONTAINER_METHOD
    if location == MANAGED:
        return MANAGED_METHOD
    return REBAKE  # moved back onto machine images: baked per release


def _resolve_orchestrator(
    spec: OptionSpec, today: str, container_services: float, compose_max: float
) -> str:
    need = spec.needs.orchestrator
    if need == "none":
        return today
    if need == "any":
        if today != NO_ORCHESTRATOR:
            return today
        return COMPOSE if container_services <= compose_max else MANAGED_ORCHESTRATOR
    return {"compose": COMPOSE, "managed": MANAGED_ORCHESTRATOR, "self-run": SELF_RUN}[need]


def build_structure(
    q: Questionnaire, options: Mapping[str, OptionSpec], assumptions: Assumptions
) -> Structure:
    """Today's state from the questionnaire, each option's target and the pieces it adds.

    The orchestrator an option needs ("any") is chosen on the likely service counts: compose up to
    ``compose_max_services`` containerised services, a managed orchestrator beyond.
    """
    sharing = {n for p in q.processes for n in p.shares_host_with} | {
        p.name for p in q.processes if p.shares_host_with
    }
    procs = tuple(
        ProcessInfo(
            name=p.name,
            kind=p.kind,
            service=p.kind in SERVICE_KINDS,
            stateful=p.is_stateful,
            embedded=p.embedded,
            runs_on=p.runs_on,
            method=_today_method(p, q),
            autoscaling=p.autoscaling,
            co_located=p.name in sharing,
            group=_group(p),
        )
        for p in q.processes
    )
    counts = [p.count.likely for p in q.processes]
    today_orch = _orchestrator_today(q)
    compose_max = assumptions["compose_max_services"].likely
    specs = tuple(options.values())
    locations: list[tuple[str, ...]] = []
    methods: list[tuple[str, ...]] = []
    orchestrators: list[str] = []
    pieces: list[tuple[str, ...]] = []
    for spec in specs:
        row = []
        for p in procs:
            target = getattr(spec.target, p.group)
            # a process a provider runs today stays managed: no option takes a managed database
            # back into a self-run container
            keep = target == "as-today" or p.runs_on == MANAGED
            row.append(p.runs_on if keep else target)
        locations.append(tuple(row))
        methods.append(
            tuple(_target_method(p, loc, spec) for p, loc in zip(procs, row, strict=True))
        )
        in_containers = sum(
            c
            for c, loc, p in zip(counts, row, procs, strict=True)
            if loc == CONTAINER and not p.embedded
        )
        orch = _resolve_orchestrator(spec, today_orch, in_containers, compose_max)
        uses = in_containers > 0
        orchestrators.append(orch if uses else today_orch)
        new: list[str] = []
        if uses and spec.needs.registry and not q.platform.registry:
            new.append("registry")
        if uses and spec.needs.container_pipeline and not q.platform.container_pipeline:
            new.append("container_pipeline")
        if uses and orch != today_orch and orch != NO_ORCHESTRATOR:
            new.append(f"orchestrator:{orch}")
        pieces.append(tuple(new))
    return Structure(
        option_names=tuple(options),
        options=specs,
        processes=procs,
        location=tuple(locations),
        method=tuple(methods),
        orchestrator_today=today_orch,
        orchestrator=tuple(orchestrators),
        new_pieces=tuple(pieces),
        config_management=q.platform.config_management != "none",
        environments=q.delivery.environments,
        horizon_months=q.priorities.horizon_months,
        discount_rate_annual=q.priorities.discount_rate_annual,
        categories=tuple(incident_categories()),
        hands_on_answered="hands_on_minutes_per_deploy" in q.delivery.model_fields_set,
    )


#: The state an option leads to, named by what runs in containers (MODEL.md v2: options are
#: target states). "partial" is some but not all of the team's own code in containers.
PLACEMENT_MACHINE_IMAGE = "machine-image"
PLACEMENT_HYBRID = "hybrid"
PLACEMENT_DOCKER = "docker"
PLACEMENT_PARTIAL = "partial"
PLACEMENT_CLASSES = (PLACEMENT_MACHINE_IMAGE, PLACEMENT_HYBRID, PLACEMENT_DOCKER, PLACEMENT_PARTIAL)


def placement_class(st: Structure, option: int) -> str:
    """Which kind of state ``option`` leads to, by the processes it runs in containers.

    An option's key names a move, not a state: "stay as today" for a team that already runs its
    code in containers is not "machine images". Over the non-embedded processes: none of the
    team's own code (group ``application``) in containers -> ``machine-image``; every process in a
    container -> ``docker``; all of the own code in containers and some off-the-shelf or stateful
    process elsewhere (on a machine image or managed) -> ``hybrid``; some but not all of the own
    code -> ``partial``. A team without own code is ``docker`` if everything is contained, else
    ``machine-image`` when nothing is, else ``hybrid``. Own code a provider runs (functions,
    a PaaS) stays there under every option and is left out; a managed data store counts as
    "elsewhere".
    """
    rows = [
        (p, inside)
        for p, inside in zip(st.processes, st.contained[option], strict=True)
        if not p.embedded and not (p.managed and p.group == "application")
    ]
    own = [inside for p, inside in rows if p.group == "application"]
    if rows and all(inside for _, inside in rows):
        return PLACEMENT_DOCKER
    if own:
        if not any(own):
            return PLACEMENT_MACHINE_IMAGE
        return PLACEMENT_HYBRID if all(own) else PLACEMENT_PARTIAL
    return PLACEMENT_HYBRID if any(inside for _, inside in rows) else PLACEMENT_MACHINE_IMAGE
