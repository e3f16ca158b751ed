"""Stage 6: decide every note's GUID and mod against the lockfile, and what changed.

Which entry each section continues is ``matching``'s job; an ambiguous case gets a new GUID
and a warning naming every place involved, never a guess.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cached_property
from html import escape
from typing import Literal

from flashgen.errors import Diagnostic
from flashgen.fill import NoteContent
from flashgen.identity import guid_for
from flashgen.lockfile import LOCKFILE_PATH, Lock, LockEntry, lock_to_json
from flashgen.matching import match_entries
from flashgen.media import MediaFile
from flashgen.notetype import RECALL, NoteFields, sort_field

Status = Literal["new", "changed", "renamed", "unchanged", "removed"]
REMOVED_TAG = "flashgen::removed"
_DAY = 86400


@dataclass(frozen=True)
class PlannedNote:
    guid: str
    key: str
    fields: NoteFields
    tags: tuple[str, ...]
    deck: str
    mod: int
    card_templates: tuple[str, ...]
    media: tuple[MediaFile, ...]
    status: Status
    location: str
    heading: str
    sort_field: tuple[str, int]
    previous_key: str | None = None


@dataclass(frozen=True)
class ChangeReport:
    new: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    renamed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()

    def summary(self) -> str:
        return (
            f"{len(self.new)} new, {len(self.changed)} changed, "
            f"{len(self.renamed)} renamed/moved, {len(self.removed)} removed, "
            f"{len(self.unchanged)} unchanged"
        )

    def groups(self) -> dict[str, tuple[str, ...]]:
        return {
            "new": self.new,
            "changed": self.changed,
            "renamed/moved": self.renamed,
            "removed": self.removed,
            "unchanged": self.unchanged,
        }


@dataclass(frozen=True)
class DeckPlan:
    deck: str
    notes: tuple[PlannedNote, ...]
    """Every note the package holds: the active ones, then removed ones still in grace."""
    media: tuple[MediaFile, ...]
    notetype_mod: int
    lock: Lock
    report: ChangeReport
    diagnostics: tuple[Diagnostic, ...]

    @cached_property
    def lock_text(self) -> str:
        """The lockfile this plan writes (computed once: it is also compared and hashed)."""
        return lock_to_json(self.lock)


def plan_deck(
    deck: str,
    notes: Iterable[NoteContent],
    previous: Lock | None,
    notetype_fingerprint: str,
    now: int,
    unreadable_files: frozenset[str] = frozenset(),
    removed_grace_days: int = 90,
) -> DeckPlan:
    """Plan the package of ``notes``; entries of ``unreadable_files`` are kept as they were."""
    notes = list(notes)
    namespace = previous.namespace if previous else deck
    entries = list(previous.entries) if previous else []
    kept = [e for e in entries if e.file in unreadable_files and e.active]
    candidates = [e for e in entries if not (e.file in unreadable_files and e.active)]
    matches, diagnostics = match_entries(notes, candidates)
    if previous and previous.deck != deck:
        diagnostics.append(_deck_renamed(previous.deck, deck))

    used_guids = {entry.guid for entry in entries}
    planned: list[PlannedNote] = []
    lock_entries: list[LockEntry] = list(kept)
    report: dict[Status, list[str]] = defaultdict(list)
    for note in notes:
        match = matches.get(note.key)
        if match is None:
            guid = _fresh_guid(namespace, note.key, used_guids)
            status: Status = "new"
            changed = now
        else:
            guid, entry = match.entry.guid, match.entry
            same_content = entry.content == note.content_hash and entry.active
            changed = entry.changed if same_content else max(now, _last_time(entry) + 1)
            if match.how == "renamed":
                status = "renamed"
            else:
                status = "unchanged" if same_content else "changed"
        used_guids.add(guid)
        previous_key = match.entry.key if match and match.entry.key != note.key else None
        planned.append(
            PlannedNote(
                guid=guid,
                key=note.key,
                fields=note.fields.with_id(guid),
                tags=note.tags,
                deck=note.deck,
                mod=changed,
                card_templates=note.card_templates,
                media=note.media,
                status=status,
                location=note.location,
                heading=note.heading,
                sort_field=note.sort_field,
                previous_key=previous_key,
            )
        )
        report[status].append(_describe(note.location, note.heading, previous_key))
        if match is not None and status == "unchanged" and _entry_holds(match.entry, note):
            lock_entries.append(match.entry)
            continue
        lock_entries.append(
            LockEntry(
                key=note.key,
                guid=guid,
                content=note.content_hash,
                body=note.body_hash,
                sketch=note.body_sketch,
                heading=note.heading,
                file=note.relpath,
                deck=note.deck,
                changed=changed,
            )
        )

    matched = {id(match.entry) for match in matches.values()}
    live_keys = {note.key for note in notes}
    for entry in candidates:
        if id(entry) in matched:
            continue
        if entry.key in live_keys:  # its place is taken by a section that continues another
            entry = replace(entry, key=f"{entry.key} (superseded: {entry.guid})")
        if entry.active:
            entry = replace(entry, removed=max(now, entry.changed + 1))
            report["removed"].append(_describe(entry.file, entry.heading, None))
        lock_entries.append(entry)
        assert entry.removed is not None
        if now - entry.removed <= removed_grace_days * _DAY:
            planned.append(_removed_note(entry))

    notetype_mod = now
    if previous and previous.notetype_fingerprint == notetype_fingerprint:
        notetype_mod = previous.notetype_mod
    elif previous:
        notetype_mod = max(now, previous.notetype_mod + 1)
    media = {item.name: item for note in planned for item in note.media}
    return DeckPlan(
        deck=deck,
        notes=tuple(planned),
        media=tuple(media[name] for name in sorted(media)),
        notetype_mod=notetype_mod,
        lock=Lock(
            deck=deck,
            namespace=namespace,
            notetype_fingerprint=notetype_fingerprint,
            notetype_mod=notetype_mod,
            entries=tuple(sorted(lock_entries, key=lambda e: e.key)),
        ),
        report=ChangeReport(
            new=tuple(report["new"]),
            changed=tuple(report["changed"]),
            renamed=tuple(report["renamed"]),
            removed=tuple(report["removed"]),
            unchanged=tuple(report["unchanged"]),
        ),
        diagnostics=tuple(diagnostics),
    )


def _entry_holds(entry: LockEntry, note: NoteContent) -> bool:
    """The entry already records ``note`` as it is: keep it instead of a copy."""
    return (
        entry.key == note.key
        and entry.body == note.body_hash
        and entry.sketch == note.body_sketch
        and entry.heading == note.heading
        and entry.file == note.relpath
        and entry.deck == note.deck
    )


def _fresh_guid(namespace: str, key: str, used: set[str]) -> str:
    guid = guid_for(namespace, key)
    salt = 1
    while guid in used:
        salt += 1
        guid = guid_for(namespace, f"{key}\x1f{salt}")
    return guid


def _last_time(entry: LockEntry) -> int:
    return max(entry.changed, entry.removed or 0)


def _removed_note(entry: LockEntry) -> PlannedNote:
    assert entry.removed is not None
    answer = (
        '<div class="fg-removed">This section was removed from '
        f"<code>{escape(entry.file)}</code>. Find every such note in Anki with "
        f"<code>tag:{REMOVED_TAG}</code> and delete them.</div>"
    )
    file = escape(entry.file)
    fields = NoteFields(
        prompt=escape(entry.heading),
        answer=answer,
        context=file,
        source=file,
        prompt_cjk="",
        prompt_latin="",
        terms="",
        id=entry.guid,
    )
    return PlannedNote(
        guid=entry.guid,
        key=entry.key,
        fields=fields,
        tags=(REMOVED_TAG,),
        deck=entry.deck,
        mod=entry.removed,
        card_templates=(RECALL,),
        media=(),
        status="removed",
        location=entry.file,
        heading=entry.heading,
        sort_field=sort_field(fields.prompt),
    )


def _describe(location: str, heading: str, previous_key: str | None) -> str:
    moved = f" (was {previous_key})" if previous_key else ""
    return f"{location}: {heading}{moved}"


def _deck_renamed(old: str, new: str) -> Diagnostic:
    return Diagnostic(
        LOCKFILE_PATH,
        0,
        "warning",
        f"deck name changed from '{old}' to '{new}': Anki matches decks by name and never "
        "moves existing cards, so notes imported before stay in the old deck",
    )
