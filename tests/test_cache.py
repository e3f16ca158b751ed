"""The incremental cache is data, not code: nothing in it runs, and no damage to it changes a
card or fails a build. Each test damages the cache of a real build the way the probes did,
builds again, and compares what real Anki imports with a build that had no cache."""

import os
import pickle
import sqlite3
import stat
from pathlib import Path

import pytest

from flashgen import records
from flashgen.build import BuildOptions, build_deck
from flashgen.cache import cache_path
from flashgen.config import DeckConfig
from flashgen.dialect import make_markdown
from flashgen.discover import discover
from flashgen.errors import WriteError
from flashgen.files import FileJob, FileResult, build_file
from flashgen.media import MediaStore
from flashgen.read import read_source
from tests.hostile_support import copy_vault, imported

T0 = 1_800_000_000


@pytest.fixture
def config(tmp_path: Path) -> DeckConfig:
    notes = copy_vault("basic", tmp_path / "notes")
    return DeckConfig(name="Cache", notes_dir=notes, output=tmp_path / "out" / "cache.apkg")


def answers(package: Path, scratch: Path) -> dict[str, tuple[str, str]]:
    found, _, _ = imported(package, scratch)
    return {note.guid: (note.fields["Prompt"], note.fields["Answer"]) for note in found}


def uncached(config: DeckConfig, tmp_path: Path) -> dict[str, tuple[str, str]]:
    """What a build without any cache imports as, from the same lockfile and clock."""
    fresh = DeckConfig(name=config.name, notes_dir=config.notes_dir,
                       output=tmp_path / "fresh" / "cache.apkg")
    fresh.output.parent.mkdir()
    fresh.lockfile.write_bytes(config.lockfile.read_bytes())
    build_deck(fresh, BuildOptions(now=T0 + 60, cache=False))
    return answers(fresh.output, tmp_path / "anki-fresh")


class _Payload:
    """Unpickling this creates a file: what a crafted cache row would do instead."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (open, (str(self.marker), "w"))


def test_a_crafted_pickle_row_runs_nothing(config: DeckConfig, tmp_path: Path) -> None:
    build_deck(config, BuildOptions(now=T0))
    marker = tmp_path / "pwned"
    payload = pickle.dumps(_Payload(marker))
    with sqlite3.connect(cache_path(config.output)) as connection:
        connection.execute("CREATE TABLE files (relpath TEXT PRIMARY KEY, key TEXT, "
                           "media TEXT, result BLOB)")
        keys = connection.execute("SELECT relpath, key, media FROM results").fetchall()
        connection.executemany("INSERT INTO files VALUES (?, ?, ?, ?)",
                               [(*row, payload) for row in keys])
        connection.execute("UPDATE results SET result = ?", (payload,))
    config.output.unlink()

    result = build_deck(config, BuildOptions(now=T0 + 60))
    assert not marker.exists()
    assert result.cached_files == 0
    assert answers(config.output, tmp_path / "anki") == uncached(config, tmp_path)


def test_random_bytes_in_the_middle_of_the_cache_fail_nothing(
    config: DeckConfig, tmp_path: Path
) -> None:
    build_deck(config, BuildOptions(now=T0))
    cache = cache_path(config.output)
    data = bytearray(cache.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 512] = os.urandom(512)
    cache.write_bytes(bytes(data))
    config.output.unlink()

    result = build_deck(config, BuildOptions(now=T0 + 60))
    assert result.diagnostics == build_deck(config, BuildOptions(now=T0 + 60, cache=False,
                                                                 dry_run=True)).diagnostics
    assert answers(config.output, tmp_path / "anki") == uncached(config, tmp_path)


def test_one_changed_byte_in_a_row_is_rebuilt_not_used(
    config: DeckConfig, tmp_path: Path
) -> None:
    build_deck(config, BuildOptions(now=T0))
    reused = build_deck(config, BuildOptions(now=T0, dry_run=True)).cached_files
    with sqlite3.connect(cache_path(config.output)) as connection:
        connection.text_factory = bytes
        rows = connection.execute("SELECT relpath, result FROM results").fetchall()
        damaged = 0
        for relpath, result in rows:
            if b"MBR" in result:
                connection.execute("UPDATE results SET result = ? WHERE relpath = ?",
                                   (result.replace(b"MBR", b"MBX", 1), relpath))
                damaged += 1
        assert damaged
    config.output.unlink()

    result = build_deck(config, BuildOptions(now=T0 + 60))
    assert result.cached_files == reused - damaged
    found = answers(config.output, tmp_path / "anki")
    assert not any("MBX" in prompt + answer for prompt, answer in found.values())
    assert found == uncached(config, tmp_path)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_cache_is_an_error_not_a_traceback(config: DeckConfig) -> None:
    build_deck(config, BuildOptions(now=T0))
    folder = cache_path(config.output).parent
    (config.notes_dir / "new.md").write_text("# New\n\nAnswer.\n", "utf-8")
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    cache_path(config.output).chmod(stat.S_IRUSR)
    try:
        with pytest.raises(WriteError, match=r"^cannot write the build cache .*"):
            build_deck(config, BuildOptions(now=T0 + 60))
    finally:
        folder.chmod(stat.S_IRWXU)


def test_a_cache_that_cannot_be_opened_is_an_error_not_a_traceback(config: DeckConfig) -> None:
    build_deck(config, BuildOptions(now=T0))
    cache = cache_path(config.output)
    cache.unlink()
    cache.mkdir()
    with pytest.raises(WriteError) as raised:
        build_deck(config, BuildOptions(now=T0 + 60))
    assert str(raised.value) == (
        f"cannot write the build cache {cache}: Is a directory (the "
        "package was written; build with --no-cache, or make the folder writable)"
    )


def test_every_built_result_reads_back_as_itself(tmp_path: Path) -> None:
    notes = copy_vault("hostile", tmp_path / "notes")
    config = DeckConfig(name="Rec", notes_dir=notes, output=tmp_path / "rec.apkg")
    vault = discover(notes, config.include, config.exclude, None)
    md, store = make_markdown(), MediaStore(vault)
    results = [build_file(FileJob(s, read_source(s)), config, md, store) for s in vault.sources]
    assert any(result.notes for result in results)
    assert any(result.diagnostics for result in results)
    for result in results:
        assert records.loads(FileResult, records.dumps(result)) == result


@pytest.mark.parametrize(
    "text",
    ['{"a": 1}', "[]", '["x"]', "[1,2,3,4,5,6,7,8]", "NaN", "\udcff", '[' * 100_000],
)
def test_a_row_of_the_wrong_shape_is_refused(text: str) -> None:
    with pytest.raises(records.RecordError):
        records.loads(FileResult, text)
