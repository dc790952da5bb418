"""Hostile and clumsy input (issue 19): nothing destroyed, nothing leaked, no traceback.

One test (or a few) per finding, numbered as in the issue; the files they use are in
tests/hostile/. Most run the CLI in this process (``main``), a few in a subprocess where the
process itself matters (signals, standard output's encoding, a full disk).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from analyzer._io.paths import example_questionnaire
from analyzer.app.cli import main

HOSTILE = Path(__file__).resolve().parent / "hostile"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
FAST = ("--samples", "100", "--no-sensitivity")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


@pytest.fixture
def team(tmp_path: Path) -> Path:
    path = tmp_path / "team.yaml"
    shutil.copyfile(example_questionnaire("seed-team"), path)
    return path


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# ---- 1. the input is destroyed ------------------------------------------------------------------


@pytest.mark.parametrize("extra", [(), ("--format", "md"), ("--format", "json")])
def test_1_report_refuses_to_write_over_its_questionnaire(
    team: Path, capsys: pytest.CaptureFixture[str], extra: tuple[str, ...]
) -> None:
    before = team.read_bytes()
    code, _, err = run(capsys, "report", str(team), "-o", str(team), *FAST, *extra)
    assert code == 2 and str(team) in err
    assert team.read_bytes() == before


def test_1_report_without_file_refuses_a_yaml_output(
    team: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(team.parent)
    before = team.read_bytes()
    code, _, err = run(capsys, "report", "-o", "team.yaml", *FAST)
    assert code == 2 and ".yaml" in err
    assert team.read_bytes() == before


def test_1_report_refuses_a_hard_link_to_its_questionnaire(
    team: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    link = team.with_name("report.md")
    os.link(team, link)
    code, _, err = run(capsys, "report", str(team), "-o", str(link), *FAST)
    assert code == 2 and "input file" in err
    assert link.read_bytes() == team.read_bytes() == example_questionnaire().read_bytes()


# ---- 2. special files replaced ------------------------------------------------------------------


def test_2_a_fifo_as_output_is_refused_and_kept(
    team: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fifo = team.with_name("out.md")
    os.mkfifo(fifo)
    code, _, err = run(capsys, "report", str(team), "-o", str(fifo), *FAST)
    assert code == 2 and "not a regular file" in err
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    code, _, err = run(capsys, "init", "--force", str(fifo))
    assert code == 2 and stat.S_ISFIFO(fifo.lstat().st_mode)


def test_2_a_symbolic_link_as_output_is_refused_and_kept(
    team: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    link = team.with_name("out.md")
    link.symlink_to(team)
    code, _, err = run(capsys, "report", str(team), "-o", str(link), *FAST)
    assert code == 2 and "symbolic link" in err
    assert link.is_symlink() and team.read_bytes() == example_questionnaire().read_bytes()


def test_2_a_device_as_output_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A private null device in tmp_path: never a real system device (a failing run, as on the old
    # code, would replace it with a regular file).
    device = tmp_path / "null"
    try:
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except (PermissionError, AttributeError):
        pytest.skip("creating a device node needs root")
    code, _, err = run(capsys, "init", "--force", str(device))
    assert code == 2 and "not a regular file" in err
    assert stat.S_ISCHR(device.lstat().st_mode)


def test_2_dash_writes_the_report_to_standard_output(
    team: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(team.parent)
    code, _, _ = run(capsys, "report", str(team), "-o", "-", "--format", "json", *FAST)
    assert code == 0
    assert _names(team.parent) == ["team.yaml"]  # no file named '-'


def test_2_dash_output_is_json_on_stdout(team: Path, tmp_path: Path) -> None:
    proc = _subprocess("report", str(team), "-o", "-", "--format", "json", *FAST, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["analyzer_version"]
    assert _names(tmp_path) == ["team.yaml"]


# ---- issue 18, item 12: -o conventions ---------------------------------------------------------


def test_18_12_unknown_extension_is_an_error(
    team: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "report", str(team), "-o", str(team.with_name("r.docx")), *FAST)
    assert code == 2 and ".docx" in err
    assert _names(team.parent) == ["team.yaml"]


def test_18_12_format_with_a_foreign_extension_is_an_error(
    team: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = team.with_name("incidents.csv")
    export.write_text("opened,closed,title\n")
    for name in ("incidents.csv", "team"):
        code, _, err = run(capsys, "report", str(team), "--format", "md",
                           "-o", str(team.with_name(name)), *FAST)
        assert code == 2 and "-o" in err
    assert export.read_text() == "opened,closed,title\n"


def test_18_12_missing_folder_is_an_error_not_created(
    team: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = team.parent / "no" / "such" / "x.md"
    code, _, err = run(capsys, "report", str(team), "-o", str(target), *FAST)
    assert code == 3 and "does not exist" in err
    assert _names(team.parent) == ["team.yaml"]


def test_18_12_extension_and_format_must_agree(
    team: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(
        capsys, "report", str(team), "-o", str(team.with_name("r.pdf")), "--format", "md", *FAST
    )
    assert code == 2 and "--format" in err


# ---- 3. any file on the machine as history, its first line echoed ------------------------------


def _history_questionnaire(folder: Path, file: str) -> Path:
    text = (FIXTURES / "history-team.yaml").read_text()
    path = folder / "q.yaml"
    path.write_text(text.replace("file: history-incidents.csv", f"file: {file}"))
    return path


SECRET = "root:SECRET-HASH:20228:0:99999:7:::"


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    folder = tmp_path / "private"
    folder.mkdir()
    path = folder / "shadow"
    path.write_text(SECRET + "\n")
    return path


@pytest.mark.parametrize("how", ["absolute", "relative", "symlink"])
def test_3_history_outside_the_folder_is_refused(
    tmp_path: Path, secret: Path, capsys: pytest.CaptureFixture[str], how: str
) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    if how == "absolute":
        name = str(secret)
    elif how == "relative":
        name = "../private/shadow"
    else:
        (folder / "export.csv").symlink_to(secret)
        name = "export.csv"
    q = _history_questionnaire(folder, name)
    code, out, err = run(capsys, "assess", str(q), *FAST)
    assert code == 2 and "--allow-path" in err
    assert "SECRET" not in out + err


def test_3_allow_path_admits_a_folder_and_never_echoes_a_non_csv(
    tmp_path: Path, secret: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    q = _history_questionnaire(folder, str(secret))
    code, out, err = run(capsys, "assess", str(q), *FAST, "--allow-path", str(secret.parent))
    assert code == 2 and "not a recognised CSV" in err
    assert "SECRET" not in out + err and "20228" not in err


def test_3_history_command_never_echoes_a_non_csv(
    secret: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "history", str(secret))
    assert code == 2 and "SECRET" not in out + err


def test_3_a_file_inside_the_folder_still_works(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copyfile(FIXTURES / "history-incidents.csv", tmp_path / "history-incidents.csv")
    q = _history_questionnaire(tmp_path, "history-incidents.csv")
    code, _, err = run(capsys, "assess", str(q), *FAST)
    assert code == 0, err


# ---- 4. raw HTML and Markdown injection; control characters -------------------------------------


def test_4_markdown_escapes_names(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "r.md"
    code, _, err = run(capsys, "report", str(HOSTILE / "hostile-names.yaml"), "-o", str(out), *FAST)
    assert code == 0, err
    md = out.read_text()
    assert "<script" not in md and "<!--" not in md and "<img" not in md
    assert not re.search(r"(?<!\\)\]\(javascript:", md)  # a link needs an unescaped ](
    assert "\x1b" not in md and "\x00" not in md
    headings = [line for line in md.splitlines() if line.startswith("#")]
    assert not any("Recommendation: MOVE" in h for h in headings[1:])
    assert all(not line.startswith("# Recommendation") for line in md.splitlines())


def test_4_terminal_output_has_no_control_characters(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "validate", str(HOSTILE / "hostile-names.yaml"))
    assert code == 0
    assert "\x1b" not in out and "\x00" not in out and "\u202e" not in out


def test_4_escape_is_literal() -> None:
    from analyzer.report.markdown import _escape

    for text in ["<b>x</b>", "# h", "1. item", "- item", "[a](b)", "a|b", "`code`", "*x*"]:
        escaped = _escape(text)
        # every markup character is escaped or an entity: removing the escapes gives the text
        assert escaped.replace("\\", "").replace("&lt;", "<").replace("&gt;", ">") == text


# ---- 5. crashes on valid input --------------------------------------------------------------


def test_5_report_without_an_application_process(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "r.md"
    code, _, err = run(capsys, "report", str(HOSTILE / "database-only.yaml"), "-o", str(out), *FAST)
    assert code == 0, err
    assert out.read_text().startswith("# ")


def test_5_mathtext_in_a_chart_label_is_text() -> None:
    from analyzer.report.figures import figure_svg
    from analyzer.report.tree import Figure

    def draw(ax):  # type: ignore[no-untyped-def]
        ax.barh(["web $\\frac{1}{0}$ $x^{ $"], [1.0])
        ax.set_title("$5 and $x^{ $")
        return ax

    svg = figure_svg(Figure("t", "caption", draw))
    assert "x^{" in svg


@pytest.mark.parametrize("name", ["assumptions-negative.yaml", "assumptions-huge.yaml",
                                  "assumptions-all-zero.yaml"])
def test_5_assumption_overrides_are_bounded(
    team: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    code, _, err = run(capsys, "assess", str(team), "--assumptions", str(HOSTILE / name),
                       "--format", "json", *FAST)
    assert code == 2 and "assumptions." in err


def test_5_json_never_carries_nan(team: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "assess", str(team), "--assumptions",
                         str(HOSTILE / "assumptions-zeros.yaml"), "--format", "json", *FAST)
    assert code == 0, err
    json.loads(out, parse_constant=lambda c: pytest.fail(f"{c} in JSON"))


def test_5_ascii_standard_output(tmp_path: Path) -> None:
    proc = _subprocess("validate", str(HOSTILE / "hostile-names.yaml"),
                       env={"PYTHONIOENCODING": "ascii"}, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr


def test_5_full_disk_on_standard_output(team: Path, tmp_path: Path) -> None:
    with Path("/dev/full").open("w") as full:
        proc = subprocess.run(
            [sys.executable, "-m", "analyzer", "validate", str(team)],
            stdout=full, stderr=subprocess.PIPE, text=True, env=_env(), cwd=tmp_path, timeout=60,
        )
    assert proc.returncode == 3
    assert "standard output" in proc.stderr and "Traceback" not in proc.stderr


def test_5_a_4300_digit_number_in_ask_is_a_message() -> None:
    from analyzer.questionnaire.interview.answer import AnswerError
    from analyzer.questionnaire.interview.answer import parse_typed_estimate as parse_estimate

    for text in ["9" * 4300, "1-" + "9" * 4300, "1, 2, " + "9" * 5000]:
        with pytest.raises(AnswerError, match="too long"):
            parse_estimate(text)


# ---- 6. unbounded memory and time -------------------------------------------------------------


@pytest.mark.parametrize("special", ["/dev/zero", "/dev/urandom"])
def test_6_devices_are_refused_up_front(special: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "validate", special)
    assert code == 2 and "not a regular file" in err
    code, _, err = run(capsys, "history", special)
    assert code == 2 and "not a regular file" in err


def test_6_a_fifo_is_refused_without_blocking(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fifo = tmp_path / "q.yaml"
    os.mkfifo(fifo)
    code, _, err = run(capsys, "validate", str(fifo))
    assert code == 2 and "not a regular file" in err


def test_6_bootstrap_of_many_restore_times_is_bounded_and_right() -> None:
    from analyzer.model.distributions import BOOTSTRAP_EXACT_MAX, bootstrap_means

    rng = np.random.default_rng(7)
    data = rng.lognormal(0.0, 1.0, size=BOOTSTRAP_EXACT_MAX * 50)
    draws = bootstrap_means(data, 4096, rng)
    # The bootstrap distribution of the mean: centred on the sample mean, sd = sigma / sqrt(n).
    se = data.std() / np.sqrt(data.size)
    assert abs(draws.mean() - data.mean()) < 4 * se / np.sqrt(draws.size) + 1e-12
    assert draws.std() == pytest.approx(se, rel=0.06)


# ---- 7. numbers read wrongly without a word (YAML 1.1) ---------------------------------------


@pytest.mark.parametrize("value", ["1:30", "010", "0x10", "1_0", "0o17", "0b11"])
def test_7_ambiguous_numbers_are_refused_with_their_place(
    team: Path, capsys: pytest.CaptureFixture[str], value: str
) -> None:
    text = team.read_text().replace("  engineers: 2 ", f"  engineers: {value} ")
    team.write_text(text)
    line = next(i for i, s in enumerate(text.splitlines(), 1) if "engineers:" in s)
    code, _, err = run(capsys, "validate", str(team))
    assert code == 2
    assert f"{team}:{line}:" in err and "team.engineers" in err and "ambiguous" in err


def test_7_exponent_without_a_dot_is_a_number(
    team: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    team.write_text(team.read_text().replace("  engineers: 2 ", "  engineers: 2e0 "))
    code, _, err = run(capsys, "validate", str(team))
    assert code == 0, err


def test_7_schema_version_true_is_refused(
    team: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    team.write_text(team.read_text().replace("schema_version: 2", "schema_version: true"))
    code, _, err = run(capsys, "validate", str(team))
    assert code == 2 and "schema_version" in err


def test_7_quoted_text_stays_text() -> None:
    from analyzer._io.yamlio import needs_quotes, parse_yaml

    data, _ = parse_yaml('a: "1:30"\nb: 1e3\nc: 0.5\n', "x")
    assert data == {"a": "1:30", "b": 1000.0, "c": 0.5}
    assert all(needs_quotes(t) for t in ["08", "1e3", "1:30", "yes", "null", "0x1"])


# ---- 8. (second half) dates, tags and repositories ---------------------------------------------


def test_8_placeholder_dates_are_excluded(tmp_path: Path) -> None:
    from analyzer.history import import_incidents

    rows = (FIXTURES / "history-incidents.csv").read_text().splitlines()
    header, data = rows[0], rows[1:]
    extra = ["X1,0001-01-01T00:00:00Z,0001-01-01T01:00:00Z,web down,web",
             "X2,9999-01-01T00:00:00Z,9999-01-01T01:00:00Z,disk full,web"]
    path = tmp_path / "e.csv"
    path.write_text("\n".join([header, *extra, *data]) + "\n")
    result = import_incidents(path, "generic", {"created": "opened", "resolved": "closed"})
    assert result.span_months() < 1200
    assert set(result.excluded["line"]) >= {2, 3}


def _git(repo: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env |= {"GIT_AUTHOR_NAME": "a", "GIT_AUTHOR_EMAIL": "a@b", "GIT_COMMITTER_NAME": "a",
            "GIT_COMMITTER_EMAIL": "a@b"}
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True,
                          text=True, env=env).stdout.strip()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    path = tmp_path / "repo"
    path.mkdir()
    _git(path, "init", "-q")
    _git(path, "commit", "-q", "--allow-empty", "-m", "one")
    _git(path, "tag", "v1")
    blob = subprocess.run(["git", "-C", str(path), "hash-object", "-w", "--stdin"], input="key",
                          capture_output=True, text=True, check=True).stdout.strip()
    _git(path, "tag", "a-key", blob)
    (path / "sub").mkdir()
    return path


def test_8_a_tag_on_a_blob_is_no_deploy(repo: Path) -> None:
    from analyzer.history import deploys_from_git

    assert list(deploys_from_git(repo).deploys["tag"]) == ["v1"]


def test_8_git_on_a_subfolder_is_refused(repo: Path) -> None:
    from analyzer.errors import InputError
    from analyzer.history import deploys_from_git

    with pytest.raises(InputError, match="top folder"):
        deploys_from_git(repo / "sub")


def test_8_git_dir_in_the_environment_is_ignored(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from analyzer.errors import InputError
    from analyzer.history import deploys_from_git

    other = tmp_path / "plain"
    other.mkdir()
    monkeypatch.setenv("GIT_DIR", str(repo / ".git"))
    with pytest.raises(InputError):
        deploys_from_git(other)


# ---- 9. signals -----------------------------------------------------------------------------


def test_9_stale_temporaries_are_removed_live_ones_kept(tmp_path: Path) -> None:
    import fcntl

    from analyzer._io.atomic import write_bytes_atomic

    target = tmp_path / "report.pdf"
    stale = tmp_path / ".report.pdf.abc123.tmp"
    stale.write_bytes(b"half")
    live = tmp_path / ".report.pdf.live99.tmp"
    live.write_bytes(b"writing")
    other = tmp_path / ".notes.txt.abc.tmp"  # not ours for this target
    other.write_bytes(b"x")
    with live.open("rb") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        write_bytes_atomic(target, b"%PDF")
        assert live.exists()
    assert not stale.exists() and other.exists()
    assert target.read_bytes() == b"%PDF"


def test_9_interrupt_after_the_write_says_it_was_written(
    team: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import analyzer.app.report as report

    real = report.write_report

    def write_then_interrupt(*args, **kwargs):  # type: ignore[no-untyped-def]
        real(*args, **kwargs)
        raise KeyboardInterrupt

    monkeypatch.setattr(report, "write_report", write_then_interrupt)
    previous = signal.getsignal(signal.SIGINT)
    try:
        code = main(["report", str(team), "-o", str(team.with_name("r.md")), *FAST])
    finally:
        signal.signal(signal.SIGINT, previous)
    err = capsys.readouterr().err
    assert code == 130 and "completely written" in err and "r.md" in err


# 'ready' as late as the script can say it: the arguments set first, so that only the call into
# main() (whose first statement is the try that turns Ctrl-C into the message) lies between
# the word and the handling (a signal on a loaded machine landed in the assignment once)
READY = (
    "import sys, analyzer.app.cli as c; sys.argv = ['analyzer', *sys.argv[1:]]; "
    "print('ready', flush=True); sys.exit(c.run())"
)


@pytest.mark.slow  # runs the CLI three times and waits: in `make test`, not the fast tier
@pytest.mark.parametrize("delay", [0.0, 0.3, 1.0])
def test_9_sigint_always_gives_a_message(team: Path, tmp_path: Path, delay: float) -> None:
    """Ctrl-C once the program has started (the test waits for it to say so): a message, exit
    130, never death by the signal (CPython's exit after an interrupt in extension code)."""
    import time

    proc = subprocess.Popen(
        [sys.executable, "-c", READY, "report", str(team), "-o", str(tmp_path / "r.pdf"),
         "--samples", "20000"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env(), cwd=tmp_path,
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    time.sleep(delay)  # somewhere in the work; not an assertion on time
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    if proc.returncode == 0:
        pytest.skip("the report finished before the signal")
    assert proc.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


# ---- 10. misleading messages ------------------------------------------------------------------


def test_10_a_big_file_without_aliases_is_not_said_to_expand() -> None:
    from analyzer._io.yamlio import parse_yaml
    from analyzer.errors import InputError

    text = "processes:\n" + "".join(f"  - {{name: p{i}, kind: web}}\n" for i in range(12_000))
    with pytest.raises(InputError) as err:
        parse_yaml(text, "big.yaml")
    assert "aliases" not in str(err.value) and "holds more than" in str(err.value)


def test_10_a_value_just_past_a_bound_is_printed_in_full(
    team: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = team.read_text().replace("  engineers: 2 ", "  engineers: 100000.0000001 ")
    team.write_text(text)
    code, _, err = run(capsys, "validate", str(team))
    assert code == 2 and "100000.0000001" in err


def test_10_utf16_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "q.yaml"
    path.write_bytes(example_questionnaire().read_text().encode("utf-16"))
    code, _, err = run(capsys, "validate", str(path))
    assert code == 2 and "UTF-16" in err and "binary" not in err


def test_10_an_incident_export_with_its_article(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "history", str(tmp_path))
    assert code == 2 and "an incident export" in err


def test_10_long_words_get_break_opportunities() -> None:
    from analyzer.report.pdf import _clean

    word = "x" * 100
    cleaned = _clean({"title": word, "hash": "ab" * 32})
    assert "\u200b" in cleaned["title"] and cleaned["title"].replace("\u200b", "") == word
    assert cleaned["hash"] == "ab" * 32


def test_10_cjk_and_emoji_fall_back_to_installed_fonts() -> None:
    from analyzer.report.pdf import FALLBACK_FONT_FILES, fallback_font_dirs, render_pdf
    from analyzer.report.tree import Paragraph, Report, Section

    if len(fallback_font_dirs()) < 2 or not all(f.is_file() for f in FALLBACK_FONT_FILES):
        pytest.skip("Noto CJK and emoji fonts are not installed")
    text = "\u6771\u4eac \U0001f680"
    report = Report("T", "S", None, (Section("a", "A", (Paragraph(text),)),))
    pdf = render_pdf(report)
    assert b"NotoSansCJK" in pdf and b"NotoColorEmoji" in pdf


# ---- helpers ------------------------------------------------------------------------------


def _env(extra: dict[str, str] | None = None) -> dict[str, str]:
    root = Path(__file__).resolve().parent.parent
    env = dict(os.environ)
    env["PYTHONPATH"] = str(root) + os.pathsep + env.get("PYTHONPATH", "")
    env.setdefault("MPLBACKEND", "Agg")
    env.update(extra or {})
    return env


def _subprocess(*args: str, env: dict[str, str] | None = None,
                cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "analyzer", *args], capture_output=True,
                          text=True, env=_env(env), cwd=cwd, timeout=120)
