"""A vault's notes as the per-file stages give them, for tests and benchmarks of matching."""

from pathlib import Path

from flashgen.config import DeckConfig
from flashgen.discover import discover
from flashgen.files import FileJob, build_files
from flashgen.fill import NoteContent
from flashgen.read import read_source


def vault_notes(notes_dir: Path, workers: int = 1) -> list[NoteContent]:
    """Every note of the vault at ``notes_dir``, in the order a build plans them."""
    config = DeckConfig(name="Match", notes_dir=notes_dir, output=notes_dir.parent / "m.apkg")
    found = discover(config.notes_dir, config.include, config.exclude, config.media_root)
    jobs = [FileJob(source, read_source(source)) for source in found.sources]
    results = {result.relpath: result for result in build_files(jobs, config, found, workers)}
    return [note for job in jobs for note in results[job.source.relpath].notes]
