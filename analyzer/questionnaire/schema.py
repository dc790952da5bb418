"""The questionnaire's JSON Schema, for editors (yaml-language-server) and automation.

The generated schema is committed next to this module as ``questionnaire.schema.json`` and ships
in the wheel, so templates can point editors at a file that exists wherever analyzer is installed.
A test keeps the committed file equal to ``questionnaire_json_schema()``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from analyzer.questionnaire.form import FAMILIARITY_WORDS, Questionnaire

SCHEMA_ID = "https://analyzer.invalid/questionnaire/v2.schema.json"
SCHEMA_FILE = Path(__file__).resolve().parent / "questionnaire.schema.json"
JSON_INDENT = 2


def questionnaire_json_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of questionnaire version 2."""
    schema = Questionnaire.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = SCHEMA_ID
    schema["title"] = "analyzer questionnaire, version 2"
    # The loader also takes words for the familiarities (a before-validator pydantic cannot see).
    for key in ("docker_familiarity", "platform_familiarity"):
        familiarity = schema["$defs"]["Team"]["properties"][key]
        familiarity["anyOf"].append({"type": "string", "enum": list(FAMILIARITY_WORDS)})
    return schema


def schema_text() -> str:
    """The schema as the text of the committed file (and of ``analyzer schema``)."""
    return json.dumps(questionnaire_json_schema(), indent=JSON_INDENT) + "\n"
