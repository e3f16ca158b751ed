"""The incremental cache and parallel builds never change the output.

Every step edits the vault (or the templates, or the options) and builds twice from the same
lockfile and clock: once with the cache of the earlier steps, once from scratch. The two
packages and lockfiles must be byte-identical.
"""

import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from benchmarks.make_vault import make_vault
from flashgen.build import BuildOptions, BuildResult, build_deck
from flashgen.cache import cache_path
from flashgen.config import DeckConfig
from flashgen.errors import WriteError
from tests.anki_support import collection, import_package, notes

T0 = 1_800_000_000
PNG_RED = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de"
    "0000000c4944415408d763f8cfc0000003010100c9fe92ef0000000049454e44ae426082"
)
PNG_BLUE = PNG_RED[:-20] + bytes(reversed(PNG_RED[-20:-12])) + PNG_RED[-12:]

NOTES = {
    "kvm.md": "---\ntitle: KVM\n---\n# MMU\n\n## EPT\n\nTwo-level walk.\n\n![[diagram.png]]\n",
    "tcp.md": "# TCP\n\n## 三次握手 / Handshake\n\nSYN, SYN-ACK, ACK.\n\n![](img/flow.png)\n",
    "vim.md": "# Vim\n\n## Registers\n\nSee **Handshake^**.\n",
}


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    notes = tmp_path / "notes"
    (notes / "img").mkdir(parents=True)
    (notes / "attachments").mkdir()
    for name, text in NOTES.items():
        (notes / name).write_text(text, encoding="utf-8")
    (notes / "img" / "flow.png").write_bytes(PNG_RED)
    (notes / "attachments" / "diagram.png").write_bytes(PNG_RED)
    return notes


def config_at(vault: Path, folder: Path) -> DeckConfig:
    return DeckConfig(name="Inc", notes_dir=vault, output=folder / "inc.apkg")


def build_both(cached: DeckConfig, fresh: DeckConfig, now: int) -> BuildResult:
    """Build with the cache, and from scratch from the same lockfile: same bytes."""
    fresh.output.parent.mkdir(parents=True, exist_ok=True)
    if cached.lockfile.exists():
        shutil.copyfile(cached.lockfile, fresh.lockfile)
    else:
        fresh.lockfile.unlink(missing_ok=True)
    result = build_deck(cached, BuildOptions(now=now))
    build_deck(fresh, BuildOptions(now=now, cache=False))
    assert cached.output.read_bytes() == fresh.output.read_bytes()
    assert cached.lockfile.read_bytes() == fresh.lockfile.read_bytes()
    return result


def edit(path: Path, old: str, new: str) -> Callable[[Path], None]:
    def apply(vault: Path) -> None:
        target = vault / path
        target.write_text(target.read_text(encoding="utf-8").replace(old, new), "utf-8")

    return apply


STEPS: list[tuple[str, Callable[[Path], object]]] = [
    ("nothing changed", lambda vault: None),
    ("an answer edited", edit(Path("kvm.md"), "Two-level walk.", "A two-level walk.")),
    ("a heading renamed", edit(Path("vim.md"), "## Registers", "## Vim registers")),
    ("an image edited", lambda vault: (vault / "img" / "flow.png").write_bytes(PNG_BLUE)),
    (
        "an embed now found closer by name",
        lambda vault: (vault / "diagram.png").write_bytes(PNG_BLUE),
    ),
    ("an image deleted", lambda vault: (vault / "img" / "flow.png").unlink()),
    ("a file added", lambda vault: (vault / "new.md").write_text("# New\n\nBody.\n", "utf-8")),
    ("a file deleted", lambda vault: (vault / "tcp.md").unlink()),
]


def test_cached_builds_equal_fresh_builds_after_every_kind_of_edit(
    vault: Path, tmp_path: Path
) -> None:
    cached, fresh = config_at(vault, tmp_path / "a"), config_at(vault, tmp_path / "b")
    build_both(cached, fresh, T0)
    for step, (name, change) in enumerate(STEPS, start=1):
        change(vault)
        result = build_both(cached, fresh, T0 + 60 * step)
        assert result.files == len(list(vault.glob("*.md"))), name


def anki_view(package: Path, folder: Path) -> tuple[object, ...]:
    """What Anki holds after importing ``package`` into a new collection: every note (GUID,
    notetype, fields, tags, decks, cards, ``mod``), the notetype, and the media's bytes."""
    folder.mkdir(parents=True)
    with collection(folder / "collection.anki2") as col:
        import_package(col, package)
        notetypes = sorted(
            (model["name"], tuple(field["name"] for field in model["flds"]),
             tuple((t["name"], t["qfmt"], t["afmt"]) for t in model["tmpls"]), model["css"])
            for model in col.models.all()
        )
        media_dir = Path(col.media.dir())
        media = {path.name: path.read_bytes() for path in media_dir.iterdir() if path.is_file()}
        return notes(col), notetypes, media


def test_cached_and_clean_builds_import_the_same_and_clean_builds_the_same_bytes(
    vault: Path, tmp_path: Path
) -> None:
    """The rule of issue 13: a cached build is one Anki cannot tell from a clean build of the
    same notes and lockfile, and two clean builds are byte-identical."""
    cached = config_at(vault, tmp_path / "cached")
    clean, again = config_at(vault, tmp_path / "clean"), config_at(vault, tmp_path / "again")
    build_deck(cached, BuildOptions(now=T0))
    for step, (name, change) in enumerate(STEPS, start=1):
        change(vault)
        for other in (clean, again):
            other.output.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(cached.lockfile, other.lockfile)
        now = T0 + 60 * step
        build_deck(cached, BuildOptions(now=now))
        build_deck(clean, BuildOptions(now=now, cache=False))
        build_deck(again, BuildOptions(now=now, cache=False))
        assert clean.output.read_bytes() == again.output.read_bytes(), name
        assert clean.lockfile.read_bytes() == cached.lockfile.read_bytes(), name
        seen = anki_view(cached.output, tmp_path / f"anki-{step}-cached")
        assert seen == anki_view(clean.output, tmp_path / f"anki-{step}-clean"), name
        assert seen[0], name


def test_template_and_option_changes_invalidate_what_they_must(
    vault: Path, tmp_path: Path
) -> None:
    cached, fresh = config_at(vault, tmp_path / "a"), config_at(vault, tmp_path / "b")
    build_both(cached, fresh, T0)
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "style.css").write_text(".card { color: teal; }\n", "utf-8")
    build_both(replace(cached, templates_dir=templates), replace(fresh, templates_dir=templates),
               T0 + 60)
    no_terms = build_both(replace(cached, term_cards=False), replace(fresh, term_cards=False),
                          T0 + 120)
    assert all(note.card_templates == ("Recall",) for note in no_terms.plan.notes)
    levels = build_both(replace(cached, levels=(1,)), replace(fresh, levels=(1,)), T0 + 180)
    assert sorted(note.heading for note in levels.plan.notes if note.status != "removed") == [
        "MMU", "TCP", "Vim",
    ]


def test_nothing_changed_reuses_every_file_and_leaves_the_package_alone(
    vault: Path, tmp_path: Path
) -> None:
    config = config_at(vault, tmp_path / "out")
    first = build_deck(config, BuildOptions(now=T0))
    assert first.cached_files == 0 and not first.up_to_date
    written = config.output.stat().st_mtime_ns, config.lockfile.stat().st_mtime_ns
    again = build_deck(config, BuildOptions(now=T0 + 3600))
    assert again.cached_files == len(NOTES)
    assert again.up_to_date
    assert (config.output.stat().st_mtime_ns, config.lockfile.stat().st_mtime_ns) == written
    assert again.plan.report.summary().endswith(f"{len(first.plan.notes)} unchanged")


def test_a_deleted_package_is_written_again(vault: Path, tmp_path: Path) -> None:
    config = config_at(vault, tmp_path / "out")
    build_deck(config, BuildOptions(now=T0))
    package = config.output.read_bytes()
    config.output.unlink()
    result = build_deck(config, BuildOptions(now=T0 + 60))
    assert not result.up_to_date
    assert config.output.read_bytes() == package


def test_a_damaged_cache_is_ignored(vault: Path, tmp_path: Path) -> None:
    config = config_at(vault, tmp_path / "out")
    build_deck(config, BuildOptions(now=T0))
    package = config.output.read_bytes()
    cache = cache_path(config.output)
    with sqlite3.connect(cache) as connection:
        connection.execute("UPDATE results SET result = x'00ff00'")
    config.output.unlink()
    result = build_deck(config, BuildOptions(now=T0 + 60))
    assert result.cached_files == 0
    assert config.output.read_bytes() == package
    cache.write_bytes(b"not a database at all")
    config.output.unlink()
    assert build_deck(config, BuildOptions(now=T0 + 120)).cached_files == 0
    assert config.output.read_bytes() == package


def test_parallel_and_sequential_builds_write_the_same_bytes(tmp_path: Path) -> None:
    make_vault(tmp_path / "vault", files=40, seed=3)
    one = DeckConfig(name="P", notes_dir=tmp_path / "vault", output=tmp_path / "one" / "p.apkg")
    two = replace(one, output=tmp_path / "two" / "p.apkg")
    build_deck(one, BuildOptions(now=T0, jobs=1, cache=False))
    build_deck(two, BuildOptions(now=T0, jobs=2, cache=False))
    assert one.output.read_bytes() == two.output.read_bytes()
    assert one.lockfile.read_bytes() == two.lockfile.read_bytes()


def test_an_image_saved_during_the_build_fails_it_instead_of_mislabelling(
    vault: Path, tmp_path: Path
) -> None:
    config = config_at(vault, tmp_path / "out")

    def save_image_at_the_end(done: int, total: int) -> None:
        if done == total:
            (vault / "img" / "flow.png").write_bytes(PNG_BLUE)

    with pytest.raises(WriteError, match="media changed during the build"):
        build_deck(config, BuildOptions(now=T0), progress=save_image_at_the_end)
    assert not config.output.exists()
    build_deck(config, BuildOptions(now=T0 + 60))
    assert config.output.exists()


def test_leftovers_of_a_killed_build_are_removed_by_the_next(vault: Path, tmp_path: Path) -> None:
    config = config_at(vault, tmp_path / "out")
    build_deck(config, BuildOptions(now=T0))
    folder = config.output.parent
    (folder / ".inc.apkg.k1ll3d_0.flashgen-tmp").write_bytes(b"half a zip")
    (folder / ".inc.lock.json.k1ll3d_1.flashgen-tmp").write_text("{", "utf-8")
    (folder / ".inc.apkg.scratch0.flashgen-tmp").mkdir()
    (folder / ".inc.apkg.scratch0.flashgen-tmp" / "collection.anki2").write_bytes(b"db")
    (folder / ".inc.apkg.sync-scratch1.flashgen-tmp").mkdir()
    (folder / "mine.txt").write_text("not flashgen's", "utf-8")
    (folder / ".inc.apkg.mine").mkdir()
    (folder / ".inc.apkg.mine" / "keep.txt").write_text("a user's own folder", "utf-8")
    (folder / ".inc.lock.json.orig").write_text("a user's own backup", "utf-8")
    config.output.unlink()
    build_deck(config, BuildOptions(now=T0 + 60))
    assert sorted(p.name for p in folder.iterdir()) == [
        ".flashgen-cache", ".inc.apkg.build-lock", ".inc.apkg.mine", ".inc.lock.json.orig",
        "inc.apkg", "inc.lock.json", "mine.txt",
    ]


def test_a_note_is_rebuilt_when_a_note_it_embeds_changes(vault: Path, tmp_path: Path) -> None:
    (vault / "ept.md").write_text("# EPT notes\n\n![[kvm#EPT]]\n", "utf-8")
    cached, fresh = config_at(vault, tmp_path / "a"), config_at(vault, tmp_path / "b")
    build_both(cached, fresh, T0)
    edit(Path("kvm.md"), "Two-level walk.", "A four-level walk.")(vault)
    result = build_both(cached, fresh, T0 + 60)
    (embedding,) = (note for note in result.plan.notes if note.heading == "EPT notes")
    assert "A four-level walk." in embedding.fields.answer
    assert result.cached_files == len(NOTES) - 1
