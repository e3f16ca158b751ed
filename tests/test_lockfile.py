"""The lockfile as input from a stranger: git merges of it, hand edits, damaged values.

Each test builds, imports into a real Anki collection and studies; then the lockfile goes
through what git or a person does to it, the deck is built again and imported again: the
notes Anki holds afterwards (GUIDs, fields, tags, review counts) are what is checked, or
the exact error a refused lockfile gives.
"""

import json
import subprocess
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from flashgen.build import BuildOptions, BuildResult, build_deck
from flashgen.cli import cli
from flashgen.config import DeckConfig
from flashgen.lockfile import lock_to_json, read_lock
from flashgen.plan import REMOVED_TAG
from tests.anki_support import AnkiNote, collection, import_package, notes, review_all
from tests.hostile_support import flashgen_command, subprocess_env, write_vault

NOW = int(time.time())
T1, T2, T3, T4 = NOW - 4000, NOW - 3000, NOW - 2000, NOW - 1000
NOTES = {
    "a.md": "# Alpha\n\nFirst answer.\n",
    "b.md": "# Beta\n\nSecond answer.\n",
}


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        cwd=repo, capture_output=True, text=True, env=subprocess_env(),
    )
    return done.stdout + done.stderr


def config_for(repo: Path) -> DeckConfig:
    return DeckConfig(name="Merge", notes_dir=repo / "notes", output=repo / "deck.apkg")


def build(repo: Path, now: int) -> BuildResult:
    return build_deck(config_for(repo), BuildOptions(now=now))


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def studied(tmp_path: Path) -> tuple[Path, Path, dict[str, str]]:
    """A git repository of notes and lockfile, built, imported into Anki and studied; then
    two branches that each edit one note: ``ours`` (main) and ``theirs``."""
    repo = tmp_path / "repo"
    write_vault(repo / "notes", NOTES)
    git(repo, "init", "-q", "-b", "main")
    (repo / ".gitignore").write_text("*.apkg\n.flashgen-cache/\n.*.build-lock\n")
    build(repo, T1)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "v1")
    anki = tmp_path / "anki" / "collection.anki2"
    anki.parent.mkdir()
    with collection(anki) as col:
        import_package(col, repo / "deck.apkg")
        assert review_all(col) > 0
        guids = {note.fields["Prompt"]: note.guid for note in notes(col).values()}
    git(repo, "checkout", "-q", "-b", "theirs")
    edit(repo / "notes/b.md", "Second answer.", "Second answer, edited on theirs.")
    build(repo, T3)
    git(repo, "commit", "-q", "-am", "theirs")
    git(repo, "checkout", "-q", "main")
    edit(repo / "notes/a.md", "First answer.", "First answer, edited on ours.")
    build(repo, T2)
    git(repo, "commit", "-q", "-am", "ours")
    return repo, anki, guids


def reimport(repo: Path, anki: Path) -> dict[str, AnkiNote]:
    with collection(anki) as col:
        import_package(col, repo / "deck.apkg")
        return {note.fields["Prompt"]: note for note in notes(col).values()}


def assert_both_edits_kept(found: dict[str, AnkiNote], guids: dict[str, str]) -> None:
    """Two notes, each with its GUID, its reviews, the edit of its branch, not removed."""
    assert {prompt: note.guid for prompt, note in found.items()} == guids
    assert found["Alpha"].fields["Answer"] == "<p>First answer, edited on ours.</p>"
    assert found["Beta"].fields["Answer"] == "<p>Second answer, edited on theirs.</p>"
    assert all(REMOVED_TAG not in note.tags for note in found.values())
    assert all(note.reps > 0 for note in found.values())


def accept_both(text: str) -> str:
    """What an editor's "Accept Both" does: keep every line but the markers."""
    return "".join(
        line for line in text.splitlines(keepends=True)
        if not line.startswith(("<<<<<<<", "=======", ">>>>>>>"))
    )


def test_an_accept_both_lockfile_keeps_every_note_live(
    studied: tuple[Path, Path, dict[str, str]],
) -> None:
    repo, anki, guids = studied
    assert "CONFLICT (content): Merge conflict in deck.lock.json" in git(repo, "merge", "theirs")
    lockfile = repo / "deck.lock.json"
    lockfile.write_text(accept_both(lockfile.read_text("utf-8")), "utf-8")

    result = build(repo, T4)
    assert [str(d) for d in result.diagnostics] == [
        "(lockfile): warning: lockfile had commas out of place (a merge?): repaired",
        "(lockfile):7: warning: 2 note(s) are in the lockfile twice (an \"accept both\" merge?): "
        "the newer entry of each is kept",
    ]
    assert_both_edits_kept(reimport(repo, anki), guids)
    rewritten = read_lock(lockfile)
    assert rewritten is not None and rewritten.diagnostics == ()
    assert len(rewritten.lock.entries) == 2


def test_a_lockfile_left_with_conflict_markers_is_merged_by_the_build(
    studied: tuple[Path, Path, dict[str, str]],
) -> None:
    repo, anki, guids = studied
    git(repo, "merge", "theirs")
    assert "<<<<<<< HEAD" in (repo / "deck.lock.json").read_text("utf-8")

    result = build(repo, T4)
    assert [str(d) for d in result.diagnostics] == [
        "(lockfile): warning: lockfile held git conflict markers: both sides merged entry by "
        "entry (the newest change of each note wins)",
    ]
    assert_both_edits_kept(reimport(repo, anki), guids)
    assert "<<<<<<<" not in (repo / "deck.lock.json").read_text("utf-8")


def test_the_merge_driver_merges_lockfiles_without_a_conflict(
    studied: tuple[Path, Path, dict[str, str]],
) -> None:
    repo, anki, guids = studied
    (repo / ".gitattributes").write_text("*.lock.json merge=flashgen-lock\n")
    driver = " ".join(flashgen_command("lock", "merge", "%O", "%A", "%B"))
    git(repo, "config", "merge.flashgen-lock.driver", driver)
    output = git(repo, "merge", "-m", "merge", "theirs")
    assert "CONFLICT" not in output
    merged = read_lock(repo / "deck.lock.json")
    assert merged is not None and merged.diagnostics == ()

    result = build(repo, T4)
    assert result.diagnostics == ()
    assert_both_edits_kept(reimport(repo, anki), guids)


def test_a_guid_copied_to_another_note_stays_with_its_own_note(tmp_path: Path) -> None:
    write_vault(tmp_path / "notes", NOTES)
    build(tmp_path, T1)
    anki = tmp_path / "collection.anki2"
    with collection(anki) as col:
        import_package(col, tmp_path / "deck.apkg")
        review_all(col)
        before = {note.fields["Prompt"]: note.guid for note in notes(col).values()}
    lockfile = tmp_path / "deck.lock.json"
    lockfile.write_text(
        lockfile.read_text("utf-8").replace(before["Beta"], before["Alpha"]), "utf-8"
    )

    result = build(tmp_path, T2)
    assert [str(d) for d in result.diagnostics] == [
        f"(lockfile):8: warning: GUID {before['Alpha']} is claimed by 'b.md › Beta' and by "
        "'a.md › Alpha': it stays with 'a.md › Alpha'; 'b.md › Beta' loses its entry (if it "
        "still exists, it becomes a new note)",
    ]
    found = reimport(tmp_path, anki)
    assert {prompt: note.guid for prompt, note in found.items()} == before
    assert found["Alpha"].fields["Answer"] == "<p>First answer.</p>"
    assert found["Beta"].fields["Answer"] == "<p>Second answer.</p>"
    assert found["Alpha"].reps > 0


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (None, "null"),
        (458, "the number 458"),
        ("", 'the text ""'),
        ("fg" + "x" * 5000, '"fgxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…"'),
        ("fgAAAAAAAA\x1fAAAAAA", '"fgAAAAAAAA\\u001fAAAAAA"'),
    ],
)
def test_a_guid_that_is_no_guid_is_refused_with_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: object, shown: str
) -> None:
    write_vault(tmp_path / "notes", NOTES)
    build(tmp_path, T1)
    package = (tmp_path / "deck.apkg").read_bytes()
    lockfile = tmp_path / "deck.lock.json"
    lock = json.loads(lockfile.read_text("utf-8"))
    lock["notes"][1]["guid"] = value
    lockfile.write_text(_one_note_per_line(lock), "utf-8")
    monkeypatch.chdir(tmp_path)

    result = CliRunner().invoke(cli, ["build", "notes", "-o", "deck.apkg", "--deck", "Merge"])
    shown = shown if shown.startswith(("null", "the")) else "the text " + shown
    assert (result.exit_code, result.stderr) == (
        1,
        f"Error: {lockfile}:8: lockfile note's 'guid' must be a flashgen GUID ('fg' and 16 "
        f"letters, digits, '-' or '_'), not {shown}; restore it from git (`git checkout -- "
        "deck.lock.json`) or fix that line; or move it away: the next build recovers it from "
        "deck.apkg\n",
    )
    assert (tmp_path / "deck.apkg").read_bytes() == package


def test_a_change_time_out_of_range_is_refused_with_its_line(tmp_path: Path) -> None:
    write_vault(tmp_path / "notes", NOTES)
    build(tmp_path, T1)
    lockfile = tmp_path / "deck.lock.json"
    text = lockfile.read_text("utf-8")
    lockfile.write_text(text.replace(f'"changed": {T1}', '"changed": 1e300', 1), "utf-8")
    with pytest.raises(Exception) as raised:
        build(tmp_path, T2)
    assert str(raised.value).startswith(
        f"{lockfile}:7: lockfile note's 'changed' must be a time in whole seconds since 1970, "
        "not the number 1e+300;"
    )


def test_a_canonical_lockfile_reads_back_as_itself(tmp_path: Path) -> None:
    write_vault(tmp_path / "notes", NOTES)
    build(tmp_path, T1)
    read = read_lock(tmp_path / "deck.lock.json")
    assert read is not None and read.diagnostics == () and not read.repaired
    assert lock_to_json(read.lock) == (tmp_path / "deck.lock.json").read_text("utf-8")


def _one_note_per_line(lock: dict[str, object]) -> str:
    notes_ = lock.pop("notes")
    assert isinstance(notes_, list)
    header = "".join(f" {json.dumps(k)}: {json.dumps(v)},\n" for k, v in lock.items())
    entries = ",\n".join("  " + json.dumps(item, sort_keys=True) for item in notes_)
    return "{\n" + header + ' "notes": [\n' + entries + "\n ]\n}\n"


def test_the_merge_driver_merges_sides_without_a_common_ancestor(tmp_path: Path) -> None:
    """git passes an empty base when two branches share no version of the lockfile."""
    write_vault(tmp_path / "notes", NOTES)
    build(tmp_path, T1)
    ours = tmp_path / "ours.lock.json"
    ours.write_bytes((tmp_path / "deck.lock.json").read_bytes())
    edit(tmp_path / "notes/b.md", "Second answer.", "Second answer, edited.")
    (tmp_path / "notes/c.md").write_text("# Gamma\n\nThird answer.\n", "utf-8")
    build(tmp_path, T2)
    (tmp_path / "base.lock.json").write_text("", "utf-8")
    result = CliRunner().invoke(cli, ["lock", "merge", str(tmp_path / "base.lock.json"),
                                      str(ours), str(tmp_path / "deck.lock.json")])
    assert (result.exit_code, result.output) == (0, "")
    merged = read_lock(ours)
    assert merged is not None and merged.diagnostics == ()
    assert merged.lock == read_lock(tmp_path / "deck.lock.json").lock  # type: ignore[union-attr]
