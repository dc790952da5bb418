"""``analyzer ask``: fill in or edit a questionnaire through a terminal interview.

Every answer is saved at once (annotated YAML, written atomically), with a comment naming the next
question, so Ctrl-C or a closed terminal loses nothing and ``analyzer ask FILE`` resumes there.
The questions, their checks and the resume point come from ``analyzer.questionnaire.interview.steps``; this module
only talks to the terminal (questionary, on prompt_toolkit) and the file.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Protocol

from analyzer._io.atomic import write_backup, write_text_atomic
from analyzer._io.yamlio import Marks, load_yaml, read_text
from analyzer.errors import AnalyzerError, InputError, Problem
from analyzer.questionnaire.form import load_questionnaire
from analyzer.questionnaire.interview import answer
from analyzer.questionnaire.interview import steps as interview
from analyzer.questionnaire.interview.steps import BACK, Answers, Evaluate, Step
from analyzer.questionnaire.interview.terminal import TerminalPrompter
from analyzer.questionnaire.template import render_questionnaire_yaml

MARKER = "# analyzer ask: unfinished; next question: "
_MARKER_RE = re.compile(r"^# analyzer ask: unfinished; next question: (\S+)", re.MULTILINE)
_EXAMPLE_NOTE = "# replace me"  # analyzer.questionnaire.template marks example values this way

#: Writes the report for a finished questionnaire and returns the exit code (the application's
#: ``analyzer report FILE``, handed in so that the interview does not import the application).
MakeReport = Callable[[Path], int]


class NotATerminalError(AnalyzerError):
    """``analyzer ask`` was run without a terminal to talk to."""

    exit_code = 2

    def __init__(self) -> None:
        super().__init__(
            "analyzer ask is an interactive interview and needs a terminal, but its input is "
            "not one.\nWithout the interview: `analyzer init FILE` writes an annotated "
            "questionnaire to fill in with an editor, and `analyzer validate FILE` checks it."
        )


class Prompter(Protocol):
    """What the interview needs from a terminal (a fake one drives the tests)."""

    def say(self, text: str) -> None: ...

    def ask(self, step: Step, current: Any, evaluate: Evaluate, where: str) -> Any:
        """The evaluated answer, or BACK."""
        ...


# --------------------------------------------------------------------------------------------
# The file


def _drop_examples(answers: Answers, marks: Marks, text: str) -> Answers:
    """Remove values the template wrote as examples ("replace me"): they are not answers."""
    lines = text.splitlines()
    for loc, (line, _col) in sorted(marks.values.items(), key=lambda kv: -len(kv[0])):
        if not (loc and 0 < line <= len(lines) and _EXAMPLE_NOTE in lines[line - 1]):
            continue
        value = interview.get_value(answers, loc)
        if isinstance(value, dict) or (isinstance(value, list) and any(
            isinstance(v, dict) for v in value
        )):
            continue  # a section or the process list starts on an example line: keep it
        parent = interview.get_value(answers, loc[:-1])
        if isinstance(parent, dict) and isinstance(loc[-1], str):
            parent.pop(loc[-1], None)
    processes = answers.get("processes")
    if isinstance(processes, list):
        answers["processes"] = [p for p in processes if p.get("name") or p.get("kind")]
    return answers


def load_answers(path: Path) -> tuple[Answers, str | None]:
    """The answers in ``path`` (only the format version for a new file) and the recorded next
    question, if any."""
    if not path.exists():
        return {"schema_version": interview.SCHEMA_VERSION}, None
    loaded = load_yaml(path, what="questionnaire")
    text = read_text(path, what="questionnaire")
    answers = interview.check_shape(loaded.data, str(path))
    answers = _drop_examples(answers, loaded.marks, text)
    marker = _MARKER_RE.search(text)
    return answers, (marker.group(1) if marker else None)


def render(answers: Mapping[str, Any], next_id: str | None) -> str:
    """The annotated questionnaire, with the resume comment while the interview is unfinished."""
    values = dict(answers)
    if not values.get("processes"):
        values["processes"] = [{}]  # one example process, not the template's two
    lines = render_questionnaire_yaml(values).splitlines(keepends=True)
    if next_id is not None:
        note = f'{MARKER}{next_id} (run "analyzer ask" on this file to continue)\n'
        lines.insert(1 if lines and "yaml-language-server" in lines[0] else 0, note)
    return "".join(lines)


def save(path: Path, answers: Mapping[str, Any], next_id: str | None) -> None:
    write_text_atomic(path, render(answers, next_id), overwrite=True)


# --------------------------------------------------------------------------------------------
# The interview loop


def interview_loop(
    path: Path, answers: Answers, next_id: str | None, prompter: Prompter,
    *, editing: bool = False,
) -> Answers:
    """Ask until every question is answered and the whole questionnaire validates.

    ``editing``: the file was complete when the interview started; while its answers still
    validate it is saved without the "unfinished" marker, so stopping midway keeps it complete.
    """
    steps = interview.steps_for(answers)
    index = interview.start_index(answers, steps, next_id)
    frontier: str | None = steps[index].id if index < len(steps) else None
    while True:
        if index >= len(steps):
            problems = interview.problems(answers)
            if not problems:
                return answers
            first = interview.first_problem(answers, steps)
            if first is None:  # nothing the questions can fix: the loader says where it is
                load_questionnaire(path)
                raise InputError([Problem(str(path), p.message, field=p.field) for p in problems])
            prompter.say("Almost done; these answers need another look:")
            for p in problems:
                prompter.say(f"  {p.field}: {p.message}")
            index = first
            continue
        step = steps[index]
        where = f"{step.section} · question {index + 1} of {len(steps)}"
        current = interview.current_value(answers, step)

        def evaluate(text: str, answers: Answers = answers, step: Step = step) -> Any:
            return interview.evaluate(answers, step, text)

        try:
            result = prompter.ask(step, current, evaluate, where)
        except answer.AnswerError as exc:  # a choice that the rules refuse: say why, ask again
            prompter.say(f"  {exc}")
            continue
        if result is BACK:
            if index == 0:
                prompter.say("This is the first question.")
            else:
                index -= 1
            continue
        answers = interview.with_answer(answers, step, result)
        steps = interview.steps_for(answers)
        ids = [s.id for s in steps]
        index = ids.index(step.id) + 1
        following = ids[index] if index < len(ids) else None
        if frontier not in ids or following is None or ids.index(frontier) <= index:
            frontier = following
        still_complete = editing and not interview.problems(answers)
        save(path, answers, None if still_complete else frontier or "end")


def run(
    path: str | Path, prompter: Prompter | None = None, *, report: MakeReport | None = None
) -> int:
    """``analyzer ask FILE``: interview, save as it goes, validate, offer the report (when
    ``report`` is given)."""
    if prompter is None:
        if not (sys.stdin.isatty() and sys.stdout.isatty()):
            raise NotATerminalError()
        prompter = TerminalPrompter()
    target = Path(path)
    if target.exists() and target.is_dir():
        raise InputError([Problem(str(target), "is a folder; give a file name")])
    if not target.parent.is_dir():
        raise InputError(
            [Problem(str(target), f"the folder {target.parent} does not exist")]
        )
    answers, next_id = load_answers(target)
    if target.exists():
        original = read_text(target, what="questionnaire")
        if original != render(answers, next_id):  # written by hand: keep its comments somewhere
            backup = write_backup(target, original)  # never over an earlier backup
            prompter.say(f"Answers are saved in the annotated layout, without your own comments; "
                         f"the file as it was is copied to {backup}.")
    steps = interview.steps_for(answers)
    start = interview.start_index(answers, steps, next_id)
    if not target.exists():
        prompter.say(f"New questionnaire {target}: {len(steps)} questions or so.")
    elif next_id is not None or interview.problems(answers):
        prompter.say(
            f"Resuming {target} at question {start + 1} of {len(steps)}; "
            "earlier answers are kept (< goes back to them)."
        )
    else:
        prompter.say(f"Editing {target}: each question shows the current answer; Enter keeps it.")
    for p in interview.unreachable(answers, steps):
        prompter.say(f"Note: {p.field}: {p.message} (no question covers this; edit the file)")
    prompter.say(
        "Numbers may be ranges: 3-5 is low 3, high 5 (likely 4, the middle); 2, 4, 10 is low, "
        "likely, high.\nEnter keeps the value in [brackets]; < goes back; Ctrl-C stops, and "
        "every answer is already saved."
    )
    editing = target.exists() and next_id is None and not interview.problems(answers)
    try:
        answers = interview_loop(target, answers, next_id, prompter, editing=editing)
    except (KeyboardInterrupt, EOFError):
        if editing and not interview.problems(load_answers(target)[0]):
            prompter.say(f"\nStopped. {target} is saved and still complete, with the answers "
                         "changed so far.")
        elif not target.exists():  # stopped before the first answer: nothing was written
            prompter.say(f"\nStopped before any answer; nothing was written. Run "
                         f"`analyzer ask {target}` to start again.")
        else:
            prompter.say(
                f"\nStopped. Your answers are saved in {target}; run `analyzer ask {target}` "
                "to continue."
            )
        return 130
    save(target, answers, None)
    load_questionnaire(target)  # the file as written must pass the loader too
    prompter.say(f"Done: {target} is complete and valid.")
    try:
        wants_report = report is not None and prompter.ask(
            _REPORT_STEP, True, answer.parse_yes_no, "finish"
        )
    except (KeyboardInterrupt, EOFError):
        wants_report = False
    if report is not None and wants_report is True:
        return report(target)
    prompter.say(f"Next: analyzer report {target}   (or analyzer validate {target})")
    return 0


_REPORT_STEP = Step(loc=("report",), shape="yes_no", question="Render the report now?")
