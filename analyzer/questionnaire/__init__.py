"""The questionnaire: estimates, the sections and their checks, the loader, the template, the
summary, the JSON Schema and the interview."""
