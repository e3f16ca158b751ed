"""The command line: exact output lines and exit codes (0 built, 1 errors, 2 usage)."""

import json
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from flashgen.cli import cli
from flashgen.output import build_lock
from tests.hostile_support import (
    copy_vault,
    flashgen_command,
    imported,
    subprocess_env,
    write_vault,
)

HOSTILE_CHECK = """\
hostile/broken-frontmatter.md:3: error: broken frontmatter (expected ',' or ']', but got '<stream end>'): file skipped
hostile/duplicates.md:5: warning: duplicate prompt 'Same question' in deck hostile (also at duplicates.md:1)
hostile/empty-answers.md:1: info: no card for 'Parent': no text of its own
hostile/empty-answers.md:7: warning: section 'No answer' has no answer: no card made
hostile/empty-answers.md:9: warning: section 'Only a comment' has no answer: no card made
hostile/frontmatter-list.md:1: warning: frontmatter is a list, not a mapping: ignored
hostile/frontmatter-string.md:1: warning: frontmatter is a string, not a mapping: ignored
hostile/long-heading.md:1: warning: heading is 359 characters long: too long to be a good prompt
hostile/media.md:3: warning: media not found: img/missing.png
hostile/media.md:5: warning: media outside the media root refused: ../../../../../../../../../../etc/passwd
hostile/media.md:7: warning: media not found: /etc/hostname
hostile/media.md:9: warning: media not found: ~/.ssh/id_rsa
hostile/media.md:11: warning: content is not PNG media, refused: img/secret.png
hostile/media.md:13: warning: file: URL refused, not bundled: file:///etc/hostname
hostile/media.md:15: warning: not a media file, refused: img/notes.txt
hostile/references.md:3: warning: cross-reference Nowhere^ points nowhere
hostile/unclosed-comment.md:5: warning: HTML comment <!-- is never closed: the rest of the file is hidden, and headings in it make no cards
hostile/unclosed-fence.md:5: warning: code fence ``` is never closed: the rest of the file is code, and headings in it make no cards
hostile/unsafe-html.md:3: warning: unsafe HTML removed: <script>
hostile/unsafe-html.md:5: warning: unsafe HTML removed: onerror=
hostile/unsafe-html.md:5: warning: link to a javascript: URL is unsafe: shown as text
hostile/unsafe-html.md:7: warning: unsafe HTML removed: javascript: URL
"""  # noqa: E501
HOSTILE_ERRORS = [line for line in HOSTILE_CHECK.splitlines() if ": error: " in line]
HOSTILE_WARNINGS = "".join(
    line for line in HOSTILE_CHECK.splitlines(keepends=True) if ": info: " not in line
)
"""What a build prints: the account of what made no card is a count there, not lines."""
CLEAN = {"a.md": "# Question\n\nAnswer.\n", "b.md": "# Other question\n\nOther answer.\n"}
WARNED = {**CLEAN, "c.md": "# Lonely heading\n"}
WARNING = "notes/c.md:1: warning: section 'Lonely heading' has no answer: no card made"


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), prog_name="flashgen")


@pytest.fixture
def hostile(here: Path) -> Path:
    return copy_vault("hostile", here / "hostile")


def summary(
    cards: int,
    files: int,
    output: str = "notes.apkg",
    action: str = "wrote",
    account: str = "",
) -> str:
    return (
        f"notes: {cards} new, 0 changed, 0 renamed/moved, 0 removed, 0 unchanged — "
        f"{action} {output} ({cards} cards from {files} files)\n"
    ) + (f"  {cards} notes made; {account}\n" if account else "")


# --- check ---------------------------------------------------------------------------------


def test_check_reports_every_problem_as_path_line_severity_message(hostile: Path) -> None:
    result = run("check", "hostile")
    assert (result.exit_code, result.stdout, result.stderr) == (
        1, HOSTILE_CHECK, "1 error(s), 20 warning(s), 1 info\n"
    )


def test_check_json_is_a_list_of_the_same_diagnostics(hostile: Path) -> None:
    result = run("check", "hostile", "--format", "json")
    assert (result.exit_code, result.stderr) == (1, "")
    listed = json.loads(result.stdout)
    assert set(listed[0]) == {"path", "line", "severity", "message"}
    as_text = [
        f"{d['path']}:{d['line']}: {d['severity']}: {d['message']}" for d in listed
    ]
    assert as_text == HOSTILE_CHECK.splitlines()


def test_check_json_gives_line_0_for_a_whole_file_problem(here: Path) -> None:
    write_vault(here / "notes", {**CLEAN, "binary.md": bytes(range(256)) * 4})
    result = run("check", "notes", "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout) == [
        {
            "path": "notes/binary.md",
            "line": 0,
            "severity": "error",
            "message": "not a text file: skipped",
        }
    ]


def test_check_with_warnings_only_exits_0_and_with_strict_1(here: Path) -> None:
    write_vault(here / "notes", WARNED)
    relaxed, strict = run("check", "notes"), run("check", "notes", "--strict")
    for result in (relaxed, strict):
        assert (result.stdout, result.stderr) == (WARNING + "\n", "0 error(s), 1 warning(s)\n")
    assert (relaxed.exit_code, strict.exit_code) == (0, 1)


def test_check_of_clean_notes_exits_0_and_writes_nothing(here: Path) -> None:
    write_vault(here / "notes", CLEAN)
    before = sorted(p.as_posix() for p in here.rglob("*"))
    result = run("check", "notes", "--strict")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "0 error(s), 0 warning(s)\n")
    assert sorted(p.as_posix() for p in here.rglob("*")) == before


def test_paths_outside_the_current_folder_are_absolute(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    notes = write_vault(tmp_path / "notes", WARNED)
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    result = run("check", str(notes))
    assert result.stdout == f"{notes}/c.md:1: warning: section 'Lonely heading' has no answer: " \
        "no card made\n"


def test_lockfile_problems_name_the_lockfile(here: Path) -> None:
    write_vault(here / "notes", CLEAN)
    assert run("build", "notes", "-o", "out/deck.apkg", "--deck", "Old").exit_code == 0
    result = run("check", "notes", "-o", "out/deck.apkg", "--deck", "New")
    assert result.stdout == (
        "out/deck.lock.json: warning: deck name changed from 'Old' to 'New': Anki matches decks "
        "by name and never moves existing cards, so notes imported before stay in the old deck\n"
    )


# --- build ---------------------------------------------------------------------------------


def test_build_with_warnings_exits_0_and_writes_the_package(here: Path) -> None:
    write_vault(here / "notes", WARNED)
    result = run("build", "notes")
    assert (result.exit_code, result.stdout, result.stderr) == (
        0, summary(2, 3, account="1 section made none: 1 no body"), WARNING + "\n"
    )
    assert len(imported(here / "notes.apkg", here / "anki")[0]) == 2


def test_build_with_errors_writes_the_rest_and_exits_1(hostile: Path) -> None:
    result = run("build", "hostile", "-o", "deck.apkg")
    assert result.exit_code == 1
    assert result.stdout == (
        "hostile: 13 new, 0 changed, 0 renamed/moved, 0 removed, 0 unchanged — wrote deck.apkg "
        "(15 cards from 14 files)\n"
        "  13 notes made; 4 sections made none: 3 no body, 1 unreadable file\n"
    )
    assert result.stderr == HOSTILE_WARNINGS + (
        "Error: 1 error(s) (see above): those files were skipped, the package was written with "
        "the rest of the notes\n"
    )
    assert len(imported(hostile.parent / "deck.apkg", hostile.parent / "anki")[0]) == 13


def test_build_dry_run_with_errors_writes_nothing_and_says_so(hostile: Path) -> None:
    result = run("build", "hostile", "-o", "deck.apkg", "--dry-run", "-q")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.splitlines() == [
        *HOSTILE_ERRORS,
        "Error: 1 error(s) (see above): those files were skipped, the package would be written "
        "with the rest of the notes",
    ]
    assert not (hostile.parent / "deck.apkg").exists()


def test_build_strict_lists_the_problems_and_writes_nothing(here: Path) -> None:
    write_vault(here / "notes", WARNED)
    result = run("build", "notes", "--strict")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        f"{WARNING}\nError: 1 problem(s) reported and --strict is on: nothing written\n"
    )
    assert not (here / "notes.apkg").exists()


def test_build_quiet_prints_errors_only(here: Path) -> None:
    write_vault(here / "notes", {**WARNED, "bad.md": "---\n[\n---\n# B\n\nb\n"})
    result = run("build", "notes", "-q")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "notes/bad.md:2: error: broken frontmatter (expected the node content, but found "
        "'<stream end>'): file skipped",
        "Error: 1 error(s) (see above): those files were skipped, the package was written with "
        "the rest of the notes",
    ]


def test_library_error_becomes_an_error_line_and_exit_1(here: Path) -> None:
    (here / "empty").mkdir()
    result = run("build", "empty")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == f"Error: no Markdown notes found in {here / 'empty'}\n"


def test_bad_deck_definition_is_an_error_line_and_exit_1(here: Path) -> None:
    (here / "decks").mkdir()
    (here / "decks" / "bad.toml").write_text('name = "Bad"\nnotes = 3\n')
    result = run("build")
    assert (result.exit_code, result.stderr) == (
        1, "Error: decks/bad.toml: 'notes' must be a string\n"
    )


def test_locked_deck_is_an_error_line_and_exit_1(here: Path) -> None:
    write_vault(here / "notes", CLEAN)
    output = here / "notes.apkg"
    with build_lock(output):
        result = run("build", "notes")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        f"Error: another flashgen build is writing {output} right now; try again when it ends\n"
    )
    assert not output.exists()


def test_a_deck_that_fails_does_not_stop_the_others(here: Path) -> None:
    (here / "empty").mkdir()
    write_vault(here / "notes", CLEAN)
    result = run("build", "empty", "notes")
    assert (result.exit_code, result.stdout) == (1, summary(2, 2))
    assert result.stderr == f"Error: no Markdown notes found in {here / 'empty'}\n"
    assert (here / "notes.apkg").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["build", "--no-such-option"], "No such option '--no-such-option'."),
        (["build", "missing-folder"], "Invalid value for '[TARGETS]...': Path 'missing-folder' "
         "does not exist."),
        (["build", "notes", "notes", "-o", "x.apkg"], "-o/--output needs exactly one TARGET"),
        (["build", "notes/a.md"], "notes/a.md is neither a notes folder nor a deck definition "
         "(.toml)"),
        (["build"], "no TARGET given and no decks/*.toml here: name a notes folder or a deck file"),
        (["check", "notes", "--format", "xml"], "Invalid value for '--format': 'xml' is not one "
         "of 'text', 'json'."),
        (["frobnicate"], "No such command 'frobnicate'."),
    ],
)
def test_usage_errors_exit_2(here: Path, args: list[str], message: str) -> None:
    write_vault(here / "notes", CLEAN)
    result = run(*args)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == f"Error: {message}"
    assert result.stderr.startswith("Usage: flashgen")


# --- help ----------------------------------------------------------------------------------


@pytest.mark.parametrize("command", [[], ["build"], ["check"], ["list"]])
def test_every_command_help_shows_an_example(command: list[str]) -> None:
    result = run(*command, "--help")
    assert result.exit_code == 0
    example = result.stdout.split("Example:\n", 1)[1]
    assert example.splitlines()[0].lstrip().startswith(" ".join(["flashgen", *command]))


@pytest.mark.parametrize("command", [["build"], ["check"]])
def test_help_documents_the_exit_status(command: list[str]) -> None:
    assert "Exit status: 0" in " ".join(run(*command, "--help").stdout.split())


def test_python_m_flashgen_help_works(tmp_path: Path) -> None:
    result = subprocess.run(
        flashgen_command("--help"), capture_output=True, text=True, env=subprocess_env(),
        cwd=tmp_path, check=False,
    )
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.startswith("Usage: flashgen [OPTIONS] COMMAND [ARGS]...")
