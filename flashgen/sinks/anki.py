"""The Anki sink: bring a planned deck into the user's Anki, as File → Import would.

What to send is decided from what that Anki holds *now* (each flashgen note's GUID and
``mod``), never from a local record of an earlier sync, so a second machine or a manual
import in between just works:
- a planned note Anki lacks is added, one whose content changed after Anki's copy (planned
  ``mod`` newer) is updated — both through a package holding only those notes, imported with
  Anki's own importer (same GUIDs, review history kept, "update if newer");
- a note Anki holds at least as new is left alone, so an edit made inside Anki survives;
- a flashgen note in the synced decks that the plan no longer holds as an active section is
  deleted (``keep_removed``: only tagged ``flashgen::removed``). Removed sections the package
  keeps for their grace period are never sent. Deleting more than the safety limit needs
  ``yes``.

Where the notes go is a ``Destination``: the collection file (``sinks.collection``) or
AnkiConnect (``sinks.ankiconnect``).
"""

import json
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from flashgen.cache import cache_path
from flashgen.errors import SyncRefusedError, WriteError
from flashgen.notetype import MODEL_ID
from flashgen.output import make_folder, replace_atomically
from flashgen.plan import REMOVED_TAG, DeckPlan, PlannedNote
from flashgen.sinks import Delivery
from flashgen.sinks.apkg import write_package
from flashgen.targets import TEMPORARY_SUFFIX, temporary_prefix
from flashgen.templates import CardTemplates

if TYPE_CHECKING:
    from flashgen.build import BuildPlan

SAFE_DELETIONS = 20
"""A sync may always delete this many notes; more needs ``--yes`` above 10 % of the deck."""


@dataclass(frozen=True)
class HeldNote:
    """A flashgen note as the destination Anki holds it."""

    id: int
    guid: str
    mod: int | None
    """Anki's modification time; None when the destination cannot tell (then it is sent, and
    Anki's importer decides)."""
    prompt: str
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class NotetypeText:
    css: str
    templates: tuple[tuple[str, str, str], ...]
    """Each card template's name, front and back."""

    @staticmethod
    def of(templates: CardTemplates) -> "NotetypeText":
        return NotetypeText(
            templates.css, tuple((t.name, t.front, t.back) for t in templates.templates)
        )


class Destination(Protocol):
    """One Anki: what the sink asks it and tells it."""

    description: str
    """Where the notes go, for messages: ``AnkiConnect at http://…``, ``collection …``."""
    remembers: bool
    """Whether ``flashgen_notes`` uses what it answered last time (then it is kept)."""

    def flashgen_notes(
        self, decks: Sequence[str], scratch: Path, seen: Mapping[int, HeldNote]
    ) -> list[HeldNote]:
        """Every note of flashgen's notetype in the collection. ``decks``: the synced decks,
        for a destination that must export them to learn ``mod``s; ``scratch``: a folder
        for such files; ``seen``: what it answered last time, by note id — a note whose id
        and ``mod`` are still the same is still that note, so need not be asked for again."""
        ...

    def note_ids(self, query: str) -> set[int]:
        """The ids of the notes an Anki search finds."""
        ...

    def notetype(self) -> NotetypeText | None:
        """The stylesheet and each card template's front and back of flashgen's notetype
        as Anki holds it; None if it has none."""
        ...

    def import_package(self, package: Path) -> None:
        """Import with Anki's own package importer, updating notes only if newer."""
        ...

    def delete_notes(self, ids: Sequence[int]) -> None: ...

    def tag_notes(self, ids: Sequence[int], tag: str) -> None: ...


@dataclass(frozen=True)
class SyncOptions:
    keep_removed: bool = False
    """Tag notes of removed sections ``flashgen::removed`` instead of deleting them."""
    yes: bool = False
    """Delete even more notes than the safety limit."""
    dry_run: bool = False
    """Work out what would change; change nothing."""


@dataclass(frozen=True)
class SyncChanges:
    """What makes that Anki hold the deck as planned."""

    add: tuple[PlannedNote, ...]
    update: tuple[PlannedNote, ...]
    unchanged: int
    stale: tuple[HeldNote, ...]
    """Notes of the synced decks the plan does not hold: to delete (or tag)."""
    deck_notes: int
    """flashgen notes Anki holds in the synced decks."""
    keep_removed: bool
    notetype_differs: bool = False
    """Anki's copy of the card templates or stylesheet is not this build's."""

    @property
    def limit(self) -> int:
        return max(SAFE_DELETIONS, self.deck_notes // 10)

    @property
    def differs(self) -> bool:
        return bool(self.add or self.update or self.stale or self.notetype_differs)

    def summary(self, dry_run: bool = False) -> str:
        removed = "tagged removed" if self.keep_removed else "deleted"
        if dry_run:
            templates = "; card templates to update" if self.notetype_differs else ""
            return (
                f"Anki (dry run, nothing changed): {len(self.add)} to add, "
                f"{len(self.update)} to update, {len(self.stale)} to be {removed}, "
                f"{self.unchanged} unchanged{templates}"
            )
        templates = "; card templates updated" if self.notetype_differs else ""
        return (
            f"Anki: {len(self.add)} added, {len(self.update)} updated, "
            f"{len(self.stale)} {removed}, {self.unchanged} unchanged{templates}"
        )


def deck_scope(build: "BuildPlan") -> tuple[str, ...]:
    """Every deck the synced deck's notes live in, now or in the lockfile (subdecks a
    folder or file made): the only decks a sync deletes from."""
    plan = build.plan
    names = {plan.deck} | {note.deck for note in plan.notes}
    names |= {entry.deck for entry in plan.lock.entries}
    return tuple(sorted(names))


def scope_query(decks: Iterable[str]) -> str:
    """An Anki search for flashgen's notes in exactly ``decks`` (not their other subdecks:
    ``Notes::Systems`` may be another flashgen deck)."""
    parts = [f'("deck:{_quoted(name)}" -"deck:{_quoted(name)}::*")' for name in decks]
    return f"mid:{MODEL_ID} ({' OR '.join(parts)})"


def _quoted(text: str) -> str:
    """Inside a quoted Anki search term, ``\\ " * _`` are special: escape them."""
    for special in ("\\", '"', "*", "_"):
        text = text.replace(special, "\\" + special)
    return text


def changes_for(
    build: "BuildPlan", held: Iterable[HeldNote], in_decks: set[int], keep_removed: bool
) -> SyncChanges:
    by_guid = {note.guid: note for note in held}
    active = [note for note in build.plan.notes if note.status != "removed"]
    add = tuple(note for note in active if note.guid not in by_guid)
    update = tuple(
        note
        for note in active
        if (held_copy := by_guid.get(note.guid)) is not None
        and (held_copy.mod is None or held_copy.mod < note.mod)
    )
    planned = {note.guid for note in active}
    stale = [
        note for note in by_guid.values() if note.id in in_decks and note.guid not in planned
    ]
    if keep_removed:
        stale = [note for note in stale if REMOVED_TAG not in note.tags]
    return SyncChanges(
        add=add,
        update=update,
        unchanged=len(active) - len(add) - len(update),
        stale=tuple(sorted(stale, key=lambda note: note.id)),
        deck_notes=len(in_decks & {note.id for note in by_guid.values()}),
        keep_removed=keep_removed,
    )


@dataclass(frozen=True)
class AnkiSink:
    destination: Destination
    options: SyncOptions = SyncOptions()

    def deliver(self, build: "BuildPlan") -> Delivery:
        scratch = _scratch(build.config.output)
        with scratch:
            folder = Path(scratch.name)
            decks = deck_scope(build)
            remembers = self.destination.remembers
            seen = _seen(build, self.destination.description) if remembers else {}
            held = self.destination.flashgen_notes(decks, folder, seen)
            if remembers and not self.options.dry_run:
                _remember(build, self.destination.description, held)
            in_decks = self.destination.note_ids(scope_query(decks))
            changes = changes_for(build, held, in_decks, self.options.keep_removed)
            held_notetype = self.destination.notetype() if held else None
            if held_notetype is not None and held_notetype != NotetypeText.of(build.templates):
                changes = replace(changes, notetype_differs=True)
            if self.options.dry_run:
                return Delivery(changes.summary(dry_run=True), changed=changes.differs)
            deleting = not self.options.keep_removed and len(changes.stale) > changes.limit
            if deleting and not self.options.yes:
                raise SyncRefusedError(_refusal(build, changes, self.destination.description))
            sent = (*changes.add, *changes.update)
            if not sent and changes.notetype_differs:
                sent = _carrier(build)
            if sent:
                package = folder / "sync.apkg"
                write_package(_only(build, sent), build.templates, package)
                self.destination.import_package(package)
            ids = [note.id for note in changes.stale]
            if ids and self.options.keep_removed:
                self.destination.tag_notes(ids, REMOVED_TAG)
            elif ids:
                self.destination.delete_notes(ids)
        return Delivery(changes.summary(), changed=changes.differs)


def _scratch(output: Path) -> "tempfile.TemporaryDirectory[str]":
    """Files for Anki to read, beside the package (a killed sync's are cleared by the next
    build, like the package's own temporary files)."""
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        return tempfile.TemporaryDirectory(
            TEMPORARY_SUFFIX, temporary_prefix(output, "sync-"), dir=output.parent
        )
    except OSError as exc:
        raise WriteError(f"cannot write beside {output}: {exc.strerror}") from exc


def seen_path(build: "BuildPlan") -> Path:
    """What the destination answered last time, beside the deck's cache (safe to delete)."""
    cache = cache_path(build.config.output)
    return cache.with_name(cache.name.removesuffix(".sqlite") + ".anki.json")


def _seen(build: "BuildPlan", destination: str) -> dict[int, HeldNote]:
    try:
        data = json.loads(seen_path(build).read_text(encoding="utf-8"))
        if data.get("destination") != destination:
            return {}
        notes = [
            HeldNote(int(id_), str(guid), int(mod), str(prompt), tuple(map(str, tags)))
            for id_, guid, mod, prompt, tags in data["notes"]
        ]
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return {}  # none yet, or damaged: ask Anki for everything
    return {note.id: note for note in notes}


def _remember(build: "BuildPlan", destination: str, held: Sequence[HeldNote]) -> None:
    path = seen_path(build)
    notes = [[n.id, n.guid, n.mod, n.prompt, list(n.tags)] for n in held if n.mod is not None]
    text = json.dumps({"destination": destination, "notes": notes}, ensure_ascii=False)
    make_folder(path.parent)
    replace_atomically(path, lambda temporary: temporary.write_text(text, encoding="utf-8"))


def _carrier(build: "BuildPlan") -> tuple[PlannedNote, ...]:
    """Anki's importer updates a notetype only through a package that has notes: one note
    Anki already holds carries the new templates (Anki skips the note itself, as unchanged,
    and applies the templates only if they are newer than its copy, as File → Import does)."""
    return tuple(note for note in build.plan.notes if note.status != "removed")[:1]


def _only(build: "BuildPlan", notes: Sequence[PlannedNote]) -> DeckPlan:
    media = {item.name: item for note in notes for item in note.media}
    return replace(
        build.plan, notes=tuple(notes), media=tuple(media[name] for name in sorted(media))
    )


def _refusal(build: "BuildPlan", changes: SyncChanges, where: str) -> str:
    sections = {entry.guid: f"{entry.heading} ({entry.file})" for entry in build.plan.lock.entries}
    listed = "\n".join(
        f"  {sections.get(note.guid) or note.prompt or 'a note not from these notes'}"
        f" (note {note.id})"
        for note in changes.stale
    )
    return (
        f"this sync would delete {len(changes.stale)} notes from {where}, more than the "
        f"safety limit of {changes.limit} (max({SAFE_DELETIONS}, 10 % of the deck's "
        f"{changes.deck_notes} notes)); nothing was changed in Anki. If these sections are "
        "really gone, sync again with --yes (or --keep-removed to only tag them):\n" + listed
    )
