"""The dated price snapshot (data/prices.yaml) and a user's price overrides.

Prices are read, validated and located exactly as assumptions are (``analyzer.model.assumptions``):
the same YAML reader, the same pydantic error locations (FILE:LINE:COLUMN) and the same override
file -- the one given to ``--assumptions`` -- under its own ``prices:`` section, each entry listing
only the fields it changes. Every entry carries its unit, the date it was read and the public page
it came from.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from analyzer._io.paths import data_dir
from analyzer._io.yamlio import load_yaml
from analyzer.errors import InputError, Problem
from analyzer.model.assumptions import Assumption, RangeOverride, _validate, out_of_bounds
from analyzer.model.infrastructure import (
    InfraAssumptions,
    UnitPrices,
    own_hardware_hour,
    share_of_server,
)
from analyzer.model.params import Param, Pert

Provider = Literal["aws", "gcp", "azure", "other-cloud", "own-hardware"]
PriceProvider = Literal["aws", "gcp", "azure", "own-hardware"]
#: The items every provider prices (rates ``<provider>.<item>`` in data/prices.yaml).
PROVIDER_ITEMS = (
    "control_plane_month",
    "serverless_vcpu_hour",
    "serverless_gib_hour",
    "registry_gb_month",
    "registry_fee_month",
    "transfer_gb",
    "load_balancer_month",
)
COMMON_ITEMS = ("hours_per_month", "days_per_month", "ci_minute")
OWN_HARDWARE_ITEMS = ("server_life_months", "rack_unit_month")


class Price(Assumption):
    """A price: a PERT range with its unit and public source, the date it was read and how far it
    was checked (``basis``)."""

    read_on: dt.date
    source: str = Field(pattern=r"^https://\S+$", description="The public pricing page.")
    #: stored-page / memory / judgement in the snapshot; override: a user's figure
    basis: Literal["stored-page", "memory", "judgement", "override"]
    seen_in: str | None = Field(None, pattern=r"^https?://\S+$")
    note: str | None = None

    @model_validator(mode="after")
    def _seen_when_stored(self) -> Price:
        if self.basis == "stored-page" and not self.seen_in:
            raise ValueError("basis 'stored-page' needs seen_in: the stored page that gave it")
        return self


class InstanceType(Price):
    """A cloud instance size and its on-demand price per instance-hour."""

    provider: PriceProvider
    vcpu: float = Field(gt=0)
    memory_gib: float = Field(gt=0)


class Server(Price):
    """An owned server: its purchase price (amortised by ``own-hardware.*`` rates) and size."""

    vcpu: float = Field(gt=0)
    memory_gib: float = Field(gt=0)
    rack_units: float = Field(gt=0)


class ProviderDefaults(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    default_instance_type: str
    packing_host_type: str
    prices_as: PriceProvider | None = None


class PricesFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    schema_version: Literal[1]
    read_on: dt.date
    currency: str = Field(min_length=3, max_length=3)
    providers: dict[Provider, ProviderDefaults]
    instance_types: dict[str, InstanceType]
    servers: dict[str, Server]
    rates: dict[str, Price]
    infrastructure: dict[str, Assumption]

    @model_validator(mode="after")
    def _complete(self) -> PricesFile:
        keys = [*self.instance_types, *self.servers, *self.rates, *self.infrastructure]
        dupes = sorted({k for k in keys if keys.count(k) > 1})
        if dupes:
            raise ValueError(f"keys must be unique across sections: {', '.join(dupes)}")
        missing = [f"common.{i}" for i in COMMON_ITEMS if f"common.{i}" not in self.rates]
        missing += [
            f"{p}.{i}"
            for p in ("aws", "gcp", "azure", "own-hardware")
            for i in PROVIDER_ITEMS
            if f"{p}.{i}" not in self.rates
        ]
        missing += [
            f"own-hardware.{i}" for i in OWN_HARDWARE_ITEMS if f"own-hardware.{i}" not in self.rates
        ]
        if missing:
            raise ValueError(f"rates missing: {', '.join(missing)}")
        sizes = {**self.instance_types, **self.servers}
        for name, d in self.providers.items():
            for t in (d.default_instance_type, d.packing_host_type):
                if t not in sizes:
                    raise ValueError(f"providers.{name}: unknown instance type '{t}'")
        own = self.providers.get("own-hardware")
        if own is not None and own.packing_host_type not in self.servers:
            raise ValueError("providers.own-hardware.packing_host_type must be one of servers")
        return self


class PriceOverride(RangeOverride):
    """An entry of the ``prices:`` section of an override file: any of these fields."""

    read_on: dt.date | None = None
    note: str | None = None


class PriceOverrideFile(BaseModel):
    """The override file as prices read it; its ``assumptions:`` section is the assumptions'."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    schema_version: Literal[1]
    assumptions: dict[str, Any] = Field(default_factory=dict)
    prices: dict[str, PriceOverride] = Field(default_factory=dict)


Entry = Price | Assumption


@dataclass(frozen=True)
class PriceBook:
    """The prices in force for a run: the snapshot, with a user's overrides merged over it."""

    snapshot: PricesFile
    entries: Mapping[str, Entry]
    overridden: frozenset[str] = frozenset()
    override_source: str | None = None

    def __getitem__(self, key: str) -> Entry:
        return self.entries[key]

    @property
    def read_on(self) -> dt.date:
        return self.snapshot.read_on

    @property
    def currency(self) -> str:
        return self.snapshot.currency

    def size(self, key: str) -> InstanceType | Server:
        """An instance type or server, with any override of its price applied."""
        entry = self.entries[key]
        if not isinstance(entry, (InstanceType, Server)):
            raise KeyError(f"'{key}' is not an instance type or server")
        return entry

    def price_provider(self, provider: Provider) -> PriceProvider:
        """Whose rates a provider uses (other-cloud is priced as its ``prices_as``)."""
        d = self.snapshot.providers[provider]
        if d.prices_as is not None:
            return d.prices_as
        if provider == "other-cloud":  # pragma: no cover - the file's validator requires prices_as
            raise KeyError("other-cloud needs prices_as")
        return provider

    def rate_keys(self, provider: Provider) -> tuple[str, ...]:
        """The rate entries a provider's platform uses."""
        p = self.price_provider(provider)
        keys = [f"common.{i}" for i in COMMON_ITEMS] + [f"{p}.{i}" for i in PROVIDER_ITEMS]
        if p == "own-hardware":
            keys += [f"own-hardware.{i}" for i in OWN_HARDWARE_ITEMS]
        return tuple(keys)

    def params(self, keys: Iterable[str]) -> list[Param]:
        """``prices.<key>`` parameters (PERT over low/likely/high) for the model's space."""
        out = []
        for key in dict.fromkeys(keys):
            e = self.entries[key]
            out.append(
                Param(
                    f"prices.{key}",
                    e.label,
                    e.unit,
                    "assumption",
                    Pert(e.low, e.likely, e.high),
                    e.source,
                )
            )
        return out

    def digest(self) -> str:
        """SHA-256 of the entries in force (stable across key order)."""
        payload = {k: v.model_dump(mode="json") for k, v in sorted(self.entries.items())}
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def exchange_key(book: PriceBook, currency: str) -> str | None:
    """The rate entry (``fx.<CUR>``: units of ``currency`` per unit of the snapshot's) that
    converts the prices into ``currency``; None when no conversion is needed or none is known."""
    cur = currency.upper()
    if cur == book.currency.upper():
        return None
    key = f"fx.{cur}"
    return key if key in book.entries else None


def default_prices_path() -> Path:
    return data_dir() / "prices.yaml"


@cache
def _bundled() -> PricesFile:
    parsed: PricesFile = _validate(load_yaml(default_prices_path()), PricesFile)
    return parsed


def parse_prices(path: str | Path) -> PricesFile:
    """Validate a whole price file (the bundled one, or a replacement for tests)."""
    parsed: PricesFile = _validate(load_yaml(path, what="price file"), PricesFile)
    return parsed


def _entries(snapshot: PricesFile) -> dict[str, Entry]:
    return {
        **snapshot.instance_types,
        **snapshot.servers,
        **snapshot.rates,
        **snapshot.infrastructure,
    }


def load_prices(override: str | Path | None = None) -> PriceBook:
    """The bundled price snapshot, with the ``prices:`` section of an override file merged over it
    (the same file ``--assumptions`` takes). Problems raise InputError (exit 2) with
    FILE:LINE:COLUMN."""
    snapshot = _bundled()
    entries = _entries(snapshot)
    if override is None:
        return PriceBook(snapshot, entries)
    loaded = load_yaml(override, what="assumptions file")
    parsed: PriceOverrideFile = _validate(loaded, PriceOverrideFile)
    name = str(loaded.path)
    problems: list[Problem] = []
    for key, change in parsed.prices.items():
        line, col = loaded.marks.locate(("prices", key), prefer_key=True)
        if key not in entries:
            close = difflib.get_close_matches(key, list(entries), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            problems.append(
                Problem(name, f"unknown price '{key}'{hint}", line, col, f"prices.{key}")
            )
            continue
        current = entries[key]
        merged = current.model_dump() | change.model_dump(exclude_none=True)
        if not isinstance(current, Price):
            merged.pop("read_on", None)
            merged.pop("note", None)
        if change.source is None:
            merged["source"] = (
                current.source
                if isinstance(current, Price)
                else f"override in {loaded.path.name} (default: {current.source})"
            )
            if isinstance(current, Price):
                merged["note"] = f"override in {loaded.path.name}" + (
                    f"; default note: {current.note}" if current.note else ""
                )
        elif isinstance(current, Price) and not change.source.startswith("https://"):
            # a user's own figure (an invoice) has no public page: keep the page, note the origin
            merged["source"] = current.source
            merged["note"] = f"override in {loaded.path.name}: {change.source}"
        if isinstance(current, Price) and {"low", "likely", "high"} & change.model_fields_set:
            merged["basis"] = "override"
        try:
            entries[key] = type(current).model_validate(merged)
        except ValidationError as exc:
            for err in exc.errors(include_url=False):
                message = str(err["msg"]).removeprefix("Value error, ")
                problems.append(Problem(name, message, line, col, f"prices.{key}"))
            continue
        # a negative price or size, a share above 1: impossible (an exchange rate is a divisor)
        outside = out_of_bounds(entries[key], current, divisor=key.startswith("fx."),
                                max_factor=None)
        if outside:
            problems.append(Problem(name, outside, line, col, f"prices.{key}"))
    if problems:
        raise InputError(problems)
    return PriceBook(snapshot, entries, frozenset(parsed.prices), name)


# ----------------------------------------------------------------------------------------------
# From sampled prices to the infrastructure model's inputs

#: ``infrastructure`` keys of data/prices.yaml that InfraAssumptions reads.
INFRA_KEYS = (
    "packed_cpu_utilisation",
    "packed_memory_fill",
    "memory_used_share",
    "serverless_cpu_utilisation",
    "node_reserved_share",
    "demand_ramp_per_minute",
    "max_headroom",
    "managed_premium",
    "image_gb",
    "images_kept_per_service",
    "charged_pull_share",
)


def host_type(book: PriceBook, provider: Provider, override: str | None = None) -> str:
    """The container host type: ``override`` if given, else the provider's packing host."""
    return override or book.snapshot.providers[provider].packing_host_type


def infra_param_keys(
    book: PriceBook, provider: Provider, instance_types: Iterable[str], host: str | None = None
) -> tuple[str, ...]:
    """Every price entry the infrastructure model reads for this provider and these sizes; give
    ``book.params(keys)`` to the parameter space so each is sampled (and overridable)."""
    sizes = [*instance_types, host_type(book, provider, host)]
    if provider == "own-hardware":
        sizes.append(book.snapshot.providers["own-hardware"].packing_host_type)
    return tuple(dict.fromkeys([*book.rate_keys(provider), *sizes, *INFRA_KEYS]))


def _value(values: Mapping[str, Any], key: str) -> Any:
    return np.asarray(values[f"prices.{key}"], dtype=np.float64)


def _hourly(book: PriceBook, values: Mapping[str, Any], provider: Provider, key: str) -> Any:
    """Price per instance-hour of a size: its on-demand price in a cloud; on own hardware the
    amortised hour of a server (whole, or the share of the provider's host server a VM takes)."""
    size = book.size(key)
    if book.price_provider(provider) != "own-hardware":
        if isinstance(size, Server):
            raise KeyError(f"'{key}' is an owned server; hosting.provider is {provider}")
        return _value(values, key)
    if isinstance(size, Server):
        server, share = key, np.float64(1.0)
    else:
        server = book.snapshot.providers["own-hardware"].packing_host_type
        host = book.size(server)
        share = share_of_server(
            np.float64(size.vcpu),
            np.float64(size.memory_gib),
            np.float64(host.vcpu),
            np.float64(host.memory_gib),
        )
    s = book.size(server)
    if not isinstance(s, Server):  # the file's validator makes own hardware's host a server
        raise KeyError(f"'{server}' is not an owned server")
    hour = own_hardware_hour(
        _value(values, server),
        _value(values, "own-hardware.server_life_months"),
        np.float64(s.rack_units),
        _value(values, "own-hardware.rack_unit_month"),
        _value(values, "common.hours_per_month"),
    )
    return hour * share


def unit_prices(
    book: PriceBook,
    values: Mapping[str, Any],
    provider: Provider,
    instance_types: Sequence[str],
    hourly_cost: Any,
    host: str | None = None,
) -> UnitPrices:
    """UnitPrices from sampled ``prices.<key>`` values (arrays of samples): ``instance_types``
    names each process entry's size in order (``processes[].instance_type`` or
    ``hosting.instance_type``, or the provider's default), giving ``instance_hour`` shape
    ``(P, samples)``."""
    p = book.price_provider(provider)
    rows = [np.atleast_1d(_hourly(book, values, provider, t)) for t in instance_types]
    width = max((r.shape[-1] for r in rows), default=1)
    per_entry = (
        np.stack([np.broadcast_to(r, (width,)) for r in rows])
        if rows
        else np.zeros((0, 1), dtype=np.float64)
    )
    return UnitPrices(
        instance_hour=per_entry,
        host_hour=_hourly(book, values, provider, host_type(book, provider, host)),
        serverless_vcpu_hour=_value(values, f"{p}.serverless_vcpu_hour"),
        serverless_gib_hour=_value(values, f"{p}.serverless_gib_hour"),
        control_plane_month=_value(values, f"{p}.control_plane_month"),
        registry_gb_month=_value(values, f"{p}.registry_gb_month"),
        registry_fee_month=_value(values, f"{p}.registry_fee_month"),
        transfer_gb=_value(values, f"{p}.transfer_gb"),
        load_balancer_month=_value(values, f"{p}.load_balancer_month"),
        ci_minute=_value(values, "common.ci_minute"),
        hourly_cost=np.asarray(hourly_cost, dtype=np.float64),
    )


def infra_assumptions(
    book: PriceBook,
    values: Mapping[str, Any],
    provider: Provider,
    hours_per_person_month: Any,
    host: str | None = None,
) -> InfraAssumptions:
    """InfraAssumptions from sampled ``prices.<key>`` values and the container host's size."""
    size = book.size(host_type(book, provider, host))
    return InfraAssumptions(
        hours_per_month=_value(values, "common.hours_per_month"),
        days_per_month=_value(values, "common.days_per_month"),
        hours_per_person_month=np.asarray(hours_per_person_month, dtype=np.float64),
        host_vcpu=np.float64(size.vcpu) * np.ones(1),
        host_memory_gib=np.float64(size.memory_gib) * np.ones(1),
        **{k: _value(values, k) for k in INFRA_KEYS},
    )


def host_inputs(
    book: PriceBook, values: Mapping[str, Any], provider: Provider, host: str | None = None
) -> tuple[Any, Any, Any]:
    """(price per host-hour, vCPU (1,), memory GiB (1,)) of a container host type: what
    ``unit_prices`` and ``infra_assumptions`` give for it, for a state that reads nothing
    else of them (another state's host)."""
    name = host_type(book, provider, host)
    size = book.size(name)
    return (
        _hourly(book, values, provider, name),
        np.float64(size.vcpu) * np.ones(1),
        np.float64(size.memory_gib) * np.ones(1),
    )


def infra_inputs(
    book: PriceBook,
    values: Mapping[str, Any],
    provider: Provider,
    instance_types: Sequence[str],
    hourly_cost: Any,
    hours_per_person_month: Any,
    host: str | None = None,
) -> tuple[UnitPrices, InfraAssumptions]:
    """``unit_prices`` and ``infra_assumptions`` for one container host type, so the host's price
    and size cannot disagree."""
    return (
        unit_prices(book, values, provider, instance_types, hourly_cost, host),
        infra_assumptions(book, values, provider, hours_per_person_month, host),
    )
