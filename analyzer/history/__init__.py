"""Incident and deploy history: import exports, classify incidents, compute the DORA four keys.

Public entry points: ``import_incidents``, ``import_deploys``, ``deploys_from_git``,
``incident_evidence``, ``bootstrap_restore_hours``, ``history_profile``.
"""

from __future__ import annotations

from analyzer.history.deploys import DeployHistory, deploys_from_git, import_deploys
from analyzer.history.evidence import (
    IncidentEvidence,
    bootstrap_restore_hours,
    evidence_from_import,
    incident_evidence,
)
from analyzer.history.incidents import IncidentImport, import_incidents
from analyzer.history.profile import History, history_profile, render_history_text

__all__ = [
    "DeployHistory",
    "History",
    "IncidentEvidence",
    "IncidentImport",
    "bootstrap_restore_hours",
    "deploys_from_git",
    "evidence_from_import",
    "history_profile",
    "import_deploys",
    "import_incidents",
    "incident_evidence",
    "render_history_text",
]
