"""Money: engineer time x hourly cost + infrastructure, for today and each option's target state.

The model counts engineer-hours item by item (analyzer.model.transition, .recurring); this module
adds what the infrastructure costs a month (analyzer.model.infrastructure, prices from
data/prices.yaml) and turns both into one money figure per option and sample::

    people_o(month)         = R_o (recurring hours a month) x hourly cost
    infrastructure_o(month) = infrastructure_monthly(fleet, placement_o, platform_o, prices)
    money recurring_o       = people_o + infrastructure_o
    money transition_o      = T_o (transition hours) x hourly cost

NPV, total, saving and break-even in money reuse the model's cost curve (analyzer.model.core):
recurring money ramps from today's to the option's while the move lasts, as hours do.

Infrastructure is computed once for today's placement and once per option's target placement
with the same function and inputs, so an option equal to today costs what today costs.

**Platform people are counted once, as engineer-hours.** The model's ``container_platform``
recurring component already holds the orchestrator's upgrades and on-call (compose, managed,
self-run upkeep hours from data/assumptions.yaml), paid at the team's hourly cost in
``people``; the infrastructure module's ``platform_people`` item (full-time platform staff from
data/prices.yaml) is therefore set to 0 here, so the same people are not paid twice.

What the infrastructure of a state holds (each a documented simplification):

- compute for every process entry (instances, peak instances and hours, utilisation, the
  instance type of ``processes[].instance_type`` or ``hosting.instance_type``);
- container hosts: a cluster (managed or self-run orchestrator) packs onto the provider's
  packing host type with at least ``min_cluster_hosts`` hosts; compose runs on one host of the
  team's default instance type; no state is serverless (no option in data/options.yaml is);
- a managed control-plane fee per state with a managed orchestrator (one cluster);
- a registry (fee + stored images) where any process runs in a container;
- CI minutes: deploys a month x build minutes per deploy (image bake for re-baked units,
  container build for container units, weighted by units); image pulls: deploys x container
  instances per service + container scale-outs;
- load balancers: 0 in every state -- options add none, and the ones a team runs today are the
  same under every option (they cancel in every comparison).

**One currency.** The prices are in the snapshot's currency (USD); the hourly cost is in the
questionnaire's ``team.currency``. Where they differ, every infrastructure item is multiplied by
the sampled rate ``prices.fx.<CUR>`` (units of the team's currency per US dollar, ECB reference
rates in data/prices.yaml), so every money figure is in the team's currency. A currency without
a rate is not converted: ``MoneyPlan.currency_mismatch`` and the reports say so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from numpy.typing import NDArray

from analyzer.model.assumptions import Assumptions
from analyzer.model.draws import Draws, stacked
from analyzer.model.infrastructure import (
    Fleet,
    InfraMonthly,
    Placement,
    Platform,
    host_shares,
    infrastructure_monthly,
    matmul,
)
from analyzer.model.params import Param, Pert
from analyzer.model.prices import (
    PriceBook,
    Provider,
    exchange_key,
    host_inputs,
    host_type,
    infra_inputs,
    infra_param_keys,
    load_prices,
)
from analyzer.questionnaire.estimate import Estimate
from analyzer.questionnaire.form import Questionnaire, answered

FloatArray = NDArray[np.float64]
WEEKS_PER_MONTH = 52.0 / 12.0

#: Orchestrator names as analyzer.model.structure spells them (tests check they agree).
COMPOSE = "compose"
CLUSTERS = ("managed", "self-run")
MANAGED_ORCHESTRATOR = "managed"
#: The prices.yaml ``infrastructure`` entry for the fewest hosts of a cluster.
MIN_CLUSTER_HOSTS = "min_cluster_hosts"
#: Per-process answers the money reads besides the model's (``processes.<name>.<field>``).
FLEET_FIELDS = ("utilisation", "peak_instances", "peak_hours_per_day")


@dataclass(frozen=True)
class MoneyPlan:
    """What is fixed for the money of a run: the prices in force, the provider, each process's
    instance size, and each state's orchestrator (today first, then every option)."""

    book: PriceBook
    provider: Provider
    currency: str  #: every money figure's: the team's when ``exchange`` converts, else the prices'
    team_currency: str  #: the questionnaire's ``team.currency`` (hourly cost)
    instance_types: tuple[str, ...]  #: per process entry
    compose_host: str  #: the host a compose setup runs on (the team's default size)
    vcpu: FloatArray  #: (P, 1)
    memory_gib: FloatArray  #: (P, 1)
    host_share: FloatArray  #: (P, 1): 1 / processes on the same hosts today
    autoscaling: FloatArray  #: (P, 1)
    orchestrators: tuple[str, ...] = field(default=())  #: today, then each option
    #: the ``fx.<CUR>`` rate that converts the prices into the team's currency, if needed
    exchange: str | None = None

    @property
    def currency_mismatch(self) -> bool:
        """The hourly cost is stated in a currency the prices cannot be converted into."""
        return self.team_currency.upper() != self.currency.upper()


def price_book(a: Assumptions) -> PriceBook:
    """The price snapshot with the ``prices:`` section of the assumptions' override file."""
    return load_prices(a.override_source)


def _instance_types(q: Questionnaire, book: PriceBook) -> tuple[str, ...]:
    default = q.hosting.instance_type or book.snapshot.providers[q.hosting.provider].default_instance_type
    return tuple(p.instance_type or default for p in q.processes)


def plan(
    q: Questionnaire, a: Assumptions, orchestrator_today: str, orchestrators: Sequence[str]
) -> MoneyPlan:
    """The money plan of a run (``orchestrators``: each option's, as the structure resolves them)."""
    book = price_book(a)
    provider: Provider = q.hosting.provider
    types = _instance_types(q, book)
    sizes = [book.size(t) for t in types]
    # a size of another cloud, or an owned server in one, is refused where it is written
    # (questionnaire.form.size_mismatch, with its file and line)
    col = lambda xs: np.asarray(xs, dtype=np.float64).reshape(-1, 1)  # noqa: E731
    names = [p.name for p in q.processes]
    shares = host_shares(names, {p.name: p.shares_host_with for p in q.processes})
    fx = exchange_key(book, q.team.currency)
    return MoneyPlan(
        book=book,
        provider=provider,
        currency=q.team.currency.upper() if fx else book.currency,
        team_currency=q.team.currency,
        exchange=fx,
        instance_types=types,
        compose_host=q.hosting.instance_type
        or book.snapshot.providers[provider].default_instance_type,
        vcpu=col([s.vcpu for s in sizes]),
        memory_gib=col([s.memory_gib for s in sizes]),
        host_share=col(shares),
        autoscaling=col([float(p.autoscaling) for p in q.processes]),
        orchestrators=(orchestrator_today, *orchestrators),
    )


def params(q: Questionnaire, a: Assumptions) -> list[Param]:
    """The uncertain inputs the money adds to the parameter space: every price the run reads
    (``prices.<key>``) and each process's utilisation, peak instances and peak hours."""
    book = price_book(a)
    provider: Provider = q.hosting.provider
    types = _instance_types(q, book)
    default = q.hosting.instance_type or book.snapshot.providers[provider].default_instance_type
    keys = [*infra_param_keys(book, provider, [*types, default]), MIN_CLUSTER_HOSTS]
    fx = exchange_key(book, q.team.currency)
    out = book.params([*keys, fx] if fx else keys)
    for p in q.processes:
        answers: dict[str, tuple[Estimate, str]] = {
            "utilisation": (p.utilisation, "fraction 0-1"),
            "peak_instances": (p.peak, "instances"),
            "peak_hours_per_day": (p.peak_hours_per_day, "hours per day"),
        }
        for key, (e, unit) in answers.items():
            given = answered(p, key)
            out.append(
                Param(
                    f"processes.{p.name}.{key}",
                    f"{p.name}: {key.replace('_', ' ')}",
                    unit,
                    "answer",
                    Pert(e.low, e.likely, e.high),
                    f"questionnaire: processes[{p.name}].{key}" + ("" if given else " (default)"),
                )
            )
    return out


@dataclass(frozen=True)
class StateMasks:
    """Where each process runs and how it ships in K states, (K, P) 0/1 arrays."""

    container: FloatArray
    managed: FloatArray
    rebake: FloatArray  #: re-baked machine images (an image bake per deploy)
    container_build: FloatArray  #: built as container images per deploy


@dataclass(frozen=True)
class Money:
    """Infrastructure money a month per item: today (samples,) and each option (O, samples)."""

    today: InfraMonthly
    options: InfraMonthly


def _per_process(
    values: Mapping[str, FloatArray], names: Sequence[str], key: str, n: int
) -> FloatArray:
    """(P, n): each entry's ``processes.<name>.<key>``, a read-only view of the drawn block
    when the rows are evenly spaced rows of it (``draws.stacked``), else a copy."""
    rows = [values[f"processes.{p}.{key}"] for p in names]
    if rows and all(isinstance(r, np.ndarray) and r.shape == (n,) for r in rows):
        return stacked(rows)
    out = np.empty((len(names), n))
    for i, r in enumerate(rows):
        out[i] = r
    return out


def _platform(
    mp: MoneyPlan,
    orchestrators: Sequence[str],
    m: StateMasks,
    units: FloatArray,
    instances: FloatArray,
    d: Draws,
    min_hosts: FloatArray,
) -> Platform:
    """K states' platforms, arrays (K, S): hosts, control plane, registry, CI minutes, pulls.

    CI minutes = deploys a month x (re-baked unit share x bake minutes + container unit share x
    build minutes); pulls = deploys x container instances per unit + container scale-outs."""
    flag = lambda test: np.array([[float(test(o))] for o in orchestrators])  # noqa: E731
    cluster, compose = flag(lambda o: o in CLUSTERS), flag(lambda o: o == COMPOSE)
    managed = flag(lambda o: o == MANAGED_ORCHESTRATOR)
    total = np.maximum(units.sum(axis=0), 1e-12)  # (S,)
    contained = matmul(m.container, units)  # (K, S)
    any_ctr = (contained > 0).astype(np.float64)
    dl = d.delivery
    deploys = (dl.prod_deploys_per_week + dl.nonprod_deploys_per_week) * WEEKS_PER_MONTH
    bake = matmul(m.rebake, units) / total
    build = matmul(m.container_build, units) / total
    minutes = deploys * (bake * dl.image_bake_minutes + build * d.c.container_build_minutes)
    per_unit_instances = matmul(m.container, units * instances) / total
    # scale-outs are counted over the whole entry (``scale_out_events_per_month``), not per
    # service; an embedded file is never in a container, so the mask leaves it out
    scale_outs = matmul(m.container, d.proc.scale_out_events_per_month)
    zero = np.zeros((minutes.shape[0], 1))  # (K, 1): the items it prices broadcast to (K, S)
    own = float(mp.provider == "own-hardware")
    return Platform(
        serverless=zero,
        min_hosts=cluster * min_hosts + compose,
        managed_clusters=any_ctr * managed * (1.0 - own),
        registries=any_ctr,
        load_balancers=zero,
        ci_minutes=minutes,
        pulls=deploys * per_unit_instances + scale_outs,
        platform_fte=zero,  # counted as the model's container_platform hours (module docstring)
        own_hardware=zero + own,
    )


def _lag(container: FloatArray, d: Draws) -> FloatArray:
    """Seconds from a scale-out decision to serving, (P, K, S) for masks (K, P): machine boot +
    start on machine images; (a node boot when no spare capacity) + pull + container start +
    start in containers (the terms of analyzer.model.recurring.scale_out)."""
    c = d.c
    app = d.proc.startup_seconds[:, None, :]
    image = c.machine_boot_seconds + app
    ctr = (
        (1.0 - c.spare_capacity_share) * c.machine_boot_seconds
        + c.image_pull_seconds
        + c.container_start_seconds
        + app
    )
    inside = container.T[:, :, None]
    return np.asarray(inside * ctr + (1.0 - inside) * image)


def states_monthly(
    values: Mapping[str, FloatArray],
    mp: MoneyPlan,
    d: Draws,
    fleet: Fleet,
    orchestrators: Sequence[str],
    m: StateMasks,
) -> InfraMonthly:
    """Infrastructure a month per item for K states at once (masks (K, P)), each (K, samples):
    the infrastructure module's sample shape S = (K, samples), per-entry arrays (P, K, samples).

    Compose runs on the team's default size, a cluster on the provider's packing host type: the
    host's price and size are stacked per state."""
    hosts = [mp.compose_host if o == COMPOSE else host_type(mp.book, mp.provider)
             for o in orchestrators]
    prices, a = infra_inputs(mp.book, values, mp.provider, mp.instance_types,
                             d.team.hourly_cost, d.c.hours_per_engineer_month, hosts[0])
    # the other states' hosts: only their price and size (the rest is the first host's)
    sized = {hosts[0]: (prices.host_hour, a.host_vcpu, a.host_memory_gib)}
    for h in dict.fromkeys(hosts):
        if h not in sized:
            sized[h] = host_inputs(mp.book, values, mp.provider, h)
    prices = replace(
        prices,
        instance_hour=prices.instance_hour[:, None, :],
        host_hour=np.stack([np.broadcast_to(sized[h][0], (d.n,)) for h in hosts]),
    )
    a = replace(
        a,
        host_vcpu=np.array([[sized[h][1][0]] for h in hosts]),
        host_memory_gib=np.array([[sized[h][2][0]] for h in hosts]),
    )
    min_hosts = np.asarray(values[f"prices.{MIN_CLUSTER_HOSTS}"], dtype=np.float64)
    per_state = Fleet(**{k: np.asarray(v)[:, None] for k, v in fleet.__dict__.items()})
    # the lag only sets headroom where scaling is automatic: skip it for fleets scaled by hand
    lag = _lag(m.container, d) if mp.autoscaling.any() else np.zeros((1, 1, 1))
    placement = Placement(m.container.T[:, :, None], m.managed.T[:, :, None], lag)
    platform = _platform(mp, orchestrators, m, fleet.count, fleet.instances, d, min_hosts)
    monthly = infrastructure_monthly(per_state, placement, platform, prices, a)
    if mp.exchange is None:
        return monthly
    # every item is a price in the snapshot's currency times a quantity: x the rate puts it in
    # the team's; platform people are priced at the team's hourly cost, in it already
    rate = np.asarray(values[f"prices.{mp.exchange}"], dtype=np.float64)
    return InfraMonthly(**{k: v if k == "platform_people" else v * rate
                           for k, v in monthly.items().items()})


def evaluate_money(
    values: Mapping[str, FloatArray],
    mp: MoneyPlan,
    d: Draws,
    names: Sequence[str],
    units: FloatArray,
    today: StateMasks,
    targets: StateMasks,
) -> Money:
    """Infrastructure a month for today (masks (1, P)) and every option's target (masks (O, P)),
    in one call with today as the first state: the same function on the same inputs, so an option
    equal to today costs what today costs.

    ``units`` (P, samples): service units per entry, 0 for embedded files (they run inside
    another process and pay no instance of their own)."""
    n = d.n
    instances = d.proc.instances
    fleet = Fleet(
        count=np.asarray(units, dtype=np.float64),
        instances=instances,
        peak_instances=np.maximum(_per_process(values, names, "peak_instances", n), instances),
        peak_hours_per_day=_per_process(values, names, "peak_hours_per_day", n),
        utilisation=_per_process(values, names, "utilisation", n),
        autoscaling=mp.autoscaling,
        host_share=mp.host_share,
        vcpu=mp.vcpu,
        memory_gib=mp.memory_gib,
    )
    keys = ("container", "managed", "rebake", "container_build")
    same = _same_state(today, targets, mp.orchestrators, keys)
    if same is not None:
        # today is one of the options' states (the status quo's, usually): the same inputs
        # give the same money, row for row, so it is computed once, as that option's row
        items = states_monthly(values, mp, d, fleet, mp.orchestrators[1:], targets).items()
        return Money(
            today=InfraMonthly(**{k: v[same] for k, v in items.items()}),
            options=InfraMonthly(**items),
        )
    both = StateMasks(**{
        k: np.concatenate([getattr(today, k), getattr(targets, k)]) for k in keys
    })
    items = states_monthly(values, mp, d, fleet, mp.orchestrators, both).items()
    return Money(
        today=InfraMonthly(**{k: v[0] for k, v in items.items()}),
        options=InfraMonthly(**{k: v[1:] for k, v in items.items()}),
    )


def _same_state(
    today: StateMasks, targets: StateMasks, orchestrators: Sequence[str], keys: Sequence[str]
) -> int | None:
    """The first option whose target state is today's (every mask row and the orchestrator
    the same), or None."""
    n_opt = targets.container.shape[0]
    if len(orchestrators) != n_opt + 1:
        return None
    for i in range(n_opt):
        if orchestrators[i + 1] == orchestrators[0] and all(
            np.array_equal(getattr(today, k)[0], getattr(targets, k)[i]) for k in keys
        ):
            return i
    return None
