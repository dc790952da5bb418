"""Acceptance run of `analyzer scan` on real repositories (../shared/fixtures/repos, see its README).

For each repository: the processes the draft lists, its code lines against pygount's own report
(run as a separate command, once with scan's exclusions -- folders and names skipped, then the
not_code patterns and data tables of data/scan.yaml dropped from its per-file report -- and once
with pygount's defaults), the authors of the last 12 months and tags a week against counts made here from `git log` and
`git tag`, what `analyzer validate` says of the draft (as drafted, and with the required answers
scan could not give filled in), and the time `analyzer scan` takes (healthchecks must take under 10 s).

    python benchmarks/scan_fixtures.py [--fixtures DIR]

Prints "skipped: fixtures not found" and exits 0 when the folder is absent.
"""

from __future__ import annotations

import argparse
import datetime as dt
import fnmatch
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FIXTURES = Path("/work/shared/fixtures/repos")
TIME_LIMIT_S = {"healthchecks": 10.0}
REQUIRED = ("team.engineers", "codebase.kloc", "delivery.prod_deploys_per_week")


def _git_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env["LC_ALL"] = "C"
    return env


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True,
                          check=True, env=_git_env()).stdout


def prepare(fixtures: Path, work: Path) -> list[tuple[str, Path]]:
    repos = []
    for bundle in sorted(fixtures.glob("*.bundle")):
        target = work / bundle.stem
        subprocess.run(["git", "clone", "-q", "--", str(bundle), str(target)], check=True, env=_git_env())
        repos.append((bundle.stem, target))
    for archive in sorted(fixtures.glob("*.tar.gz")):
        with tarfile.open(archive) as tar:
            tar.extractall(work, filter="data")
            top = {m.name.split("/", 1)[0] for m in tar.getmembers()}
        for name in sorted(top):
            repos.append((name, work / name))
    return repos


def people_by_hand(identities: set[tuple[str, str]]) -> int:
    """People among (name, e-mail) identities: groups of keys merged until no two share one. Keys:
    the address, the name (letters and digits), and the address's handle (local part, or the login
    of a GitHub no-reply address) when some identity has that name."""
    def letters(text: str) -> str:
        return re.sub(r"[^0-9a-z]", "", text.casefold())

    names = {letters(n) for n, _ in identities}
    groups: list[set[str]] = []
    for name, email in identities:
        local, _, domain = email.partition("@")
        handle = letters(local.split("+", 1)[-1] if domain == "users.noreply.github.com" else local)
        keys = {"e:" + email, "n:" + letters(name)} | ({"n:" + handle} if handle in names else set())
        touching = [g for g in groups if g & keys]
        groups = [g for g in groups if not g & keys] + [keys.union(*touching)]
    return len(groups)


def history_by_hand(repo: Path) -> dict[str, Any] | None:
    """Authors and tags over the 12 months to the last commit, from git log / git tag output."""
    try:
        last = int(git(repo, "log", "-1", "--format=%ct").strip())
    except subprocess.CalledProcessError:
        return None
    end = dt.datetime.fromtimestamp(last, tz=dt.timezone.utc)
    start = end.replace(year=end.year - 1)
    emails = git(repo, "log", "--use-mailmap", f"--since={int(start.timestamp())}", f"--until={last}",
                 "--format=%aN|%aE").splitlines()
    bots = {e.split("|", 1)[1].lower() for e in emails if e and ("[bot]" in e.lower() or "dependabot" in e.lower())}
    humans = {(e.split("|", 1)[0], e.split("|", 1)[1].lower()) for e in emails if e and e.split("|", 1)[1].lower() not in bots}
    people = people_by_hand(humans)
    stamps = [int(s) for s in git(repo, "tag", "--list", "--format=%(creatordate:unix)").split()]
    tags = sum(1 for s in stamps if start.timestamp() <= s <= last)
    weeks = (end - start).days / 7
    return {"authors": people, "addresses": len({e for _, e in humans}), "bots": len(bots), "tags": tags, "weeks": weeks,
            "per_week": tags / weeks, "end": end.date().isoformat()}


def pygount_total(repo: Path, exclusions: bool) -> int:
    exe = Path(sys.executable).parent / "pygount"
    args = [str(exe) if exe.exists() else "pygount", "--format=json", "--out=STDOUT"]
    rules = yaml.safe_load((ROOT / "data" / "scan.yaml").read_text())
    if exclusions:
        folders = [f for f in rules["skip_folders"] if "/" not in f]
        args += ["--folders-to-skip=...," + ",".join(folders),
                 "--names-to-skip=...," + ",".join(rules["skip_files"])]
    proc = subprocess.run([*args, str(repo)], capture_output=True, text=True, check=True)
    report = json.loads(proc.stdout)
    if not exclusions:
        return int(report["summary"]["totalCodeCount"])
    # scan's not_code patterns and data tables, applied to pygount's own per-file report
    top = str(repo.resolve())
    total = 0
    for f in report["files"]:
        where = "/" + str(Path(f["path"]).resolve()).removeprefix(top).lstrip("/")
        if any(fnmatch.fnmatch(where, p) for p in rules["not_code"]):
            continue
        if f["language"] in rules["data_formats"] and f["codeCount"] > rules["data_file_max_lines"]["value"]:
            continue
        total += int(f["codeCount"])
    return total


def scan(repo: Path, out: Path) -> tuple[float, float, str]:
    """One `analyzer scan`: wall seconds, CPU seconds (with its counting workers), the draft.
    The pygount cache is in a folder of its own next to ``out``."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "XDG_CACHE_HOME": str(out.parent / "cache")}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "analyzer", "scan", str(repo), "-o", str(out), "--force"],
                          capture_output=True, text=True, env=env, cwd=ROOT)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"scan of {repo} failed: {proc.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu, out.read_text()


def validate(draft: Path) -> str:
    """`analyzer validate DRAFT` as a user runs it: 'yes', or the exit code and its first lines."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-m", "analyzer", "validate", str(draft)],
                          capture_output=True, text=True, env=env, cwd=ROOT)
    if proc.returncode == 0:
        return "yes"
    lines = [line.strip() for line in proc.stderr.splitlines() if line.strip()][:3]
    return f"exit {proc.returncode}: " + "; ".join(lines)


def filled(data: dict[str, Any], draft: Path) -> Path:
    """The draft with the required answers scan could not give filled in (as a user would),
    to check that everything scan wrote loads."""
    data = json.loads(json.dumps(data))
    for field, value in (("team.engineers", 2), ("codebase.kloc", 1), ("delivery.prod_deploys_per_week", 1)):
        section, key = field.split(".")
        if (data.get(section) or {}).get(key) is None:  # absent, or the draft's empty line to fill in
            data[section] = {**(data.get(section) or {}), key: value}
    out = draft.with_name(draft.stem + "-filled.yaml")
    out.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return out


def report(name: str, repo: Path, work: Path) -> bool:
    load = os.getloadavg()[0]
    elapsed, cpu, text = scan(repo, work / f"{name}.yaml")  # cold: the cache is empty
    warm, _, again = scan(repo, work / f"{name}.yaml")  # warm: counts reused
    data = yaml.safe_load(text)
    print(f"== {name}")
    limit = TIME_LIMIT_S.get(name)
    ok = limit is None or elapsed < limit
    print(f"  time: {elapsed:.1f} s cold ({cpu:.1f} s of CPU), {warm:.1f} s with the count cache (load average {load:.1f} "
          f"on {os.cpu_count()} CPUs)" + (f"; limit {limit:.0f} s cold: {'PASS' if ok else 'FAIL'}" if limit else ""))
    if again != text:
        print("  the second scan's draft differs from the first: FAIL")
        ok = False
    for p in data.get("processes") or []:
        print(f"  process: {p['name']:<14} kind={p['kind']:<9} runs_on={p.get('runs_on', 'machine-image (default)')}"
              + (f" native_dependencies={p['native_dependencies']}" if "native_dependencies" in p else ""))
    print("  platform: " + json.dumps(data.get("platform") or {}) + "  delivery: " + json.dumps(data.get("delivery") or {}))
    match = re.search(r"pygount: ([\d,]+) code lines", text)
    if match:
        mine = int(match.group(1).replace(",", ""))
        same = pygount_total(repo, exclusions=True)
        own = pygount_total(repo, exclusions=False)
        print(f"  code lines: scan {mine:,}; pygount with scan's exclusions {same:,} "
              f"({(mine - same) / same:+.1%}); pygount defaults {own:,} ({(mine - own) / own:+.1%})")
    by_hand = history_by_hand(repo)
    if by_hand is None:
        print("  history: not a git repository (scan says: "
              + ("skipped" if "History skipped" in text else "??") + ")")
    else:
        engineers = (data.get("team") or {}).get("engineers")
        per_week = (data.get("delivery") or {}).get("prod_deploys_per_week")
        print(f"  authors, 12 months to {by_hand['end']}: git log {by_hand['authors']} people, "
              f"{by_hand['addresses']} addresses (+{by_hand['bots']} bots); "
              f"scan engineers {engineers}")
        print(f"  tags a week: git tag {by_hand['tags']} / {by_hand['weeks']:.1f} weeks = {by_hand['per_week']:.2f}; "
              f"scan {per_week}")
        if per_week is not None:
            ok = ok and abs(per_week - round(by_hand["per_week"], 2)) < 0.011
        if isinstance(engineers, list):
            ok = ok and engineers[2] == by_hand["authors"]
    missing = [f for f in REQUIRED if (data.get(f.split(".")[0]) or {}).get(f.split(".")[1]) is None]
    draft = work / f"{name}.yaml"
    as_drafted = validate(draft)
    print(f"  schema_version {data['schema_version']}; required answers still to fill: {', '.join(missing) or 'none'}")
    print(f"  analyzer validate, as drafted: {as_drafted}")
    if missing:
        with_required = validate(filled(data, draft))
        print(f"  analyzer validate, the missing required answers filled in: {with_required}")
        ok = ok and with_required == "yes"
    else:
        ok = ok and as_drafted == "yes"
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fixtures", type=Path, default=DEFAULT_FIXTURES)
    args = parser.parse_args()
    if not args.fixtures.is_dir() or shutil.which("git") is None:
        print("skipped: fixtures not found")
        return 0
    with tempfile.TemporaryDirectory(prefix="scan-fixtures-") as tmp:
        work = Path(tmp)
        results = [report(name, repo, work) for name, repo in prepare(args.fixtures, work)]
    print("all checks pass" if all(results) else "SOME CHECKS FAIL")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
