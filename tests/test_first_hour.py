"""A new user's first hour, following the README: exact output lines and exit codes."""

import json
import re
import subprocess
from pathlib import Path

import pytest

from benchmarks.screenshot_cards import PICKS
from flashgen.config import ignored_heading_key, load_deck_definition
from tests.hostile_support import imported, write_vault
from tests.test_cli import CLEAN, run

REPOSITORY = Path(__file__).resolve().parent.parent


def git_work_tree(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q", str(folder)], check=True)
    return folder


# --- the first build ------------------------------------------------------------------------


def test_a_first_build_from_a_committed_lockfile_says_nothing_changed(here: Path) -> None:
    write_vault(here / "notes", CLEAN)
    assert run("build", "notes").exit_code == 0
    (here / "notes.apkg").unlink()  # a fresh clone: the lockfile is committed, the package not
    result = run("build", "notes")
    assert (result.exit_code, result.stdout, result.stderr) == (
        0,
        "notes: 2 notes, none changed since notes.lock.json — wrote notes.apkg "
        "(2 cards from 2 files)\n",
        "",
    )
    again = run("build", "notes")
    assert again.stdout == (
        "notes: 2 notes, none changed since notes.lock.json — notes.apkg is up to date "
        "(2 cards from 2 files)\n"
    )


def test_verbose_lists_only_what_changed(here: Path) -> None:
    write_vault(here / "notes", {**CLEAN, "c.md": "# Third\n\nThird answer.\n"})
    assert run("build", "notes").exit_code == 0
    write_vault(here / "notes", {"a.md": "# Question\n\nA new answer.\n"})
    result = run("build", "notes", "-v")
    assert (result.exit_code, result.stdout) == (
        0,
        "notes: 0 new, 1 changed, 0 renamed/moved, 0 removed, 2 unchanged — wrote notes.apkg "
        "(3 cards from 3 files)\n"
        "  changed: a.md:1: Question\n",
    )


# --- build, check and list agree -------------------------------------------------------------


def test_check_and_list_use_the_deck_the_build_before_them_chose(here: Path) -> None:
    write_vault(here / "notes", CLEAN)
    built = run("build", "notes", "-o", "notes.apkg", "--deck", "Notes::Systems")
    assert built.exit_code == 0
    checked = run("check", "notes")
    assert (checked.exit_code, checked.stdout, checked.stderr) == (
        0, "", "0 error(s), 0 warning(s)\n"
    )
    listed = run("list", "notes", "--json")
    assert {row["deck"] for row in json.loads(listed.stdout)} == {"Notes::Systems"}
    rebuilt = run("build", "notes")
    assert rebuilt.stdout.startswith("Notes::Systems: 2 notes, none changed since notes.lock.json")


def test_check_with_output_compares_with_that_packages_lockfile(here: Path) -> None:
    write_vault(here / "notes", CLEAN)
    assert run("build", "notes", "-o", "out/deck.apkg", "--deck", "Old").exit_code == 0
    assert run("check", "notes", "-o", "out/deck.apkg").stdout == ""
    renamed = run("check", "notes", "-o", "out/deck.apkg", "--deck", "New")
    assert renamed.stdout.startswith("out/deck.lock.json: warning: deck name changed from 'Old'")


@pytest.mark.parametrize("command", ["check", "list"])
def test_check_and_list_help_say_output_is_only_compared(command: str) -> None:
    text = " ".join(run(command, "--help").stdout.split())
    assert "The .apkg to write" not in text
    assert "its lockfile (X.lock.json) is what this compares with. Nothing is written." in text


def test_build_help_says_output_is_written() -> None:
    assert "The .apkg to write" in " ".join(run("build", "--help").stdout.split())


# --- deck names ------------------------------------------------------------------------------


def test_a_generic_folder_is_named_after_its_git_work_tree_and_said(here: Path) -> None:
    blog = git_work_tree(here / "blog")
    write_vault(blog / "_posts", CLEAN)
    result = run("build", "blog/_posts")
    assert (result.exit_code, result.stdout, result.stderr) == (
        0,
        "blog: 2 new, 0 changed, 0 renamed/moved, 0 removed, 0 unchanged — wrote blog.apkg "
        "(2 cards from 2 files)\n",
        'deck "blog": named after the git work tree (_posts is a generic folder name); '
        "--deck NAME chooses another\n",
    )
    assert run("build", "blog/_posts").stderr == ""  # said once, on the first build


def test_a_generic_folder_in_an_obsidian_vault_is_named_after_the_vault(here: Path) -> None:
    (here / "Brain" / ".obsidian").mkdir(parents=True)
    write_vault(here / "Brain" / "markdown", CLEAN)
    result = run("list", "Brain/markdown", "--json")
    assert result.stderr == (
        'deck "Brain": named after the Obsidian vault (markdown is a generic folder name); '
        "--deck NAME chooses another\n"
    )
    assert {row["deck"] for row in json.loads(result.stdout)} == {"Brain"}


def test_a_folder_with_a_deck_definition_points_at_it(here: Path) -> None:
    write_vault(here / "notes", CLEAN)
    (here / "decks").mkdir()
    (here / "decks" / "mine.toml").write_text('name = "Mine"\nnotes = "../notes"\n')
    result = run("build", "notes", "--dry-run")
    assert (result.exit_code, result.stderr) == (
        0,
        "hint: decks/mine.toml defines a deck from this folder with its own name, media root "
        "and excludes: flashgen build decks/mine.toml builds that one\n",
    )


def test_the_example_folder_differs_from_make_run_and_says_why(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(REPOSITORY)
    result = run("check", "examples/notes")
    assert result.stderr.splitlines()[0] == (
        "hint: decks/example.toml defines a deck from this folder with its own name, media "
        "root and excludes: flashgen build decks/example.toml builds that one"
    )


# --- init ------------------------------------------------------------------------------------


def test_init_writes_a_deck_definition_and_the_ignore_lines(here: Path) -> None:
    blog = git_work_tree(here / "blog")
    write_vault(blog / "_posts", {"2020-01-01-tcp.md": "# SYN\n\n![](/img/syn.png)\n"})
    (blog / "img").mkdir()
    (blog / "img" / "syn.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(32))
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(blog)
        result = run("init", "_posts")
        assert (result.exit_code, result.stdout, result.stderr) == (
            0,
            'wrote decks/blog.toml: deck "blog" (named after the git work tree), notes _posts, '
            "media root .\n"
            "wrote decks/.gitignore: ignores *.apkg *.apkg.tmp* .*.build-lock .flashgen-cache/ "
            "*.preview/ (commit the .lock.json)\n"
            "next: flashgen build decks/blog.toml, then import the .apkg in Anki "
            "(File → Import)\n",
            "",
        )
        config = load_deck_definition(blog / "decks" / "blog.toml")
        assert (config.name, config.notes_dir, config.media_root) == (
            "blog", blog / "_posts", blog
        )
        built = run("build", "decks/blog.toml")
        assert (built.exit_code, built.stderr) == (0, "")
        ignored = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=all", "decks"],
            capture_output=True, text=True, check=True,
        ).stdout
        assert ignored.splitlines() == [
            "?? decks/.gitignore", "?? decks/blog.lock.json", "?? decks/blog.toml"
        ]
        note = imported(blog / "decks" / "blog.apkg", here / "anki")[0]
        assert len(note) == 1


def test_init_never_overwrites_a_deck_definition(here: Path) -> None:
    write_vault(here / "notes", CLEAN)
    assert run("init", "notes", "--deck", "Notes::Systems").stdout.startswith(
        'wrote decks/Notes-Systems.toml: deck "Notes::Systems", notes notes, media root notes\n'
    )
    again = run("init", "notes", "--deck", "Notes::Systems")
    assert (again.exit_code, again.stdout, again.stderr) == (
        1, "", f"Error: {here}/decks/Notes-Systems.toml already exists: not overwritten\n"
    )


def test_init_adds_only_missing_ignore_lines(here: Path) -> None:
    write_vault(here / "notes", CLEAN)
    (here / "decks").mkdir()
    (here / "decks" / ".gitignore").write_text("*.apkg\n.flashgen-cache/")
    assert run("init", "notes").exit_code == 0
    assert (here / "decks" / ".gitignore").read_text() == (
        "*.apkg\n.flashgen-cache/\n*.apkg.tmp*\n.*.build-lock\n*.preview/\n"
    )


# --- ignore_headings -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "heading", ["Index", "index", "Index:", "INDEX.", "Index ：", "Index?!", "index…"]
)
def test_ignored_headings_match_any_case_and_trailing_punctuation(heading: str) -> None:
    assert ignored_heading_key(heading) == ignored_heading_key("Index") == "index"


@pytest.mark.parametrize("heading", ["Indexes", "The Index", "Index of terms", "(Index"])
def test_ignored_headings_match_the_whole_heading(heading: str) -> None:
    assert ignored_heading_key(heading) != "index"


def test_an_ignored_heading_with_a_colon_makes_no_card(here: Path) -> None:
    write_vault(here / "notes", {"a.md": "# Topic\n\nBody.\n\n## Index:\n\n- Topic\n"})
    (here / "decks").mkdir()
    (here / "decks" / "n.toml").write_text('notes = "../notes"\nignore_headings = ["Index"]\n')
    listed = run("list", "decks/n.toml")
    assert (listed.exit_code, listed.stdout) == (0, "a.md:1\tTopic\t[Recall]\n")


# --- the README ------------------------------------------------------------------------------


def test_the_readme_starts_with_exactly_two_set_up_commands() -> None:
    readme = (REPOSITORY / "README.md").read_text(encoding="utf-8")
    first_block = readme.split("```sh\n", 1)[1].split("```", 1)[0]
    assert [line.split("#")[0].strip() for line in first_block.splitlines()] == [
        "make run", "make test"
    ]


def test_the_readme_pictures_exist_and_make_pictures_makes_them() -> None:
    readme = (REPOSITORY / "README.md").read_text(encoding="utf-8")
    pictures = re.findall(r"\]\((docs/pictures/[^)]+\.png)\)", readme)
    assert len(pictures) >= 3
    made = re.search(r"^PICTURE_CARDS := (.+)$", (REPOSITORY / "Makefile").read_text(), re.M)
    assert made is not None
    labels = set(made.group(1).split(","))
    assert labels <= {pick.label for pick in PICKS}
    for picture in pictures:
        assert (REPOSITORY / picture).is_file(), picture
        assert picture.split("/")[-1].rsplit("-", 2)[0] in labels, picture
    assert {"image", "term-cjk-latin", "math"} <= labels  # bilingual, its term card, math
    assert any(label.startswith("code") for label in labels)
