"""Regenerate after edits: the scenario of design §5, checked in a real Anki collection.

v1 is built, imported and studied; the notes are then edited the ways real notes are (answers
changed, headings renamed, sections moved between files, a file renamed, sections deleted and
added, one note edited inside Anki), v2 is built and imported with Anki's default options.
"""

import shutil
import time
from dataclasses import replace
from pathlib import Path

import pytest

from flashgen.build import BuildOptions, BuildResult, build_deck
from flashgen.config import DeckConfig
from flashgen.lockfile import load_lock
from flashgen.plan import REMOVED_TAG
from tests.anki_support import AnkiNote, collection, import_package, notes, review_all

VAULT = Path(__file__).parent / "vaults" / "regen"
NOW = int(time.time())
T1 = NOW - 86_400
T2 = NOW + 3_600


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    target = tmp_path / "notes"
    shutil.copytree(VAULT, target)
    return target


def deck(vault: Path, **changes: object) -> DeckConfig:
    config = DeckConfig(name="Regen", notes_dir=vault, output=vault.parent / "out" / "regen.apkg")
    return replace(config, **changes)  # type: ignore[arg-type]


def build(config: DeckConfig, now: int) -> BuildResult:
    return build_deck(config, BuildOptions(now=now))


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def cut_section(path: Path, heading: str) -> str:
    """Remove the section under ``heading`` (up to the next heading) and return it."""
    lines = path.read_text(encoding="utf-8").split("\n")
    start = lines.index(heading)
    end = next(
        (i for i in range(start + 1, len(lines)) if lines[i].startswith("#")), len(lines)
    )
    path.write_text("\n".join(lines[:start] + lines[end:]), encoding="utf-8")
    return "\n".join(lines[start:end])


def edit_to_v2(vault: Path) -> None:
    tcp = vault / "topics" / "tcp.md"
    edit(tcp, "late\nsegments of the old connection", "delayed\nsegments of the old connection")
    edit(tcp, "## Nagle algorithm", "## Nagle's algorithm")
    edit(tcp, "## Slow start", "## TCP slow start")
    edit(tcp, "doubles every round trip", "doubles each round trip")
    tcp.write_text(
        tcp.read_text(encoding="utf-8")
        + "\n## Fast retransmit\n\nThree duplicate ACKs trigger a retransmit without waiting"
        " for the timer.\n",
        encoding="utf-8",
    )
    archive = vault / "archive" / "2023-05.md"
    orphan = cut_section(archive, "## Orphan process")
    (vault / "topics" / "linux.md").write_text("# Linux\n\n" + orphan + "\n", encoding="utf-8")
    cut_section(archive, "## Detached HEAD")
    (vault / "tools").mkdir()
    (vault / "topics" / "vim.md").rename(vault / "tools" / "vim.md")


def by_prompt(found: dict[str, AnkiNote]) -> dict[str, AnkiNote]:
    return {note.fields["Prompt"]: note for note in found.values()}


def test_regenerating_after_edits_keeps_identity_and_history(vault: Path) -> None:
    config = deck(vault)
    collection_path = vault.parent / "collection.anki2"
    build(config, T1)
    with collection(collection_path) as col:
        import_package(col, config.output)
        assert review_all(col) > 0
        v1 = by_prompt(notes(col))
        rebase = col.get_note(col.find_notes('"Prompt:git rebase --onto"')[0])
        rebase["Answer"] = "My own wording, written inside Anki."
        col.update_note(rebase)
    assert len(v1) == 10

    edit_to_v2(vault)
    result = build(config, T2)
    assert result.plan.report.summary() == (
        "1 new, 1 changed, 5 renamed/moved, 1 removed, 3 unchanged"
    )
    with collection(collection_path) as col:
        import_package(col, config.output)
        v2 = by_prompt(notes(col))

    assert len(v2) == 11, "one new note, no duplicates"
    same_note = {
        "僵尸进程 / Zombie process": "僵尸进程 / Zombie process",
        "TIME_WAIT": "TIME_WAIT",
        "Nagle algorithm": "Nagle's algorithm",
        "Slow start": "TCP slow start",
        "Orphan process": "Orphan process",
        "BufEnter / BufWinEnter": "BufEnter / BufWinEnter",
        "Registers": "Registers",
        "Detached HEAD": "Detached HEAD",
    }
    for before, after in same_note.items():
        assert v2[after].guid == v1[before].guid, before
        assert v2[after].reps == v1[before].reps, f"review history of {before}"
    assert "delayed" in v2["TIME_WAIT"].fields["Answer"]
    assert v2["Orphan process"].fields["Source"] == "topics/linux.md"
    assert v2["Registers"].fields["Source"] == "tools/vim.md"
    assert v2["Detached HEAD"].tags == (REMOVED_TAG,)
    assert REMOVED_TAG not in v2["TIME_WAIT"].tags
    assert "Fast retransmit" in v2
    assert v2["git rebase --onto"].fields["Answer"] == "My own wording, written inside Anki."

    again = build(config, T2 + 500)
    assert again.plan.report.summary() == (
        "0 new, 0 changed, 0 renamed/moved, 0 removed, 10 unchanged"
    )


def test_same_notes_and_lockfile_give_identical_bytes(vault: Path) -> None:
    config = deck(vault)
    build(config, T1)
    edit_to_v2(vault)
    build(config, T2)
    package, lockfile = config.output.read_bytes(), config.lockfile.read_bytes()
    build(config, T2 + 12_345)
    assert config.output.read_bytes() == package
    assert config.lockfile.read_bytes() == lockfile


def test_removed_section_that_returns_gets_its_guid_back(vault: Path) -> None:
    config = deck(vault)
    collection_path = vault.parent / "collection.anki2"
    build(config, T1)
    with collection(collection_path) as col:
        import_package(col, config.output)
        review_all(col)
        guid = by_prompt(notes(col))["Detached HEAD"].guid
    archive = vault / "archive" / "2023-05.md"
    section = cut_section(archive, "## Detached HEAD")
    assert build(config, T2).plan.report.removed
    with collection(collection_path) as col:
        import_package(col, config.output)
        assert by_prompt(notes(col))["Detached HEAD"].tags == (REMOVED_TAG,)
    archive.write_text(archive.read_text(encoding="utf-8") + "\n" + section, encoding="utf-8")
    result = build(config, T2 + 60)
    assert [n.guid for n in result.plan.notes if n.heading == "Detached HEAD"] == [guid]
    with collection(collection_path) as col:
        import_package(col, config.output)
        back = by_prompt(notes(col))["Detached HEAD"]
    assert back.guid == guid
    assert back.tags == ("archive",)
    assert "you create a branch" in back.fields["Answer"]


def test_identical_bodies_moved_at_once_are_ambiguous(vault: Path) -> None:
    config = deck(vault)
    tcp = vault / "topics" / "tcp.md"
    tcp.write_text(
        tcp.read_text(encoding="utf-8") + "\n## Twin A\n\nSame.\n\n## Twin B\n\nSame.\n",
        encoding="utf-8",
    )
    first = build(config, T1)
    guids = {n.heading: n.guid for n in first.plan.notes}
    edit(tcp, "## Twin A", "## Twin one")
    edit(tcp, "## Twin B", "## Twin two")
    second = build(config, T2)
    renamed = {
        n.heading: n.guid
        for n in second.plan.notes
        if n.heading.startswith("Twin ") and n.status != "removed"
    }
    assert sorted(renamed) == ["Twin one", "Twin two"]
    assert not set(renamed.values()) & {guids["Twin A"], guids["Twin B"]}
    messages = [str(d) for d in second.diagnostics if "ambiguous" in d.message]
    assert len(messages) == 2
    assert all("Twin A" in m and "Twin B" in m for m in messages)


def test_unchanged_notes_keep_their_mod_and_changed_ones_get_a_newer_one(vault: Path) -> None:
    config = deck(vault)
    first = {n.key: n.mod for n in build(config, T1).plan.notes}
    edit(vault / "topics" / "vim.md", "the system clipboard", "the clipboard")
    second = {n.key: n.mod for n in build(config, T2).plan.notes}
    changed = [key for key in first if first[key] != second[key]]
    assert changed == ["topics/vim.md › Vim › Registers"]
    assert second[changed[0]] == T2


def test_notetype_mod_changes_only_with_the_templates(vault: Path, tmp_path: Path) -> None:
    config = deck(vault)
    build(config, T1)
    build(config, T2)
    lock = load_lock(config.lockfile)
    assert lock is not None and lock.notetype_mod == T1
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "style.css").write_text(".card { color: teal; }\n", encoding="utf-8")
    build(replace(config, templates_dir=templates), T2)
    lock = load_lock(config.lockfile)
    assert lock is not None and lock.notetype_mod == T2


def test_renaming_the_deck_warns_and_keeps_guids(vault: Path) -> None:
    config = deck(vault)
    first = {n.key: n.guid for n in build(config, T1).plan.notes}
    renamed = build(replace(config, name="Regen::Renamed"), T2)
    assert {n.key: n.guid for n in renamed.plan.notes} == first
    assert any("deck name changed" in d.message for d in renamed.diagnostics)


def test_dry_run_reports_without_writing(vault: Path) -> None:
    config = deck(vault)
    build(config, T1)
    package, lockfile = config.output.read_bytes(), config.lockfile.read_bytes()
    edit_to_v2(vault)
    result = build_deck(config, BuildOptions(now=T2, dry_run=True))
    assert result.plan.report.summary() == (
        "1 new, 1 changed, 5 renamed/moved, 1 removed, 3 unchanged"
    )
    assert config.output.read_bytes() == package
    assert config.lockfile.read_bytes() == lockfile
