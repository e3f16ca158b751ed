"""Stages 2–5 for one note file — read → split → render → fill — and running them for many.

A file's notes depend only on the file, the deck options and the media it refers to, so each
file is built on its own: in parallel worker processes for a cold build, and not at all when
the incremental cache holds its result. Token trees never leave ``build_file``; what comes
back is plain, picklable data.
"""

import ctypes
import hashlib
import multiprocessing
import os
import signal
import sys
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

from flashgen.account import TEXT_LOST, SkippedSection
from flashgen.config import DeckConfig
from flashgen.discover import SourceFile, Vault
from flashgen.errors import Diagnostic
from flashgen.fill import NoteContent
from flashgen.media import MediaStore

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

    from flashgen.dialect import DialectOptions

PARALLEL_MIN_BYTES = 256 * 1024
"""Below this much Markdown to build, starting worker processes costs more than it saves."""


@dataclass(frozen=True)
class FileResult:
    relpath: str
    notes: tuple[NoteContent, ...]
    diagnostics: tuple[Diagnostic, ...]
    titles: frozenset[str]
    """Every heading name in the file, case-folded: what a ``Term^`` may point at."""
    xrefs: tuple[tuple[str, int], ...]
    """Each ``Term^`` of the file's notes, with its line."""
    media_refs: tuple[tuple[str, bool], ...]
    """Every media reference of the file (``src``, by file name?)."""
    media_state: str
    """Digest of what ``media_refs`` resolve to (see ``MediaStore.probe``)."""
    unreadable: bool = False
    """The file could not be read: its notes in the lockfile are kept as they were."""
    skipped: tuple[SkippedSection, ...] = ()
    """What in the file made no note, and why."""


@dataclass(frozen=True)
class FileJob:
    source: SourceFile
    raw: bytes | str
    """The file's bytes, or why it could not be read."""


def build_file(
    job: FileJob, config: DeckConfig, md: "MarkdownIt", store: MediaStore
) -> FileResult:
    from flashgen.checks import heading_problems, markdown_problems
    from flashgen.fill import fill_notes
    from flashgen.read import read_document
    from flashgen.render import render_document
    from flashgen.split import split_document

    read = read_document(job.source, job.raw)
    if read.document is None:
        whole_file = SkippedSection(
            job.source.relpath, 0, 0, "", "opted-out" if read.opted_out else "unreadable"
        )
        return FileResult(
            relpath=job.source.relpath,
            notes=(),
            diagnostics=read.diagnostics,
            titles=frozenset(),
            xrefs=(),
            media_refs=(),
            media_state=media_state(store, job.source.relpath, ()),
            unreadable=not read.opted_out,
            skipped=(whole_file,),
        )
    parsed = split_document(
        read.document,
        md,
        config.levels,
        config.ignore_headings,
        preamble=config.preamble,
        link_sections=config.link_sections,
    )
    rendered = render_document(parsed, md, store, config.allow_unsafe_html)
    notes = fill_notes(rendered, config)
    return FileResult(
        relpath=job.source.relpath,
        notes=notes,
        diagnostics=(
            *read.diagnostics,
            *rendered.diagnostics,
            *markdown_problems([parsed]),
            *heading_problems([parsed]),
            *_nothing_made(job.source.relpath, notes, parsed.skipped),
        ),
        titles=rendered.titles,
        xrefs=tuple(ref for section in rendered.sections for ref in section.xrefs),
        media_refs=rendered.media_refs,
        media_state=media_state(store, job.source.relpath, rendered.media_refs),
        skipped=parsed.skipped,
    )


def _nothing_made(
    relpath: str, notes: tuple[NoteContent, ...], skipped: tuple[SkippedSection, ...]
) -> tuple[Diagnostic, ...]:
    """A file with text that made no card at all is worth a warning (design §2)."""
    if notes or not any(entry.reason in TEXT_LOST for entry in skipped):
        return ()
    why = ", ".join(dict.fromkeys(entry.label for entry in skipped))
    return (Diagnostic(relpath, 0, "warning", f"the file has text but made no card ({why})"),)


def media_state(store: MediaStore, relpath: str, refs: Iterable[tuple[str, bool]]) -> str:
    digest = hashlib.sha256()
    for src, by_name in refs:
        digest.update(f"{src}\0{by_name}\0{store.probe(src, relpath, by_name)}\0".encode())
    return digest.hexdigest()


def build_files(
    jobs: list[FileJob],
    config: DeckConfig,
    vault: Vault,
    workers: int,
) -> Iterator[FileResult]:
    """``build_file`` for every job, in a pool of ``workers`` processes when worth it.

    Results come back in any order; the largest files start first so that no worker is
    left with a big file at the end.
    """
    if not jobs:
        return
    from flashgen.dialect import make_markdown

    size = sum(len(job.raw) for job in jobs if isinstance(job.raw, bytes))
    if workers <= 1 or len(jobs) < 2 or size < PARALLEL_MIN_BYTES:
        md, store = make_markdown(_dialect(config)), MediaStore(vault)
        for job in jobs:
            yield build_file(job, config, md, store)
        return
    ordered = sorted(jobs, key=lambda job: -len(job.raw))
    context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    with ProcessPoolExecutor(
        max_workers=min(workers, len(jobs)),
        mp_context=context,
        initializer=_start_worker,
        initargs=(config, vault, os.getpid()),
    ) as pool:
        yield from pool.map(_work, ordered, chunksize=1)


_worker: "tuple[DeckConfig, MarkdownIt, MediaStore] | None" = None
_PR_SET_PDEATHSIG = 1


def _start_worker(config: DeckConfig, vault: Vault, parent: int) -> None:
    from flashgen.dialect import make_markdown

    global _worker
    _die_with(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the build to handle, whole
    _worker = (config, make_markdown(_dialect(config)), MediaStore(vault))


def _die_with(parent: int) -> None:
    """A worker whose build was killed must not live on: on Linux, ask the kernel to kill it
    when its parent dies (elsewhere the pool's own shutdown is all there is)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:
        os._exit(1)


def _dialect(config: DeckConfig) -> "DialectOptions":
    """The dialect's options from the deck's."""
    from flashgen.dialect import DialectOptions

    return DialectOptions(line_breaks=config.single_newline_breaks)


def _work(job: FileJob) -> FileResult:
    assert _worker is not None, "worker not started"
    config, md, store = _worker
    return build_file(job, config, md, store)
