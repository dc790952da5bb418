"""The terminal side of ``analyzer ask``: one questionary prompt per question.

Numbers and text are typed and checked as they are submitted (the message appears under the
answer, which stays there to be corrected); choices are picked from a list; yes/no takes y or n
then Enter. ``<`` then Enter goes back from any prompt (``back`` + Enter works too).
"""

from __future__ import annotations

import shutil
import textwrap
from typing import Any

import questionary
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
    "yes_no": "y or n, then Enter",
    "gate": "y or n, then Enter",
    "text": "text",
}


def _back_on_less_than(question: questionary.Question) -> questionary.Question:
    """Make ``<`` then Enter end a list or yes/no prompt with BACK.

    Never ``<`` alone: the habitual Enter after it would answer the question it went back to.
    (Text prompts read ``<`` + Enter as a back word; see BACK_WORDS.)
    """
    bindings = KeyBindings()
    pending = {"back": False}

    @bindings.add("<", eager=True)
    def _arm(event: KeyPressEvent) -> None:
        pending["back"] = True

    @bindings.add("enter", filter=Condition(lambda: pending["back"]), eager=True)
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
        help_line = f"Answer: {_forms(step)} · {keeps}< Enter: back · Ctrl-C stops (saved)"
        print(textwrap.fill(help_line, width, break_on_hyphens=False))
        unit = f" ({step.unit})" if step.unit else ""
        if step.shape == "choice":
            choice = _back_on_less_than(
                questionary.select(
                    step.question,
                    choices=list(step.choices),
                    default=shown if shown in step.choices else None,
                ),
            ).unsafe_ask()
            return BACK if choice is BACK else evaluate(str(choice))
        if step.shape in ("yes_no", "gate"):
            # auto_enter=False: y or n, then Enter, like every other answer; a lone keystroke
            # would leave the habitual Enter to answer the next question.
            yes = _back_on_less_than(
                questionary.confirm(step.question, default=bool(current), auto_enter=False),
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
        text = questionary.text(message, validate=validate).unsafe_ask()
        if text is BACK or str(text).strip().lower() in BACK_WORDS:
            return BACK
        return evaluate(str(text))
