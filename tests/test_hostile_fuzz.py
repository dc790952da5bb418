"""Fuzzing the CLI with hostile questionnaire text and argument lists (issue 19, "Done when").

Whatever the input: the exit code is one of 0, 1, 2, 3 or 130; nothing escapes ``main`` as an
exception (the CLI's traceback); the questionnaire is unchanged; and no file is left in the
folder besides the questionnaire and the output that was asked for.
"""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analyzer._io.paths import example_questionnaire
from analyzer.app.cli import main

SEED = example_questionnaire("seed-team").read_text()
SEED_LINES = SEED.splitlines()
EXIT_CODES = {0, 1, 2, 3, 130}

HOSTILE_VALUES = [
    "1:30", "010", "0x10", "1_0", "1e3", "true", "null", "~", ".nan", "-.inf", "9" * 5000,
    "'<script>alert(1)</script>'", '"\\e[2J\\0"', "&a [*a, *a]", "!!python/object:os.system",
    "{a: 1}", "[1, 2", '"$x^{ $"', "'<!--'", "[-1, -2, -3]", "[3, 2, 1]", "1e309", "''",
    "\"line\\n# Heading\"", "/etc/passwd", "../../x.csv", "{file: /dev/zero}",
]

scalars = st.one_of(
    st.sampled_from(HOSTILE_VALUES),
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=30),
    st.integers(-10**6, 10**6).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)


@st.composite
def questionnaires(draw: st.DrawFn) -> str:
    """The seed team with a few lines' values replaced by hostile ones (or lines dropped)."""
    lines = list(SEED_LINES)
    for _ in range(draw(st.integers(0, 3))):
        i = draw(st.integers(0, len(lines) - 1))
        line = lines[i]
        if draw(st.booleans()) and ":" in line:
            key = line.split(":", 1)[0]
            lines[i] = f"{key}: {draw(scalars)}"
        else:
            del lines[i]
    return "\n".join(lines) + "\n"


# (never a system path such as /dev/stdout: a regression would replace it on the machine)
OUTPUTS = ["team.yaml", "-", "out.md", "out.json", "r.docx", "sub/x.md", "out", "."]


@st.composite
def argument_lists(draw: st.DrawFn) -> tuple[list[str], str | None]:
    """An argument list for a command on team.yaml, and the output file it may write."""
    command = draw(st.sampled_from(["validate", "assess", "report", "history", "init"]))
    args = [command]
    output: str | None = None
    if command == "init":
        output = draw(st.sampled_from(["new.yaml", "team.yaml", "sub/new.yaml"]))
        args.append(output)
        if draw(st.booleans()):
            args.append("--force")
        return args, output
    if draw(st.integers(0, 9)) > 0:
        args.append("team.yaml")
    if command in ("assess", "report"):
        samples = draw(st.sampled_from(["100"] * 6 + ["0", "-5", "abc", "100000000"]))
        args += ["--samples", samples, "--no-sensitivity"]
        if draw(st.booleans()):
            args += ["--seed", draw(st.sampled_from(["1", "-1", "99999999999999999999999"]))]
        if draw(st.booleans()):
            args += ["--allow-path", draw(st.sampled_from([".", "sub", "nope"]))]
    if command == "assess" and draw(st.booleans()):
        args += ["--format", draw(st.sampled_from(["json", "text"]))]
    if command == "report":
        fmt = draw(st.sampled_from(["md", "json", None]))
        if fmt is not None:
            args += ["--format", fmt]
        elif draw(st.booleans()):
            args += ["--format", "md"]
        if draw(st.booleans()):
            output = draw(st.sampled_from(OUTPUTS))
            args += ["-o", output]
        else:
            args += ["--format", "json"]  # the default path reports/team.json
            output = "reports/team.json"
    return args, output


def _run(args: list[str]) -> tuple[int, str]:
    """``main(args)`` with standard output and error captured (bytes-capable, like a terminal's)."""
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    err = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(args)
        except SystemExit as exc:  # argparse's usage errors
            code = exc.code if isinstance(exc.code, int) else 2
    return code, err.getvalue()


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=questionnaires(), call=argument_lists())
def test_cli_on_hostile_input(text: str, call: tuple[list[str], str | None]) -> None:
    args, output = call
    before = Path.cwd()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "team.yaml").write_bytes(text.encode("utf-8"))  # bytes: "\r\n" stays as it is
        (folder / "sub").mkdir()
        os.chdir(folder)
        try:
            code, err = _run(args)
        finally:
            os.chdir(before)
        assert code in EXIT_CODES, (args, err)
        assert "Traceback" not in err
        if not (args[0] == "init" and output == "team.yaml" and "--force" in args):
            assert (folder / "team.yaml").read_bytes() == text.encode("utf-8"), args
        allowed = {"team.yaml", "sub"}
        if output is not None and code == 0:
            allowed |= {Path(output).parts[0]}
        left = {p.name for p in folder.iterdir()}
        assert left <= allowed, (args, left)
        leftovers = [p for p in (folder / "sub").iterdir() if p.name.endswith(".tmp")]
        assert not leftovers
