"""Write a synthetic estate as an inventory CSV: applications of a few archetypes.

    python benchmarks/synthetic_portfolio.py 200 data/portfolios/estate-200/inventory.csv

The archetypes are invented but typical of an estate a platform team inventories (Konveyor's and
AWS's portfolio guides describe estates of "50 to over 2,000 workloads"): many small stateless
services, some monoliths with their own database, batch jobs and a few business-critical systems.
The same count and seed always give the same file.
"""

from __future__ import annotations

import argparse
import csv
import io
from pathlib import Path

import numpy as np

#: archetype -> (share of the estate, engineers, kloc, services, deploys/week, database, critical)
ARCHETYPES: dict[str, tuple[float, tuple[float, float], tuple[float, float], tuple[int, int], tuple[float, float], float, float]] = {
    "stateless-service": (0.45, (2, 6), (5, 40), (1, 4), (2, 15), 0.1, 0.05),
    "monolith": (0.2, (3, 12), (50, 300), (1, 2), (0.5, 5), 1.0, 0.3),
    "batch": (0.15, (1, 3), (2, 20), (1, 1), (0.2, 2), 0.3, 0.05),
    "legacy": (0.1, (1, 4), (20, 200), (1, 1), (0.05, 0.5), 1.0, 0.6),
    "fleet": (0.1, (6, 20), (50, 200), (5, 20), (10, 40), 0.5, 0.2),
}
LANGUAGES = ("java", "python", "go", "ruby", "node", "dotnet")
HEADER = ("id", "name", "description", "business_service", "tags", "engineers", "kloc", "services",
          "prod_deploys_per_week", "database", "critical", "depends_on")


def estate(n: int, seed: int = 7) -> str:
    """The inventory CSV text for ``n`` applications."""
    rng = np.random.default_rng(seed)
    kinds = list(ARCHETYPES)
    shares = np.array([ARCHETYPES[k][0] for k in kinds])
    picks = rng.choice(len(kinds), size=n, p=shares / shares.sum())
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(HEADER)
    ids: list[str] = []
    for i, k in enumerate(picks):
        kind = kinds[int(k)]
        _, eng, kloc, svc, dep, db, crit = ARCHETYPES[kind]
        aid = f"{kind}-{i + 1:04d}"
        lang = LANGUAGES[int(rng.integers(len(LANGUAGES)))]
        depends = [ids[int(j)] for j in rng.choice(len(ids), size=min(len(ids), int(rng.integers(0, 3))), replace=False)] if ids and rng.random() < 0.3 else []
        w.writerow((
            aid,
            f"{kind.replace('-', ' ').title()} {i + 1}",
            f"synthetic {kind} application",
            f"domain-{int(rng.integers(1, 9))}",
            f"language={lang}",
            int(rng.integers(int(eng[0]), int(eng[1]) + 1)),
            round(float(rng.uniform(*kloc)), 1),
            int(rng.integers(svc[0], svc[1] + 1)),
            round(float(rng.uniform(*dep)), 2),
            "postgresql" if rng.random() < db else "no",
            "yes" if rng.random() < crit else "no",
            ";".join(depends),
        ))
        ids.append(aid)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("output", type=Path)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(estate(args.count, args.seed), encoding="utf-8")
    print(f"wrote {args.output}: {args.count} applications")


if __name__ == "__main__":
    main()
