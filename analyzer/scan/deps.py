"""Native dependencies: packages named in the repository's manifests that
data/native-dependencies.yaml lists as needing system libraries, plus the system packages a
Dockerfile installs (a cross-check). Manifests are read line by line as text."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from analyzer.scan.findings import Evidence, Findings, NativeDependency
from analyzer.scan.kinds import is_development
from analyzer.scan.walk import Listing, RepoFile, native_table

_PY_REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*([<>=!~;@ ]|$)")
_PY_QUOTED = re.compile(r"""^\s*["']([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*[<>=!~;@ "',]""")
_TOML_KEY = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*=")
_GEM = re.compile(r"""^\s*gem\s+["']([A-Za-z0-9._-]+)["']""")
_GEM_LOCK = re.compile(r"^    ([A-Za-z0-9._-]+) \(")
_GO_REQUIRE = re.compile(r"^\s*(?:require\s+)?([a-z0-9.-]+\.[a-z]+/[^\s]+)\s+v\d")
_MAVEN = re.compile(r"<artifactId>\s*([^<\s]+)\s*</artifactId>")
_GRADLE = re.compile(r"""["']([A-Za-z0-9._-]+):([A-Za-z0-9._-]+)(:[^"']*)?["']""")
_APT = re.compile(r"\b(apt-get|apt|apk|yum|dnf|microdnf)\s+(install|add)\b(.*)")


def _pypi(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirements(text: str) -> Iterator[tuple[int, str]]:
    for number, line in enumerate(text.splitlines(), 1):
        if line.lstrip().startswith(("#", "-")):
            continue
        match = _PY_REQUIREMENT.match(line)
        if match:
            yield number, match.group(1)


def _toml_dependencies(text: str, sections: tuple[str, ...]) -> Iterator[tuple[int, str]]:
    """Quoted requirements in dependency arrays, and keys of dependency tables."""
    section, in_array = "", False
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("["):
            section, in_array = stripped.strip("[] "), False
            continue
        if re.match(r"^(dependencies|[A-Za-z0-9_-]+)\s*=\s*\[", stripped) and (
            stripped.startswith("dependencies") or section == "project.optional-dependencies"
        ):
            in_array = True
            stripped = stripped.split("[", 1)[1]
        if in_array:
            for match in re.finditer(r"""["']([A-Za-z0-9][A-Za-z0-9._-]*)""", stripped):
                yield number, match.group(1)
            if "]" in stripped.split("#", 1)[0]:
                in_array = False
        elif section in sections:
            key = _TOML_KEY.match(line)
            if key and key.group(1) != "python":
                yield number, key.group(1)


def _package_json(text: str) -> Iterator[tuple[int, str]]:
    try:
        data = json.loads(text)
    except ValueError:
        return
    if not isinstance(data, dict):
        return
    names = set()
    for key in ("dependencies", "optionalDependencies"):
        if isinstance(data.get(key), dict):
            names.update(data[key])
    for number, line in enumerate(text.splitlines(), 1):
        for match in re.finditer(r'"([^"]+)"\s*:', line):
            if match.group(1) in names:
                names.discard(match.group(1))
                yield number, match.group(1)


def _lines(pattern: re.Pattern[str], text: str, group: int = 1) -> Iterator[tuple[int, str]]:
    for number, line in enumerate(text.splitlines(), 1):
        for match in pattern.finditer(line):
            yield number, match.group(group)


def _manifest(item: RepoFile) -> str | None:
    """The ecosystem a manifest belongs to, or None."""
    name = item.name
    if re.match(r"^requirements.*\.(txt|in)$", name) or (name.endswith(".txt") and "/requirements/" in f"/{item.rel}"):
        return "requirements"
    return {
        "pyproject.toml": "pyproject", "Pipfile": "pipfile", "Gemfile": "gemfile",
        "Gemfile.lock": "gemlock", "package.json": "npm", "go.mod": "go", "pom.xml": "maven",
        "build.gradle": "gradle", "build.gradle.kts": "gradle", "build.sbt": "sbt",
    }.get(name)


def _names(kind: str, text: str) -> Iterator[tuple[str, int, str]]:
    """(ecosystem, line, package) of each dependency a manifest names."""
    if kind == "requirements":
        yield from (("pypi", n, p) for n, p in _requirements(text))
    elif kind == "pyproject":
        sections = ("tool.poetry.dependencies", "tool.poetry.group.main.dependencies")
        yield from (("pypi", n, p) for n, p in _toml_dependencies(text, sections))
    elif kind == "pipfile":
        yield from (("pypi", n, p) for n, p in _toml_dependencies(text, ("packages",)))
    elif kind == "gemfile":
        yield from (("rubygems", n, p) for n, p in _lines(_GEM, text))
    elif kind == "gemlock":
        yield from (("rubygems", n, p) for n, p in _lines(_GEM_LOCK, text))
    elif kind == "npm":
        yield from (("npm", n, p) for n, p in _package_json(text))
    elif kind == "go":
        yield from (("go", n, p) for n, p in _lines(_GO_REQUIRE, text))
    elif kind == "maven":
        yield from (("maven", n, p) for n, p in _lines(_MAVEN, text))
    elif kind in ("gradle", "sbt"):
        for number, line in enumerate(text.splitlines(), 1):
            for match in _GRADLE.finditer(line):
                yield "maven", number, f"{match.group(1)}:{match.group(2)}"
            for match in re.finditer(r'"([A-Za-z0-9._-]+)"\s*%%?\s*"([A-Za-z0-9._-]+)"', line):
                yield "maven", number, f"{match.group(1)}:{match.group(2)}"


def _lookup(ecosystem: str, package: str) -> tuple[str, dict[str, object]] | None:
    table: dict[str, dict[str, dict[str, object]]] = native_table()
    entries = table.get(ecosystem, {})
    if ecosystem == "pypi":
        wanted = _pypi(package)
        return next(((k, v) for k, v in entries.items() if _pypi(k) == wanted), None)
    if ecosystem == "maven":
        artifact = package.rsplit(":", 1)[-1]
        return next(((k, v) for k, v in entries.items() if k == package or k.rsplit(":", 1)[-1] == artifact), None)
    if ecosystem == "go":
        return next(((k, v) for k, v in entries.items() if package == k or package.startswith(k + "/")), None)
    return next(((k, v) for k, v in entries.items() if k.lower() == package.lower()), None)


def native_dependencies(listing: Listing, findings: Findings) -> None:
    """Each table package a production manifest names, once per ecosystem and package."""
    seen: set[tuple[str, str]] = set()
    for item in listing.files:
        kind = _manifest(item)
        if kind is None or is_development(item.rel) or "dev" in item.name.lower() or "test" in item.name.lower():
            continue
        text = listing.read(item)
        if text is None:
            continue
        for ecosystem, number, package in _names(kind, text):
            hit = _lookup(ecosystem, package)
            if hit is None or (ecosystem, hit[0]) in seen:
                continue
            seen.add((ecosystem, hit[0]))
            libraries = hit[1].get("libraries", [])
            findings.native.append(NativeDependency(
                ecosystem, hit[0], tuple(map(str, libraries)) if isinstance(libraries, list) else (),
                Evidence(item.rel, number, package),
            ))


def system_packages(listing: Listing, findings: Findings) -> None:
    """System packages a production Dockerfile installs (apt/apk/yum), said as a cross-check."""
    for item in listing.files:
        if not (item.name.startswith(("Dockerfile", "Containerfile")) or item.name.endswith(".Dockerfile")):
            continue
        if is_development(item.rel):
            continue
        text = listing.read(item)
        if text is None:
            continue
        joined = text.replace("\\\n", " ")
        packages: list[str] = []
        for match in _APT.finditer(joined):
            rest = re.split(r"&&|;|\|\|", match.group(3))[0]
            packages += [w for w in rest.split() if not w.startswith("-") and re.match(r"^[a-z0-9][a-z0-9.+-]*$", w)]
        if packages:
            line = next((n for n, row in enumerate(text.splitlines(), 1) if _APT.search(row)), None)
            findings.notes.append(
                f"{item.rel}" + (f" line {line}" if line else "")
                + f" installs {len(set(packages))} system package(s): {', '.join(sorted(set(packages)))}"
            )


DETECTORS = (native_dependencies, system_packages)
