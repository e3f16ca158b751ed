"""One deck build, narrated top to bottom: discover → read → split → render → fill → plan → write.

Every stage but the last is a pure function of what the earlier ones returned (frozen values,
no shared context); only the write stage touches the output folder. Read → split → render →
fill run per file (``flashgen.files``): in parallel, and skipped for files whose result the
incremental cache already holds.
"""

import gc
import hashlib
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from typing import TypeGuard, TypeVar

from flashgen.cache import BuildCache, cache_path, entry_key, options_fingerprint
from flashgen.checks import dangling_references, duplicate_prompts
from flashgen.config import DeckConfig
from flashgen.discover import Vault, discover
from flashgen.errors import ConfigError, Diagnostic, StrictModeError
from flashgen.files import FileJob, FileResult, build_files, media_state
from flashgen.lockfile import read_lock
from flashgen.media import MediaStore
from flashgen.plan import DeckPlan, plan_deck
from flashgen.read import read_source
from flashgen.templates import CardTemplates, load_card_templates
from flashgen.write import build_lock, write_deck

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

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity == "error")


def build_deck(
    config: DeckConfig, options: BuildOptions = BuildOptions(), progress: Progress | None = None
) -> BuildResult:
    if not config.notes_dir.is_dir():
        raise ConfigError(f"notes folder not found: {config.notes_dir}")
    templates = load_card_templates(config.templates_dir)
    now = options.now if options.now is not None else _clock()
    with nullcontext() if options.dry_run else build_lock(config.output), _no_gc():
        return _build(config, options, templates, now, progress)


def _build(
    config: DeckConfig,
    options: BuildOptions,
    templates: CardTemplates,
    now: int,
    progress: Progress | None,
) -> BuildResult:
    vault = discover(config.notes_dir, config.include, config.exclude, config.media_root)
    if not vault.sources:
        raise ConfigError(f"no Markdown notes found in {config.notes_dir}")
    with BuildCache(cache_path(config.output) if options.cache else None) as cache:
        return _build_vault(config, options, templates, now, progress, vault, cache)


def _build_vault(
    config: DeckConfig,
    options: BuildOptions,
    templates: CardTemplates,
    now: int,
    progress: Progress | None,
    vault: Vault,
    cache: BuildCache,
) -> BuildResult:
    steps = _Steps(2 * len(vault.sources), progress)
    jobs = [steps.after(FileJob(source, read_source(source))) for source in vault.sources]
    options_key = options_fingerprint(config)
    keys = {job.source.relpath: _key(options_key, job) for job in jobs}
    store = MediaStore(vault)
    results: dict[str, FileResult] = {}
    for job in jobs:
        state, cached = cache.get(job.source.relpath, keys[job.source.relpath])
        if _still_valid(cached, state, store):
            results[job.source.relpath] = steps.after(cached)
    cached_files = len(results)
    missing = [job for job in jobs if job.source.relpath not in results]
    for result in build_files(missing, config, vault, options.jobs or os.cpu_count() or 1):
        results[result.relpath] = steps.after(result)
    files = [results[job.source.relpath] for job in jobs]

    notes = [note for file in files for note in file.notes]
    diagnostics: list[Diagnostic] = list(vault.diagnostics)
    diagnostics += [diagnostic for file in files for diagnostic in file.diagnostics]
    diagnostics += dangling_references(
        (file.titles for file in files),
        ((file.relpath, term, line) for file in files for term, line in file.xrefs),
    )
    diagnostics += duplicate_prompts(notes)

    read = read_lock(config.lockfile)
    previous = read.lock if read else None
    diagnostics += read.diagnostics if read else ()
    plan = plan_deck(
        config.name,
        notes,
        previous,
        templates.fingerprint(),
        now,
        unreadable_files=frozenset(file.relpath for file in files if file.unreadable),
        removed_grace_days=config.removed_grace_days,
    )
    diagnostics += plan.diagnostics
    up_to_date = False
    if options.strict and diagnostics:
        raise StrictModeError(
            f"{len(diagnostics)} problem(s) reported and --strict is on: nothing written",
            tuple(diagnostics),
        )
    if not options.dry_run:
        package = _package_digest(plan, templates)
        repaired = read is not None and read.repaired
        up_to_date = (
            plan.lock == previous and not repaired and _unchanged_output(cache, config, package)
        )
        if not up_to_date:
            write_deck(plan, templates, config.output, config.lockfile)
        built = {job.source.relpath for job in missing}
        cache.store(
            {
                file.relpath: (keys[file.relpath], file.media_state, file)
                for file in files
                if file.relpath in built and keys[file.relpath] and not file.unreadable
            },
            {file.relpath for file in files},
            {"package": package, "package_stat": _stat(config.output)},
        )
    return BuildResult(
        config=config,
        plan=plan,
        diagnostics=tuple(diagnostics),
        files=len(vault.sources),
        written=not options.dry_run,
        cached_files=cached_files,
        up_to_date=not options.dry_run and up_to_date,
    )


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


def _package_digest(plan: DeckPlan, templates: CardTemplates) -> str:
    """With the lockfile, everything the package's bytes depend on: which notes it holds
    (removed ones leave after their grace period) and the notetype."""
    digest = hashlib.sha256(templates.fingerprint().encode())
    digest.update(
        "\0".join(f"{note.guid}|{note.mod}|{note.status == 'removed'}" for note in plan.notes)
        .encode()
    )
    return digest.hexdigest()


def _unchanged_output(cache: BuildCache, config: DeckConfig, package: str) -> bool:
    """The package on disk is the one the last build wrote from the same lockfile and
    notes: writing it again would give the same bytes."""
    return cache.meta("package") == package and cache.meta("package_stat") == _stat(
        config.output
    )


def _stat(path: os.PathLike[str]) -> str:
    try:
        status = os.stat(path)
    except OSError:
        return "missing"
    return f"{status.st_size}|{status.st_mtime_ns}|{status.st_ino}"


@contextmanager
def _no_gc() -> Iterator[None]:
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
