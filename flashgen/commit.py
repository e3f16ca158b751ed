"""The only stage that writes: take the build lock → the sink delivers → lockfile → cache.

The order keeps every file on disk consistent if the process dies at any point: the lockfile
is replaced only after the sink delivered the notes it describes, and the cache (which only
saves time) last.
"""

import sqlite3
from contextlib import nullcontext

from flashgen.build import BuildPlan, BuildResult, no_gc
from flashgen.cache import BuildCache, cache_path
from flashgen.errors import BuildLockedError, WriteError
from flashgen.lockfile import lock_digest
from flashgen.output import HeldLock, build_lock, remove_leftovers, replace_atomically
from flashgen.sinks import Delivery, Sink
from flashgen.targets import check_destination


def commit(build: BuildPlan, sink: Sink, held: HeldLock | None = None) -> BuildResult:
    """Deliver ``build`` to ``sink`` and record it. ``held``: the caller already holds the
    deck's build lock (it planned under it); else commit takes it."""
    config = build.config
    check_destination(config)
    locked = held is not None and held.output == config.output
    with nullcontext() if locked else build_lock(config.output), no_gc():
        if lock_digest(config.lockfile) != build.lock_digest:
            raise BuildLockedError(
                f"{config.lockfile} changed while this build ran (another build?): build again"
            )
        delivery = sink.deliver(build)
        if delivery.changed or not build.lock_unchanged:
            remove_leftovers(config.output, config.lockfile)
            replace_atomically(
                config.lockfile, lambda path: path.write_text(build.plan.lock_text, "utf-8")
            )
        _record_in_cache(build, delivery)
    return BuildResult(
        config=config,
        plan=build.plan,
        diagnostics=build.diagnostics,
        files=build.files,
        written=True,
        cached_files=build.cached_files,
        up_to_date=not delivery.changed,
        delivery=delivery,
        skipped=build.skipped,
    )


def _record_in_cache(build: BuildPlan, delivery: Delivery) -> None:
    path = cache_path(build.config.output)
    update = build.cache_update
    if update is None:
        return
    try:
        with BuildCache(path) as cache:
            cache.store(dict(update.entries), set(update.present), dict(delivery.memo))
    except (OSError, sqlite3.Error) as exc:
        raise WriteError(
            f"the deck was written, but not its build cache {path} ({exc}): delete that "
            "folder and build again"
        ) from exc
