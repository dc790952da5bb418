"""Infrastructure money (analyzer.model.infrastructure) and the price snapshot (data/prices.yaml).

Expected values are worked by hand from the formulas in the module docstring, or are invariants:
linear in instances, never cheaper for the same work at lower utilisation, every price x k ->
every item x k, and the Financial Times facts (calibration/facts/ft-content-containers.yaml).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer.errors import InputError
from analyzer.model.assumptions import load_assumptions
from analyzer.model.infrastructure import (
    Fleet,
    InfraAssumptions,
    Placement,
    Platform,
    UnitPrices,
    host_shares,
    infrastructure_monthly,
    own_hardware_hour,
    packing_factor,
    scale_out_headroom,
)
from analyzer.model.params import ParamSpace, Pert
from analyzer.model.prices import (
    Price,
    default_prices_path,
    infra_assumptions,
    infra_inputs,
    infra_param_keys,
    load_prices,
    unit_prices,
)

#: The Financial Times facts (shared/calibration/facts/ft-content-containers.yaml, from
#: computerworld.com "How containers cut server costs at the Financial Times by 80 percent"):
#: ~550 VMs for 150+ services (150-200), packed onto 8 large VMs, ~80 % saving.
FT_VMS = 550.0
FT_SERVICES = (150.0, 150.0, 200.0)


def _a(**over: float) -> InfraAssumptions:
    """Round assumptions for hand-worked examples (not the snapshot's)."""
    base = dict(
        hours_per_month=730.0,
        days_per_month=730.0 / 24.0,
        hours_per_person_month=140.0,
        host_vcpu=16.0,
        host_memory_gib=64.0,
        packed_cpu_utilisation=0.5,
        packed_memory_fill=0.75,
        memory_used_share=0.25,
        serverless_cpu_utilisation=0.5,
        node_reserved_share=0.0,
        demand_ramp_per_minute=0.01,
        max_headroom=0.5,
        managed_premium=1.75,
        image_gb=0.3,
        images_kept_per_service=30.0,
        charged_pull_share=0.1,
    )
    base.update(over)
    return InfraAssumptions(**{k: np.asarray(v, dtype=np.float64) for k, v in base.items()})


def _fleet(p: int = 1, **over: Any) -> Fleet:
    base: dict[str, Any] = dict(
        count=1.0,
        instances=2.0,
        peak_instances=2.0,
        peak_hours_per_day=0.0,
        utilisation=0.2,
        autoscaling=0.0,
        host_share=1.0,
        vcpu=2.0,
        memory_gib=8.0,
    )
    base.update(over)
    return Fleet(
        **{k: np.broadcast_to(np.asarray(v, float), (p, 1)).copy() for k, v in base.items()}
    )


def _placement(
    p: int = 1, container: float = 0.0, managed: float = 0.0, lag: float = 60.0
) -> Placement:
    full = lambda x: np.full((p, 1), float(x))  # noqa: E731 - a one-line local helper
    return Placement(full(container), full(managed), full(lag))


def _platform(**over: float) -> Platform:
    base = dict(
        serverless=0.0,
        min_hosts=0.0,
        managed_clusters=0.0,
        registries=0.0,
        load_balancers=0.0,
        ci_minutes=0.0,
        pulls=0.0,
        platform_fte=0.0,
        own_hardware=0.0,
    )
    base.update(over)
    return Platform(**{k: np.array([v]) for k, v in base.items()})


def _prices(p: int = 1, **over: float) -> UnitPrices:
    base = dict(
        host_hour=0.768,
        serverless_vcpu_hour=0.04048,
        serverless_gib_hour=0.004445,
        control_plane_month=73.0,
        registry_gb_month=0.1,
        registry_fee_month=0.0,
        transfer_gb=0.09,
        load_balancer_month=22.0,
        ci_minute=0.008,
        hourly_cost=75.0,
    )
    instance = over.pop("instance_hour", 0.096)
    base.update(over)
    return UnitPrices(
        instance_hour=np.full((p, 1), instance), **{k: np.array([v]) for k, v in base.items()}
    )


# ----------------------------------------------------------------------------------------------
# Hand-worked examples


def test_machine_images_worked_example() -> None:
    """3 services x (2 instances x (730 - 2 x 730/24) + 4 x 2 x 730/24) h x $0.096."""
    fleet = _fleet(count=3.0, instances=2.0, peak_instances=4.0, peak_hours_per_day=2.0)
    out = infrastructure_monthly(fleet, _placement(), _platform(), _prices(), _a())
    peak = 2 * 730 / 24
    expected = 3 * (2 * (730 - peak) + 4 * peak) * 0.096
    assert out.machine_images[0] == pytest.approx(expected)
    assert out.container_hosts[0] == 0 and out.total[0] == pytest.approx(expected)


def test_packed_hosts_worked_example() -> None:
    """10 services x 2 instances x 730 h: CPU 29,200 vCPU-h x 0.2 / (16 x 0.5) = 730 host-h
    (one host); memory 10 x 2 x 730 x 8 x 0.25 / (64 x 0.75) = 608 host-h, so CPU binds."""
    fleet = _fleet(count=10.0)
    out = infrastructure_monthly(fleet, _placement(container=1.0), _platform(), _prices(), _a())
    assert out.container_hosts[0] == pytest.approx(730 * 0.768)
    assert out.machine_images[0] == 0
    # registry: 10 services x 30 images x 0.3 GB x $0.1
    assert out.registry[0] == pytest.approx(10 * 30 * 0.3 * 0.1)
    held_vcpu_h = 10 * 2 * 730 * 2
    assert packing_factor(fleet, _placement(container=1.0), _platform(), _a())[0] == (
        pytest.approx(held_vcpu_h / (730 * 16))
    )


def test_memory_binds_when_processes_are_memory_heavy() -> None:
    fleet = _fleet(count=10.0)
    a = _a(memory_used_share=0.9)
    out = infrastructure_monthly(fleet, _placement(container=1.0), _platform(), _prices(), a)
    gib_h = 10 * 2 * 730 * 8 * 0.9
    assert out.container_hosts[0] == pytest.approx(gib_h / (64 * 0.75) * 0.768)


def test_platform_items_worked_example() -> None:
    platform = _platform(
        managed_clusters=2,
        registries=1,
        load_balancers=3,
        ci_minutes=500,
        pulls=1000,
        platform_fte=0.5,
    )
    out = infrastructure_monthly(
        _fleet(), _placement(), platform, _prices(registry_fee_month=20), _a()
    )
    assert out.control_plane[0] == pytest.approx(146)
    assert out.registry[0] == pytest.approx(20)  # no service in containers: the fee only
    assert out.load_balancers[0] == pytest.approx(66)
    assert out.ci[0] == pytest.approx(4)
    assert out.transfer[0] == pytest.approx(1000 * 0.3 * 0.1 * 0.09)
    assert out.platform_people[0] == pytest.approx(0.5 * 140 * 75)
    assert out.infrastructure[0] == pytest.approx(out.total[0] - out.platform_people[0])


def test_serverless_prices_requested_vcpu_and_memory() -> None:
    fleet = _fleet(count=5.0)
    out = infrastructure_monthly(
        fleet, _placement(container=1.0), _platform(serverless=1, min_hosts=3), _prices(), _a()
    )
    hours = 5 * 2 * 730
    expected = hours * 2 * 0.2 / 0.5 * 0.04048 + hours * 8 * 0.25 / 0.75 * 0.004445
    assert out.serverless[0] == pytest.approx(expected)
    assert out.container_hosts[0] == 0  # no hosts, no minimum


def test_managed_services_pay_the_premium() -> None:
    out = infrastructure_monthly(_fleet(), _placement(managed=1.0), _platform(), _prices(), _a())
    assert out.managed_services[0] == pytest.approx(2 * 730 * 0.096 * 1.75)


def test_own_hardware_is_sized_for_the_peak_and_amortised() -> None:
    """Owned capacity is paid all month at the peak count; a server's hour is
    (price / life + rack units x rack rate) / 730."""
    hour = own_hardware_hour(
        np.array(22000.0), np.array(60.0), np.array(2.0), np.array(45.0), np.array(730.0)
    )
    assert hour == pytest.approx((22000 / 60 + 2 * 45) / 730)
    fleet = _fleet(instances=2.0, peak_instances=5.0, peak_hours_per_day=1.0)
    own = infrastructure_monthly(
        fleet, _placement(), _platform(own_hardware=1), _prices(instance_hour=float(hour)), _a()
    )
    assert own.machine_images[0] == pytest.approx(5 * 730 * hour)


def test_colocated_processes_count_their_host_once() -> None:
    """The seed team: web, worker and MongoDB on one EC2 instance are one instance, not three."""
    names = ["web", "worker", "mongodb", "batch"]
    shares = host_shares(names, {"web": ["worker"], "mongodb": ["web"]})
    np.testing.assert_allclose(shares, [1 / 3, 1 / 3, 1 / 3, 1])
    fleet = _fleet(3, instances=1.0, peak_instances=1.0, host_share=shares[:3, None])
    out = infrastructure_monthly(fleet, _placement(3), _platform(), _prices(3), _a())
    assert out.machine_images[0] == pytest.approx(730 * 0.096)


# ----------------------------------------------------------------------------------------------
# Properties


def fl(low: float, high: float) -> st.SearchStrategy[float]:
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


fleets = st.fixed_dictionaries(
    {
        "count": fl(1, 300),
        "instances": fl(1, 20),
        "extra_peak": fl(0, 20),
        "peak_hours_per_day": fl(0, 24),
        "utilisation": fl(0.01, 1),
        "autoscaling": st.sampled_from([0.0, 1.0]),
        "vcpu": st.sampled_from([1.0, 2.0, 4.0, 8.0]),
        "memory_gib": st.sampled_from([2.0, 4.0, 8.0, 16.0]),
    }
)
states = st.fixed_dictionaries(
    {
        "container": st.sampled_from([0.0, 1.0]),
        "managed": st.sampled_from([0.0, 1.0]),
        "lag": fl(0, 600),
        "serverless": st.sampled_from([0.0, 1.0]),
        "own_hardware": st.sampled_from([0.0, 1.0]),
        "clusters": st.integers(0, 3),
        "fte": fl(0, 3),
    }
)


def _build(
    f: dict[str, Any], s: dict[str, Any], min_hosts: float = 0.0
) -> tuple[Fleet, Placement, Platform]:
    fleet = _fleet(
        count=f["count"],
        instances=f["instances"],
        peak_instances=f["instances"] + f["extra_peak"],
        peak_hours_per_day=f["peak_hours_per_day"],
        utilisation=f["utilisation"],
        autoscaling=f["autoscaling"],
        vcpu=f["vcpu"],
        memory_gib=f["memory_gib"],
    )
    container = s["container"] * (1 - s["managed"])
    placement = _placement(container=container, managed=s["managed"], lag=s["lag"])
    platform = _platform(
        serverless=s["serverless"],
        own_hardware=s["own_hardware"],
        managed_clusters=s["clusters"],
        platform_fte=s["fte"],
        min_hosts=min_hosts,
        registries=1,
        load_balancers=1,
        ci_minutes=300,
        pulls=200,
    )
    return fleet, placement, platform


@settings(max_examples=150, deadline=None)
@given(f=fleets, s=states, k=fl(0.1, 50))
def test_compute_grows_linearly_with_instances(
    f: dict[str, Any], s: dict[str, Any], k: float
) -> None:
    """k times the instances (normal and peak) -> k times the compute money (no host minimum)."""
    fleet, placement, platform = _build(f, s)
    more = replace(fleet, instances=fleet.instances * k, peak_instances=fleet.peak_instances * k)
    base = infrastructure_monthly(fleet, placement, platform, _prices(), _a())
    bigger = infrastructure_monthly(more, placement, platform, _prices(), _a())
    np.testing.assert_allclose(bigger.compute, k * base.compute, rtol=1e-9)
    for item in ("control_plane", "load_balancers", "ci", "platform_people", "registry"):
        np.testing.assert_allclose(getattr(bigger, item), getattr(base, item), rtol=1e-12)


@settings(max_examples=150, deadline=None)
@given(f=fleets, s=states, lower=fl(0.05, 1), hosts=st.sampled_from([0.0, 1.0, 3.0]))
def test_the_same_work_never_costs_less_at_lower_utilisation(
    f: dict[str, Any], s: dict[str, Any], lower: float, hosts: float
) -> None:
    """Doing the same work on instances used less (more instances, each at lower utilisation)
    never lowers the money in any state; packed containers pay for the work, so they do not
    rise either."""
    fleet, placement, platform = _build(f, s, hosts)
    u = fleet.utilisation
    idle = replace(
        fleet,
        utilisation=u * lower,
        instances=fleet.instances / lower,
        peak_instances=fleet.peak_instances / lower,
        memory_gib=fleet.memory_gib * lower,  # the same memory in use, spread wider
    )
    base = infrastructure_monthly(fleet, placement, platform, _prices(), _a())
    worse = infrastructure_monthly(idle, placement, platform, _prices(), _a())
    assert worse.total[0] >= base.total[0] * (1 - 1e-9)
    if s["container"] == 1 and s["managed"] == 0:
        assert worse.total[0] == pytest.approx(base.total[0], rel=1e-9)


@settings(max_examples=100, deadline=None)
@given(f=fleets, u0=fl(0.02, 1), drop=fl(0.05, 1))
def test_packing_saves_more_when_today_is_less_utilised(
    f: dict[str, Any], u0: float, drop: float
) -> None:
    """Today's machine images cost what they cost whatever their use; the packed target costs
    less the less work there is, so the saving never falls when utilisation falls."""
    s = dict(
        container=0.0, managed=0.0, lag=60.0, serverless=0.0, own_hardware=0.0, clusters=1, fte=0
    )
    fleet, today, platform = _build({**f, "utilisation": u0}, s, 3.0)
    target = _placement(container=1.0, lag=30.0)

    def saving(fl: Fleet) -> float:
        now = infrastructure_monthly(fl, today, platform, _prices(), _a())
        then = infrastructure_monthly(fl, target, platform, _prices(), _a())
        return float(now.total[0] - then.total[0])

    lower = replace(fleet, utilisation=fleet.utilisation * drop)
    now_low = infrastructure_monthly(lower, today, platform, _prices(), _a()).total[0]
    assert now_low == pytest.approx(
        infrastructure_monthly(fleet, today, platform, _prices(), _a()).total[0]
    )
    assert saving(lower) >= saving(fleet) - 1e-6


@settings(max_examples=150, deadline=None)
@given(f=fleets, s=states, k=fl(0.01, 1000), hosts=st.sampled_from([0.0, 3.0]))
def test_every_price_times_k_makes_every_item_times_k(
    f: dict[str, Any], s: dict[str, Any], k: float, hosts: float
) -> None:
    """A change of currency: every item, and so every difference between options, scales by k;
    with engineer cost zero no ranking by money can change."""
    fleet, placement, platform = _build(f, s, hosts)
    base = infrastructure_monthly(fleet, placement, platform, _prices(), _a())
    scaled = infrastructure_monthly(fleet, placement, platform, _prices().scaled(k), _a())
    for name, value in base.items().items():
        np.testing.assert_allclose(scaled.items()[name], k * value, rtol=1e-9, err_msg=name)


@settings(max_examples=100, deadline=None)
@given(f=fleets, lag=fl(0, 900), more=fl(0, 900))
def test_slower_start_holds_more_headroom(f: dict[str, Any], lag: float, more: float) -> None:
    s = dict(
        container=1.0, managed=0.0, lag=lag, serverless=0.0, own_hardware=0.0, clusters=0, fte=0
    )
    fleet, placement, platform = _build({**f, "autoscaling": 1.0}, s)
    slower = replace(placement, scale_out_lag_seconds=placement.scale_out_lag_seconds + more)
    a = _a()
    h0 = scale_out_headroom(placement.scale_out_lag_seconds, fleet.autoscaling, a)
    h1 = scale_out_headroom(slower.scale_out_lag_seconds, fleet.autoscaling, a)
    assert np.all(h1 >= h0) and np.all(h1 <= a.max_headroom)
    c0 = infrastructure_monthly(fleet, placement, platform, _prices(), a).total
    c1 = infrastructure_monthly(fleet, slower, platform, _prices(), a).total
    assert c1[0] >= c0[0] * (1 - 1e-12)
    manual = replace(fleet, autoscaling=np.zeros_like(fleet.autoscaling))
    assert np.all(scale_out_headroom(slower.scale_out_lag_seconds, manual.autoscaling, a) == 0)


def test_options_by_samples_broadcast() -> None:
    """Per-entry (P, O, N) and per-state (O, N) arrays give (O, N) items; per-entry arrays carry
    every axis (x[:, None, :] for options)."""
    n, o = 5, 3
    rng = np.random.default_rng(0)
    flat = _fleet(2)
    fleet = Fleet(**{f: getattr(flat, f)[:, None, :] for f in Fleet.__dataclass_fields__})
    fleet = replace(fleet, utilisation=rng.uniform(0.1, 0.4, (2, 1, n)))
    placement = Placement(
        container=np.array([[0.0, 1.0, 1.0], [0.0, 0.0, 1.0]])[:, :, None],
        managed=np.zeros((2, o, 1)),
        scale_out_lag_seconds=np.full((2, o, 1), 60.0),
    )
    platform = replace(_platform(), min_hosts=np.array([0.0, 1.0, 3.0])[:, None])
    prices = replace(_prices(2), instance_hour=np.full((2, 1, 1), 0.096))
    out = infrastructure_monthly(fleet, placement, platform, prices, _a())
    assert out.total.shape == (o, n)
    one = infrastructure_monthly(
        replace(flat, utilisation=fleet.utilisation[:, 0, 2:3]),
        Placement(
            placement.container[:, 1],
            placement.managed[:, 1],
            placement.scale_out_lag_seconds[:, 1],
        ),
        _platform(min_hosts=1),
        _prices(2),
        _a(),
    )
    assert out.total[1, 2] == pytest.approx(one.total[0])


# ----------------------------------------------------------------------------------------------
# The snapshot and its overrides


def test_every_price_has_unit_date_and_public_source() -> None:
    book = load_prices()
    assert book.read_on == dt.date(2026, 11, 30) and book.currency == "USD"
    prices = [e for e in book.entries.values() if isinstance(e, Price)]
    assert len(prices) >= 40
    for e in prices:
        assert e.unit.strip() and e.read_on <= book.read_on
        assert e.source.startswith("https://"), e.label
        assert e.low <= e.likely <= e.high
        if e.basis == "memory":
            assert e.note and "not verified" in e.note, e.label
        if e.basis == "stored-page":
            assert e.seen_in
    for entry in book.entries.values():
        assert entry.unit.strip() and len(entry.source) > 10


def test_snapshot_states_that_prices_change_and_how_to_override() -> None:
    text = default_prices_path().read_text(encoding="utf-8")
    head = text.split("schema_version")[0]
    assert "PRICES CHANGE" in head and "--assumptions" in head and "prices:" in head


def test_override_merges_a_range_and_keeps_the_page(tmp_path: Path) -> None:
    f = tmp_path / "mine.yaml"
    f.write_text(
        "schema_version: 1\n"
        "prices:\n"
        "  m6i.large: {low: 0.06, likely: 0.07, high: 0.08, source: our savings plan}\n"
        "  packed_cpu_utilisation: {likely: 0.6}\n"
    )
    book = load_prices(f)
    e = book["m6i.large"]
    assert (e.low, e.likely, e.high) == (0.06, 0.07, 0.08)
    assert (
        isinstance(e, Price)
        and e.source.startswith("https://")
        and "our savings plan" in (e.note or "")
    )
    assert e.basis == "override" and e.read_on == load_prices()["m6i.large"].read_on
    assert book["packed_cpu_utilisation"].likely == 0.6
    assert book.overridden == {"m6i.large", "packed_cpu_utilisation"}
    assert book.digest() != load_prices().digest()
    load_assumptions(f)  # the same file is a valid assumptions file


@pytest.mark.parametrize(
    ("body", "where", "message"),
    [
        ("  m6i.large: {low: 0.2, likely: 0.1, high: 0.3}\n", ":3:3:", "low <= likely <= high"),
        ("  m6i.larg: {likely: 0.1}\n", ":3:3:", "did you mean 'm6i.large'"),
        ("  m6i.large: {likely: cheap}\n", ":3:23:", "valid number"),
        ("  m6i.large: {likely: 0.1, vcpu: 4}\n", ":3:28:", "unknown field 'vcpu'"),
    ],
)
def test_malformed_override_says_where(tmp_path: Path, body: str, where: str, message: str) -> None:
    f = tmp_path / "bad.yaml"
    f.write_text("schema_version: 1\nprices:\n" + body)
    for load in (load_prices, load_assumptions):
        with pytest.raises(InputError) as err:
            load(f)
        assert f"{f}{where}" in str(err.value) and message in str(err.value)


def test_malformed_override_exits_2_from_the_cli(tmp_path: Path, cli: Any) -> None:
    f = tmp_path / "bad.yaml"
    f.write_text(
        "schema_version: 1\nprices:\n  aws.control_plane_month: {low: 90, likely: 73, high: 80}\n"
    )
    proc = cli("assess", "data/questionnaires/seed-team.yaml", "--assumptions", str(f))
    assert proc.code == 2
    assert f"{f}:3:3: prices.aws.control_plane_month: need low <= likely <= high" in proc.err
    assert "Traceback" not in proc.err


# ----------------------------------------------------------------------------------------------
# Known answers: the Financial Times, the seed team


def _sampled(
    provider: str, sizes: list[str], n: int, seed: int, host: str | None = None
) -> tuple[Any, Any, dict[str, Any]]:
    book = load_prices()
    space = ParamSpace(tuple(book.params(infra_param_keys(book, provider, sizes, host))))  # type: ignore[arg-type]
    values = space.sample(n, np.random.default_rng(seed))
    return book, space, values


def _ft_saving(utilisation: Pert, n: int = 4000) -> np.ndarray:
    """~550 VMs (m6i.large) for 150-200 services, one service per instance group, against the same
    services packed in containers on m6i.4xlarge hosts (3 at least, 2 EKS clusters for two regions,
    a registry). Memory in use from the facts: a Java service 340 MB, a Go one 12 MB, on 8 GiB."""
    vms = FT_VMS
    lo, likely, hi = FT_SERVICES
    book, _, v = _sampled("aws", ["m6i.large"], n, 14)
    rng = np.random.default_rng(15)
    services = Pert(lo, likely, hi).sample(n, rng)
    v["prices.memory_used_share"] = Pert(0.02, 0.05, 0.15).sample(n, rng)
    fleet = Fleet(
        count=services[None],
        instances=(vms / services)[None],
        peak_instances=(vms / services)[None],
        peak_hours_per_day=np.zeros((1, 1)),
        utilisation=utilisation.sample(n, rng)[None],
        autoscaling=np.zeros((1, 1)),
        host_share=np.ones((1, 1)),
        vcpu=np.full((1, 1), 2.0),
        memory_gib=np.full((1, 1), 8.0),
    )
    prices = unit_prices(book, v, "aws", ["m6i.large"], hourly_cost=np.zeros(1))
    a = infra_assumptions(book, v, "aws", np.full(1, 140.0))
    z = np.zeros(1)
    today = infrastructure_monthly(
        fleet,
        Placement(np.zeros((1, 1)), np.zeros((1, 1)), np.full((1, 1), 120.0)),
        Platform(z, z, z, z, z, z, z, z, z),
        prices,
        a,
    )
    packed = infrastructure_monthly(
        fleet,
        Placement(np.ones((1, 1)), np.zeros((1, 1)), np.full((1, 1), 30.0)),
        Platform(z, np.full(1, 3.0), np.full(1, 2.0), np.ones(1), z, z, z, z, z),
        prices,
        a,
    )
    return np.asarray(1.0 - packed.infrastructure / today.infrastructure)


def test_financial_times_packing_shows_a_large_saving() -> None:
    """At the questionnaire's default utilisation (10-40 %) packing saves about half; at the
    utilisation of small services on redundant VM pairs (5-20 %) the ~80 % the FT reported lies
    inside the 10-90 % band."""
    default = _ft_saving(Pert(0.1, 0.2, 0.4))
    assert np.median(default) > 0.4 and np.percentile(default, 10) > 0.2
    idle = _ft_saving(Pert(0.05, 0.1, 0.2))
    p10, p50, p90 = np.percentile(idle, [10, 50, 90])
    assert p10 < 0.8 < p90 and p50 > 0.65


def test_seed_team_infrastructure_is_a_small_line() -> None:
    """One EC2 instance for web, worker and MongoDB: a few tens of dollars a month, under 1 % of
    two engineers' time, and moving them into containers on the same host changes it by little."""
    n = 2000
    sizes = ["m6i.large"] * 3
    book, _, v = _sampled("aws", sizes, n, 3, host="m6i.large")
    hourly = Pert(50, 75, 110).sample(n, np.random.default_rng(4))
    prices, a = infra_inputs(book, v, "aws", sizes, hourly, np.full(1, 140.0), host="m6i.large")
    assert a.host_vcpu[0] == 2 and a.host_memory_gib[0] == 8
    shares = host_shares(["web", "worker", "mongodb"], {"web": ["worker", "mongodb"]})
    fleet = _fleet(
        3, instances=1.0, peak_instances=1.0, utilisation=0.2, host_share=shares[:, None]
    )
    today = infrastructure_monthly(fleet, _placement(3), _platform(ci_minutes=20 * 4), prices, a)
    docker = infrastructure_monthly(
        fleet,
        _placement(3, container=1.0, lag=10.0),
        _platform(min_hosts=1, registries=1, ci_minutes=70 * 5),
        prices,
        a,
    )
    people = 2 * 140 * hourly
    assert np.all(today.infrastructure < 120) and np.all(docker.infrastructure < 150)
    assert np.all(today.infrastructure < 0.01 * people)
    assert np.all(np.abs(docker.infrastructure - today.infrastructure) < 0.005 * people)


def test_own_hardware_and_other_cloud_prices_from_the_snapshot() -> None:
    """A server is amortised whole; a VM size on own hardware takes its share of the host server;
    other-cloud is priced as AWS; a server named for a cloud provider is refused."""
    sizes = ["server-1u", "m6i.large"]
    book, _, v = _sampled("own-hardware", sizes, 50, 5)
    p = unit_prices(book, v, "own-hardware", sizes, hourly_cost=np.ones(1))
    life = v["prices.own-hardware.server_life_months"]
    rack = v["prices.own-hardware.rack_unit_month"]
    server_1u = (v["prices.server-1u"] / life + 1 * rack) / 730
    server_2u = (v["prices.server-2u"] / life + 2 * rack) / 730
    np.testing.assert_allclose(p.instance_hour[0], server_1u)
    np.testing.assert_allclose(p.instance_hour[1], server_2u * max(2 / 128, 8 / 512))
    np.testing.assert_allclose(p.host_hour, server_2u)
    np.testing.assert_allclose(p.control_plane_month, 0.0)
    book, _, v = _sampled("other-cloud", ["m6i.large"], 50, 6)
    other = unit_prices(book, v, "other-cloud", ["m6i.large"], hourly_cost=np.ones(1))
    np.testing.assert_allclose(other.control_plane_month, v["prices.aws.control_plane_month"])
    with pytest.raises(KeyError, match="owned server"):
        unit_prices(book, v, "aws", ["server-1u"], hourly_cost=np.ones(1))
