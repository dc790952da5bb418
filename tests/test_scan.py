"""`analyzer scan` on small repositories built here: each detection, its evidence comment, the git
figures against counts made independently from the commits the test wrote, and bad input."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer.errors import InputError
from analyzer.questionnaire import form as questionnaire
from analyzer.scan.core import ScanOptions, draft_text, scan_repository
from analyzer.scan.draft import _scalar
from tests.conftest import run_cli

GIT = shutil.which("git")
needs_git = pytest.mark.skipif(GIT is None, reason="git is not installed")

# The v2 contract (docs/design/questionnaire-v2.md): the fields a draft may write and their values.
CONTRACT: dict[str, Any] = {
    "team": {"engineers", "platform_engineers", "ops_time_share", "hourly_cost", "currency",
             "docker_familiarity", "platform_familiarity", "hires_per_year",
             "new_services_per_year", "new_service_wait_days", "migration_people"},
    "codebase": {"kloc", "languages"},
    "hosting": {"provider", "instance_type"},
    "platform": {"registry", "container_pipeline", "orchestrator", "orchestrator_managed",
                 "config_management", "config_management_hours_per_month"},
    "delivery": {"prod_deploys_per_week", "nonprod_deploys_per_week", "environments",
                 "hands_on_minutes_per_deploy", "failed_deploy_rate", "lead_time_hours",
                 "deploy_method", "image_bake_minutes"},
}
PROCESS_FIELDS = {"name", "kind", "count", "runs_on", "deploy_method", "stateful", "data_gb",
                  "embedded", "native_dependencies", "startup_seconds", "instances",
                  "peak_instances", "peak_hours_per_day", "autoscaling",
                  "scale_out_events_per_month", "instance_type", "utilisation", "shares_host_with"}
KINDS = {"web", "worker", "scheduler", "batch", "database", "cache", "queue", "proxy", "search", "other"}
RUNS_ON = {"machine-image", "container", "managed"}
DEPLOY = {"package-upgrade", "rebake-image", "config-management"}
ORCHESTRATORS = {"none", "compose", "ecs", "kubernetes", "nomad", "other"}
CONFIG = {"none", "ansible", "puppet", "chef", "salt", "other"}


def write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def line_of(text: str, needle: str) -> int:
    """1-based line of the first line containing ``needle`` (the expected evidence)."""
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def scan(root: Path, **options: Any) -> tuple[str, dict[str, Any]]:
    text = draft_text(scan_repository(root, ScanOptions(workers=1, **options)))
    return text, yaml.safe_load(text)


def answer_line(text: str, key: str, value: str | None = None) -> str:
    """The draft line that answers ``key`` (optionally with ``value``)."""
    pattern = re.compile(rf"^\s*(- )?{re.escape(key)}: " + (re.escape(value) if value else ""))
    return next(line for line in text.splitlines() if pattern.match(line))


def process(data: dict[str, Any], name: str) -> dict[str, Any]:
    return next(p for p in data["processes"] if p["name"] == name)


def check_contract(data: dict[str, Any]) -> None:
    """The draft's structure and values follow the v2 contract."""
    assert data["schema_version"] == 2
    assert isinstance(data["name"], str) and data["name"]
    for section, fields in CONTRACT.items():
        assert set(data.get(section) or {}) <= fields, section
    for p in data.get("processes") or []:
        assert set(p) <= PROCESS_FIELDS
        assert p["kind"] in KINDS
        assert p.get("runs_on", "machine-image") in RUNS_ON
        assert p.get("deploy_method", "package-upgrade") in DEPLOY
    names = [p["name"] for p in data.get("processes") or []]
    assert len(names) == len(set(names))
    platform = data.get("platform") or {}
    assert platform.get("orchestrator", "none") in ORCHESTRATORS
    assert platform.get("config_management", "none") in CONFIG
    assert (data.get("delivery") or {}).get("deploy_method", "package-upgrade") in DEPLOY
    engineers = (data.get("team") or {}).get("engineers")
    if isinstance(engineers, list):
        assert 1 <= engineers[0] <= engineers[1] <= engineers[2]


PROCFILE = "web: gunicorn app.wsgi --bind 0.0.0.0:$PORT\nworker: celery -A app worker\nclock: python clock.py\n"


def procfile_app(root: Path) -> None:
    write(root, "Procfile", "# processes\n" + PROCFILE)
    write(root, "Procfile.dev", "web: flask run\nassets: npm run watch\n")
    write(root, "requirements.txt", "Django==5.0\npsycopg2==2.9\nlxml>=5\nrequests\n")
    write(root, "app/wsgi.py", "import os\n\n# the app\napplication = None\n")
    write(root, "app/settings.py", 'DATABASES = {\n    "default": {\n        "ENGINE": "django.db.backends.postgresql",\n    }\n}\n')


def test_procfile_app_processes_kinds_and_native_dependencies(tmp_path: Path) -> None:
    procfile_app(tmp_path)
    text, data = scan(tmp_path)
    check_contract(data)
    assert [p["name"] for p in data["processes"]] == ["web", "worker", "clock", "postgres"]
    assert [p["kind"] for p in data["processes"]] == ["web", "worker", "scheduler", "database"]
    assert all("runs_on" not in p for p in data["processes"])  # machine-image is the default
    # the database is named only in the settings: listed, with where it runs left to check
    assert "# scan: app/settings.py line 3 (postgres named in settings)" in answer_line(text, "kind", "database")
    assert "# check: runs_on -- on your own hosts" in text
    # evidence: the Procfile line of each process (line 1 is a comment)
    assert "# scan: Procfile line 2" in answer_line(text, "kind", "web")
    assert "# scan: Procfile line 3" in answer_line(text, "kind", "worker")
    # native dependencies: psycopg2 and lxml are in the table, Django and requests are not
    assert process(data, "web")["native_dependencies"] == 2
    line = answer_line(text, "native_dependencies")
    assert "psycopg2 (requirements.txt line 2)" in line and "lxml (requirements.txt line 3)" in line
    # Procfile.dev's extra process is a development one: a comment, not a process
    assert "assets" not in [p["name"] for p in data["processes"]]
    assert "# development only, not listed: assets (Procfile.dev line 2)" in text
    assert "History skipped: not a git repository" in text
    # unknown answers: left out, with what to check
    assert data["team"] == {"engineers": None} and "  engineers:  # fill in (required): people who" in text


def compose_app(root: Path) -> str:
    compose = (
        "services:\n"
        "  web:\n"
        "    build: .\n"
        "    command: gunicorn app.wsgi\n"
        "    volumes: [uploads:/data]\n"
        "  worker:\n"
        "    build: .\n"
        "    command: celery -A app worker\n"
        "  db:\n"
        "    image: postgres:16\n"
        "  cache:\n"
        "    image: redis:7-alpine\n"
        "volumes:\n"
        "  uploads:\n"
    )
    write(root, "docker-compose.yml", compose)
    write(root, "Dockerfile", "FROM python:3.12\nRUN apt-get update && apt-get install -y libpq-dev\nCMD [\"gunicorn\"]\n")
    write(root, ".github/workflows/image.yml",
          "on: push\njobs:\n  image:\n    runs-on: ubuntu-latest\n    steps:\n"
          "      - run: docker build -t ghcr.io/acme/app .\n      - run: docker push ghcr.io/acme/app\n")
    write(root, "package.json", '{"dependencies": {"sharp": "^0.33", "left-pad": "1"},\n "devDependencies": {"canvas": "2"}}\n')
    return compose


def test_compose_app_containers_platform_and_state(tmp_path: Path) -> None:
    compose = compose_app(tmp_path)
    text, data = scan(tmp_path)
    check_contract(data)
    assert {p["name"]: p["kind"] for p in data["processes"]} == {
        "web": "web", "worker": "worker", "db": "database", "cache": "cache"}
    assert all(p["runs_on"] == "container" for p in data["processes"])
    assert process(data, "db")["stateful"] is True
    assert "stateful" not in process(data, "cache")  # a cache: asked, not assumed
    assert f"docker-compose.yml line {line_of(compose, '  db:')} (image postgres:16)" in answer_line(text, "kind", "database")
    assert f"docker-compose.yml line {line_of(compose, '  web:')} (built from Dockerfile)" in answer_line(text, "kind", "web")
    # the root Dockerfile is what compose builds: no extra process
    assert len(data["processes"]) == 4
    assert data["platform"] == {"registry": True, "container_pipeline": True, "orchestrator": "compose"}
    pipeline = answer_line(text, "container_pipeline")
    assert ".github/workflows/image.yml line 6" in pipeline and "pushes it at line 7" in pipeline
    # sharp (a dependency) counts, canvas (a devDependency) does not
    assert process(data, "web")["native_dependencies"] == 1
    assert "sharp (package.json line 1)" in answer_line(text, "native_dependencies")
    assert "native_dependencies" not in process(data, "db")
    assert "installs 1 system package(s): libpq-dev" in text
    assert "# docker_familiarity:  # check: who has shipped a container to production -- the repository runs 4 process(es) in containers" in text


def systemd_packer_app(root: Path) -> str:
    unit = "[Unit]\nDescription=app\n\n[Service]\nUser=app\nExecStart=/opt/app/bin/gunicorn app.wsgi\n"
    write(root, "deploy/app-web.service", unit)
    write(root, "deploy/app-report.service", "[Service]\nType=oneshot\nExecStart=/opt/app/bin/report\n")
    write(root, "deploy/app-report.timer", "[Timer]\nOnCalendar=daily\n")
    write(root, "packer/app.pkr.hcl", 'packer {\n}\n\nsource "amazon-ebs" "app" {\n  ami_name = "app"\n}\n')
    write(root, "ansible/site.yml", "---\n- hosts: app\n  roles: [app]\n")
    write(root, "ansible/roles/app/tasks/main.yml", "- name: install\n  apt: name=libxml2\n")
    write(root, "Gemfile", 'source "https://rubygems.org"\ngem "rails"\ngem "pg", "~> 1.5"\n')
    return unit


def test_systemd_and_packer_app(tmp_path: Path) -> None:
    unit = systemd_packer_app(tmp_path)
    text, data = scan(tmp_path)
    check_contract(data)
    assert {p["name"]: p["kind"] for p in data["processes"]} == {"app-web": "web", "app-report": "scheduler"}
    assert all("runs_on" not in p for p in data["processes"])
    assert f"# scan: deploy/app-web.service line {line_of(unit, 'ExecStart')} (ExecStart)" in answer_line(text, "kind", "web")
    assert data["delivery"]["deploy_method"] == "rebake-image"
    assert "packer/app.pkr.hcl line 4 (Packer template)" in answer_line(text, "deploy_method")
    assert data["platform"]["config_management"] == "ansible"
    assert "platform" in data and "registry" not in data["platform"]
    assert process(data, "app-web")["native_dependencies"] == 1
    assert "pg (Gemfile line 3)" in answer_line(text, "native_dependencies")


def test_roles_of_an_image_library_are_not_the_applications_processes(tmp_path: Path) -> None:
    for i in range(20):  # data/scan.yaml role_library_min_roles
        write(tmp_path, f"roles/r{i}/tasks/main.yml", "- name: x\n  debug: msg=x\n")
    write(tmp_path, "roles/r0/files/nginx.service", "[Service]\nExecStart=/usr/sbin/nginx\n")
    text, data = scan(tmp_path)
    assert data["processes"] is None  # the line left to fill in
    assert "1 systemd unit(s) inside a library of Ansible roles (e.g. roles/r0/files/nginx.service)" in text


def test_uwsgi_daemons_and_kubernetes(tmp_path: Path) -> None:
    write(tmp_path, "uwsgi.ini", "[uwsgi]\nhttp-socket = :8000\nmodule = app.wsgi\n"
          "attach-daemon = ./manage.py sendalerts\nif-env = SMTPD_PORT\nattach-daemon = ./manage.py smtpd\nendif =\n")
    write(tmp_path, "k8s/app.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n"
          "spec:\n  template:\n    spec:\n      containers:\n        - image: acme/api:1\n---\n"
          "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: nightly\nspec: {}\n")
    text, data = scan(tmp_path)
    check_contract(data)
    kinds = {p["name"]: (p["kind"], p.get("runs_on", "machine-image")) for p in data["processes"]}
    assert kinds == {"web": ("web", "machine-image"), "sendalerts": ("worker", "machine-image"),
                     "smtpd": ("worker", "machine-image"), "api": ("web", "container"),
                     "nightly": ("scheduler", "container")}
    assert "# scan: uwsgi.ini line 4 (attach-daemon)" in answer_line(text, "kind", "worker")
    assert "# check: runs only when SMTPD_PORT is set" in text
    assert data["platform"]["orchestrator"] == "kubernetes"
    assert "k8s/app.yaml line 12 (CronJob)" in text


def test_development_files_never_say_a_process_runs_in_a_container(tmp_path: Path) -> None:
    """Procfile.dev and a devcontainer's compose file describe a laptop, not production: they may
    name a process's kind, never where it runs (maybe: web and worker)."""
    write(tmp_path, "Procfile.dev", "web: bin/rails server\ncss: bin/rails tailwindcss:watch\nworker: bundle exec sidekiq\n")
    dev = "services:\n  app:\n    build: .\n  worker:\n    build: .\n    command: bundle exec sidekiq\n"
    write(tmp_path, ".devcontainer/docker-compose.yml", dev)
    prod = "services:\n  web:\n    image: acme/app:1\n  worker:\n    image: acme/app:1\n    command: bundle exec sidekiq\n"
    write(tmp_path, "compose.yml", prod)
    write(tmp_path, "deploy/Procfile", "clock: bin/clock\n")  # production, on machines
    write(tmp_path, "deploy/.devcontainer/compose.yaml", "services:\n  clock:\n    image: acme/app:1\n")
    text, data = scan(tmp_path)
    check_contract(data)
    for name in ("web", "worker"):
        where = next(line for line in text.splitlines()
                     if line.startswith("    runs_on:") and f"compose.yml line {line_of(prod, f'  {name}:')}" in line)
        assert "Procfile.dev" not in where and ".devcontainer" not in where
    assert "runs_on" not in process(data, "clock")  # a devcontainer does not move it into one
    assert "Procfile.dev" not in next(line for line in text.splitlines() if "# docker_familiarity:" in line)
    assert "# development only, not listed: app (.devcontainer/docker-compose.yml" in text


RIFF_RAFF = (
    "stacks: [deploy]\n"
    "deployments:\n"
    "  app:\n"
    "    type: autoscaling\n"
    "    dependencies: [cloudformation]\n"
    "  cloudformation:\n"
    "    type: cloud-formation\n"
    "    app: app\n"
    "    parameters:\n"
    "      amiTags:\n"
    "        Recipe: arm64-jammy-java21\n"
    "      amiParameter: AMIApp\n"
)


def test_riff_raff_autoscaling_is_not_a_rebaked_image(tmp_path: Path) -> None:
    """Riff-Raff's autoscaling type ships an artifact that new instances download at boot; amiTags
    name a shared base image: neither says an image is baked per release."""
    write(tmp_path, "riff-raff.yaml", RIFF_RAFF)
    write(tmp_path, "roles/base/tasks/main.yml", "- name: x\n  debug: msg=x\n")  # Ansible is used
    write(tmp_path, "build.sbt", 'libraryDependencies += "software.amazon.awssdk" % "dynamodb" % "2.0"\n')
    text, data = scan(tmp_path)
    check_contract(data)
    assert "rebake-image" not in yaml.safe_dump(data)
    assert "deploy_method" not in process(data, "app") and "deploy_method" not in data.get("delivery", {})
    check = next(line for line in text.splitlines() if line.startswith("  # deploy_method:  # check:"))
    assert "riff-raff.yaml line 3" in check and "download at boot" in check
    assert f"amiTags (Recipe: arm64-jammy-java21) at line {line_of(RIFF_RAFF, 'amiTags')}" in check
    assert "not an image baked per release" in check


def test_daemons_of_a_config_a_container_runs_are_in_the_container(tmp_path: Path) -> None:
    write(tmp_path, "docker/uwsgi.ini", "[uwsgi]\nhttp-socket = :8000\nattach-daemon = ./manage.py sendalerts\n")
    compose = "services:\n  web:\n    build: .\n    command: uwsgi /app/docker/uwsgi.ini\n"
    write(tmp_path, "docker/compose.yml", compose)
    text, data = scan(tmp_path)
    assert process(data, "sendalerts")["runs_on"] == "container"
    assert ("# scan: started inside web, whose command runs docker/uwsgi.ini "
            f"(docker/compose.yml line {line_of(compose, '  web:')} (built from docker/Dockerfile))") in answer_line(text, "runs_on", "container  # scan: started")


# --- git history -------------------------------------------------------------------------------


def git(root: Path, *args: str, when: dt.datetime | None = None, author: tuple[str, str] | None = None) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update({"GIT_CONFIG_NOSYSTEM": "1", "HOME": str(root), "GIT_COMMITTER_NAME": "ci",
                "GIT_COMMITTER_EMAIL": "ci@example.org"})
    if when is not None:
        stamp = when.strftime("%Y-%m-%dT%H:%M:%S+00:00")
        env.update({"GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp})
    if author is not None:
        env.update({"GIT_AUTHOR_NAME": author[0], "GIT_AUTHOR_EMAIL": author[1]})
    assert GIT is not None
    subprocess.run([GIT, "-C", str(root), *args], check=True, env=env, capture_output=True)


END = dt.datetime(2025, 6, 30, 12, 0, tzinfo=dt.timezone.utc)
ALICE, BOB, CAROL, BOT = (("Alice", "alice@example.org"), ("Bob", "bob@example.org"),
                          ("Carol", "carol@example.org"), ("dependabot[bot]", "bot@example.org"))


def tagged_history(root: Path) -> dict[str, Any]:
    """A year of commits and tags at known dates; returns the expected figures, counted here."""
    procfile_app(root)
    git(root, "init", "-q", "-b", "main")
    commits: list[tuple[dt.datetime, tuple[str, str]]] = []
    # Alice commits every month for a year; Bob in two months; Carol once, 13 months ago
    # (outside the window); the bot every month (left out).
    for month in range(12):
        commits.append((END - dt.timedelta(days=30 * month + 1), ALICE))
        commits.append((END - dt.timedelta(days=30 * month + 2), BOT))
    commits += [(END - dt.timedelta(days=40), BOB), (END - dt.timedelta(days=100), BOB)]
    commits += [(END - dt.timedelta(days=400), CAROL)]
    commits.sort()
    tags: list[tuple[str, dt.datetime]] = []
    for i, (when, who) in enumerate(commits):
        (root / "log.txt").write_text(f"{i}\n", encoding="utf-8")
        git(root, "add", "-A", when=when)
        git(root, "commit", "-q", "-m", f"c{i}", when=when, author=who)
        if i % 5 == 4:  # a tag 6 hours after every fifth commit, annotated or not
            tag_time = when + dt.timedelta(hours=6)
            name = f"v1.{i}"
            if i % 2:
                git(root, "tag", "-a", "-m", name, name, when=tag_time)
            else:
                git(root, "tag", name, when=tag_time)
                tag_time = when  # a lightweight tag's date is its commit's
            tags.append((name, tag_time))
    git(root, "tag", "nightly-1", when=END - dt.timedelta(days=3))  # not a release tag
    last = commits[-1][0]
    start = last.replace(year=last.year - 1)
    humans = {who for when, who in commits if start <= when <= last and who != BOT}
    in_window = [t for t in tags if start <= t[1] <= last]
    return {"start": start, "last": last, "authors": len(humans), "tags": in_window,
            "weeks": (last - start).total_seconds() / 86400 / 7}


@needs_git
def test_history_authors_tags_and_lead_time(tmp_path: Path) -> None:
    expected = tagged_history(tmp_path)
    text, data = scan(tmp_path, tag_pattern="v*")
    check_contract(data)
    assert expected["authors"] == 2  # Alice and Bob; Carol left 13 months ago; the bot is not a person
    # low: Alice alone has >= 5 % of the commits... Bob has 2 of 14 (14 %) too; likely: months >= 3 -> Alice
    engineers = data["team"]["engineers"]
    assert engineers == [2, 2, 2] or engineers == 2 or engineers[2] == expected["authors"]
    assert f"# scan: {expected['authors']} authors with commits in the 12 months to {expected['last'].date()}" in answer_line(text, "engineers")
    assert "1 bot(s) left out" in answer_line(text, "engineers")
    per_week = round(len(expected["tags"]) / expected["weeks"], 2)
    assert data["delivery"]["prod_deploys_per_week"] == per_week
    assert f"{len(expected['tags'])} tags matching 'v*'" in answer_line(text, "prod_deploys_per_week")
    lead = data["delivery"]["lead_time_hours"]
    values = lead if isinstance(lead, list) else [lead] * 3
    assert 0 <= values[0] <= values[1] <= values[2]
    assert "released commits" in answer_line(text, "lead_time_hours")


def _release(root: Path, hours_before_tag: list[int]) -> None:
    """One commit per value, then an annotated tag: each commit's lead time is its value."""
    procfile_app(root)
    git(root, "init", "-q", "-b", "main")
    tag_time = END
    for i, h in enumerate(sorted(hours_before_tag, reverse=True)):
        when = tag_time - dt.timedelta(hours=h)
        (root / "f.txt").write_text(str(i), encoding="utf-8")
        git(root, "add", "-A", when=when)
        git(root, "commit", "-q", "-m", str(i), when=when, author=ALICE)
    git(root, "tag", "-a", "-m", "v1", "v1", when=tag_time)
    later = tag_time + dt.timedelta(hours=1)  # the window ends at the last commit: after the tag
    git(root, "commit", "-q", "--allow-empty", "-m", "next", when=later, author=ALICE)


@needs_git
def test_lead_time_is_a_p10_to_p90_range_not_quartiles(tmp_path: Path) -> None:
    """low/likely/high are read as P10/likely/P90: written so, from the released commits' hours
    (expected values from the standard library's inclusive deciles, numpy's linear method)."""
    import statistics

    hours = [2, 3, 5, 8, 12, 20, 30, 45, 70, 100, 150, 240, 400, 700, 1000]
    _release(tmp_path, hours)
    text, data = scan(tmp_path)
    deciles = statistics.quantiles(hours, n=10, method="inclusive")
    expected = [round(deciles[0], 1), float(statistics.median(hours)), round(deciles[8], 1)]
    assert data["delivery"]["lead_time_hours"] == expected
    assert f"over {len(hours)} released commits: P10, median, P90 (hours)" in answer_line(text, "lead_time_hours")


@needs_git
def test_lead_time_of_a_few_commits_is_min_median_max(tmp_path: Path) -> None:
    _release(tmp_path, [4, 10, 30, 200])
    text, data = scan(tmp_path)
    assert data["delivery"]["lead_time_hours"] == [4, 20, 200]
    assert "over 4 released commits: min, median, max (hours)" in answer_line(text, "lead_time_hours")


@needs_git
def test_history_engineers_range_from_independent_counts(tmp_path: Path) -> None:
    """Five authors: one core (most commits, every month), one regular, three drive-bys."""
    procfile_app(tmp_path)
    git(tmp_path, "init", "-q", "-b", "main")
    plan = [(ALICE, m) for m in range(12)] * 3 + [(BOB, m) for m in (1, 4, 8)]
    plan += [((f"D{i}", f"d{i}@example.org"), 5) for i in range(3)]
    for i, (who, month) in enumerate(sorted(plan, key=lambda p: -p[1])):
        when = END - dt.timedelta(days=30 * month, minutes=i)
        (tmp_path / "f.txt").write_text(str(i), encoding="utf-8")
        git(tmp_path, "add", "-A", when=when)
        git(tmp_path, "commit", "-q", "-m", str(i), when=when, author=who)
    total = len(plan)
    core = sum(1 for n in (36, 3, 1, 1, 1) if n / total >= 0.05)  # Alice 36, Bob 3 (6.8 %)
    regular = 2  # Alice (12 months) and Bob (3 months)
    _, data = scan(tmp_path)
    assert data["team"]["engineers"] == [max(1, core), max(core, regular), 5]


# Who committed as whom (amigo's cases): 11 identities, 9 addresses after .mailmap, 7 people.
IDENTITIES = [
    ("Julia Branke", "80390930+JuliaBrigitte@users.noreply.github.com"),
    ("Julia Branke", "Julia.Branke@example.org"),  # same name
    ("philmcmahon", "philip.mcmahon@example.com"),
    ("Philip McMahon", "philip.mcmahon@example.org"),  # the address names him
    ("akash1810", "akash1810@users.noreply.github.com"),
    ("Akash Askoolum", "akash1810@users.noreply.github.com"),  # same address
    ("TJ Silver", "15648334+tjsilver@users.noreply.github.com"),
    ("Old Laptop", "root@laptop.local"),  # .mailmap: Carol
    ("Carol", "carol@example.org"),
    ("Adam Fisher", "adam@example.org"),
    ("Adam Fischer", "fischer@example.net"),  # another person
]
PEOPLE = 7  # Julia, Philip, Akash, TJ, Carol, Adam Fisher, Adam Fischer


@needs_git
def test_authors_are_people_not_addresses(tmp_path: Path) -> None:
    procfile_app(tmp_path)
    write(tmp_path, ".mailmap", "Carol <carol@example.org> <root@laptop.local>\n")
    git(tmp_path, "init", "-q", "-b", "main")
    for i, who in enumerate(IDENTITIES * 2):
        when = END - dt.timedelta(days=40 * (5 - i // 4), minutes=60 - i)  # in order, over 7 months
        (tmp_path / "f.txt").write_text(str(i), encoding="utf-8")
        git(tmp_path, "add", "-A", when=when)
        git(tmp_path, "commit", "-q", "-m", str(i), when=when, author=who)
    findings = scan_repository(tmp_path, ScanOptions(workers=1))
    assert findings.history is not None
    assert findings.history.authors == PEOPLE
    addresses = len({email.lower() for _, email in IDENTITIES}) - 1  # root@laptop.local is Carol's
    line = answer_line(draft_text(findings), "engineers")
    assert f"# scan: {PEOPLE} authors with commits" in line and f"their {addresses} e-mail addresses merged by .mailmap, same name" in line


@needs_git
def test_git_environment_cannot_redirect_the_scan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    other = tmp_path / "other"
    other.mkdir()
    git(other, "init", "-q")
    repo = tmp_path / "repo"
    repo.mkdir()
    procfile_app(repo)
    git(repo, "init", "-q")
    git(repo, "add", "-A", when=END)
    git(repo, "commit", "-q", "-m", "one", when=END, author=BOB)
    monkeypatch.setenv("GIT_DIR", str(other / ".git"))
    monkeypatch.setenv("GIT_WORK_TREE", str(other))
    findings = scan_repository(repo, ScanOptions(workers=1))
    assert findings.git_problem == ""
    assert findings.history is not None and findings.history.authors == 1


@needs_git
def test_since_and_empty_repositories(tmp_path: Path) -> None:
    procfile_app(tmp_path)
    git(tmp_path, "init", "-q")
    text, _ = scan(tmp_path)
    assert "History skipped: the repository has no commits" in text
    git(tmp_path, "add", "-A", when=END)
    git(tmp_path, "commit", "-q", "-m", "one", when=END, author=BOB)
    with pytest.raises(InputError, match="--since: 2030-01-01 is not before the last commit"):
        scan_repository(tmp_path, ScanOptions(workers=1, since=dt.date(2030, 1, 1)))
    text, data = scan(tmp_path, since=dt.date(2025, 6, 1))
    assert data["team"]["engineers"] == 1
    assert "12 months to 2025-06-30" in answer_line(text, "engineers")


def test_no_git_is_said_once_and_required_answers_are_lines_to_fill_in(tmp_path: Path) -> None:
    """Without git: one plain sentence, no git stderr; the required answers scan cannot give are
    empty lines of their own, so the loader names each of them at its line (not line 1)."""
    procfile_app(tmp_path)
    text, data = scan(tmp_path)
    assert "# History skipped: not a git repository\n" in text and "fatal:" not in text
    assert text.count("not a git repository") == 1
    assert data["team"] == {"engineers": None} and data["delivery"] == {"prod_deploys_per_week": None}
    with pytest.raises(InputError) as raised:
        questionnaire.parse_questionnaire(text, "draft.yaml")
    lines = text.splitlines()
    for key in ("engineers", "prod_deploys_per_week"):
        at = next(n for n, line in enumerate(lines, 1) if line.startswith(f"  {key}:  # fill in (required):"))
        assert f"draft.yaml:{at}:" in str(raised.value)
    assert "required field is missing" not in str(raised.value)


def test_no_processes_found_is_a_line_to_fill_in(tmp_path: Path) -> None:
    write(tmp_path, "app.py", "x = 1\n")
    text, data = scan(tmp_path)
    assert data["processes"] is None
    assert "processes:  # fill in (required): no Procfile, compose file, unit or manifest found" in text


def test_bad_yaml_is_said_not_fatal(tmp_path: Path) -> None:
    write(tmp_path, "compose.yaml", "services: [unclosed\n")
    write(tmp_path, "Procfile", "web: ./run\n")
    text, data = scan(tmp_path)
    assert [p["name"] for p in data["processes"]] == ["web"]
    assert "compose.yaml is not valid YAML, not read" in text


# --- bad input ---------------------------------------------------------------------------------


def test_not_a_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such folder"):
        scan_repository(tmp_path / "missing")
    write(tmp_path, "file.txt", "x")
    with pytest.raises(InputError, match="is not a folder"):
        scan_repository(tmp_path / "file.txt")


def test_symlinks_out_of_the_repository_are_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    write(outside, "Procfile", "secret: ./leak\n")
    repo = tmp_path / "repo"
    procfile_app(repo)
    (repo / "linked").symlink_to(outside, target_is_directory=True)
    (repo / "Procfile.prod").symlink_to(outside / "Procfile")
    (repo / "inside-link").symlink_to(repo / "Procfile")  # inside: read (same processes)
    text, data = scan(repo)
    assert "secret" not in [p["name"] for p in data["processes"]]
    said = next(line for line in text.splitlines() if "Symlinks out of the repository" in line)
    assert "not followed (2)" in said and "Procfile.prod" in said and "linked/" in said


def test_symlink_loops_are_listed_as_unreadable_and_the_scan_goes_on(tmp_path: Path) -> None:
    procfile_app(tmp_path)
    (tmp_path / "a").symlink_to("b")  # a -> b -> a
    (tmp_path / "b").symlink_to("a")
    (tmp_path / "self").symlink_to("self")  # self -> self
    text, data = scan(tmp_path)
    assert {"web", "worker", "clock"} <= {p["name"] for p in data["processes"]}
    said = next(line for line in text.splitlines() if "Not readable" in line)
    assert "Not readable (3)" in said
    for name in ("a", "b", "self"):
        assert f"{name} (symlink loop)" in said
    assert "Symlinks out of the repository" not in text


def test_unreadable_files_are_listed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    procfile_app(tmp_path)
    original = Path.read_text

    def refuse(self: Path, *args: Any, **kwargs: Any) -> str:
        if self.name == "requirements.txt":
            raise PermissionError(13, "Permission denied")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", refuse)
    text, data = scan(tmp_path)
    assert "Not readable (1): requirements.txt (Permission denied)" in text
    assert "native_dependencies" not in process(data, "web")


def test_cap_on_files_read_is_said(tmp_path: Path) -> None:
    procfile_app(tmp_path)
    for i in range(5):
        write(tmp_path, f"src/m{i}.py", "x = 1\n")
    text, _ = scan(tmp_path, max_files=3)
    assert "Files read: 3 -- stopped at the cap of 3 files; the rest was not read" in text


def test_vendored_and_generated_code_is_not_counted(tmp_path: Path) -> None:
    write(tmp_path, "app.py", "".join(f"x{i} = {i}\n" for i in range(250)))
    write(tmp_path, "node_modules/lib/index.js", "".join(f"var a{i} = {i};\n" for i in range(900)))
    write(tmp_path, "static/jquery.min.js", "var a = 1;\n" * 900)
    write(tmp_path, "copy_of_app.py", (tmp_path / "app.py").read_text())  # duplicate: counted once
    findings = scan_repository(tmp_path, ScanOptions(workers=1))
    assert findings.code is not None
    assert findings.code.total == 250 and findings.code.duplicates == 1
    assert yaml.safe_load(draft_text(findings))["codebase"]["kloc"] == 0.2  # 0.25 rounded to 0.1


def _lines(template: str, n: int) -> str:
    return "".join(template.format(i=i) for i in range(n))


def test_code_size_counts_code_not_data_translations_fixtures_or_copied_libraries(tmp_path: Path) -> None:
    """kloc counts the team's code: translations, fixtures, cassettes, a data table, images as text
    and a copied Bootstrap tree (with the CSS built from it) are left out (data/scan.yaml not_code)."""
    write(tmp_path, "app/models.py", _lines("x{i} = {i}\n", 600))
    write(tmp_path, "app/static/site.css", _lines(".a{i} {{ color: red; }}\n", 100))
    write(tmp_path, "config/settings.yml", _lines("key{i}: value\n", 40))  # configuration: code
    left_out = {
        "config/locales/en.yml": _lines("k{i}: text\n", 700),
        "config/locales/defaults/fr.yml": _lines("k{i}: texte\n", 700),
        "test/fixtures/users.yml": _lines("u{i}: {{name: a}}\n", 300),
        "test/vcr_cassettes/api/call.yml": _lines("h{i}: x\n", 300),
        "config/currencies.yml": _lines("c{i}: {{code: X}}\n", 1200),  # a data table
        "app/assets/images/logo.svg": "<svg>\n" + _lines("<path d='M{i}'/>\n", 400) + "</svg>\n",
        "stuff/bootstrap/buttons.less": _lines(".btn{i} {{ color: red; }}\n", 500),
        "stuff/bootstrap/mixins/grid.less": _lines(".g{i} {{ width: 1px; }}\n", 500),
        "static/css/bootstrap.css": _lines(".b{i} {{ color: red; }}\n", 900),
    }
    for rel, text in left_out.items():
        write(tmp_path, rel, text)
    findings = scan_repository(tmp_path, ScanOptions(workers=1))
    assert findings.code is not None
    assert findings.code.total == 600 + 100 + 40 and findings.code.not_code == len(left_out)
    text = draft_text(findings)
    assert yaml.safe_load(text)["codebase"]["kloc"] == 0.7  # 0.74 rounded to 0.1
    line = answer_line(text, "kloc")
    assert "740 code lines in 3 files" in line and f"{len(left_out)} files of data, translations" in line


def test_languages_rule_is_one_share_of_the_counted_lines_and_said(tmp_path: Path) -> None:
    """Every language at >= 5 % of the counted lines is named unless data/scan.yaml says it is
    markup, style or data -- HTML and CSS alike -- and the draft says which were not named."""
    write(tmp_path, "app/views.py", _lines("x{i} = {i}\n", 600))  # 60 %
    write(tmp_path, "app/static/app.js", _lines("var a{i} = {i};\n", 60))  # 6 %
    write(tmp_path, "app/static/site.css", _lines(".a{i} {{ color: red; }}\n", 90))  # 9 %
    write(tmp_path, "templates/page.html", _lines("<p>{i}</p>\n", 210))  # 21 %
    write(tmp_path, "deploy/app.yml", _lines("key{i}: value\n", 40))  # 4 %
    text, data = scan(tmp_path)
    assert data["codebase"]["languages"] == ["python", "javascript"]
    line = answer_line(text, "languages")
    assert ">= 5% of the 1,000 code lines (Python 60%, JavaScript 6%)" in line
    assert "HTML 21%, CSS 9% counted in kloc, not named" in line and "YAML" not in line


def test_count_cache_gives_the_same_counts_and_recounts_changed_files(tmp_path: Path) -> None:
    repo, cache = tmp_path / "repo", tmp_path / "cache"
    write(repo, "a.py", "a = 1\nb = 2\n")
    write(repo, "b.js", "var x = 1;\n// note\n")
    options = ScanOptions(workers=1, cache_dir=cache)
    cold = scan_repository(repo, ScanOptions(workers=1)).code
    first = scan_repository(repo, options).code
    assert first == cold and list(cache.iterdir())  # the cache was written
    write(repo, "a.py", "a = 1\nb = 2\nc = 3\n")
    second = scan_repository(repo, options).code
    assert second is not None and cold is not None
    assert second.total == cold.total + 1
    (next(cache.iterdir())).write_text("{not json", encoding="utf-8")  # a broken cache: recount
    assert scan_repository(repo, options).code == second


# --- the command line --------------------------------------------------------------------------


@pytest.mark.slow  # a whole report or CLI run: in `make test`, not the fast tier
def test_cli_writes_once_and_refuses_to_overwrite(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    procfile_app(repo)
    out = tmp_path / "draft.yaml"
    first = run_cli("scan", str(repo), "-o", str(out), "--no-cache")
    assert first.code == 0, first.err
    assert "processes web, worker, clock, postgres" in first.out
    assert "to fill in before it validates (no evidence in the repository): team.engineers, delivery.prod_deploys_per_week" in first.out
    check_contract(yaml.safe_load(out.read_text()))
    out.write_text("mine\n")
    again = run_cli("scan", str(repo), "-o", str(out), "--no-cache")
    assert again.code == 2 and "already exists; pass --force" in again.err
    assert out.read_text() == "mine\n"
    assert run_cli("scan", str(repo), "-o", str(out), "--force", "--no-cache").code == 0
    assert out.read_text().startswith("# Draft questionnaire")
    missing = run_cli("scan", str(tmp_path / "nope"), "-o", str(tmp_path / "x.yaml"), "--no-cache")
    assert missing.code == 2 and "no such folder" in missing.err and "Traceback" not in missing.err


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_names_from_a_repository_round_trip_through_yaml(name: str) -> None:
    """Any file or service name is written as a YAML scalar that reads back as the same string."""
    assert yaml.safe_load(f"name: {_scalar(name)}  # scan: x") == {"name": name}


@pytest.mark.skipif(
    questionnaire.SCHEMA_VERSION < 2, reason="the questionnaire v2 loader has not landed in this branch"
)
@pytest.mark.parametrize("build", [procfile_app, compose_app, systemd_packer_app])
def test_draft_validates_with_the_real_loader(tmp_path: Path, build: Any) -> None:  # pragma: no cover
    build(tmp_path)
    data = yaml.safe_load(draft_text(scan_repository(tmp_path, ScanOptions(workers=1))))
    # the required answers a repository without history cannot give, filled in by the "user"
    for section, key, value in (("team", "engineers", 3), ("codebase", "kloc", 1),
                                ("delivery", "prod_deploys_per_week", 1)):
        if (data.get(section) or {}).get(key) is None:
            data[section] = {**(data.get(section) or {}), key: value}
    text = yaml.safe_dump(data, sort_keys=False)
    loaded = questionnaire.parse_questionnaire(text, "draft.yaml")
    assert [p.name for p in loaded.processes] == [p["name"] for p in data["processes"]]


def _fill(text: str, key: str, value: str) -> str:
    """What a user does with a draft: writes the value on the line left to fill in."""
    return re.sub(rf"^  {key}:  # fill in", f"  {key}: {value}  # filled in", text, count=1, flags=re.M)


@pytest.mark.slow
def test_scan_then_validate_then_report_end_to_end(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    procfile_app(repo)
    draft = tmp_path / "draft.yaml"
    assert run_cli("scan", str(repo), "-o", str(draft), "--no-cache").code == 0
    before = run_cli("validate", str(draft))
    lines = draft.read_text(encoding="utf-8").splitlines()
    at = next(n for n, line in enumerate(lines, 1) if line.startswith("  engineers:"))
    assert before.code != 0 and f"draft.yaml:{at}:" in before.err and "team.engineers" in before.err
    # the answers a repository without history cannot give, filled in by the "user"
    text = _fill(draft.read_text(encoding="utf-8"), "engineers", "3")
    text = _fill(text, "prod_deploys_per_week", "[0.5, 1, 2]")
    draft.write_text(text, encoding="utf-8")
    checked = run_cli("validate", str(draft))
    assert checked.code == 0, checked.err
    report = tmp_path / "report.md"
    done = run_cli("report", str(draft), "--format", "md", "-o", str(report), "--samples", "400",
                   "--no-sensitivity")
    assert done.code == 0, done.err
    md = report.read_text(encoding="utf-8")
    # the report is about the scanned processes, with the scanned and the filled answers
    assert "web (web); worker (worker); clock (scheduler); postgres (database" in md
    assert "**Team:** 3 engineers" in md  # the filled answer
    assert md.startswith("# Machine images or Docker? repo") and "Traceback" not in done.err
