"""Infrastructure money a month for one state (today, or an option's target), per item.

Pure numpy over samples; no I/O. Shapes: ``P`` process entries of the questionnaire, ``S`` the
sample shape -- ``(samples,)`` or ``(options, samples)``. Per-entry arrays are ``(P, *S)`` (or
broadcastable to it, e.g. ``(P, 1)``); per-state arrays are broadcastable to ``S``. Every
constant comes from data/prices.yaml (prices and the ``infrastructure`` assumptions) through
``UnitPrices`` and ``InfraAssumptions``; none is written here.

Month m's money for one state::

    machine_images   = sum_p vm_p  x h_p x price_p
    managed_services = sum_p mgd_p x h_p x price_p x managed_premium
    container_hosts  = (1 - serverless) x max(cpu host-hours, memory host-hours, min_hosts x H) x host_price
    serverless       = serverless x (vCPU-hours / serverless_cpu_utilisation x rate_vcpu
                                     + GiB-hours / packed_memory_fill x rate_gib)
    control_plane    = managed clusters x fee;  registry = fee + services x images kept x GB x rate
    transfer         = pulls x GB per image x charged share x rate;  load_balancers = n x rate
    ci               = build minutes x rate;    platform_people = FTE x hours per person-month x hourly cost

with ``h_p = count x host_share x (instances x (H - peak) + peak_instances x peak)`` instance-hours
(own hardware: ``peak_instances x H``: owned capacity is sized for the peak and paid all month).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Fleet:
    """Today's process entries (questionnaire v2 ``processes[]``), each array ``(P, *S)``."""

    count: FloatArray  #: services the entry stands for (``count``)
    instances: FloatArray  #: instances normally running, per service (``instances``)
    peak_instances: FloatArray  #: instances at peak, per service (``peak_instances``)
    peak_hours_per_day: FloatArray  #: how long peaks last (``peak_hours_per_day``)
    utilisation: FloatArray  #: average CPU use of its instances, 0-1 (``utilisation``)
    autoscaling: FloatArray  #: 1 if scaling is automatic, else 0 (``autoscaling``)
    host_share: FloatArray  #: 1 / entries sharing its hosts (``shares_host_with``; see host_shares)
    vcpu: FloatArray  #: vCPU of its instance type (``instance_type`` or ``hosting.instance_type``)
    memory_gib: FloatArray  #: memory of its instance type, GiB


@dataclass(frozen=True)
class Placement:
    """Where each entry runs in one state: 0/1 masks ``(P, *S)``; machine image is the rest."""

    container: FloatArray  #: runs in a container (packed hosts or serverless)
    managed: FloatArray  #: run by the provider (RDS, ElastiCache...)
    #: seconds from a scale-out decision to serving (boot + pull + start), in this state
    scale_out_lag_seconds: FloatArray


@dataclass(frozen=True)
class Platform:
    """What one state runs besides the processes; arrays broadcastable to ``S``."""

    serverless: FloatArray  #: 1 if containers run on Fargate/Cloud Run/ACI, 0 on packed hosts
    min_hosts: FloatArray  #: fewest container hosts (cluster: min_cluster_hosts; compose: 1)
    managed_clusters: FloatArray  #: clusters with a paid managed control plane (EKS/GKE/AKS)
    registries: FloatArray  #: container registries paid for (0 or 1)
    load_balancers: FloatArray  #: load balancers the state runs
    ci_minutes: FloatArray  #: build minutes a month (image bakes or container builds)
    pulls: FloatArray  #: image pulls a month (deploys x container instances + scale-outs)
    platform_fte: FloatArray  #: people running the platform full-time (0 if none)
    own_hardware: FloatArray  #: 1 if capacity is owned (sized for peak), 0 in a cloud


@dataclass(frozen=True)
class UnitPrices:
    """Money per unit (data/prices.yaml, sampled); multiplying all of them by k multiplies every
    item by k."""

    instance_hour: FloatArray  #: ``(P, *S)``: each entry's instance type, per instance-hour
    host_hour: FloatArray  #: the container host type, per host-hour
    serverless_vcpu_hour: FloatArray
    serverless_gib_hour: FloatArray
    control_plane_month: FloatArray  #: per managed cluster
    registry_gb_month: FloatArray
    registry_fee_month: FloatArray
    transfer_gb: FloatArray
    load_balancer_month: FloatArray
    ci_minute: FloatArray
    hourly_cost: FloatArray  #: the team's loaded cost per person-hour (``team.hourly_cost``)

    def scaled(self, k: float) -> UnitPrices:
        """Every price times k (a change of currency)."""
        return UnitPrices(**{f.name: getattr(self, f.name) * k for f in fields(self)})


@dataclass(frozen=True)
class InfraAssumptions:
    """Quantities that are not prices (data/prices.yaml ``infrastructure`` and ``common``)."""

    hours_per_month: FloatArray
    days_per_month: FloatArray
    hours_per_person_month: FloatArray  #: assumptions.hours_per_engineer_month
    host_vcpu: FloatArray  #: vCPU of the container host type
    host_memory_gib: FloatArray
    packed_cpu_utilisation: FloatArray
    packed_memory_fill: FloatArray
    memory_used_share: FloatArray
    serverless_cpu_utilisation: FloatArray
    node_reserved_share: FloatArray
    demand_ramp_per_minute: FloatArray
    max_headroom: FloatArray
    managed_premium: FloatArray
    image_gb: FloatArray
    images_kept_per_service: FloatArray
    charged_pull_share: FloatArray


@dataclass(frozen=True)
class InfraMonthly:
    """Money a month per item, each shaped ``S``."""

    machine_images: FloatArray
    container_hosts: FloatArray
    serverless: FloatArray
    managed_services: FloatArray
    control_plane: FloatArray
    registry: FloatArray
    transfer: FloatArray
    load_balancers: FloatArray
    ci: FloatArray
    platform_people: FloatArray

    def items(self) -> dict[str, FloatArray]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @property
    def compute(self) -> FloatArray:
        return self.machine_images + self.container_hosts + self.serverless + self.managed_services

    @property
    def infrastructure(self) -> FloatArray:
        """Everything but people."""
        return self.total - self.platform_people

    @property
    def total(self) -> FloatArray:
        """0 + item_1 + item_2 + ... in field order (what ``sum`` of the items gives), added
        into one array instead of a new array for every partial sum."""
        return self.added()

    def added(self, out: FloatArray | None = None) -> FloatArray:
        """``total`` into ``out`` when given (the items' broadcast shape); 0 + item_1 is
        computed as item_1 + 0 (IEEE addition is commutative), with no zeros written first.
        An item that is one row of zeros broadcast over the states (no state pays it) is not
        added: the running sum starts as item_1 + 0, so it is never -0, and s + (+-0) is s."""
        items = list(self.items().values())
        if out is None:
            out = np.empty(np.broadcast_shapes(*(np.shape(x) for x in items)))
        np.add(items[0], 0.0, out=out)
        for x in items[1:]:
            if not (np.ndim(x) == 2 and x.strides[0] == 0 and not x[0].any()):
                out += x
        return out


# ----------------------------------------------------------------------------------------------
# The pieces


def instance_hours(fleet: Fleet, a: InfraAssumptions, own_hardware: FloatArray) -> FloatArray:
    """Instance-hours a month per entry, ``(P, *S)``.

    Cloud: count x share x (instances x (H - p) + peak_instances x p), p = min(peak h/day, 24) x
    days/month (on-demand billing by the hour: AWS, GCP and Azure pricing pages). Own hardware:
    count x share x peak_instances x H -- owned capacity is sized for the peak and paid all month.
    """
    peak = np.minimum(fleet.peak_hours_per_day, 24.0) * a.days_per_month
    peak = np.minimum(peak, a.hours_per_month)
    share = fleet.count * fleet.host_share
    own = np.asarray(own_hardware, dtype=np.float64)
    if not own.any():  # all in a cloud: no blend, and no broadcast over the states' axis
        cloud = fleet.instances * (a.hours_per_month - peak) + fleet.peak_instances * peak
        return np.asarray(share * cloud, dtype=np.float64)
    owned = fleet.peak_instances * a.hours_per_month
    if own.all():
        return np.asarray(share * owned, dtype=np.float64)
    cloud = fleet.instances * (a.hours_per_month - peak) + fleet.peak_instances * peak
    return np.asarray(share * (own * owned + (1.0 - own) * cloud), dtype=np.float64)


def scale_out_headroom(
    lag_seconds: FloatArray, autoscaling: FloatArray, a: InfraAssumptions
) -> FloatArray:
    """Spare capacity held to cover the scale-out lag: min(ramp x lag, cap) where scaling is
    automatic, else 0 (manual scaling is paid in hours, not held capacity).

    Capacity must absorb the load's rise until new capacity serves: ramp (fraction per minute) x
    lag (minutes); the same reasoning behind target-tracking targets below 100 % (AWS Auto Scaling
    user guide, "target tracking scaling policies"). Slower start-up -> more headroom.
    """
    raw = a.demand_ramp_per_minute * np.maximum(lag_seconds, 0.0) / 60.0
    return np.asarray(autoscaling * np.minimum(raw, a.max_headroom), dtype=np.float64)


def divide_where(
    num: FloatArray, den: FloatArray, out: FloatArray, where: NDArray[np.bool_]
) -> FloatArray:
    """``np.divide(num, den, out=out, where=where)``: out keeps its values where ``where`` is
    false. numpy's masked loop costs 2-10x a plain division (about 70 us against 30 us at
    (4, 10,000) with every element taken); a mask that takes every element, or none (the usual
    cases: units under a mask, a team's hours), is a plain division into ``out``, or nothing:
    the same values."""
    if where.all():
        return np.asarray(np.divide(num, den, out=out))
    if not where.any():
        return out
    return np.asarray(np.divide(num, den, out=out, where=where))


def matmul(mask: FloatArray, x: FloatArray) -> FloatArray:
    """``mask @ x``, e.g. a (K, P) mask of 0/1 against (P, S) figures summed over the entries.

    With one entry (P = 1) numpy's matmul takes its unvectorised loop for a column times a row
    (about 45 us for (4, 10,000) against 7 us for the product; a synthetic portfolio application
    has one entry and about 30 such sums), whose value is 0 + mask x: here the product plus 0,
    the same bits (adding +0 changes only a -0 into +0, as the loop's 0 + does; tested)."""
    if mask.ndim == 2 and x.ndim == 2 and mask.shape[1] == 1 and x.shape[0] == 1:
        out = np.multiply(mask, x)
        out += 0.0
        return out
    return np.asarray(mask @ x)


def _masked_sum(mask: FloatArray, x: FloatArray) -> FloatArray:
    """sum_p mask[p] x[p] over the entries' axis. States' masks (P, K, 1) against per-entry
    figures the same in every state (P, 1, S): one (K, P) @ (P, S) product instead of a
    (P, K, S) temporary and its sum (the 0/1 mask picks the same terms; BLAS may add them in
    another order, so the last bit can differ); any other shapes as written."""
    if mask.ndim == 3 and x.ndim == 3 and mask.shape[2] == 1 and x.shape[1] == 1:
        return matmul(mask[:, :, 0].T, x[:, 0, :])
    return np.asarray(np.sum(mask * x, axis=0))


def container_demand(
    fleet: Fleet, placement: Placement, hours: FloatArray, a: InfraAssumptions
) -> tuple[FloatArray, FloatArray]:
    """(vCPU-hours, GiB-hours) a month the containerised entries use, headroom included, ``S``.

    vCPU-hours = sum_p c_p x h_p x vcpu_p x utilisation_p x (1 + headroom_p);
    GiB-hours  = sum_p c_p x h_p x memory_p x memory_used_share x (1 + headroom_p).
    What a process uses, not what its VM holds: that is the packing (Verma et al., "Large-scale
    cluster management at Google with Borg", EuroSys 2015, sec. 5).
    """
    grow = 1.0 + scale_out_headroom(placement.scale_out_lag_seconds, fleet.autoscaling, a)
    # the 0/1 mask multiplied last: the same products (1 x and 0 x are exact), and the chains
    # before it stay at the entries' shape instead of every state's; no headroom anywhere
    # (nothing scales automatically): x 1 is x
    same = np.broadcast_shapes(np.shape(grow), np.shape(hours)) == np.shape(hours)
    held = hours if same and bool(np.all(grow == 1.0)) else hours * grow
    cpu = _masked_sum(placement.container, held * fleet.vcpu * fleet.utilisation)
    mem = _masked_sum(placement.container, held * fleet.memory_gib * a.memory_used_share)
    return np.asarray(cpu, dtype=np.float64), np.asarray(mem, dtype=np.float64)


def packed_host_hours(
    cpu_hours: FloatArray,
    gib_hours: FloatArray,
    any_container: FloatArray,
    min_hosts: FloatArray,
    a: InfraAssumptions,
) -> FloatArray:
    """Host-hours a month of packed container hosts, bounded by whichever of CPU and memory binds.

    max(vCPU-h / (host vCPU x (1 - reserved) x cpu target),
        GiB-h / (host GiB x (1 - reserved) x memory fill),
        min_hosts x H if any process runs in a container).
    Reserved share after the GKE/EKS allocatable formulas (see data/prices.yaml).
    """
    usable = 1.0 - a.node_reserved_share
    by_cpu = _per_host(cpu_hours, a.host_vcpu, usable, a.packed_cpu_utilisation)
    by_mem = _per_host(gib_hours, a.host_memory_gib, usable, a.packed_memory_fill)
    floor = any_container * min_hosts * a.hours_per_month
    if by_cpu.shape == np.broadcast_shapes(by_cpu.shape, by_mem.shape, np.shape(floor)):
        np.maximum(by_cpu, by_mem, out=by_cpu)
        return np.asarray(np.maximum(by_cpu, floor, out=by_cpu))
    return np.asarray(np.maximum(np.maximum(by_cpu, by_mem), floor), dtype=np.float64)


def _per_host(
    hours: FloatArray, size: FloatArray, usable: FloatArray, fill: FloatArray
) -> FloatArray:
    """hours / (size x usable x fill): states' hosts (K, 1) against (K, S) hours, the
    denominator worked out once per host size, (S,), not once per state."""
    if (
        np.ndim(size) == 2 and np.shape(size)[1] == 1 and np.ndim(hours) == 2
        and hours.shape[0] == np.shape(size)[0] and np.shape(usable) == hours.shape[-1:]
        and np.shape(fill) == hours.shape[-1:]
    ):
        out = np.empty(hours.shape)
        dens: dict[float, FloatArray] = {}
        for k in range(hours.shape[0]):
            v = float(size[k, 0])
            if v not in dens:
                dens[v] = size[k] * usable * fill
            np.divide(hours[k], dens[v], out=out[k])
        return out
    return np.asarray(hours / (size * usable * fill), dtype=np.float64)


def infrastructure_monthly(
    fleet: Fleet,
    placement: Placement,
    platform: Platform,
    prices: UnitPrices,
    a: InfraAssumptions,
) -> InfraMonthly:
    """Money a month per item for one state (see the module docstring for every formula)."""
    hours = instance_hours(fleet, a, platform.own_hardware)
    container = placement.container
    managed = placement.managed
    machine = np.clip(1.0 - container - managed, 0.0, 1.0)

    priced = hours * prices.instance_hour  # masks multiplied last (container_demand)
    machine_images = _masked_sum(machine, priced)
    managed_services = _masked_sum(managed, priced) * a.managed_premium

    cpu_h, gib_h = container_demand(fleet, placement, hours, a)
    services_in_containers = _masked_sum(container, np.asarray(fleet.count))
    any_container = (services_in_containers > 0).astype(np.float64)
    host_h = packed_host_hours(cpu_h, gib_h, any_container, platform.min_hosts, a)
    if np.any(platform.serverless):
        container_hosts = (1.0 - platform.serverless) * host_h * prices.host_hour
        serverless = platform.serverless * (
            cpu_h / a.serverless_cpu_utilisation * prices.serverless_vcpu_hour
            + gib_h / a.packed_memory_fill * prices.serverless_gib_hour
        )
    else:  # no serverless state: (1 - 0) x h is h and 0 x (finite money) is 0, exactly
        container_hosts = host_h * prices.host_hour
        serverless = np.zeros(np.shape(cpu_h)[-1:])  # one row, broadcast over the states

    stored_gb = services_in_containers * a.images_kept_per_service * a.image_gb
    registry = (
        platform.registries * prices.registry_fee_month + stored_gb * prices.registry_gb_month
    )
    transfer = platform.pulls * a.image_gb * a.charged_pull_share * prices.transfer_gb
    people = _one_row(platform.platform_fte) * a.hours_per_person_month * prices.hourly_cost

    shape = np.broadcast_shapes(
        np.shape(machine_images), np.shape(container_hosts), np.shape(platform.managed_clusters)
    )

    def f(x: object) -> FloatArray:
        """An item as ``shape``: one computed for fewer states (one row the same for all) as
        a read-only broadcast of it, not a copy per state."""
        arr = np.asarray(x, dtype=np.float64)  # results computed above: fresh, not the inputs
        return arr if arr.shape == shape else np.broadcast_to(arr, shape)

    return InfraMonthly(
        machine_images=f(machine_images),
        container_hosts=f(container_hosts),
        serverless=f(serverless),
        managed_services=f(managed_services),
        control_plane=f(platform.managed_clusters * prices.control_plane_month),
        registry=f(registry),
        transfer=f(transfer),
        load_balancers=f(_one_row(platform.load_balancers) * prices.load_balancer_month),
        ci=f(platform.ci_minutes * prices.ci_minute),
        platform_people=f(people),
    )


def _one_row(x: FloatArray) -> FloatArray:
    """A (K, 1) per-state figure that is the same in every state as its first row (1, 1):
    what it prices is then one row, broadcast over the states, not K equal rows."""
    if np.ndim(x) == 2 and x.shape[0] > 1 and x.shape[1] == 1 and bool((x == x[0]).all()):
        return x[:1]
    return x


def packing_factor(
    fleet: Fleet, placement: Placement, platform: Platform, a: InfraAssumptions
) -> FloatArray:
    """vCPU-hours the containerised entries held on their own instances, per vCPU-hour of packed
    host: how many times denser the packing is (1 = no gain), ``S``."""
    hours = instance_hours(fleet, a, platform.own_hardware)
    held = np.sum(placement.container * hours * fleet.vcpu, axis=0)
    cpu_h, gib_h = container_demand(fleet, placement, hours, a)
    any_container = (np.sum(placement.container * fleet.count, axis=0) > 0).astype(np.float64)
    host = packed_host_hours(cpu_h, gib_h, any_container, platform.min_hosts, a) * a.host_vcpu
    return divide_where(held, host, np.ones_like(held * host), host > 0)


# ----------------------------------------------------------------------------------------------
# Helpers for the integrator: co-location groups, own hardware


def host_shares(names: Sequence[str], shares_host_with: Mapping[str, Sequence[str]]) -> FloatArray:
    """1 / size of each entry's co-location group (``processes[].shares_host_with``, symmetric and
    transitive): entries on the same hosts split the hosts' instance-hours, so three processes on
    one EC2 instance count one instance, not three. Unknown names are ignored."""
    parent = {n: n for n in names}

    def root(n: str) -> str:
        while parent[n] != n:
            parent[n] = parent[parent[n]]
            n = parent[n]
        return n

    for n in names:
        for other in shares_host_with.get(n, ()):
            if other in parent:
                parent[root(n)] = root(other)
    roots = [root(n) for n in names]
    return np.array([1.0 / roots.count(r) for r in roots], dtype=np.float64)


def own_hardware_hour(
    server_price: FloatArray,
    life_months: FloatArray,
    rack_units: FloatArray,
    rack_unit_month: FloatArray,
    hours_per_month: FloatArray,
) -> FloatArray:
    """A server's money per hour: (price / life + rack units x rack, power and cooling a month) / H.

    Straight-line amortisation (no resale, no interest), as in a depreciation schedule."""
    monthly = server_price / life_months + rack_units * rack_unit_month
    return np.asarray(monthly / hours_per_month, dtype=np.float64)


def share_of_server(
    vcpu: FloatArray, memory_gib: FloatArray, server_vcpu: FloatArray, server_memory_gib: FloatArray
) -> FloatArray:
    """The share of an owned server a VM of (vCPU, GiB) takes: the larger of the two ratios."""
    return np.asarray(
        np.maximum(vcpu / server_vcpu, memory_gib / server_memory_gib), dtype=np.float64
    )
