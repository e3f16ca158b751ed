"""A lost lockfile is recovered from the package beside it, not minted again: no note is
orphaned or duplicated, and no note edited in Anki is overwritten."""

import time
from pathlib import Path

from flashgen.build import BuildOptions, BuildResult, build_deck
from flashgen.config import DeckConfig
from flashgen.plan import REMOVED_TAG
from tests.anki_support import collection, import_package, notes, review_all
from tests.hostile_support import write_vault

NOW = int(time.time())
T1, T2, T3 = NOW - 3000, NOW - 2000, NOW + 3600
"""T3 is after the edit made in Anki: a note minted again at T3 would overwrite it."""
NOTES = {
    "a.md": "# Alpha\n\nFirst answer.\n\n# Beta\n\nSecond answer.\n",
    "b.md": "# Gamma\n\nThird answer.\n",
}


def build(config: DeckConfig, now: int) -> BuildResult:
    return build_deck(config, BuildOptions(now=now))


def test_a_deleted_lockfile_is_recovered_from_the_package(tmp_path: Path) -> None:
    notes_dir = write_vault(tmp_path / "notes", NOTES)
    config = DeckConfig(name="Lost", notes_dir=notes_dir, output=tmp_path / "out" / "d.apkg")
    build(config, T1)
    anki = tmp_path / "anki" / "collection.anki2"
    anki.parent.mkdir()
    with collection(anki) as col:
        import_package(col, config.output)
        review_all(col)
    # A rename: the note keeps a GUID its new key does not give.
    (notes_dir / "b.md").write_text("# Gamma rays\n\nThird answer.\n", "utf-8")
    build(config, T2)
    with collection(anki) as col:
        import_package(col, config.output)
        before = {note.guid: note for note in notes(col).values()}
        alpha = next(note for note in before.values() if note.fields["Prompt"] == "Alpha")
        assert col.db is not None
        edited = col.get_note(col.db.scalar("SELECT id FROM notes WHERE guid = ?", alpha.guid))
        edited["Answer"] = "First answer, edited in Anki."
        col.update_note(edited)

    config.lockfile.unlink()
    result = build(config, T3)
    assert [str(d) for d in result.diagnostics] == [
        "(lockfile): warning: lockfile missing: recovered 3 note(s)' GUIDs and change times "
        "from d.apkg (0 no longer in the notes); it is written again",
    ]
    assert result.plan.report.new == () and result.plan.report.removed == ()
    assert config.lockfile.exists()
    with collection(anki) as col:
        import_package(col, config.output)
        after = {note.guid: note for note in notes(col).values()}
    assert after.keys() == before.keys()
    assert after[alpha.guid].fields["Answer"] == "First answer, edited in Anki."
    assert all(REMOVED_TAG not in note.tags for note in after.values())
    assert all(after[guid].reps == before[guid].reps > 0 for guid in before)
