"""``flashgen sync`` into real Anki collections: directly, and through AnkiConnect.

Every scenario runs against a real ``anki`` Collection: opened as a file, or served by the
small AnkiConnect of ``tests/ankiconnect_server.py`` (API version 6; with ``notesModTime``,
and as the 2023 add-on without it, which makes flashgen read ``mod``s from an export).
"""

import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pytest
from anki.collection import Collection
from click.testing import CliRunner, Result

from flashgen.build import BuildOptions, build_deck, plan_build
from flashgen.cli import cli
from flashgen.config import DeckConfig
from flashgen.errors import AnkiError, SyncRefusedError
from flashgen.plan import REMOVED_TAG
from flashgen.sinks import Delivery
from flashgen.sinks.anki import Destination, SyncOptions, seen_path
from flashgen.sinks.ankiconnect import AnkiConnect
from flashgen.sinks.collection import CollectionFile
from flashgen.sync import AnkiChoice, open_anki, sync_deck
from tests.anki_support import AnkiNote, collection, notes, review_all
from tests.ankiconnect_server import serving, unused_url
from tests.test_regeneration import deck, edit, edit_to_v2, vault

__all__ = ["vault"]  # the fixture, shared with the regeneration tests

NOW = int(time.time())
T1 = NOW - 86_400
T2 = NOW + 3_600
T3 = NOW + 7_200

Opener = Callable[[Path], AbstractContextManager[Destination]]


@contextmanager
def direct(path: Path) -> Iterator[Destination]:
    with CollectionFile(path) as destination:
        yield destination


@contextmanager
def connect(path: Path, with_mod_time: bool) -> Iterator[Destination]:
    with collection(path) as col, serving(col, with_mod_time) as (url, _):
        yield AnkiConnect(url)


@contextmanager
def connect_2023(path: Path) -> Iterator[Destination]:
    with connect(path, with_mod_time=False) as destination:
        yield destination


@contextmanager
def connect_new(path: Path) -> Iterator[Destination]:
    with connect(path, with_mod_time=True) as destination:
        yield destination


DESTINATIONS: dict[str, Opener] = {
    "collection": direct,
    "ankiconnect": connect_new,
    "ankiconnect-2023": connect_2023,
}


@pytest.fixture(params=sorted(DESTINATIONS))
def opener(request: pytest.FixtureRequest) -> Opener:
    return DESTINATIONS[request.param]


def new_collection(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Collection(str(path)).close()
    return path


def sync(
    opener: Opener, config: DeckConfig, anki: Path, now: int, **options: bool
) -> Delivery:
    with opener(anki) as destination:
        _, delivery = sync_deck(config, destination, BuildOptions(now=now), SyncOptions(**options))
    return delivery


def by_prompt(found: dict[str, AnkiNote]) -> dict[str, AnkiNote]:
    return {note.fields["Prompt"]: note for note in found.values()}


def note_ids(path: Path) -> dict[str, int]:
    with collection(path) as col:
        return {col.get_note(nid).guid: int(nid) for nid in col.find_notes("")}


def test_sync_keeps_identity_history_and_anki_edits_and_deletes_removed(
    vault: Path, opener: Opener
) -> None:
    config = deck(vault)
    anki = new_collection(vault.parent / "collection.anki2")
    first = sync(opener, config, anki, T1)
    assert first.summary == "Anki: 10 added, 0 updated, 0 deleted, 0 unchanged"
    with collection(anki) as col:
        assert review_all(col) > 0
        v1 = by_prompt(notes(col))
        rebase = col.get_note(col.find_notes('"Prompt:git rebase --onto"')[0])
        rebase["Answer"] = "My own wording, written inside Anki."
        col.update_note(rebase)
    ids_before = note_ids(anki)

    edit_to_v2(vault)
    second = sync(opener, config, anki, T2)
    assert second.summary == "Anki: 1 added, 6 updated, 1 deleted, 3 unchanged"
    with collection(anki) as col:
        v2 = by_prompt(notes(col))
    assert len(v2) == 10, "one new note, one deleted, no duplicates"
    assert "Detached HEAD" not in v2
    assert "Fast retransmit" in v2
    assert v2["git rebase --onto"].fields["Answer"] == "My own wording, written inside Anki."
    assert "delayed" in v2["TIME_WAIT"].fields["Answer"]
    for before, after in {
        "僵尸进程 / Zombie process": "僵尸进程 / Zombie process",
        "Nagle algorithm": "Nagle's algorithm",
        "Slow start": "TCP slow start",
        "Orphan process": "Orphan process",
        "Registers": "Registers",
    }.items():
        assert v2[after].guid == v1[before].guid, before
        assert v2[after].reps == v1[before].reps, f"review history of {before}"
    ids_after = note_ids(anki)
    assert all(ids_after[guid] == ids_before[guid] for guid in ids_after if guid in ids_before)

    third = sync(opener, config, anki, T3)
    assert third.summary == "Anki: 0 added, 0 updated, 0 deleted, 10 unchanged"
    assert not third.changed


def test_changed_card_templates_reach_anki_even_when_no_note_changed(
    vault: Path, tmp_path: Path, opener: Opener
) -> None:
    anki = new_collection(vault.parent / "collection.anki2")
    sync(opener, deck(vault), anki, T1)
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "style.css").write_text(".card { color: #123457; }\n", encoding="utf-8")
    restyled = deck(vault, templates_dir=templates)
    delivery = sync(opener, restyled, anki, T2)
    assert delivery.summary == (
        "Anki: 0 added, 0 updated, 0 deleted, 10 unchanged; card templates updated"
    )
    with collection(anki) as col:
        model = col.models.by_name("flashgen")
        assert model is not None and "#123457" in model["css"]
    assert sync(opener, restyled, anki, T3).summary.endswith("10 unchanged")


def test_a_fresh_collection_never_gets_the_removed_sections(
    vault: Path, opener: Opener
) -> None:
    config = deck(vault)
    build_deck(config, BuildOptions(now=T1))
    edit_to_v2(vault)
    build_deck(config, BuildOptions(now=T2))
    anki = new_collection(vault.parent / "fresh.anki2")
    delivery = sync(opener, config, anki, T3)
    assert delivery.summary == "Anki: 10 added, 0 updated, 0 deleted, 0 unchanged"
    with collection(anki) as col:
        prompts = by_prompt(notes(col))
    assert "Detached HEAD" not in prompts
    assert not any(REMOVED_TAG in note.tags for note in prompts.values())


def many_notes(vault: Path, count: int) -> None:
    (vault / "many.md").write_text(
        "".join(f"## Many {i}\n\nAnswer {i}.\n\n" for i in range(count)), encoding="utf-8"
    )


def test_the_safety_limit_refuses_then_yes_deletes(
    vault: Path, opener: Opener
) -> None:
    config = deck(vault)
    many_notes(vault, 30)
    anki = new_collection(vault.parent / "collection.anki2")
    sync(opener, config, anki, T1)
    (vault / "many.md").unlink()
    before = note_ids(anki)
    with pytest.raises(SyncRefusedError, match="would delete 30 notes") as refused:
        sync(opener, config, anki, T2)
    assert "  Many 7 (many.md) (note " in str(refused.value)
    assert "safety limit of 20" in str(refused.value)
    assert note_ids(anki) == before, "a refused sync changes nothing in Anki"
    assert '"heading": "Many 7"' in config.lockfile.read_text("utf-8"), "the build still ran"
    confirmed = sync(opener, config, anki, T3, yes=True)
    assert confirmed.summary == "Anki: 0 added, 0 updated, 30 deleted, 10 unchanged"
    assert len(note_ids(anki)) == 10


def test_keep_removed_only_tags(vault: Path, opener: Opener) -> None:
    config = deck(vault)
    anki = new_collection(vault.parent / "collection.anki2")
    sync(opener, config, anki, T1)
    edit_to_v2(vault)
    kept = sync(opener, config, anki, T2, keep_removed=True)
    assert kept.summary == "Anki: 1 added, 6 updated, 1 tagged removed, 3 unchanged"
    with collection(anki) as col:
        found = by_prompt(notes(col))
    assert found["Detached HEAD"].tags == ("archive", REMOVED_TAG)
    again = sync(opener, config, anki, T3, keep_removed=True)
    assert again.summary == "Anki: 0 added, 0 updated, 0 tagged removed, 10 unchanged"


def test_deletions_stay_inside_the_synced_decks(
    vault: Path, tmp_path: Path, opener: Opener
) -> None:
    anki = new_collection(tmp_path / "collection.anki2")
    other_notes = tmp_path / "other"
    other_notes.mkdir()
    (other_notes / "other.md").write_text("# Other\n\nAnother deck.\n", encoding="utf-8")
    for name in ("Other", "Regen::Sub"):
        other = DeckConfig(name=name, notes_dir=other_notes, output=tmp_path / f"{name}.apkg")
        sync(opener, other, anki, T1)
    config = deck(vault)
    sync(opener, config, anki, T1)
    edit_to_v2(vault)
    assert sync(opener, config, anki, T2).summary.endswith("1 deleted, 3 unchanged")
    with collection(anki) as col:
        decks = sorted(deck for note in notes(col).values() for deck in note.decks)
    assert decks.count("Other") == 1 and decks.count("Regen::Sub") == 1


def test_dry_run_changes_nothing_in_anki(vault: Path, opener: Opener) -> None:
    config = deck(vault)
    anki = new_collection(vault.parent / "collection.anki2")
    sync(opener, config, anki, T1)
    edit_to_v2(vault)
    before = note_ids(anki)
    package = config.output.read_bytes()
    dry = sync(opener, config, anki, T2, dry_run=True)
    assert dry.summary == (
        "Anki (dry run, nothing changed): 1 to add, 6 to update, 1 to be deleted, 3 unchanged"
    )
    assert dry.changed
    assert note_ids(anki) == before
    assert config.output.read_bytes() == package


def test_a_collection_anki_holds_is_an_error_and_nothing_changes(
    vault: Path, tmp_path: Path
) -> None:
    anki = new_collection(tmp_path / "collection.anki2")
    with subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time; from anki.collection import Collection; "
         "c = Collection(sys.argv[1]); print('open', flush=True); time.sleep(60)", str(anki)],
        stdout=subprocess.PIPE, text=True,
    ) as holder:
        try:
            assert holder.stdout is not None and holder.stdout.readline() == "open\n"
            with pytest.raises(AnkiError, match="Is Anki running"):
                sync(direct, deck(vault), anki, T1)
        finally:
            holder.kill()
    assert note_ids(anki) == {}


def test_anki_s_own_backup_is_made_before_a_direct_write(vault: Path, tmp_path: Path) -> None:
    anki = new_collection(tmp_path / "profile" / "collection.anki2")
    sync(direct, deck(vault), anki, T1)
    backups = list((anki.parent / "backups").iterdir())
    assert len(backups) == 1 and backups[0].suffix == ".colpkg"


# --- the command line -----------------------------------------------------------------------


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), env={"SOURCE_DATE_EPOCH": str(T1), **(env or {})})


def test_cli_sync_prints_what_happened_in_anki(vault: Path, tmp_path: Path) -> None:
    anki = new_collection(tmp_path / "collection.anki2")
    output = tmp_path / "out" / "regen.apkg"
    args = ["sync", str(vault), "-o", str(output), "--deck", "Regen", "--collection", str(anki)]
    result = run(*args)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == (
        "Anki: 10 added, 0 updated, 0 deleted, 0 unchanged"
    )
    assert output.exists()
    checked = run(*args, "--check")
    assert checked.exit_code == 0
    edit_to_v2(vault)
    checked = run(*args, "--check")
    assert checked.exit_code == 1
    assert "1 to add, 6 to update, 1 to be deleted" in checked.output
    dry = run(*args, "--dry-run")
    assert dry.exit_code == 0


def test_cli_sync_without_any_anki_names_the_options(vault: Path, tmp_path: Path) -> None:
    empty = tmp_path / "Anki2"
    empty.mkdir()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("flashgen.sync.DEFAULT_URL", unused_url())
        result = run("sync", str(vault), "-o", str(tmp_path / "n.apkg"),
                     env={"ANKI_BASE": str(empty)})
    assert result.exit_code == 1
    message = result.output
    assert message.startswith("Error: AnkiConnect does not answer")
    for option in ("--anki-connect URL", "--profile NAME", "--collection PATH"):
        assert option in message


def test_the_only_profile_is_found_under_anki_base(vault: Path, tmp_path: Path) -> None:
    base = tmp_path / "Anki2"
    anki = new_collection(base / "User 1" / "collection.anki2")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("flashgen.sync.DEFAULT_URL", unused_url())
        patch.setenv("ANKI_BASE", str(base))
        with open_anki(AnkiChoice()) as destination:
            assert destination.description == f"the Anki collection {anki}"
        with open_anki(AnkiChoice(profile="User 1")) as destination:
            assert destination.description == f"the Anki collection {anki}"
        with (
            pytest.raises(AnkiError, match=r"no Anki profile 'Nobody'.*User 1"),
            open_anki(AnkiChoice(profile="Nobody")),
        ):
            pass


def test_without_the_anki_library_a_collection_sync_says_how_to_install_it(
    tmp_path: Path,
) -> None:
    anki = new_collection(tmp_path / "collection.anki2")
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(sys.modules, "anki.collection", None)
        with pytest.raises(AnkiError, match=r"pip install 'flashgen\[anki\]'"):
            CollectionFile(anki)


def test_ankiconnect_is_used_when_it_answers(vault: Path, tmp_path: Path) -> None:
    anki = new_collection(tmp_path / "collection.anki2")
    with collection(anki) as col, serving(col) as (url, server):
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr("flashgen.sync.DEFAULT_URL", url)
            with open_anki(AnkiChoice()) as destination:
                assert destination.description == f"Anki through AnkiConnect at {url}"
        assert server.calls == ["version"]
    with (
        pytest.raises(AnkiError, match="does not answer"),
        open_anki(AnkiChoice(anki_connect=unused_url())),
    ):
        pass


def test_ankiconnect_is_asked_only_about_notes_it_changed_since(vault: Path) -> None:
    config = deck(vault)
    anki = new_collection(vault.parent / "collection.anki2")
    with collection(anki) as col, serving(col) as (url, server):
        destination = AnkiConnect(url)

        def sync_now(now: int) -> str:
            options = BuildOptions(now=now)
            return sync_deck(config, destination, options, SyncOptions())[1].summary

        sync_now(T1)
        assert sync_now(T1 + 1).endswith("10 unchanged")
        edit(vault / "topics" / "vim.md", "the system clipboard", "the clipboard")
        assert sync_now(T2).startswith("Anki: 0 added, 1 updated")
        assert sync_now(T3).endswith("10 unchanged")
        seen_path(plan_build(config)).write_text("{damaged", encoding="utf-8")
        assert sync_now(T3 + 1).endswith("10 unchanged")
    assert server.asked == [10, 1, 10], "all, then only the note the last sync updated"
