"""``flashgen watch`` driven by real file edits: atomic saves, renames, deletes, a save while a
build runs, files that must not trigger a build, and Ctrl-C."""

import os
import shutil
import signal
import subprocess
import threading
import time
import zipfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest

from flashgen.build import BuildOptions, BuildResult, build_deck
from flashgen.config import DeckConfig
from flashgen.lockfile import load_lock
from flashgen.watch import watch_decks
from tests.hostile_support import flashgen_command, subprocess_env

VAULT = Path(__file__).parent / "vaults" / "regen"
TIMEOUT = 30.0


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    target = tmp_path / "notes"
    shutil.copytree(VAULT, target)
    return target


def wait_until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + TIMEOUT
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


class Watching:
    """``watch_decks`` in a thread, building each time; remembers every build."""

    def __init__(self, config: DeckConfig) -> None:
        self.config = config
        self.results: list[BuildResult] = []
        self.during_build: list[Callable[[], object]] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.errors: list[BaseException] = []

    def _run(self) -> None:
        try:
            watch_decks([self.config], self._deliver, self.stop)
        except BaseException as exc:
            self.errors.append(exc)

    def _deliver(self, configs: Sequence[DeckConfig]) -> None:
        assert list(configs) == [self.config]
        self.results.append(build_deck(self.config, BuildOptions()))
        while self.during_build:
            self.during_build.pop()()

    def headings(self) -> dict[str, str]:
        """Heading → file of every active section in the lockfile on disk now."""
        lock = load_lock(self.config.lockfile)
        assert lock is not None
        return {e.heading: e.file for e in lock.entries if e.active}

    def builds(self) -> int:
        return len(self.results)

    def quiet_for(self, seconds: float) -> int:
        """Wait, and return how many builds ran meanwhile."""
        before = self.builds()
        time.sleep(seconds)
        return self.builds() - before


@contextmanager
def watching(config: DeckConfig) -> Iterator[Watching]:
    watcher = Watching(config)
    watcher.thread.start()
    try:
        wait_until(lambda: watcher.builds() == 1, "the first build")
        time.sleep(0.3)  # the watch is set up right after the first build
        yield watcher
    finally:
        watcher.stop.set()
        watcher.thread.join(TIMEOUT)
        assert not watcher.thread.is_alive()
    assert not watcher.errors


def atomic_save(path: Path, text: str) -> None:
    """As editors save: a temporary file beside the note, renamed over it."""
    temporary = path.with_name(path.name + ".tmp~")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def test_watch_rebuilds_on_atomic_saves_renames_deletes_and_saves_during_a_build(
    vault: Path, tmp_path: Path
) -> None:
    config = DeckConfig(name="Regen", notes_dir=vault, output=tmp_path / "out" / "regen.apkg")
    vim = vault / "topics" / "vim.md"
    with watching(config) as watcher:
        assert watcher.headings()["Registers"] == "topics/vim.md"

        atomic_save(vim, vim.read_text(encoding="utf-8") + "\n## Macros\n\nRecord with q.\n")
        wait_until(lambda: "Macros" in watcher.headings(), "the atomic save")

        (vault / "tools").mkdir()
        vim.rename(vault / "tools" / "vim.md")
        wait_until(lambda: watcher.headings().get("Macros") == "tools/vim.md", "the rename")

        (vault / "topics" / "tcp.md").unlink()
        wait_until(lambda: "TIME_WAIT" not in watcher.headings(), "the delete")

        linux = vault / "archive" / "2023-05.md"
        watcher.during_build.append(
            lambda: linux.write_text(
                linux.read_text(encoding="utf-8") + "\n## Saved while building\n\nYes.\n",
                encoding="utf-8",
            )
        )
        atomic_save(vault / "new.md", "# New\n\nA new file.\n")
        wait_until(lambda: "Saved while building" in watcher.headings(), "the save mid-build")

        wait_until(lambda: watcher.quiet_for(0.5) == 0, "the builds to settle")
        (vault / ".obsidian").mkdir()
        (vault / ".obsidian" / "workspace.json").write_text("{}", encoding="utf-8")
        (vault / "notes.txt").write_text("not a note", encoding="utf-8")
        assert watcher.quiet_for(1.0) == 0, "hidden and non-note files build nothing"


def test_ctrl_c_stops_the_watch_with_nothing_half_written(vault: Path, tmp_path: Path) -> None:
    output = tmp_path / "out" / "regen.apkg"
    with subprocess.Popen(
        flashgen_command("watch", str(vault), "-o", str(output), "--deck", "Regen"),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=subprocess_env(),
    ) as process:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(2)]
        assert lines[0].startswith("Watching"), lines
        assert "wrote" in lines[1], lines
        time.sleep(0.5)
        note = vault / "topics" / "vim.md"
        note.write_text(note.read_text(encoding="utf-8") + "\n## Late\n\nEdit.\n", "utf-8")
        time.sleep(0.15)
        process.send_signal(signal.SIGINT)
        output_text, _ = process.communicate(timeout=TIMEOUT)
    assert process.returncode == 0, output_text
    leftovers = [p.name for p in output.parent.iterdir() if p.name.startswith(".regen.apkg.")]
    assert leftovers == [".regen.apkg.build-lock"]
    with zipfile.ZipFile(output) as package:
        assert package.testzip() is None
    assert load_lock(output.with_name("regen.lock.json")) is not None
