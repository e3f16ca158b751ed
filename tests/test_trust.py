"""The probes of issue 11, one test each: what a hostile or careless user gives flashgen, and
what comes out of real Anki (or the exact error)."""

import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from flashgen.build import BuildOptions, build_deck
from flashgen.cli import cli
from flashgen.config import DeckConfig
from flashgen.decknames import MAX_DECK_DEPTH, subdeck
from flashgen.discover import discover
from flashgen.plan import REMOVED_TAG
from flashgen.read import read_source
from tests.anki_support import collection, import_package, notes
from tests.hostile_support import T1, T2, active_content, build, imported, write_vault

RUN = CliRunner()


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


# --- fields: escaped whatever path a value came by -------------------------------------------


def test_a_removed_note_named_like_html_shows_its_name_as_text(tmp_path: Path) -> None:
    name = "<img src=x onerror=alert(1)>.md"
    files = {name: "# Trap\n\nBody.\n", "ok.md": "# Ok\n\nA.\n"}
    notes_dir = write_vault(tmp_path / "notes", files)
    output = tmp_path / "out" / "deck.apkg"
    build(notes_dir, output, now=T1)
    (notes_dir / name).unlink()
    build(notes_dir, output, now=T2)
    found = imported(output, tmp_path / "anki")[0]
    removed = [note for note in found if REMOVED_TAG in note.tags]
    assert len(found) == 2 and len(removed) == 1
    assert removed[0].fields["Source"] == "&lt;img src=x onerror=alert(1)&gt;.md"
    assert {n: active_content(v) for n, v in removed[0].fields.items() if active_content(v)} == {}


# --- HTML that fetches or runs ----------------------------------------------------------------

FETCHING = """# Frames and styles

<iframe src="data:image/svg+xml,<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>">
</iframe>
<iframe src="https://www.youtube-nocookie.com/embed/x"></iframe>
<link rel="stylesheet" href="https://evil.example/x.css">
<style>@import url("https://evil.example/y.css"); p { color: red }</style>
<p style="@import url(https://evil.example/z.css)">styled</p>
<meta http-equiv="refresh" content="0;url=https://evil.example/">
<base href="https://evil.example/"><p>after the base</p>
"""


def test_frames_are_https_only_and_nothing_fetches_a_stylesheet(tmp_path: Path) -> None:
    notes_dir = write_vault(tmp_path / "notes", {"a.md": FETCHING})
    output = tmp_path / "deck.apkg"
    result = build(notes_dir, output)
    answer = imported(output, tmp_path / "anki")[0][0].fields["Answer"]
    assert "data:" not in answer
    assert '<iframe src="https://www.youtube-nocookie.com/embed/x"></iframe>' in answer
    assert "@import" not in answer and "<link" not in answer and "evil.example" not in answer
    assert "<base" not in answer and "<meta" not in answer
    assert "<p>after the base</p>" in answer and "p { color: red }" in answer
    assert sorted({d.message for d in result.diagnostics}) == [
        "unsafe HTML removed: <base>",
        "unsafe HTML removed: <iframe> of a page not on https:",
        "unsafe HTML removed: <link>",
        "unsafe HTML removed: <meta>",
        "unsafe HTML removed: @import",
        "unsafe HTML removed: @import in style=",
    ]


# --- deck names -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("deck", "problem"),
    [
        ("A::::B", "has an empty level ('::' at an end, or nothing between two '::'): name "
                   "every level"),
        ("::X", "has an empty level ('::' at an end, or nothing between two '::'): name every "
                "level"),
        ("X::", "has an empty level ('::' at an end, or nothing between two '::'): name every "
                "level"),
        ("::".join(["L"] * 300), "is nested 300 levels deep: Anki imports at most 11"),
    ],
)
def test_a_deck_name_anki_would_show_blank_or_refuse_is_an_error(
    here: Path, deck: str, problem: str
) -> None:
    write_vault(here / "notes", {"a.md": "# Q\n\nA.\n"})
    result = RUN.invoke(cli, ["build", "notes", "-o", "deck.apkg", "--deck", deck])
    assert (result.exit_code, result.stderr) == (1, f"Error: deck name '{deck}' {problem}\n")
    assert not (here / "deck.apkg").exists()


def test_a_frontmatter_deck_with_empty_levels_is_a_warning_and_the_deck_is_used(
    tmp_path: Path,
) -> None:
    notes_dir = write_vault(tmp_path / "notes", {"a.md": "---\ndeck: 'A::::B'\n---\n# Q\n\nA.\n"})
    output = tmp_path / "deck.apkg"
    result = build(notes_dir, output)
    assert [str(d) for d in result.diagnostics] == [
        "a.md:1: warning: frontmatter deck 'A::::B' has an empty level ('::' at an end, or "
        "nothing between two '::'): name every level; the deck's own name is used",
    ]
    assert [note.decks for note in imported(output, tmp_path / "anki")[0]] == [("Hostile",)]


def test_the_deepest_deck_anki_imports_is_the_limit_flashgen_keeps(tmp_path: Path) -> None:
    """Measured with the real importer: MAX_DECK_DEPTH levels import, one more does not."""
    folders = "/".join(f"f{level}" for level in range(MAX_DECK_DEPTH + 3))
    notes_dir = write_vault(tmp_path / "notes", {f"{folders}/a.md": "# Q\n\nA.\n"})
    output = tmp_path / "deck.apkg"
    build(notes_dir, output, subdecks="folder")
    found = imported(output, tmp_path / "anki")[0]
    assert [deck.count("::") + 1 for deck in found[0].decks] == [MAX_DECK_DEPTH]
    assert found[0].decks[0].endswith("::f9/f10/f11/f12/f13")

    too_deep = tmp_path / "too-deep.apkg"
    config = DeckConfig(name="x", notes_dir=notes_dir, output=too_deep)
    deck = subdeck("x", *[f"l{level}" for level in range(MAX_DECK_DEPTH - 1)])
    build_deck(config, BuildOptions(now=T1))
    _rename_deck(too_deep, "x", deck + "::one-more")
    with collection(tmp_path / "c.anki2") as col, pytest.raises(Exception, match="too deep"):
        import_package(col, too_deep)
    with collection(tmp_path / "d.anki2") as col:
        _rename_deck(too_deep, deck + "::one-more", deck)
        import_package(col, too_deep)
        assert len(notes(col)) == 1


def _rename_deck(package: Path, old: str, new: str) -> None:
    """Rewrite the deck name inside a package (the collection's ``decks`` JSON)."""
    import json
    import sqlite3
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        database = Path(scratch) / "collection.anki2"
        with zipfile.ZipFile(package) as archive:
            database.write_bytes(archive.read("collection.anki2"))
            others = {n: archive.read(n) for n in archive.namelist() if n != "collection.anki2"}
        with sqlite3.connect(database) as connection:
            decks = json.loads(connection.execute("SELECT decks FROM col").fetchone()[0])
            for deck in decks.values():
                if deck["name"] == old:
                    deck["name"] = new
            connection.execute("UPDATE col SET decks = ?", (json.dumps(decks),))
        with zipfile.ZipFile(package, "w") as archive:
            archive.write(database, "collection.anki2")
            for name, data in others.items():
                archive.writestr(name, data)


# --- notes that are symlinks ------------------------------------------------------------------


def test_a_note_symlinked_to_outside_the_notes_folder_is_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret.md"
    secret.write_text("# Secret\n\nprivate key\n", "utf-8")
    notes_dir = write_vault(tmp_path / "notes", {"ok.md": "# Ok\n\nA.\n"})
    (notes_dir / "leak.md").symlink_to(secret)
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "more.md").write_text("# More\n\nalso private\n", "utf-8")
    (notes_dir / "linked").symlink_to(tmp_path / "elsewhere")
    (notes_dir / "inside.md").symlink_to(notes_dir / "ok.md")
    output = tmp_path / "out" / "deck.apkg"
    result = build(notes_dir, output)
    assert sorted(str(d) for d in result.diagnostics) == [
        "leak.md: error: note is a symlink to a file outside the notes folder: skipped "
        "(--follow-symlinks-outside reads it)",
        "linked/more.md: error: note is a symlink to a file outside the notes folder: skipped "
        "(--follow-symlinks-outside reads it)",
    ]
    found = imported(output, tmp_path / "anki")[0]
    assert sorted(note.fields["Source"] for note in found) == ["inside.md", "ok.md"]

    allowed = build(notes_dir, output, now=T2, follow_symlinks_outside=True)
    assert allowed.diagnostics == ()
    assert len(imported(output, tmp_path / "anki2")[0]) == 4


# --- scale -----------------------------------------------------------------------------------


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="Linux shows its mappings")
def test_reading_many_notes_keeps_no_memory_mapping_per_note(tmp_path: Path) -> None:
    """100,000 notes once failed with "failed to map segment": each read kept a 64 MiB
    mapping, and the kernel allows 65,530."""
    notes_dir = write_vault(tmp_path / "n", {f"{i}.md": f"# {i}\n\nA.\n" for i in range(2000)})
    vault = discover(notes_dir, ("**/*.md",), (), None)

    def mappings() -> int:
        return len(Path("/proc/self/maps").read_text().splitlines())

    before = mappings()
    raws = [read_source(source) for source in vault.sources]
    assert len(raws) == 2000 and all(isinstance(raw, bytes) for raw in raws)
    assert mappings() - before < 100


# --- output paths -----------------------------------------------------------------------------


def test_an_output_that_is_a_note_is_never_overwritten(here: Path) -> None:
    write_vault(here / "notes", {"x.md": "# Q\n\nA.\n"})
    before = (here / "notes" / "x.md").read_bytes()
    result = RUN.invoke(cli, ["build", "notes", "-o", "notes/x.md"])
    assert (result.exit_code, result.stderr) == (
        1, f"Error: output {here}/notes/x.md does not end in .apkg: flashgen writes Anki "
        "packages only (name it NAME.apkg)\n",
    )
    assert (here / "notes" / "x.md").read_bytes() == before
    assert sorted(p.name for p in (here / "notes").iterdir()) == ["x.md"]


def test_a_package_inside_the_notes_folder_needs_to_be_asked_for(here: Path) -> None:
    write_vault(here / "notes", {"x.md": "# Q\n\nA.\n"})
    result = RUN.invoke(cli, ["build", "notes", "-o", "notes/deck.apkg"])
    assert (result.exit_code, result.stderr) == (
        1, f"Error: output {here}/notes/deck.apkg is inside the notes folder {here}/notes, "
        "which flashgen only reads: choose an output elsewhere (or --allow-output-anywhere)\n",
    )
    assert sorted(p.name for p in (here / "notes").iterdir()) == ["x.md"]
    asked = RUN.invoke(cli, ["build", "notes", "-o", "notes/deck.apkg", "--allow-output-anywhere"])
    assert asked.exit_code == 0
    assert len(imported(here / "notes" / "deck.apkg", here / "anki")[0]) == 1


def test_a_file_flashgen_did_not_write_is_not_overwritten(here: Path) -> None:
    write_vault(here / "notes", {"x.md": "# Q\n\nA.\n"})
    (here / "mine.apkg").write_bytes(b"an Anki export of my own")
    result = RUN.invoke(cli, ["build", "notes", "-o", "mine.apkg"])
    assert (result.exit_code, result.stderr) == (
        1, f"Error: {here}/mine.apkg exists and is not a package flashgen wrote: not "
        "overwritten (move it away, or choose another output)\n",
    )
    assert (here / "mine.apkg").read_bytes() == b"an Anki export of my own"
    assert RUN.invoke(cli, ["build", "notes", "-o", "ours.apkg"]).exit_code == 0
    assert RUN.invoke(cli, ["build", "notes", "-o", "ours.apkg"]).exit_code == 0


def test_a_deck_definition_writes_only_inside_its_project(here: Path) -> None:
    project = here / "project"
    write_vault(project / "notes", {"x.md": "# Q\n\nA.\n"})
    (project / ".git").mkdir()
    (here / "x").mkdir()
    for name in (".o.apkg.keep", ".o.apkg.1"):
        (here / "x" / name).mkdir()
        (here / "x" / name / "file").write_text("someone else's", "utf-8")
    (project / "decks").mkdir()
    definition = project / "decks" / "d.toml"
    definition.write_text('notes = "../notes"\noutput = "../../x/o.apkg"\n', "utf-8")

    result = RUN.invoke(cli, ["build", str(definition)])
    assert (result.exit_code, result.stderr) == (
        1, f"Error: output {here}/x/o.apkg is outside the deck definition's project "
        f"{project}: a deck definition writes only inside its project "
        "(--allow-output-anywhere on the command line allows it)\n",
    )
    assert sorted(p.name for p in (here / "x").iterdir()) == [".o.apkg.1", ".o.apkg.keep"]

    chosen = RUN.invoke(cli, ["build", str(definition), "-o", str(here / "y" / "o.apkg")])
    assert chosen.exit_code == 0, "an output given on the command line is the user's choice"
    asked = RUN.invoke(cli, ["build", str(definition), "--allow-output-anywhere"])
    assert asked.exit_code == 0, asked.output
    assert sorted(p.name for p in (here / "x").iterdir()) == [
        ".flashgen-cache", ".o.apkg.1", ".o.apkg.build-lock", ".o.apkg.keep", "o.apkg",
        "o.lock.json",
    ]
    assert all((here / "x" / name / "file").exists() for name in (".o.apkg.1", ".o.apkg.keep"))
    assert len(imported(here / "x" / "o.apkg", here / "anki")[0]) == 1
