"""Where every service unit runs today and under each option, as arrays the cost functions share.

A unit is one service of a process entry (an entry with ``count`` 120 is 120 units); embedded
files (SQLite) are no units of their own. Masks are (options, processes) or (processes,) of 0/1;
``units(mask)`` sums the sampled counts under a mask to (options, samples).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from analyzer.model.draws import Draws
from analyzer.model.infrastructure import matmul
from analyzer.model.structure import (
    BAKED_CONTAINER,
    CONFIG_MANAGEMENT,
    CONTAINER,
    CONTAINER_METHOD,
    MACHINE_IMAGE,
    MANAGED,
    MANAGED_METHOD,
    PACKAGE,
    REBAKE,
    Structure,
)

FloatArray = NDArray[np.float64]


def experience_sum(n: FloatArray, rate: FloatArray) -> FloatArray:
    """Hours of n similar units in multiples of the first: sum_{k=1..n} k^b, b = log2(rate).

    Wright (1936): the k-th unit costs first x k^log2(r). The sum is taken in closed form by
    Euler-Maclaurin with the first derivative term,
    (n^(b+1) - 1)/(b + 1) + (1 + n^b)/2 + b (n^(b-1) - 1)/12, exact at n = 1 and within 0.2 % of
    the sum for b in [-0.42, 0] (rates 0.75-1) at every n >= 1 (without the derivative term the
    error reaches 1.2 % at n = 2); it also takes the fractional counts that sampling a count range
    gives. rate = 1 gives n.
    """
    n = np.maximum(np.asarray(n, dtype=np.float64), 1.0)
    if np.all(n == 1.0):  # single units everywhere: the sum is exactly 1 (1^b = 1), no powers
        return np.ones(np.broadcast_shapes(n.shape, np.shape(rate)))
    b = np.log2(np.asarray(rate, dtype=np.float64))
    nb = n**b
    return np.asarray((n * nb - 1.0) / (b + 1.0) + (1.0 + nb) / 2.0 + b * (nb / n - 1.0) / 12.0)


@dataclass(frozen=True)
class Placement:
    n: FloatArray  # (P, S) units per entry (0 for embedded files)
    curve: FloatArray  # (P, S) experience_sum of n: multiples of the first unit's hours
    img: FloatArray  # (O, P) target on machine images
    ctr: FloatArray  # (O, P) target in containers
    mgd: FloatArray  # (O, P) target managed
    img0: FloatArray  # (P,) today on machine images
    ctr0: FloatArray
    mgd0: FloatArray
    moved: FloatArray  # (O, P) location changes
    to_ctr: FloatArray  # (O, P) moves into containers
    #: (O, P) goes onto the option's container platform: moves into containers, or is in a
    #: container today and changes how it is deployed (per-host containers, a new host per
    #: release, onto an orchestrator): manifests, configuration and secrets written again
    onto_platform: FloatArray
    own: FloatArray  # (P,) the team's own code
    stateful: FloatArray
    co_located: FloatArray
    manual: FloatArray  # scaled by hand
    method: dict[str, FloatArray]  # method -> (O, P)
    method0: dict[str, FloatArray]  # method -> (P,)
    entries: FloatArray  # (P,) 1 per non-embedded entry
    _counted: dict[tuple[tuple[int, ...], bytes, int], FloatArray] = field(
        default_factory=dict, repr=False, compare=False
    )
    _indexed: dict[tuple[bool, tuple[str, ...]], NDArray[np.intp]] = field(
        default_factory=dict, repr=False, compare=False
    )
    _per_units: list[tuple[FloatArray, FloatArray]] = field(
        default_factory=list, repr=False, compare=False
    )
    #: figures of this placement several cost functions read (recurring.container_share),
    #: computed once; read-only
    memo: dict[str, FloatArray] = field(default_factory=dict, repr=False, compare=False)

    def units(self, mask: FloatArray, per_unit: FloatArray | None = None) -> FloatArray:
        """sum_p mask[o, p] n[p, s] (x per_unit[p, s]) -> (O, S); mask may be (P,) -> (S,).

        Computed once per mask and ``per_unit`` array (the cost functions ask for the same
        ones: units in containers, own-code units, instances, data...); treat the result as
        read-only."""
        which, units = (-1, self.n) if per_unit is None else self.per_units(per_unit)
        key = (mask.shape, np.ascontiguousarray(mask).tobytes(), which)
        if key not in self._counted:
            self._counted[key] = matmul(mask, units)
        return self._counted[key]

    def times_n(self, x: FloatArray, p: int) -> FloatArray:
        """x n[p] for an (S,) row x: x itself where entry p is one unit in every sample (x 1
        is x exactly, and the usual entry is a single service); read-only."""
        if "single" not in self.memo:
            self.memo["single"] = np.all(self.n == 1.0, axis=-1)
        if self.memo["single"][p] and x.shape == self.n[p].shape:
            return x
        return np.asarray(np.multiply(x, self.n[p]))

    def per_units(self, per_unit: FloatArray) -> tuple[int, FloatArray]:
        """(its position, n x per_unit (P, S)), worked out once per ``per_unit`` array (several
        sums under masks read the same one, e.g. instances); read-only."""
        for i, (x, product) in enumerate(self._per_units):
            if x is per_unit:
                return i, product
        product = self.n * per_unit
        self._per_units.append((per_unit, product))
        return len(self._per_units) - 1, product

    def method_index(self, methods: tuple[str, ...], today: bool = False) -> NDArray[np.intp]:
        """(O, P), or (P,) for today: 1 + the position in ``methods`` of each entry's method, 0
        where it is none of them (embedded files have none). Computed once per ``methods``."""
        key = (today, methods)
        if key not in self._indexed:
            masks = self.method0 if today else self.method
            index = np.zeros(self.img0.shape if today else self.img.shape, dtype=np.intp)
            for i, method in enumerate(methods, start=1):
                index[masks[method] > 0] = i  # an entry has one method: the masks do not overlap
            self._indexed[key] = index
        return self._indexed[key]

    def curved(self, mask: FloatArray, first: FloatArray) -> FloatArray:
        """sum_p mask[o, p] first[p, s] experience_sum(n[p, s]) -> (O, S): a fleet's hours.

        Single units everywhere (the curve is 1) and a 0/1 mask with at most three entries an
        option: the sum is first added to itself k times (k = the row's entries), which is
        what the product gives whatever order it adds in (f + f is exact, and (f + f) + f is
        f + (f + f); a 0 x first term is +0 for a finite first), so no (P, S) product."""
        if self._single_curve() and mask.ndim == 2 and np.ndim(first) == 1:
            ks = mask.sum(axis=1)
            if (
                mask.shape[1] > 0 and bool(np.all((mask == 0.0) | (mask == 1.0)))
                and bool(np.all(ks <= 3)) and first.shape == self.curve.shape[-1:]
                and bool(np.all(np.isfinite(first)))
            ):
                sums = [np.zeros_like(first), first + 0.0]
                while len(sums) <= int(ks.max()):
                    sums.append(sums[-1] + first)
                out = np.empty((mask.shape[0], first.shape[0]))
                for row, k in zip(out, ks.tolist(), strict=True):
                    row[...] = sums[int(k)]
                return out
        return matmul(mask, first * self.curve)

    def upkeep(self, mask: FloatArray, first: FloatArray) -> FloatArray:
        """sum_p mask[o, p] first[s] experience_sum(n[p, s]) -> (O, S): recurring work per
        service on each entry's experience curve. Single services everywhere (the curve is 1):
        units x first, the cached unit count times the figure -- the linear sum, to the bit."""
        if self._single_curve():
            return np.asarray(self.units(mask) * first)
        return matmul(mask, first * self.curve)

    def _single_curve(self) -> bool:
        """The experience curve is exactly 1 everywhere (one unit per entry)."""
        if "curve_is_one" not in self.memo:
            self.memo["curve_is_one"] = np.asarray(bool(np.all(self.curve == 1.0)))
        return bool(self.memo["curve_is_one"])


METHODS: tuple[str, ...] = (
    PACKAGE,
    REBAKE,
    CONFIG_MANAGEMENT,
    CONTAINER_METHOD,
    BAKED_CONTAINER,
    MANAGED_METHOD,
)


def place(st: Structure, d: Draws) -> Placement:
    embedded = np.array([float(p.embedded) for p in st.processes])
    n = d.proc.count * (1.0 - embedded)[:, None]
    img0, ctr0, mgd0 = (st.today_mask(x) for x in (MACHINE_IMAGE, CONTAINER, MANAGED))
    img, ctr, mgd = (st.mask(x) for x in (MACHINE_IMAGE, CONTAINER, MANAGED))
    today = np.stack([img0, ctr0, mgd0])  # (3, P)
    target = np.stack([img, ctr, mgd], axis=1)  # (O, 3, P)
    moved = np.clip(np.abs(target - today[None]).sum(axis=1) / 2.0, 0.0, 1.0)
    method = {m: st.method_mask(m) for m in METHODS}
    method0 = {m: st.today_method_mask(m) for m in METHODS}
    redeployed = np.clip(
        sum(np.abs(method[m] - method0[m][None]) for m in METHODS) / 2.0, 0.0, 1.0
    )
    return Placement(
        n=n,
        curve=experience_sum(d.proc.count, d.c.experience_learning_rate[None, :]),
        img=img,
        ctr=ctr,
        mgd=mgd,
        img0=img0,
        ctr0=ctr0,
        mgd0=mgd0,
        moved=moved,
        to_ctr=moved * ctr,
        onto_platform=moved * ctr + ctr * ctr0[None] * redeployed,
        own=st.process_mask("own"),
        stateful=st.process_mask("stateful"),
        co_located=st.process_mask("co_located"),
        manual=st.process_mask("manual"),
        method=method,
        method0=method0,
        entries=st.process_mask("any"),
    )
