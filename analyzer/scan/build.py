"""How the application is built and deployed: Packer templates, Ansible, Chef, Puppet, Salt, and CI
workflows (GitHub Actions, GitLab CI, CircleCI, Buildbot, Jenkins) and which of them build and push
container images. Files are searched as text; nothing is run."""

from __future__ import annotations

import json
import re
from pathlib import PurePosixPath

from analyzer.scan.findings import Evidence, Findings
from analyzer.scan.kinds import is_development
from analyzer.scan.walk import Listing, RepoFile

_BUILDS_IMAGE = re.compile(
    r"docker(\s+image)?\s+build\b|docker\s+buildx|docker/build-push-action|buildah\s+b(ud|uild)"
    r"|kaniko|\bjib\b|pack\s+build|ko\s+build|docker-compose\s+build|docker\s+compose\s+build"
)
_PUSHES_IMAGE = re.compile(
    r"docker\s+(image\s+)?push|push:\s*true|--push\b|buildah\s+push|docker/login-action"
    r"|aws-actions/amazon-ecr-login|ecr\s+get-login|kaniko|jib\b"
)
_BAKES_IMAGE = re.compile(r"packer\s+build|aws\s+imagebuilder")


def _first_line(text: str, pattern: re.Pattern[str]) -> int | None:
    for number, line in enumerate(text.splitlines(), 1):
        if pattern.search(line) and not line.lstrip().startswith("#"):
            return number
    return None


def ci_files(listing: Listing) -> list[tuple[RepoFile, str]]:
    """CI definitions and the system they belong to."""
    found = []
    for item in listing.files:
        rel, name = item.rel, item.name
        if rel.startswith(".github/workflows/") and name.endswith((".yml", ".yaml")):
            found.append((item, "GitHub Actions"))
        elif name in (".gitlab-ci.yml", ".gitlab-ci.yaml"):
            found.append((item, "GitLab CI"))
        elif rel in (".circleci/config.yml", ".circleci/config.yaml"):
            found.append((item, "CircleCI"))
        elif name == "master.cfg" or (name.endswith(".cfg") and "buildbot" in rel.lower()):
            found.append((item, "Buildbot"))
        elif name == "Jenkinsfile":
            found.append((item, "Jenkins"))
    return found


def continuous_integration(listing: Listing, findings: Findings) -> None:
    """A CI file that builds and pushes images means a container pipeline and a registry exist."""
    systems: dict[str, str] = {}
    for item, system in ci_files(listing):
        text = listing.read(item)
        if text is None:
            continue
        systems.setdefault(system, item.rel)
        built = _first_line(text, _BUILDS_IMAGE)
        pushed = _first_line(text, _PUSHES_IMAGE)
        if built is not None and pushed is not None:
            evidence = Evidence(item.rel, built, f"{system} builds an image, pushes it at line {pushed}")
            findings.add_fact("platform.container_pipeline", True, evidence)
            findings.add_fact("platform.registry", True, evidence)
        elif built is not None:
            findings.notes.append(f"{item.rel} line {built} builds an image without pushing it")
        baked = _first_line(text, _BAKES_IMAGE)
        if baked is not None:
            findings.add_fact("delivery.deploy_method", "rebake-image",
                              Evidence(item.rel, baked, f"{system} bakes machine images"))
    if systems:
        findings.notes.append("CI: " + ", ".join(f"{s} ({p})" for s, p in systems.items()))


def _is_packer_json(listing: Listing, item: RepoFile) -> bool:
    text = listing.read(item)
    if text is None or '"builders"' not in text:
        return False
    try:
        data = json.loads(text)
    except ValueError:
        return False
    return isinstance(data, dict) and isinstance(data.get("builders"), list)


def packer(listing: Listing, findings: Findings) -> None:
    """Packer templates (``*.pkr.hcl``, ``*.pkr.json``, or JSON with ``builders``): images are baked."""
    for item in listing.files:
        name = item.name
        if name.endswith((".pkr.hcl", ".pkr.json")) or (name.endswith(".json") and _is_packer_json(listing, item)):
            text = listing.read(item) or ""
            line = next((n for n, row in enumerate(text.splitlines(), 1) if re.match(r'\s*(source|"builders")', row)), None)
            findings.add_fact("delivery.deploy_method", "rebake-image", Evidence(item.rel, line, "Packer template"))


def _ansible_playbook(listing: Listing, item: RepoFile) -> int | None:
    """Line of the first ``hosts:`` of a play, when the file is a playbook (a list of plays)."""
    text = listing.read(item)
    if text is None or not text.lstrip().startswith(("-", "---")):
        return None
    return next((n for n, line in enumerate(text.splitlines(), 1) if re.match(r"^-?\s*-?\s*hosts:\s*\S", line)), None)


def configuration_management(listing: Listing, findings: Findings) -> None:
    """Ansible (playbooks, roles), Chef (cookbooks, Berksfile), Puppet (manifests), Salt (states)."""
    roles: set[str] = set()
    for item in listing.files:
        rel, name = item.rel, item.name
        dev = is_development(rel)
        parts = PurePosixPath(rel).parts
        if "roles" in parts and parts[-2:] == ("tasks", "main.yml") and not dev:
            roles.add(parts[parts.index("roles") + 1])
            if len(roles) == 1:
                findings.add_fact("config_management.ansible", "ansible", Evidence(rel, None, "Ansible role"))
        elif name.endswith((".yml", ".yaml")) and not dev and "/.github/" not in f"/{rel}":
            line = _ansible_playbook(listing, item) if ("play" in name or "site" in name or "ansible" in rel) else None
            if line is not None:
                findings.add_fact("config_management.ansible", "ansible", Evidence(rel, line, "Ansible playbook"))
        elif name in ("Berksfile", "Policyfile.rb") or (name == "metadata.rb" and "cookbooks" in parts):
            findings.add_fact("config_management.chef", "chef", Evidence(rel, None, "Chef"))
        elif name == "Puppetfile" or (name.endswith(".pp") and "manifests" in parts):
            findings.add_fact("config_management.puppet", "puppet", Evidence(rel, None, "Puppet"))
        elif name == "top.sls":
            findings.add_fact("config_management.salt", "salt", Evidence(rel, None, "Salt states"))
    if len(roles) > 1:
        findings.notes.append(f"{len(roles)} Ansible roles")


DETECTORS = (packer, configuration_management, continuous_integration)
