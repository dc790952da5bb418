"""The terminal side of ``analyzer ask``: one questionary prompt per question.

Numbers and text are typed and checked as they are submitted (the message appears under the
answer, which stays there to be corrected); choices are picked from a list; yes/no takes y or n.
``<`` goes back from any prompt (typed first in a text answer; ``back`` + Enter works too).
"""

from __future__ import annotations

import shutil
import textwrap
from typing import Any

import questionary
from prompt_toolkit.application.current import get_app
from prompt_toolkit.filters import Condition
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent, merge_key_bindings

from analyzer.questionnaire.interview import answer
from analyzer.questionnaire.interview.steps import BACK, BACK_WORDS, Evaluate, Step

_FORMS = {
    "estimate": "3, 3-5 (low-high) or 2, 4, 10 (low, likely, high)",
    "number": "a number",
    "words": "names separated by commas",
    "pairs": "name value pairs, e.g. cost 0.5, parity 0.2 (names left out keep their value)",
    "choice": "arrows, then Enter",
    "yes_no": "y or n",
    "gate": "y or n",
    "text": "text",
}


def _back_on_less_than(question: questionary.Question, *, only_first: bool) -> questionary.Question:
    """Make ``<`` end the prompt with BACK (in text answers only as the first character)."""
    bindings = KeyBindings()
    empty = Condition(lambda: not get_app().current_buffer.text)

    @bindings.add("<", filter=empty if only_first else Condition(lambda: True), eager=True)
    def _back(event: KeyPressEvent) -> None:
        event.app.exit(result=BACK)

    app = question.application
    app.key_bindings = merge_key_bindings([app.key_bindings or KeyBindings(), bindings])
    return question


def _forms(step: Step) -> str:
    forms = _FORMS[step.shape]
    if step.percent and step.shape in ("estimate", "number"):
        forms += ", 10% is 0.1"
    if step.words:
        forms += ", or " + "/".join(step.words)
    if step.clearable:
        forms += ", - leaves it out"
    return forms


class TerminalPrompter:
    """Asks each question with questionary and prints the interview's notes."""

    def say(self, text: str) -> None:
        print(text, flush=True)

    def ask(self, step: Step, current: Any, evaluate: Evaluate, where: str) -> Any:
        shown = answer.format_value(current)
        keeps = f"Enter keeps [{shown}] · " if shown else ""
        print()
        questionary.print(where, style="bold")
        width = max(shutil.get_terminal_size().columns - 1, 40)
        if step.hint:
            print(textwrap.fill(f"How to estimate: {step.hint}", width, break_on_hyphens=False))
        help_line = f"Answer: {_forms(step)} · {keeps}< back · Ctrl-C stops (saved)"
        print(textwrap.fill(help_line, width, break_on_hyphens=False))
        unit = f" ({step.unit})" if step.unit else ""
        if step.shape == "choice":
            choice = _back_on_less_than(
                questionary.select(
                    step.question,
                    choices=list(step.choices),
                    default=shown if shown in step.choices else None,
                ),
                only_first=False,
            ).unsafe_ask()
            return BACK if choice is BACK else evaluate(str(choice))
        if step.shape in ("yes_no", "gate"):
            yes = _back_on_less_than(
                questionary.confirm(step.question, default=bool(current)), only_first=False
            ).unsafe_ask()
            return BACK if yes is BACK else evaluate("yes" if yes else "no")

        def validate(text: str) -> bool | str:
            if text.strip().lower() in BACK_WORDS:
                return True
            try:
                evaluate(text)
            except answer.AnswerError as exc:
                return str(exc)
            return True

        message = f"{step.question}{unit}" + (f" [{shown}]" if shown else "")
        text = _back_on_less_than(
            questionary.text(message, validate=validate), only_first=True
        ).unsafe_ask()
        if text is BACK or str(text).strip().lower() in BACK_WORDS:
            return BACK
        return evaluate(str(text))
