"""A vault the size of a real one (240 files, 2.8 MB, ~3,600 sections) builds without an
error and every note arrives in Anki. Its speed is measured by benchmarks/, not here."""

from pathlib import Path

from benchmarks.make_vault import make_vault
from flashgen.build import BuildOptions, build_deck
from flashgen.config import DeckConfig
from tests.anki_support import collection, import_package, notes


def test_a_real_sized_vault_builds_and_imports_completely(tmp_path: Path) -> None:
    stats = make_vault(tmp_path / "vault", files=240, seed=0)
    assert stats.bytes > 2_500_000 and stats.sections > 3_400
    config = DeckConfig(name="Vault", notes_dir=tmp_path / "vault", output=tmp_path / "v.apkg")
    result = build_deck(config, BuildOptions(now=1_800_000_000))
    assert result.errors == ()
    assert result.files == 240
    built = {note.guid for note in result.plan.notes}
    assert len(built) > 3_000
    with collection(tmp_path / "c.anki2") as col:
        import_package(col, config.output)
        imported = notes(col)
    assert set(imported) == built
    assert all(note.notetype == "flashgen" for note in imported.values())
