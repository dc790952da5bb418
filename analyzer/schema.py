"""The questionnaire's JSON Schema, for editors (yaml-language-server) and automation."""

from __future__ import annotations

from typing import Any

from analyzer.questionnaire import Questionnaire

SCHEMA_ID = "https://analyzer.invalid/questionnaire/v1.schema.json"


def questionnaire_json_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of questionnaire version 1."""
    schema = Questionnaire.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = SCHEMA_ID
    schema["title"] = "analyzer questionnaire, version 1"
    return schema
