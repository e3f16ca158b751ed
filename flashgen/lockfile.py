"""The lockfile beside a package: each note's key, GUID, content hash and change time.

It is what lets a rebuild keep every GUID (and so every card's review history) through
renames and moves, set each note's ``mod`` to the time its content last changed, and keep
removed sections findable. It is meant to be committed with the notes, so it is plain JSON
with a stable order, one note per line (a small edit is a small diff): two builds of the
same notes write the same bytes.
"""

import json
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from flashgen.errors import ConfigError

LOCK_VERSION = 1


@dataclass(frozen=True)
class LockEntry:
    key: str
    guid: str
    content: str
    """Hash of the note's fields, tags and deck: a change means Anki must update it."""
    body: str
    """Hash of the section's Markdown body, for rename and move matching."""
    sketch: str
    """MinHash of the body, for small-edit matching."""
    heading: str
    file: str
    deck: str
    changed: int
    """Unix time the note's content last changed: the note's ``mod`` in the package."""
    removed: int | None = None
    """Unix time the section disappeared from the notes; None while it is active."""

    @property
    def active(self) -> bool:
        return self.removed is None


@dataclass(frozen=True)
class Lock:
    deck: str
    namespace: str
    """What GUIDs are derived in: the deck name of the first build, kept across renames."""
    notetype_fingerprint: str
    notetype_mod: int
    entries: tuple[LockEntry, ...]


def load_lock(path: Path) -> Lock | None:
    """The lockfile at ``path``, or None if there is none yet."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ConfigError(f"cannot read lockfile {path}: {exc.strerror}") from exc
    try:
        data = json.loads(text)
        if data.get("flashgen_lock") != LOCK_VERSION:
            raise ConfigError(f"{path}: unsupported lockfile version {data.get('flashgen_lock')}")
        notetype = data["notetype"]
        return Lock(
            deck=str(data["deck"]),
            namespace=str(data["namespace"]),
            notetype_fingerprint=str(notetype["fingerprint"]),
            notetype_mod=int(notetype["mod"]),
            entries=tuple(_entry(item) for item in data["notes"]),
        )
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ConfigError(
            f"{path}: lockfile is damaged ({exc}); restore it from git, or delete it to "
            "derive GUIDs from the section keys again"
        ) from exc


def _entry(item: dict[str, Any]) -> LockEntry:
    removed = item.get("removed")
    return LockEntry(
        key=str(item["key"]),
        guid=str(item["guid"]),
        content=str(item["content"]),
        body=str(item["body"]),
        sketch=str(item.get("sketch", "")),
        heading=str(item["heading"]),
        file=str(item["file"]),
        deck=str(item["deck"]),
        changed=int(item["changed"]),
        removed=int(removed) if removed is not None else None,
    )


_ENTRY_FIELDS = tuple(field.name for field in fields(LockEntry))


def lock_to_json(lock: Lock) -> str:
    notes = []
    for entry in sorted(lock.entries, key=lambda e: e.key):
        item = {name: getattr(entry, name) for name in _ENTRY_FIELDS}
        if entry.removed is None:
            del item["removed"]
        notes.append(item)
    header = {
        "deck": lock.deck,
        "flashgen_lock": LOCK_VERSION,
        "namespace": lock.namespace,
        "notetype": {"fingerprint": lock.notetype_fingerprint, "mod": lock.notetype_mod},
    }
    lines = [
        f" {json.dumps(key, ensure_ascii=False)}: {json.dumps(value, ensure_ascii=False)},"
        for key, value in header.items()
    ]
    encode = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode
    entries = ",\n".join("  " + encode(item) for item in notes)
    return "{\n" + "\n".join(lines) + '\n "notes": [\n' + entries + "\n ]\n}\n"
