"""The parameter space: every uncertain input of the model as a named, independent distribution.

Answers, assumptions, option figures and incident rates all become ``Param``s. The model only ever
sees a mapping ``name -> array of samples``, so Monte Carlo, the tornado, Sobol indices and the
reversal search all drive the same function.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from analyzer.model import distributions as dist
from analyzer.model.heap import keep_freed_memory

FloatArray = NDArray[np.float64]
Origin = Literal["answer", "assumption", "option", "history"]
#: Cells drawn at once by ``ParamSpace.sample`` (2 bytes each): whole rows, at least one.
CELL_BLOCK = 1 << 22


@dataclass(frozen=True)
class Pert:
    low: float
    likely: float
    high: float

    @property
    def constant(self) -> bool:
        return self.low == self.high

    def sample(self, n: int, rng: np.random.Generator) -> FloatArray:
        return dist.pert(self.low, self.likely, self.high, n, rng)

    def from_cells(self, cells: NDArray[np.integer]) -> FloatArray:
        """Values of the tabulated sampler's cells (see ``distributions.pert``)."""
        return dist.pert_from_cells(cells, self.low, self.likely, self.high)

    def table(self) -> FloatArray:
        """The value of every cell (read-only): ``from_cells(c)`` is ``table()[c]``."""
        return dist.pert_table(self.low, self.likely, self.high)

    def ppf(self, u: ArrayLike) -> FloatArray:
        return dist.pert_ppf(u, self.low, self.likely, self.high)

    @property
    def mean(self) -> float:
        return dist.pert_mean(self.low, self.likely, self.high)

    def describe(self) -> str:
        if self.constant:
            return f"{self.likely:g}"
        return f"PERT({self.low:g}, {self.likely:g}, {self.high:g})"


@dataclass(frozen=True)
class Gamma:
    """Gamma(shape, rate); here a monthly incident rate."""

    shape: float
    rate: float

    constant = False

    def sample(self, n: int, rng: np.random.Generator) -> FloatArray:
        return self.from_cells(dist.uniform_cells(n, rng))

    def from_cells(self, cells: NDArray[np.integer]) -> FloatArray:
        """Values of the tabulated sampler's cells (see ``distributions.gamma_from_cells``)."""
        return dist.gamma_from_cells(cells, self.shape, self.rate)

    def table(self) -> FloatArray:
        """The value of every cell (read-only): ``from_cells(c)`` is ``table()[c]``."""
        return dist.gamma_table(self.shape, self.rate)

    def ppf(self, u: ArrayLike) -> FloatArray:
        return dist.gamma_ppf(u, self.shape, self.rate)

    @property
    def mean(self) -> float:
        return self.shape / self.rate

    def describe(self) -> str:
        return f"Gamma(shape {self.shape:.3g}, rate {self.rate:.3g}/month)"


@dataclass(frozen=True)
class Empirical:
    """A distribution given by draws (bootstrap means of observed restore times)."""

    values: tuple[float, ...]

    constant = False

    def sample(self, n: int, rng: np.random.Generator) -> FloatArray:
        return rng.choice(np.asarray(self.values), size=n)

    def ppf(self, u: ArrayLike) -> FloatArray:
        return np.quantile(np.asarray(self.values), np.asarray(u, dtype=np.float64))

    @property
    def mean(self) -> float:
        return float(np.mean(self.values))

    def describe(self) -> str:
        return f"bootstrap of {len(self.values)} resampled means"


Distribution = Pert | Gamma | Empirical


@dataclass(frozen=True)
class Param:
    """One uncertain input: where it came from, its unit, and its distribution."""

    name: str
    label: str
    unit: str
    origin: Origin
    dist: Distribution
    source: str = ""

    @property
    def constant(self) -> bool:
        return bool(self.dist.constant)

    def quantile(self, q: float) -> float:
        return float(self.dist.ppf(np.array([q]))[0])


#: Origins of the parameters a run's assessments can share: the model's assumptions and the
#: prices (facts about the world, not about one application).
SHARED_ORIGINS: frozenset[str] = frozenset({"assumption"})


class SharedDraws:
    """Draws of the parameters that every assessment of one run shares (``analyzer portfolio``).

    In one simulated future the world's assumptions and prices take one value for every
    application: drawn independently per application, their errors would average out over an
    estate and understate the portfolio's uncertainty (docs/design/decision-model.md,
    "Uncertainty": correlated, not independent draws that average out). A parameter of origin
    ``assumption`` is drawn once per (name, distribution) from a stream of its own,
    ``SeedSequence(seed, spawn_key=(stable hash of the name, 1))``, so every worker and every order
    of applications gets the same values; an application that overrides the distribution gets
    draws of its own distribution. The arrays are read-only and shared.
    """

    def __init__(self, seed: int, samples: int) -> None:
        self.seed = seed
        self.samples = samples
        self._drawn: dict[tuple[str, object], FloatArray] = {}

    def get(self, p: Param) -> FloatArray | None:
        """The shared draws of ``p``, or None when ``p`` is not shared (an answer, a constant,
        a distribution that is not tabulated)."""
        if p.origin not in SHARED_ORIGINS or p.constant or not isinstance(p.dist, Pert | Gamma):
            return None
        key = (p.name, p.dist)
        if key not in self._drawn:
            digest = hashlib.sha256(p.name.encode("utf-8")).digest()[:8]
            # spawn key (name, 1): apart from every application's own stream (id,)
            seq = np.random.SeedSequence(self.seed, spawn_key=(int.from_bytes(digest, "big"), 1))
            x = p.dist.sample(self.samples, np.random.default_rng(seq))
            x.flags.writeable = False
            self._drawn[key] = x
        return self._drawn[key]


@dataclass(frozen=True)
class ParamSpace:
    """An ordered collection of independent parameters."""

    params: tuple[Param, ...]
    _index: dict[str, Param] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", {p.name: p for p in self.params})
        if len(self._index) != len(self.params):
            raise ValueError("duplicate parameter names")

    def __getitem__(self, name: str) -> Param:
        return self._index[name]

    def __contains__(self, name: object) -> bool:
        return name in self._index

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.params)

    def __len__(self) -> int:
        return len(self.params)

    @property
    def uncertain(self) -> tuple[Param, ...]:
        return tuple(p for p in self.params if not p.constant)

    def _tabulated(self) -> list[tuple[str, Pert | Gamma]]:
        """The parameters drawn through cell tables, in the order their cells are drawn: every
        uncertain PERT, then every Gamma."""
        return self._plan[0]

    @cached_property
    def _plan(self) -> tuple[list[tuple[str, Pert | Gamma]], list[FloatArray], dict[str, float]]:
        """What every draw of this space reads, worked out once: the tabulated parameters in
        draw order, their cell tables, and the constants' values."""
        perts: list[tuple[str, Pert | Gamma]] = [
            (p.name, p.dist) for p in self.params if isinstance(p.dist, Pert) and not p.constant
        ]
        perts += [(p.name, p.dist) for p in self.params if isinstance(p.dist, Gamma)]
        constants = {  # a constant PERT's median is its low (= likely = high): pert_ppf's value
            p.name: float(p.dist.low) if isinstance(p.dist, Pert)
            else float(p.dist.ppf(np.array([0.5]))[0])
            for p in self.params
            if p.constant
        }
        return perts, [d.table() for _, d in perts], constants

    def _others(self, n: int, rng: np.random.Generator, drawn: Mapping[str, object]
                ) -> dict[str, FloatArray]:
        """Constants (fresh length-1 arrays at their median) and the other distributions'
        draws, in the parameters' order."""
        constants = self._plan[2]
        return {
            p.name: np.array([constants[p.name]]) if p.name in constants
            else p.dist.sample(n, rng)
            for p in self.params
            if p.name not in drawn
        }

    def sample(
        self, n: int, rng: np.random.Generator, shared: SharedDraws | None = None
    ) -> dict[str, FloatArray]:
        """n independent draws of every parameter (constants as length-1 arrays).

        The cells of every uncertain PERT, then of every Gamma (tabulated samplers, see
        analyzer.model.distributions), then the other distributions in order; the stream is fixed
        by ``rng`` alone. With ``shared`` (n samples), the parameters it shares take its draws
        and the rest are drawn from ``rng`` in the same order.
        """
        if shared is not None:
            return self._sample_sharing(n, rng, shared)
        keep_freed_memory()
        perts, tables, _ = self._plan
        # One (parameters x samples) block of values, its rows the parameters'; the cells drawn
        # and looked up CELL_BLOCK at a time (the same stream as one uniform_cells call a row),
        # so no parameters x samples block of cells is held at large sample counts.
        block = np.empty((len(perts), n))
        step = max(1, CELL_BLOCK // n)
        for lo in range(0, len(perts), step):
            cells = dist.uniform_cell_rows(len(perts[lo : lo + step]), n, rng)
            for j, table in enumerate(tables[lo : lo + step]):
                table.take(cells[j], out=block[lo + j], mode="clip")  # cells < PERT_CELLS
        drawn = {name: block[i] for i, (name, _) in enumerate(perts)}
        drawn.update(self._others(n, rng, drawn))
        return {p.name: drawn[p.name] for p in self.params}

    def _sample_sharing(
        self, n: int, rng: np.random.Generator, shared: SharedDraws
    ) -> dict[str, FloatArray]:
        """``sample`` with the shared parameters' draws taken from ``shared``."""
        if shared.samples != n:
            raise ValueError(f"shared draws hold {shared.samples} samples, not {n}")
        common = {p.name: x for p in self.params if (x := shared.get(p)) is not None}
        own = ParamSpace(tuple(p for p in self.params if p.name not in common))
        drawn = {**own.sample(n, rng), **common} if own.params else common
        return {p.name: drawn[p.name] for p in self.params}

    def draw_on_demand(self, n: int, rng: np.random.Generator) -> Mapping[str, FloatArray]:
        """What ``sample(n, rng)`` gives, as a ``DrawnValues`` that holds the generator's state
        instead of the tabulated parameters' n values each (8 bytes a draw: 1.2 GB for the seed
        team at a million samples) and draws a parameter, or a block of samples of all of them,
        again when asked. ``rng`` ends where ``sample`` leaves it. A generator that cannot
        jump ahead (no ``advance``, e.g. MT19937) gets ``sample``'s dict."""
        if not hasattr(rng.bit_generator, "advance"):
            return self.sample(n, rng)
        keep_freed_memory()
        perts = self._tabulated()
        state = rng.bit_generator.state
        width = -(-n // dist.CELLS_PER_WORD)
        rng.bit_generator.advance(len(perts) * width)  # type: ignore[attr-defined]
        held = self._others(n, rng, dict(perts))
        return DrawnValues(tuple(p.name for p in self.params), perts, held, n, state,
                           type(rng.bit_generator))

    def at_quantiles(
        self, u: Mapping[str, ArrayLike] | None = None, default: float = 0.5
    ) -> dict[str, FloatArray]:
        """Each parameter at the given probabilities (arrays), the others at ``default``."""
        u = u or {}
        out: dict[str, FloatArray] = {}
        for p in self.params:
            probs = np.atleast_1d(np.asarray(u.get(p.name, default), dtype=np.float64))
            out[p.name] = np.atleast_1d(p.dist.ppf(probs))
        return out

    def from_unit(self, names: Iterable[str], unit: NDArray[np.float64]) -> dict[str, FloatArray]:
        """Map a (n, k) matrix of uniforms for ``names`` through their quantile functions;
        every other parameter sits at its median."""
        names = list(names)
        columns = {name: unit[:, j] for j, name in enumerate(names)}
        return self.at_quantiles(columns)

    def medians(self) -> dict[str, FloatArray]:
        return self.at_quantiles()


class DrawnValues(Mapping[str, FloatArray]):
    """A ParamSpace sample that draws its tabulated parameters again on demand: parameter i's
    cells are the generator's raw words i x W .. (i + 1) x W - 1 after ``state`` (W = n / 4
    rounded up, ``ParamSpace.sample``'s layout), so any parameter, or samples lo..hi of all of
    them (``block``), is found by jumping the generator ahead (``advance``) and drawing only
    those words: the same values as ``sample``, never all held at once.

    ``values[name]`` makes a fresh array each time (n x 8 bytes); ``samples`` is n.
    """

    def __init__(
        self,
        names: tuple[str, ...],
        tabulated: list[tuple[str, Pert | Gamma]],
        held: dict[str, FloatArray],
        n: int,
        state: Mapping[str, Any],
        bit_generator: type[np.random.BitGenerator],
    ) -> None:
        self._names = names
        self._row = {name: (i, d) for i, (name, d) in enumerate(tabulated)}
        self._held = held
        self.samples = n
        self._state = state
        self._kind = bit_generator
        self._width = -(-n // dist.CELLS_PER_WORD)

    def _draw(self, name: str, lo: int, hi: int) -> FloatArray:
        """Samples lo..hi - 1 of a tabulated parameter."""
        i, d = self._row[name]
        per = dist.CELLS_PER_WORD
        bits = self._kind()
        bits.state = self._state
        bits.advance(i * self._width + lo // per)  # type: ignore[attr-defined]
        skip = lo % per
        words = bits.random_raw(-(-(skip + hi - lo) // per)).astype("<u8", copy=False)
        quarters = words.view("<u2")[skip : skip + hi - lo]
        cells = np.bitwise_and(quarters, np.uint16(dist.PERT_CELLS - 1), dtype=np.uint16)
        return np.asarray(d.table().take(cells, mode="clip"))

    def block(self, lo: int, hi: int) -> dict[str, FloatArray]:
        """Samples lo..hi - 1 of every parameter (constants as they are)."""
        n = self.samples

        def held(x: FloatArray) -> FloatArray:
            return x[lo:hi] if x.size == n and n > 1 else x

        return {
            name: self._draw(name, lo, hi) if name in self._row else held(self._held[name])
            for name in self._names
        }

    def __getitem__(self, name: str) -> FloatArray:
        if name in self._row:
            return self._draw(name, 0, self.samples)
        return self._held[name]

    def __contains__(self, name: object) -> bool:
        return name in self._row or name in self._held

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)
