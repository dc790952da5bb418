"""``analyzer ask`` end to end, through a pseudo-terminal, as a tech lead would use it.

Each test waits for a question to be on screen before typing, so keys never race the prompt.
Everything the child writes also goes through a terminal emulator (pyte), and what prompt_toolkit
redraws in place (error messages under an answer) is checked on that emulated screen, as the user
sees it. prompt_toolkit's cursor-position request is switched off (PROMPT_TOOLKIT_NO_CPR) because
pexpect, unlike a terminal, does not answer it.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import time
from pathlib import Path

import pexpect
import pyte
import pytest

from analyzer.questionnaire.estimate import Estimate
from analyzer.questionnaire.form import load_questionnaire
from analyzer.questionnaire.interview.session import load_answers

ROOT = Path(__file__).resolve().parent.parent
CTRL_C, CTRL_U, DOWN = "\x03", "\x15", "\x1b[B"
HEADER = r"question \d+ of \d+|complete and valid"  # printed before each new prompt
PROMPT = r"\?(?:\x1b\[[\d;]*m)* "  # questionary's "? " before the question, between colours

# Question texts as the interview shows them (the fields' descriptions).
NAME = "The team or application this is about"
DESCRIPTION = "Context for the report"
ENGINEERS = "Product engineers who write and ship the application"
OPS_SHARE = "Share of the product engineers' time spent on operations"
KLOC = "Size of the application's own code"
PROCESS_NAME = "A short name, e.g. web"
KIND = "web, worker, scheduler, batch"
ADD_PROCESS = r"Add another process"
PROD_DEPLOYS = "Production deploys per week"
WEIGHTS = "Criterion weights"
REPORT = "Render the report now"
#: Waiting for a whole PDF report (the model, the decision, the charts and Typst): generous, as
#: the machine may be busy; every other wait is for a prompt and keeps the short timeout.
REPORT_SECONDS = 300

pytestmark = pytest.mark.slow  # pseudo-terminal sessions, each a child process


class _Tee:
    """pexpect's log: every byte read goes to the log file and to the emulated screen."""

    def __init__(self, log: Path, stream: pyte.Stream) -> None:
        self.file = log.open("a", encoding="utf-8")
        self.stream = stream

    def write(self, data: str) -> None:
        self.file.write(data)
        self.stream.feed(data)

    def flush(self) -> None:
        self.file.flush()

    def close(self) -> None:
        self.file.close()


class Interview:
    """One ``analyzer ask FILE`` child process in a 40x120 pseudo-terminal."""

    def __init__(self, path: Path, log: Path) -> None:
        env = dict(os.environ)
        env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
        env["PROMPT_TOOLKIT_NO_CPR"] = "1"
        self.child = pexpect.spawn(
            sys.executable,
            ["-m", "analyzer", "ask", str(path)],
            cwd=str(path.parent),
            env=env,
            dimensions=(40, 120),
            encoding="utf-8",
            timeout=15,
        )
        self.screen = pyte.Screen(120, 40)
        self.child.logfile_read = _Tee(log, pyte.Stream(self.screen))

    def expect(self, pattern: str, timeout: float = 15) -> str:
        """Wait for ``pattern`` (a regex) in the output stream; return what came before it."""
        self.child.expect(pattern, timeout=timeout)
        return str(self.child.before)

    def screen_text(self) -> str:
        return "\n".join(line.rstrip() for line in self.screen.display)

    def expect_screen(self, pattern: str, timeout: float = 10.0) -> None:
        """Wait until ``pattern`` (a regex) is visible on the emulated screen."""
        deadline = time.monotonic() + timeout
        while not re.search(pattern, self.screen_text()):
            if time.monotonic() > deadline:
                raise AssertionError(f"not on screen: {pattern}\n{self.screen_text()}")
            self.child.expect([pexpect.TIMEOUT, pexpect.EOF], timeout=0.1)

    def answer(self, question: str, keys: str) -> None:
        self.expect(question)
        self.child.send(keys)

    def enter_until(self, question: str, *, limit: int = 120) -> int:
        """Press Enter on every question until ``question`` is asked; return how many.

        Each new prompt follows its header line; the question text is read from the prompt.
        """
        count = 0
        while True:
            self.child.expect(HEADER)
            self.child.expect(PROMPT + r"([^\x1b]+)\x1b")
            if re.match(question, self.child.match.group(1)):
                return count
            self.child.send("\r")
            count += 1
            assert count < limit, "the interview does not reach " + question

    def finish(self) -> int:
        self.child.expect(pexpect.EOF)
        self.child.close()
        self.child.logfile_read.close()
        return int(self.child.exitstatus if self.child.exitstatus is not None else -1)


@pytest.fixture
def log(tmp_path: Path) -> Path:
    """The children's screen output, kept for a failing test's report."""
    return tmp_path / "screen.log"


def test_full_interview_writes_a_valid_questionnaire(tmp_path: Path, log: Path) -> None:
    path = tmp_path / "questionnaire.yaml"
    ask = Interview(path, log)
    ask.expect("New questionnaire")
    ask.answer(NAME, "Seed team\r")
    ask.answer(DESCRIPTION, "\r")
    ask.answer(ENGINEERS, "2\r")
    assert ask.enter_until(KLOC) == 10  # the rest of the team section keeps its defaults
    ask.child.send("10-20\r")
    ask.enter_until(PROCESS_NAME)
    ask.child.send("web\r")
    ask.answer(KIND, "\r")  # web is first in the list
    ask.enter_until(ADD_PROCESS)
    ask.child.send("y\r")  # y then Enter (issue 18 item 9: it used to say "an answer is needed")
    ask.answer(PROCESS_NAME, "mongodb\r")
    ask.answer(KIND, DOWN * 4 + "\r")  # web, worker, scheduler, batch, database
    ask.answer("Keeps data that must survive a restart", "\r")  # a database: yes by default
    ask.answer("Where it runs today", "\r")  # machine-image, first in the list
    ask.answer("Data the process keeps on disk", "5, 20, 100\r")
    ask.enter_until(ADD_PROCESS)
    ask.child.send("n\r")
    ask.answer(PROD_DEPLOYS, "0.7 1 1.5\r")
    ask.answer("Deploys to development", "10%\r")  # not a fraction: refused on the spot
    ask.expect_screen("a percentage only fits a fraction")
    ask.child.send(CTRL_U + "5-15\r")
    ask.enter_until("Application bug incidents")
    ask.child.send("2, 4, 8\r")
    ask.enter_until(WEIGHTS)
    ask.child.send("cost 0.5, parity 0.2\r")
    ask.expect("complete and valid")
    ask.answer(REPORT, "n\r")
    ask.expect(re.escape(f"Next: analyzer report {path}"))
    assert ask.finish() == 0

    q = load_questionnaire(path)
    assert q.name == "Seed team"
    assert q.team.engineers == Estimate.point(2)
    assert q.codebase.kloc == Estimate(10, 15, 20)  # 10-20: likely is the midpoint
    assert [(p.name, p.kind, p.is_stateful) for p in q.processes] == [
        ("web", "web", False),
        ("mongodb", "database", True),
    ]
    assert q.processes[1].data_gb == Estimate(5, 20, 100)
    assert q.delivery.prod_deploys_per_week == Estimate(0.7, 1, 1.5)
    assert q.delivery.nonprod_deploys_per_week == Estimate(5, 10, 15)
    assert q.incidents.counts["application"] == Estimate(2, 4, 8)
    assert (q.priorities.weights.cost, q.priorities.weights.parity) == (0.5, 0.2)
    assert q.priorities.weights.transition_risk == 0.15  # not typed: kept
    text = path.read_text(encoding="utf-8")
    assert "analyzer ask: unfinished" not in text and "# replace me" not in text
    assert "# If unknown: Count people who deploy" in text  # annotated like analyzer init


def test_interrupt_then_resume_at_the_next_unanswered_question(tmp_path: Path, log: Path) -> None:
    path = tmp_path / "team.yaml"
    ask = Interview(path, log)
    ask.answer(NAME, "Half done\r")
    ask.answer(DESCRIPTION, "\r")
    ask.answer(ENGINEERS, "3\r")
    ask.answer(OPS_SHARE, "0.1-0.3")  # typed but not submitted: lost with the interrupt
    ask.child.send(CTRL_C)
    ask.expect("Stopped. Your answers are saved")
    assert ask.finish() == 130
    text = path.read_text(encoding="utf-8")
    assert "unfinished; next question: team.ops_time_share" in text
    assert "name: Half done" in text and "engineers: 3" in text

    again = Interview(path, log)
    again.expect(r"Resuming .*team\.yaml at question 4 of")
    again.expect(r"team · question 4 of")
    again.expect(OPS_SHARE + r".*\[0\.05, 0\.1, 0\.25\]")  # the field default, not the lost text
    again.child.send("<\r")
    again.expect(ENGINEERS + r".*\[3\]")  # the earlier answer is kept and shown
    again.child.send("\r")
    again.answer(OPS_SHARE, "0.1-0.3\r")
    again.expect("Fully loaded cost")
    again.child.send(CTRL_C)
    assert again.finish() == 130
    assert "ops_time_share: [0.1, 0.2, 0.3]" in path.read_text(encoding="utf-8")
    assert "next question: team.hourly_cost" in path.read_text(encoding="utf-8")
    assert not (tmp_path / "team.yaml.bak").exists()  # its own file: nothing to keep aside


def test_closing_the_terminal_loses_no_answer(tmp_path: Path, log: Path) -> None:
    path = tmp_path / "q.yaml"
    ask = Interview(path, log)
    ask.answer(NAME, "Closed\r")
    ask.answer(DESCRIPTION, "\r")
    ask.answer(ENGINEERS, "4\r")
    ask.expect(OPS_SHARE)
    ask.child.close(force=True)  # the terminal goes away (SIGHUP)
    answers, next_id = load_answers(path)
    assert (answers["name"], answers["team"]["engineers"]) == ("Closed", 4)
    assert next_id == "team.ops_time_share"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["q.yaml", "screen.log"]  # no temp file


def test_bad_answers_are_refused_on_the_spot_and_corrected(tmp_path: Path, log: Path) -> None:
    path = tmp_path / "q.yaml"
    ask = Interview(path, log)
    ask.answer(NAME, "\r")
    ask.expect_screen("an answer is needed")
    ask.child.send("Team\r")
    ask.answer(DESCRIPTION, "\r")
    ask.answer(ENGINEERS, "5, 2, 1\r")
    ask.expect_screen(re.escape("low (5) is greater than likely (2)"))
    ask.child.send(CTRL_U + "-3\r")
    ask.expect_screen("the value must be at least 1, got -3")
    ask.child.send(CTRL_U + "5-2\r")
    ask.expect_screen(re.escape("the low end (5) is above the high end (2)"))
    ask.child.send(CTRL_U + "lots\r")
    ask.expect_screen("'lots' is not understood")
    ask.child.send(CTRL_U + "2\r")
    ask.answer(OPS_SHARE, "1.5\r")
    ask.expect("the value is 1.5, above the plausible maximum 1")
    ask.child.send(CTRL_U + "10%\r")
    ask.answer("Fully loaded cost", CTRL_C)
    assert ask.finish() == 130
    text = path.read_text(encoding="utf-8")
    assert "engineers: 2\n" in text and "ops_time_share: 0.1\n" in text


def test_going_back_shows_and_changes_earlier_answers(tmp_path: Path, log: Path) -> None:
    path = tmp_path / "q.yaml"
    ask = Interview(path, log)
    ask.answer(NAME, "<\r")
    ask.expect("This is the first question")
    ask.answer(NAME, "Team\r")
    ask.answer(DESCRIPTION, "back\r")  # the word works too
    ask.expect(NAME + r".*\[Team\]")
    ask.child.send("\r")
    ask.answer(DESCRIPTION, "\r")
    ask.answer(ENGINEERS, "2\r")
    ask.answer(OPS_SHARE, "<\r")
    ask.answer(ENGINEERS + r".*\[2\]", "4\r")
    ask.enter_until(KLOC)
    ask.child.send("10\r")
    ask.enter_until(PROCESS_NAME)
    ask.child.send("web\r")
    ask.answer(KIND, DOWN + "\r")  # worker
    ask.answer("Keeps data", "<\r")  # back from a yes/no question
    ask.answer(KIND, "<\r")  # and from a list
    ask.answer(PROCESS_NAME + r".*\[web\]", CTRL_U + "celery\r")
    ask.expect(KIND)
    ask.child.send(CTRL_C)
    assert ask.finish() == 130
    q_text = path.read_text(encoding="utf-8")
    assert "engineers: 4\n" in q_text and "name: celery\n" in q_text
    assert "kind: worker\n" in q_text
    assert "next question: processes[0].stateful" in q_text  # the furthest reached


def test_editing_a_complete_questionnaire_keeps_every_answer(
    tmp_path: Path, log: Path, seed_path: Path
) -> None:
    path = tmp_path / "seed.yaml"
    shutil.copy(seed_path, path)
    ask = Interview(path, log)
    ask.expect("Editing")
    asked = ask.enter_until(REPORT)
    ask.child.send("y\r")
    summary = ask.expect(pexpect.EOF, timeout=REPORT_SECONDS)  # a whole PDF report
    assert ask.finish() == 0
    assert asked == 114  # every question of the seed team (incl. "other" incidents), Enter each
    assert load_questionnaire(path) == load_questionnaire(seed_path)
    backup = tmp_path / "seed.yaml.bak"  # the hand-written comments are kept there
    assert backup.read_text(encoding="utf-8") == seed_path.read_text(encoding="utf-8")
    assert "wrote reports/seed.pdf" in summary  # the report, rendered at the end
    assert (tmp_path / "reports" / "seed.pdf").read_bytes().startswith(b"%PDF")
    screen = log.read_text(encoding="utf-8")
    assert re.search(ENGINEERS + r"\. \(people\) \[2\]", screen)  # current values as defaults
    assert "[10, 15, 20]" in screen


def test_malformed_file_is_a_clear_error(tmp_path: Path, log: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("name: x\nteam: [1, 2\n", encoding="utf-8")
    ask = Interview(path, log)
    out = ask.expect(pexpect.EOF)
    assert ask.finish() == 2
    assert re.search(r"broken\.yaml:\d+:\d+: YAML syntax error", out)
    assert "Traceback" not in out


def test_without_a_terminal_points_to_init_and_validate(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("ask", str(tmp_path / "q.yaml"), stdin="")
    assert result.code == 2
    assert "needs a terminal" in result.err
    assert "analyzer init" in result.err and "analyzer validate" in result.err
    assert "Traceback" not in result.err + result.out
    assert not (tmp_path / "q.yaml").exists()


def test_yes_no_needs_enter_so_a_habitual_enter_answers_nothing_else(
    tmp_path: Path, log: Path
) -> None:
    """Issue 18 item 9: `n` + Enter answers one question, not two; `<` + Enter goes back once."""
    path = tmp_path / "q.yaml"
    ask = Interview(path, log)
    ask.answer(NAME, "Team\r")
    ask.answer(DESCRIPTION, "\r")
    ask.answer(ENGINEERS, "2\r")
    ask.enter_until(KLOC)
    ask.child.send("10\r")
    ask.enter_until(PROCESS_NAME)
    ask.child.send("db\r")
    ask.answer(KIND, DOWN * 4 + "\r")  # database
    ask.answer("Keeps data that must survive a restart", "n\r")
    # The next question waits for its own answer: nothing was accepted for it.
    ask.expect(PROMPT + r"[^\x1b]+\x1b")
    question = ask.child.match.group(0)
    ask.child.send("<\r")  # back to the yes/no question, and it stays there
    ask.expect("Keeps data that must survive a restart")
    ask.child.send(CTRL_C)
    assert ask.finish() == 130
    text = path.read_text(encoding="utf-8")
    assert "stateful: false" in text
    assert "next question: processes[0]." in text
    assert question


def test_interrupting_an_edit_of_a_complete_file_keeps_it_complete(
    tmp_path: Path, log: Path, seed_path: Path
) -> None:
    path = tmp_path / "seed.yaml"
    shutil.copy(seed_path, path)
    ask = Interview(path, log)
    ask.expect("Editing")
    ask.answer(NAME, "\r")
    ask.answer(DESCRIPTION, "\r")
    ask.answer(ENGINEERS, CTRL_U + "3\r")
    ask.expect(OPS_SHARE)
    ask.child.send(CTRL_C)
    ask.expect("still complete")
    assert ask.finish() == 130
    text = path.read_text(encoding="utf-8")
    assert "analyzer ask: unfinished" not in text
    q = load_questionnaire(path)
    assert q.team.engineers == Estimate.point(3)
