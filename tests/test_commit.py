"""Gather, then commit: planning writes nothing; only ``commit`` writes, through a sink."""

from pathlib import Path

import pytest

from flashgen.build import BuildOptions, BuildPlan, build_deck, plan_build
from flashgen.commit import commit
from flashgen.config import DeckConfig
from flashgen.errors import BuildLockedError, WriteError
from flashgen.sinks import Delivery
from flashgen.sinks.apkg import ApkgSink

T1 = 1_800_000_000


def tree(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def config_for(notes: Path, output: Path) -> DeckConfig:
    return DeckConfig(name="Commit", notes_dir=notes, output=output)


def test_planning_writes_nothing_and_uses_the_cache(basic_vault: Path, tmp_path: Path) -> None:
    config = config_for(basic_vault, tmp_path / "out" / "deck.apkg")
    cold = plan_build(config, BuildOptions(now=T1))
    assert not (tmp_path / "out").exists()
    assert cold.cached_files == 0

    build_deck(config, BuildOptions(now=T1))
    before = tree(tmp_path)
    warm = plan_build(config, BuildOptions(now=T1))
    assert tree(tmp_path) == before
    assert warm.cached_files == warm.files > 0
    assert [(n.guid, n.fields, n.mod) for n in warm.plan.notes] == [
        (n.guid, n.fields, n.mod) for n in cold.plan.notes
    ]


class Recording:
    """A sink that keeps what it was given."""

    def __init__(self) -> None:
        self.delivered: list[BuildPlan] = []

    def deliver(self, build: BuildPlan) -> Delivery:
        self.delivered.append(build)
        return Delivery("recorded", memo={"recorded": "yes"})


def test_commit_hands_the_plan_to_the_sink_then_writes_the_lockfile(
    basic_vault: Path, tmp_path: Path
) -> None:
    config = config_for(basic_vault, tmp_path / "deck.apkg")
    build = plan_build(config, BuildOptions(now=T1))
    sink = Recording()
    result = commit(build, sink)
    assert sink.delivered == [build]
    assert result.delivery == Delivery("recorded", memo={"recorded": "yes"})
    assert config.lockfile.read_text("utf-8") == build.plan.lock_text
    assert not config.output.exists()
    assert plan_build(config, BuildOptions(now=T1)).memo == {"recorded": "yes"}


def test_a_failing_sink_leaves_the_lockfile_alone(basic_vault: Path, tmp_path: Path) -> None:
    config = config_for(basic_vault, tmp_path / "deck.apkg")

    class Failing:
        def deliver(self, build: BuildPlan) -> Delivery:
            raise WriteError("no room")

    with pytest.raises(WriteError, match="no room"):
        commit(plan_build(config, BuildOptions(now=T1)), Failing())
    assert not config.lockfile.exists()


def test_a_lockfile_changed_after_planning_is_not_overwritten(
    basic_vault: Path, tmp_path: Path
) -> None:
    config = config_for(basic_vault, tmp_path / "deck.apkg")
    stale = plan_build(config, BuildOptions(now=T1))
    build_deck(config, BuildOptions(now=T1))
    written = config.lockfile.read_bytes()
    with pytest.raises(BuildLockedError, match="changed while this build ran"):
        commit(stale, ApkgSink(config.output))
    assert config.lockfile.read_bytes() == written


def test_an_output_folder_that_cannot_be_made_is_an_error_not_a_traceback(
    basic_vault: Path, tmp_path: Path
) -> None:
    (tmp_path / "taken").write_text("a file where the output folder should be", "utf-8")
    config = config_for(basic_vault, tmp_path / "taken" / "deck.apkg")
    with pytest.raises(WriteError, match="cannot create the folder"):
        build_deck(config, BuildOptions(now=T1))


def test_an_unwritable_cache_is_an_error_not_a_traceback(
    basic_vault: Path, tmp_path: Path
) -> None:
    config = config_for(basic_vault, tmp_path / "deck.apkg")
    (tmp_path / ".flashgen-cache").write_text("a file where the cache folder should be", "utf-8")
    with pytest.raises(WriteError, match="build cache"):
        build_deck(config, BuildOptions(now=T1))
    assert config.output.exists()
