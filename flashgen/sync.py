"""``flashgen sync``: build as usual, then bring the deck into the user's Anki.

Which Anki: AnkiConnect at a URL, a collection file, or a profile's collection; with none
named, AnkiConnect if it answers at its default address, else the only profile's collection.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from flashgen.build import BuildOptions, BuildResult, Progress, dry_run_result, plan_build
from flashgen.commit import commit
from flashgen.config import DeckConfig
from flashgen.errors import AnkiError, ConfigError
from flashgen.output import build_lock
from flashgen.sinks import Delivery
from flashgen.sinks.anki import AnkiSink, Destination, SyncOptions
from flashgen.sinks.ankiconnect import DEFAULT_URL, AnkiConnect
from flashgen.sinks.apkg import ApkgSink
from flashgen.sinks.collection import CollectionFile, anki_base, profile_collection, profiles
from flashgen.targets import check_destination


@dataclass(frozen=True)
class AnkiChoice:
    """How the user named their Anki (at most one of these)."""

    anki_connect: str | None = None
    collection: Path | None = None
    profile: str | None = None


@contextmanager
def open_anki(choice: AnkiChoice) -> Iterator[Destination]:
    given = [v for v in (choice.anki_connect, choice.collection, choice.profile) if v]
    if len(given) > 1:
        raise ConfigError("name one Anki: --anki-connect, --collection or --profile")
    if choice.anki_connect:
        connect = AnkiConnect(choice.anki_connect)
        if not connect.answers():
            raise AnkiError(f"AnkiConnect does not answer at {choice.anki_connect}: is Anki open?")
        yield connect
        return
    path = choice.collection
    if choice.profile:
        path = profile_collection(choice.profile)
    if path is None:
        connect = AnkiConnect(DEFAULT_URL)
        if connect.answers():
            yield connect
            return
        path = _only_profile()
    with CollectionFile(path) as collection:
        yield collection


def _only_profile() -> Path:
    base = anki_base()
    found = profiles(base)
    if len(found) == 1:
        return profile_collection(found[0], base)
    which = f"profiles {', '.join(found)} in {base}" if found else f"no Anki profile in {base}"
    raise AnkiError(
        f"AnkiConnect does not answer at {DEFAULT_URL} and there are {which}: open Anki with "
        "the AnkiConnect add-on, or name the Anki to sync with --anki-connect URL, "
        "--profile NAME or --collection PATH"
    )


def sync_deck(
    config: DeckConfig,
    destination: Destination,
    options: BuildOptions,
    sync: SyncOptions,
    progress: Progress | None = None,
) -> tuple[BuildResult, Delivery]:
    """Build the deck (package and lockfile, unless a dry run), then deliver it to Anki."""
    anki = AnkiSink(destination, sync)
    if sync.dry_run:
        build = plan_build(config, options, progress)
        return dry_run_result(build), anki.deliver(build)
    check_destination(config)
    with build_lock(config.output) as lock:
        build = plan_build(config, options, progress)
        result = commit(build, ApkgSink(config.output), lock)
        return result, anki.deliver(build)
