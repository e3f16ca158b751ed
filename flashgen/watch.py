"""``flashgen watch``: deliver each deck again whenever one of its notes or images changes.

File events come from watchfiles (the OS's own notification API through Rust's ``notify``:
inotify, FSEvents, ReadDirectoryChangesW), grouped until the folder is quiet for a moment, so
an editor's atomic save (a temporary file renamed over the note), a deleted or renamed file
or folder, or a burst of saves makes one rebuild. A note saved while a build runs is seen
after it: watchfiles keeps collecting events meanwhile, and the next round rebuilds.

What a rebuild does is the caller's ``deliver`` (build the package, sync into Anki, write a
preview): watch only decides *when*, and which decks a change concerns.
"""

import signal
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

from flashgen.config import DeckConfig
from flashgen.media import MEDIA_EXTENSIONS

NOTE_SUFFIXES = frozenset({".md", ".markdown"})
QUIET_MS = 100
"""A change is acted on once the folders have been quiet this long…"""
LONGEST_WAIT_MS = 1000
"""…or this long after the first change of a burst, whichever comes first."""


def watched_folders(configs: Iterable[DeckConfig]) -> list[Path]:
    """The folders to watch: every deck's notes and its card templates, each once."""
    folders = {config.notes_dir for config in configs}
    folders |= {config.templates_dir for config in configs if config.templates_dir}
    return sorted(folder.resolve() for folder in folders if folder.is_dir())


def concerns(config: DeckConfig, path: Path) -> bool:
    """Whether a change of ``path`` can change ``config``'s deck: a template, or under the
    notes a note, a media file, or a folder (or something gone: a renamed or deleted one) —
    never a hidden file (editors' swap and temporary files, the build's own cache)."""
    if config.templates_dir and path.is_relative_to(config.templates_dir.resolve()):
        return True
    notes = config.notes_dir.resolve()
    if not path.is_relative_to(notes) or path in {config.output, config.lockfile}:
        return False
    if any(part.startswith(".") for part in path.relative_to(notes).parts):
        return False
    suffix = path.suffix.lower()
    if suffix in NOTE_SUFFIXES or suffix.lstrip(".") in MEDIA_EXTENSIONS:
        return True
    return not path.is_file()


def watch_decks(
    configs: Sequence[DeckConfig],
    deliver: Callable[[Sequence[DeckConfig]], None],
    stop: threading.Event | None = None,
    quiet_ms: int = QUIET_MS,
) -> None:
    """Deliver every deck, then again each deck a change concerns, until ``stop`` is set.

    ``deliver`` is called in this thread, never twice at once; changes made while it runs
    are delivered by the next call.
    """
    from watchfiles import watch as file_events

    stop = stop or threading.Event()
    deliver(configs)
    for changes in file_events(
        *watched_folders(configs),
        watch_filter=None,
        debounce=LONGEST_WAIT_MS,
        step=quiet_ms,
        stop_event=stop,
        raise_interrupt=False,
    ):
        paths = {Path(path) for _, path in changes}
        touched = [c for c in configs if any(concerns(c, path) for path in paths)]
        if touched and not stop.is_set():
            deliver(touched)


@contextmanager
def stop_on_interrupt(stop: threading.Event, announce: Callable[[], None]) -> Iterator[None]:
    """The first Ctrl-C asks the watch to stop once the build running now has finished (so
    nothing is left half-written); a second one stops at once."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def first(signum: int, frame: FrameType | None) -> None:
        stop.set()
        announce()
        signal.signal(signal.SIGINT, signal.default_int_handler)

    previous = signal.signal(signal.SIGINT, first)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)

