"""`analyzer scan`: read a repository and its git history as data, and draft the questionnaire
with the evidence for each answer. Detectors per source kind (``processes``, ``build``, ``deps``,
``size``, ``history``) fill a ``findings.Findings``; ``draft`` maps findings to questionnaire fields
and writes the YAML; ``core.scan_repository`` runs them. Nothing is imported here, so the command
line stays quick for other commands."""
