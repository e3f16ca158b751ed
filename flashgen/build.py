"""One deck build, narrated top to bottom.

``plan_build`` gathers: discover → read → per file (split → render → fill → check) →
cross-file checks → plan. It writes nothing: every stage is a pure function of what the
earlier ones returned (frozen values, no shared context), and a file whose result the
incremental cache holds is not built again (read-only look-ups, so ``check`` and ``list`` use
the cache too). ``flashgen.commit`` then delivers the plan to a sink and records it.
"""

import gc
import os
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import TypeGuard, TypeVar

from flashgen.account import SkippedSection
from flashgen.cache import BuildCache, cache_path, entry_key, options_fingerprint
from flashgen.checks import dangling_references, duplicate_prompts
from flashgen.config import DeckConfig
from flashgen.decknames import normalize_deck_name
from flashgen.discover import discover
from flashgen.errors import ConfigError, Diagnostic, StrictModeError
from flashgen.files import FileJob, FileResult, build_files, media_state
from flashgen.lockfile import Lock, lock_digest, read_lock
from flashgen.media import MediaStore
from flashgen.plan import DeckPlan, plan_deck
from flashgen.read import read_source
from flashgen.recover import recover_lock
from flashgen.sinks import Delivery
from flashgen.templates import CardTemplates, load_card_templates

Progress = Callable[[int, int], None]
_T = TypeVar("_T")


@dataclass(frozen=True)
class BuildOptions:
    dry_run: bool = False
    strict: bool = False
    now: int | None = None
    """The build's clock (Unix seconds); default: ``SOURCE_DATE_EPOCH``, else the time now."""
    cache: bool = True
    """Reuse the results of unchanged files from the incremental cache beside the lockfile."""
    jobs: int | None = None
    """Worker processes for building files; default: one per CPU."""


@dataclass(frozen=True)
class CacheUpdate:
    """What committing the build records in the incremental cache."""

    entries: Mapping[str, tuple[str, str, FileResult]]
    """Files built (not taken from the cache) this time: relpath → key, media state, result."""
    present: frozenset[str]
    """Every file of the vault; the cache forgets the others."""


@dataclass(frozen=True)
class BuildPlan:
    """Everything a build found and decided, before anything is written."""

    config: DeckConfig
    templates: CardTemplates
    plan: DeckPlan
    previous: Lock | None
    """The lockfile the plan continues (None: there was none)."""
    lock_repaired: bool
    """The lockfile on disk held something repaired on reading: it must be written again."""
    lock_digest: str
    """``lock_digest`` of the lockfile just before it was read."""
    diagnostics: tuple[Diagnostic, ...]
    files: int
    cached_files: int
    """Files whose notes came from the incremental cache."""
    memo: Mapping[str, str] = field(default_factory=dict)
    """What the sink of the last commit asked to remember (``Delivery.memo``)."""
    cache_update: CacheUpdate | None = None
    """None when the build runs without the cache."""
    skipped: tuple[SkippedSection, ...] = ()
    """The account of what made no note, file by file (``flashgen.account``)."""

    @property
    def lock_unchanged(self) -> bool:
        """The lockfile on disk already is the one this plan records."""
        return self.plan.lock == self.previous and not self.lock_repaired


@dataclass(frozen=True)
class BuildResult:
    config: DeckConfig
    plan: DeckPlan
    diagnostics: tuple[Diagnostic, ...]
    files: int
    written: bool
    cached_files: int = 0
    """Files whose notes came from the incremental cache."""
    up_to_date: bool = False
    """The package and lockfile on disk already were what this build would write."""
    delivery: Delivery | None = None
    """What the sink did; None for a dry run."""
    skipped: tuple[SkippedSection, ...] = ()
    """The account of what made no note, file by file (``flashgen.account``)."""

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity == "error")


def build_deck(
    config: DeckConfig, options: BuildOptions = BuildOptions(), progress: Progress | None = None
) -> BuildResult:
    """Plan the deck, then (unless a dry run) commit it to its ``.apkg`` package, holding
    the build lock throughout so that a second build of the deck fails at once."""
    from flashgen.commit import commit
    from flashgen.output import build_lock
    from flashgen.sinks.apkg import ApkgSink
    from flashgen.targets import check_destination

    if options.dry_run:
        return dry_run_result(plan_build(config, options, progress))
    check_destination(config)
    with build_lock(config.output) as lock:
        return commit(plan_build(config, options, progress), ApkgSink(config.output), lock)


def dry_run_result(build: "BuildPlan") -> BuildResult:
    return BuildResult(
        config=build.config,
        plan=build.plan,
        diagnostics=build.diagnostics,
        files=build.files,
        written=False,
        cached_files=build.cached_files,
        skipped=build.skipped,
    )


def plan_build(
    config: DeckConfig, options: BuildOptions = BuildOptions(), progress: Progress | None = None
) -> BuildPlan:
    """Gather and plan the whole deck; writes nothing."""
    config = replace(config, name=normalize_deck_name(config.name))
    if not config.notes_dir.is_dir():
        raise ConfigError(f"notes folder not found: {config.notes_dir}")
    templates = load_card_templates(config.templates_dir)
    now = options.now if options.now is not None else _clock()
    with no_gc():
        vault = discover(
            config.notes_dir, config.include, config.exclude, config.media_root,
            config.follow_symlinks_outside,
        )
        if not vault.sources:
            raise ConfigError(f"no Markdown notes found in {config.notes_dir}")
        steps = _Steps(2 * len(vault.sources), progress)
        jobs = [steps.after(FileJob(source, read_source(source))) for source in vault.sources]
        options_key = options_fingerprint(config)
        keys = {job.source.relpath: _key(options_key, job) for job in jobs}
        with BuildCache(cache_path(config.output) if options.cache else None) as cache:
            cached = _cached_results(cache, keys, MediaStore(vault))
            memo = cache.memo()
        for result in cached.values():
            steps.after(result)
        missing = [job for job in jobs if job.source.relpath not in cached]
        workers = options.jobs or os.cpu_count() or 1
        built = {
            result.relpath: steps.after(result)
            for result in build_files(missing, config, vault, workers)
        }
        files = [cached.get(job.source.relpath) or built[job.source.relpath] for job in jobs]

        notes = [note for file in files for note in file.notes]
        diagnostics: list[Diagnostic] = list(vault.diagnostics)
        diagnostics += [diagnostic for file in files for diagnostic in file.diagnostics]
        diagnostics += dangling_references(
            (file.titles for file in files),
            ((file.relpath, term, line) for file in files for term, line in file.xrefs),
        )
        diagnostics += duplicate_prompts(notes)

        read_digest = lock_digest(config.lockfile)
        read = read_lock(config.lockfile)
        previous = read.lock if read else None
        diagnostics += read.diagnostics if read else ()
        continued = previous
        if read is None and config.output.is_file():
            recovered = recover_lock(config.output, notes, config.name, now)
            if recovered is not None:
                continued = recovered.lock
                diagnostics += recovered.diagnostics
        plan = plan_deck(
            config.name,
            notes,
            continued,
            templates.fingerprint(),
            now,
            unreadable_files=frozenset(file.relpath for file in files if file.unreadable),
            removed_grace_days=config.removed_grace_days,
        )
        diagnostics += plan.diagnostics
    if options.strict and diagnostics:
        raise StrictModeError(
            f"{len(diagnostics)} problem(s) reported and --strict is on: nothing written",
            tuple(diagnostics),
        )
    return BuildPlan(
        config=config,
        templates=templates,
        plan=plan,
        previous=previous,
        lock_repaired=read is not None and read.repaired,
        lock_digest=read_digest,
        diagnostics=tuple(diagnostics),
        files=len(vault.sources),
        cached_files=len(cached),
        memo=memo,
        cache_update=CacheUpdate(
            entries={
                relpath: (keys[relpath], result.media_state, result)
                for relpath, result in built.items()
                if keys[relpath] and not result.unreadable
            },
            present=frozenset(keys),
        )
        if options.cache
        else None,
        skipped=tuple(entry for file in files for entry in file.skipped),
    )


def _cached_results(
    cache: BuildCache, keys: Mapping[str, str], store: MediaStore
) -> dict[str, FileResult]:
    """The files whose built result the cache holds and that still hold."""
    results: dict[str, FileResult] = {}
    for relpath, key in keys.items():
        state, cached = cache.get(relpath, key)
        if _still_valid(cached, state, store):
            results[relpath] = cached
    return results


class _Steps:
    """Counts reading and building each file towards one progress bar."""

    def __init__(self, total: int, progress: Progress | None) -> None:
        self.total, self.done, self.progress = total, 0, progress

    def after(self, value: _T) -> _T:
        self.done += 1
        if self.progress:
            self.progress(self.done, self.total)
        return value


def _key(options_key: str, job: FileJob) -> str:
    if isinstance(job.raw, str):
        return ""
    return entry_key(options_key, job.source.relpath, job.raw)


def _still_valid(result: object, state: str, store: MediaStore) -> TypeGuard[FileResult]:
    """A cached file is reused only if its media still resolve to the same, unchanged files."""
    if not isinstance(result, FileResult) or result.media_state != state:
        return False
    return media_state(store, result.relpath, result.media_refs) == state


@contextmanager
def no_gc() -> Iterator[None]:
    """A build allocates many small objects and frees them by reference counting; the cyclic
    collector only walks them again and again (a fifth of a build's time)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _clock() -> int:
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return int(epoch) if epoch.isdigit() else int(time.time())
