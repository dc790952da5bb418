"""Processes from the files that start them: Procfiles, compose files, Dockerfiles, systemd units,
supervisord and uWSGI configs, gunicorn configs, crontabs, Kubernetes manifests, Helm charts and
riff-raff deploy files. Everything is parsed as data; nothing is executed."""

from __future__ import annotations

import fnmatch
import re
import shlex
from collections.abc import Callable, Iterator
from pathlib import PurePosixPath
from typing import Any

from analyzer._io.yamlio import Marks, parse_yaml
from analyzer.errors import InputError
from analyzer.scan.findings import Evidence, Findings, Process, ProcessFinding
from analyzer.scan.kinds import is_development, kind_of
from analyzer.scan.walk import Listing, RepoFile, rules

Detector = Callable[[Listing, Findings], None]

_PROCFILE = re.compile(r"^Procfile(\.[\w.-]+)?$")
_PROCFILE_LINE = re.compile(r"^([A-Za-z0-9_-]+):\s*(.+)$")
_COMPOSE = re.compile(r"^(docker-)?compose([.-][\w.-]+)?\.ya?ml$")
_DOCKERFILE = re.compile(r"^(Dockerfile|Containerfile)([.-][\w.-]+)?$|^[\w.-]+\.(Dockerfile|dockerfile)$")
_UNIT_SECTION = re.compile(r"^\s*\[(\w+)\]\s*$")
_CRON_LINE = re.compile(r"^\s*(@\w+|(\S+\s+){4}\S+)\s+\S")
_K8S_WORKLOADS = {"Deployment": "", "StatefulSet": "", "DaemonSet": "", "CronJob": "scheduler", "Job": "batch"}


def files_matching(listing: Listing, pattern: re.Pattern[str]) -> Iterator[RepoFile]:
    return (f for f in listing.files if pattern.match(f.name))


def yaml_document(listing: Listing, item: RepoFile, findings: Findings) -> tuple[Any, Marks] | None:
    """One YAML document, or None (noted) when it does not parse."""
    text = listing.read(item)
    if text is None:
        return None
    try:
        return parse_yaml(text, item.rel)
    except InputError as exc:
        findings.notes.append(f"{item.rel} is not valid YAML, not read: {str(exc).splitlines()[0]}")
        return None


def _add(findings: Findings, process: ProcessFinding) -> None:
    findings.processes.append(process)


def procfiles(listing: Listing, findings: Findings) -> None:
    """``name: command`` per line (Heroku / foreman / honcho format)."""
    for item in files_matching(listing, _PROCFILE):
        text = listing.read(item)
        if text is None:
            continue
        dev = is_development(item.rel)
        for number, line in enumerate(text.splitlines(), 1):
            match = _PROCFILE_LINE.match(line.strip())
            if match and not line.lstrip().startswith("#"):
                name, command = match.groups()
                _add(findings, ProcessFinding(
                    name, kind_of(name, command), "machine-image", Evidence(item.rel, number),
                    command=command, development=dev,
                ))


def compose_files(listing: Listing, findings: Findings) -> None:
    """Each service of a compose file is a process already in a container."""
    for item in files_matching(listing, _COMPOSE):
        loaded = yaml_document(listing, item, findings)
        if loaded is None:
            continue
        data, marks = loaded
        services = data.get("services") if isinstance(data, dict) else None
        if not isinstance(services, dict):
            continue
        dev = is_development(item.rel)
        if not dev:
            findings.add_fact("orchestrator.compose", "compose", Evidence(item.rel, marks.locate(("services",), prefer_key=True)[0]))
        for name, spec in services.items():
            if not isinstance(spec, dict):
                continue
            image = str(spec.get("image") or "")
            command = spec.get("command") or ""
            command = " ".join(map(str, command)) if isinstance(command, list) else str(command)
            build = spec.get("build")
            dockerfile = ""
            if build is not None:
                context = build if isinstance(build, str) else str(build.get("context", ".")) if isinstance(build, dict) else "."
                name_in = str(build.get("dockerfile", "Dockerfile")) if isinstance(build, dict) else "Dockerfile"
                folder = PurePosixPath(item.rel).parent
                dockerfile = _normalise(folder / context / name_in)
            line = marks.locate(("services", name), prefer_key=True)[0]
            detail = f"built from {dockerfile}" if dockerfile else (f"image {image}" if image else "")
            _add(findings, ProcessFinding(
                str(name), kind_of(str(name), command, image), "container",
                Evidence(item.rel, line, detail), command=command, image=image or dockerfile,
                development=dev,
            ))


def _normalise(path: PurePosixPath) -> str:
    parts: list[str] = []
    for part in path.parts:
        if part == "..":
            if parts:
                parts.pop()
        elif part != ".":
            parts.append(part)
    return "/".join(parts)


def _dockerfile_command(text: str) -> tuple[str, int]:
    """The last CMD or ENTRYPOINT (the final stage's) and its line."""
    command, where = "", 0
    for number, line in enumerate(text.splitlines(), 1):
        words = line.strip().split(None, 1)
        if len(words) == 2 and words[0].upper() in ("CMD", "ENTRYPOINT"):
            command, where = words[1], number
    return command, where


def dockerfiles(listing: Listing, findings: Findings) -> None:
    """A Dockerfile that no compose service builds is a process of its own, in a container."""
    built = {p.image for p in findings.processes if p.runs_on == "container"}
    own = [p for p in findings.processes if p.runs_on == "container" and not p.development
           and p.kind in ("web", "worker", "scheduler", "batch")]
    for item in files_matching(listing, _DOCKERFILE):
        if item.rel in built or is_development(item.rel):
            continue
        if own:  # compose or Kubernetes already run our code from an image: this Dockerfile's
            findings.notes.append(
                f"{item.rel} is taken to build the image of {', '.join(sorted({p.name for p in own}))}"
            )
            continue
        text = listing.read(item)
        if text is None:
            continue
        command, line = _dockerfile_command(text)
        folder = PurePosixPath(item.rel).parent.name
        name = folder if folder and folder not in ("docker", "deploy", ".") else listing.root.name
        _add(findings, ProcessFinding(
            name, kind_of(name, command), "container", Evidence(item.rel, line or None, "CMD"),
            command=command, image=item.rel,
        ))


def _ini_sections(text: str) -> Iterator[tuple[str, int, list[tuple[int, str, str]]]]:
    """(section, line, [(line, key, value)]) of an INI-like file, keeping repeated keys."""
    section, start, entries = "", 0, []  # type: ignore[var-annotated]
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        head = re.match(r"^\[([^\]]+)\]$", line)
        if head:
            if section:
                yield section, start, entries
            section, start, entries = head.group(1).strip(), number, []
            continue
        key, sep, value = line.partition("=")
        if sep:
            entries.append((number, key.strip(), value.strip()))
    if section:
        yield section, start, entries


def _role_library(rel: str, listing: Listing) -> bool:
    """A unit inside ``roles/<role>/`` of a repository with many roles belongs to the images the
    roles bake, not to this application (data/scan.yaml role_library_min_roles)."""
    parts = rel.split("/")
    if "roles" not in parts[:-1]:
        return False
    at = parts.index("roles")
    prefix = "/".join(parts[: at + 1]) + "/"
    roles = {f.rel[len(prefix):].split("/", 1)[0] for f in listing.files if f.rel.startswith(prefix)}
    return len(roles) >= int(rules()["role_library_min_roles"]["value"])


def systemd_units(listing: Listing, findings: Findings) -> None:
    """``*.service`` units with an ExecStart; a ``*.timer`` of the same name makes it a scheduler."""
    timers = {PurePosixPath(f.rel).with_suffix("").as_posix() for f in listing.files if f.name.endswith(".timer")}
    library: list[str] = []
    for item in listing.files:
        if not item.name.endswith(".service"):
            continue
        if _role_library(item.rel, listing):
            library.append(item.rel)
            continue
        text = listing.read(item)
        if text is None:
            continue
        for section, _, entries in _ini_sections(text):
            if section != "Service":
                continue
            for number, key, value in entries:
                if key == "ExecStart":
                    name = PurePosixPath(item.name).stem
                    scheduled = PurePosixPath(item.rel).with_suffix("").as_posix() in timers
                    kind = "scheduler" if scheduled else kind_of(name, value)
                    _add(findings, ProcessFinding(
                        name, kind, "machine-image", Evidence(item.rel, number, "ExecStart"),
                        command=value, development=is_development(item.rel),
                    ))
                    break
    if library:
        findings.notes.append(
            f"{len(library)} systemd unit(s) inside a library of Ansible roles (e.g. {library[0]}) "
            "belong to the images those roles bake: not listed as this application's processes"
        )


def supervisord(listing: Listing, findings: Findings) -> None:
    """``[program:name]`` sections with a ``command``."""
    for item in listing.files:
        if not item.name.endswith((".conf", ".ini")):
            continue
        text = listing.read(item)
        if text is None or "[program:" not in text:
            continue
        for section, start, entries in _ini_sections(text):
            if not section.startswith("program:"):
                continue
            name = section.split(":", 1)[1].strip()
            command = next((v for _, k, v in entries if k == "command"), "")
            _add(findings, ProcessFinding(
                name, kind_of(name, command), "machine-image", Evidence(item.rel, start, "supervisord program"),
                command=command, development=is_development(item.rel),
            ))


def _daemon_name(command: str) -> str:
    """``./manage.py sendalerts --skip-checks`` -> ``sendalerts``; ``celery -A x worker`` -> ``celery``."""
    try:
        words = shlex.split(command)
    except ValueError:
        words = command.split()
    words = [w for w in words if not w.startswith("-") and "=" not in w]
    if not words:
        return "daemon"
    first = PurePosixPath(words[0]).name
    if first in ("manage.py", "python", "python3", "bundle", "exec", "php", "node") and len(words) > 1:
        rest = [w for w in words[1:] if PurePosixPath(w).name not in ("manage.py", "exec", "-m")]
        return PurePosixPath(rest[0]).name if rest else first
    return first


def uwsgi_configs(listing: Listing, findings: Findings) -> None:
    """A ``[uwsgi]`` section is a web process; its ``attach-daemon`` lines are processes of their
    own (uWSGI starts and restarts them), and ``if-env`` blocks make them conditional."""
    for item in listing.files:
        if not item.name.endswith(".ini"):
            continue
        text = listing.read(item)
        if text is None or "[uwsgi]" not in text:
            continue
        dev = is_development(item.rel)
        for section, start, entries in _ini_sections(text):
            if section != "uwsgi":
                continue
            web = next((n for n, k, _ in entries if k in ("http-socket", "http", "socket", "module", "wsgi-file")), start)
            _add(findings, ProcessFinding(
                "web", "web", "machine-image", Evidence(item.rel, web, "uWSGI application"),
                command=f"uwsgi {item.rel}", development=dev,
            ))
            condition = ""
            for number, key, value in entries:
                if key in ("if-env", "if-not-env"):
                    condition = f"only when {value} is {'set' if key == 'if-env' else 'not set'}"
                elif key == "endif":
                    condition = ""
                elif key in ("attach-daemon", "attach-daemon2", "smart-attach-daemon", "attach-control-daemon"):
                    name = _daemon_name(value)
                    kind = kind_of(name, value)
                    _add(findings, ProcessFinding(
                        name, kind if kind not in ("web", "other") else "worker",
                        "machine-image", Evidence(item.rel, number, key), command=value,
                        development=dev, conditional=condition,
                    ))
                elif key in ("cron", "unique-cron", "cron2"):
                    _add(findings, ProcessFinding(
                        "uwsgi-cron", "scheduler", "machine-image", Evidence(item.rel, number, key),
                        command=value, development=dev, conditional=condition,
                    ))


def gunicorn_configs(listing: Listing, findings: Findings) -> None:
    """A gunicorn config file (``gunicorn.conf.py`` and the like) is a web process."""
    for item in listing.files:
        if re.match(r"^gunicorn([._-]conf(ig)?)?\.py$", item.name):
            _add(findings, ProcessFinding(
                "web", "web", "machine-image", Evidence(item.rel, None, "gunicorn config"),
                command=f"gunicorn -c {item.rel}", development=is_development(item.rel),
            ))


def crontabs(listing: Listing, findings: Findings) -> None:
    """Crontab files (``crontab``, ``*.cron``, ``cron.d/*``): one scheduler with its jobs counted."""
    for item in listing.files:
        parent = PurePosixPath(item.rel).parent.name
        if not (item.name in ("crontab", "cronfile") or item.name.endswith((".cron", ".crontab")) or parent == "cron.d"):
            continue
        text = listing.read(item)
        if text is None:
            continue
        jobs = [n for n, line in enumerate(text.splitlines(), 1)
                if _CRON_LINE.match(line) and not line.lstrip().startswith("#") and "=" not in line.split()[0]]
        if jobs:
            _add(findings, ProcessFinding(
                "cron", "scheduler", "machine-image", Evidence(item.rel, jobs[0], f"{len(jobs)} cron job(s)"),
                development=is_development(item.rel),
            ))


def _yaml_documents(text: str) -> Iterator[tuple[int, str]]:
    """(first line, text) of each document of a multi-document YAML file."""
    start, lines = 1, []  # type: ignore[var-annotated]
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("---"):
            if lines:
                yield start, "\n".join(lines)
            start, lines = number + 1, []
        else:
            lines.append(line)
    if lines:
        yield start, "\n".join(lines)


def kubernetes(listing: Listing, findings: Findings) -> None:
    """Workloads (Deployment, StatefulSet, DaemonSet, CronJob, Job) in manifests, and Helm charts."""
    for item in listing.files:
        if item.name == "Chart.yaml":
            findings.add_fact("orchestrator.kubernetes", "kubernetes", Evidence(item.rel, None, "Helm chart"))
            findings.notes.append(f"Helm chart {item.rel}: its templates are not read; add its workloads to processes")
            continue
        if not item.name.endswith((".yml", ".yaml")) or "/templates/" in f"/{item.rel}":
            continue
        text = listing.read(item)
        if text is None or "apiVersion" not in text or "kind:" not in text:
            continue
        for first, doc in _yaml_documents(text):
            try:
                data, marks = parse_yaml(doc, item.rel)
            except InputError:
                continue
            if not isinstance(data, dict) or data.get("kind") not in _K8S_WORKLOADS or "apiVersion" not in data:
                continue
            meta: dict[str, Any] = data["metadata"] if isinstance(data.get("metadata"), dict) else {}
            name = str(meta.get("name") or item.name)
            images = [str(c.get("image", "")) for c in _containers(data) if isinstance(c, dict)]
            kind = _K8S_WORKLOADS[str(data["kind"])] or kind_of(name, "", images[0] if images else "")
            line = first + marks.locate(("kind",))[0] - 1
            findings.add_fact("orchestrator.kubernetes", "kubernetes", Evidence(item.rel, line))
            _add(findings, ProcessFinding(
                name, kind, "container", Evidence(item.rel, line, str(data["kind"])),
                image=images[0] if images else "", development=is_development(item.rel),
            ))


def _containers(manifest: dict[str, Any]) -> list[Any]:
    spec: Any = manifest.get("spec", {})
    for key in ("jobTemplate", "spec", "template", "spec"):
        if isinstance(spec, dict) and key in spec and "containers" not in spec:
            spec = spec[key]
    if isinstance(spec, dict) and isinstance(spec.get("template"), dict):
        spec = spec["template"].get("spec", {})
    containers = spec.get("containers") if isinstance(spec, dict) else None
    return containers if isinstance(containers, list) else []


def _base_image(deployments: dict[Any, Any], marks: Marks) -> tuple[int | None, str]:
    """Line and text of the first parameter naming the base AMI the instances start from
    (data/scan.yaml riff_raff.base_image_parameters), or (None, "")."""
    keys = rules()["riff_raff"]["base_image_parameters"]
    for key, spec in deployments.items():
        params = spec.get("parameters") if isinstance(spec, dict) else None
        if not isinstance(params, dict):
            continue
        for name in keys:
            if name in params:
                value = params[name]
                shown = ", ".join(f"{k}: {v}" for k, v in value.items()) if isinstance(value, dict) else str(value)
                line = marks.locate(("deployments", key, "parameters", name), prefer_key=True)[0]
                return line, f"{name} ({shown})"
    return None, ""


def riff_raff(listing: Listing, findings: Findings) -> None:
    """The Guardian's riff-raff.yaml: an ``autoscaling`` deployment uploads the release's artifact,
    which new instances download at boot; ``amiTags`` and the like name the shared base image they
    start from, not one baked per release, so no deploy method is inferred (a check says why).
    ``aws-lambda`` deployments run on a provider's platform."""
    for item in listing.files:
        if item.name not in ("riff-raff.yaml", "riff-raff.yml"):
            continue
        loaded = yaml_document(listing, item, findings)
        if loaded is None:
            continue
        data, marks = loaded
        deployments = data.get("deployments") if isinstance(data, dict) else None
        if not isinstance(deployments, dict):
            continue
        base_line, base = _base_image(deployments, marks)
        for key, spec in deployments.items():
            if not isinstance(spec, dict):
                continue
            line = marks.locate(("deployments", key), prefer_key=True)[0]
            kind_word = spec.get("type")
            name = str(spec.get("app") or key)
            if kind_word == "autoscaling":
                _add(findings, ProcessFinding(
                    name, kind_of(name) if kind_of(name) != "other" else "web", "machine-image",
                    Evidence(item.rel, line, "riff-raff autoscaling deployment"),
                ))
                image = (f"; {base} at line {base_line} names the shared base image they start from, "
                         "not an image baked per release" if base else "")
                findings.hints.setdefault("delivery.deploy_method", (
                    f"{item.rel} line {line}: riff-raff autoscaling uploads the release's artifact, "
                    f"which new instances download at boot{image}; say which method fits"))
            elif kind_word == "aws-lambda":
                _add(findings, ProcessFinding(
                    name, "other", "managed", Evidence(item.rel, line, "riff-raff aws-lambda deployment"),
                ))


def backing_services(listing: Listing, findings: Findings) -> None:
    """Databases, caches and queues named in settings or manifests (data/scan.yaml
    backing_services), added when no process of that kind was found in the files that start them."""
    table = rules()["backing_services"]
    kinds = {p.kind for p in findings.processes if not p.development}
    names = {p.name for p in findings.processes}
    files = [f for f in listing.files if not is_development(f.rel)
             and any(fnmatch.fnmatch(f.rel, g) or fnmatch.fnmatch(f.name, g) for g in table["settings_files"])]
    for service, spec in table["services"].items():
        if spec["kind"] in kinds or service in names:
            continue
        for item in files:
            text = listing.read(item)
            line = next((n for n, row in enumerate((text or "").splitlines(), 1)
                         if any(p in row for p in spec["patterns"]) and not row.lstrip().startswith("#")), None)
            if line is not None:
                _add(findings, ProcessFinding(
                    service, spec["kind"], spec.get("runs_on", "machine-image"),
                    Evidence(item.rel, line, f"{service} named in settings"),
                ))
                kinds.add(spec["kind"])
                break


DETECTORS: tuple[Detector, ...] = (
    procfiles, compose_files, dockerfiles, systemd_units, supervisord, uwsgi_configs,
    gunicorn_configs, crontabs, kubernetes, riff_raff, backing_services,
)


def _started_in_container(found: ProcessFinding, containers: list[ProcessFinding]) -> ProcessFinding | None:
    """The container whose command names the config file (uwsgi.ini, supervisord.conf) that
    names this process, if any: the process runs inside it."""
    source = found.evidence.source
    for c in containers:
        if source in c.command or (c.command and PurePosixPath(source).name in c.command
                                   and PurePosixPath(source).parent.name in c.command):
            return c
    return None


def merge_processes(found: list[ProcessFinding]) -> list[Process]:
    """One entry per name, in the order first seen. Production sources win over development ones
    (and are cited first); a process is in a container when a production source puts it there (or
    a container's command starts the file that names it), and only those sources say where it runs;
    its kind is the first specific one a source gives."""
    containers = [p for p in found if p.runs_on == "container" and not p.development]
    groups: dict[str, list[ProcessFinding]] = {}
    for p in found:
        groups.setdefault(p.name, []).append(p)
    merged = []
    for name, members in groups.items():
        live = [p for p in members if not p.development] or members
        places = {p.runs_on for p in live}
        hosts = [c for c in (_started_in_container(p, containers) for p in live) if c is not None]
        started_by = ""
        if "container" in places:
            runs_on = "container"
        elif hosts:
            runs_on = "container"
            started_by = f"started inside {hosts[0].name}, whose command runs {live[0].evidence.source} ({hosts[0].evidence})"
        elif "managed" in places:
            runs_on = "managed"
        else:
            runs_on = "machine-image"
        kinds = [p.kind for p in live if p.kind != "other"]
        conditions = {p.conditional for p in live}
        dev = [p for p in members if p not in live]
        merged.append(Process(
            name=name,
            kind=kinds[0] if kinds else "other",
            runs_on=runs_on,
            evidence=tuple(p.evidence for p in (*live, *dev)),
            placed_by=tuple(p.evidence for p in live if p.runs_on == runs_on),
            development=all(p.development for p in members),
            conditional=conditions.pop() if len(conditions) == 1 else "",
            deploy_method=next((p.deploy_method for p in live if p.deploy_method), None),
            started_by=started_by,
        ))
    return merged
