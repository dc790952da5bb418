"""analyzer: should this team move from machine images to Docker containers, stay, or go hybrid?"""

from __future__ import annotations

__version__ = "0.1.0"

from analyzer.errors import AnalyzerError, InputError, Problem
from analyzer.estimate import Estimate
from analyzer.questionnaire import Questionnaire, load_questionnaire, parse_questionnaire

__all__ = [
    "AnalyzerError",
    "Estimate",
    "InputError",
    "Problem",
    "Questionnaire",
    "__version__",
    "load_questionnaire",
    "parse_questionnaire",
]
