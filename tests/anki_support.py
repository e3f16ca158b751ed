"""Import packages into a real Anki collection (the ``anki`` package from PyPI) and read back."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from anki.collection import (
    Collection,
    ImportAnkiPackageOptions,
    ImportAnkiPackageRequest,
)
from anki.decks import DeckId


@dataclass(frozen=True)
class AnkiNote:
    guid: str
    notetype: str
    fields: dict[str, str]
    tags: tuple[str, ...]
    decks: tuple[str, ...]
    card_templates: tuple[str, ...]
    mod: int
    reps: int
    """Review count over all the note's cards: review history survives if this stays."""


@contextmanager
def collection(path: Path) -> Iterator[Collection]:
    col = Collection(str(path))
    try:
        yield col
    finally:
        col.close()


def import_package(col: Collection, package: Path, **options: Any) -> Any:
    """What Anki desktop's File → Import does, with its default options unless given."""
    request = ImportAnkiPackageRequest(
        package_path=str(package), options=ImportAnkiPackageOptions(**options)
    )
    return col.import_anki_package(request).log


def notes(col: Collection) -> dict[str, AnkiNote]:
    """Every note in the collection, by GUID."""
    result: dict[str, AnkiNote] = {}
    for note_id in col.find_notes(""):
        note = col.get_note(note_id)
        cards = [col.get_card(card_id) for card_id in note.card_ids()]
        notetype = note.note_type()
        assert notetype is not None
        result[note.guid] = AnkiNote(
            guid=note.guid,
            notetype=notetype["name"],
            fields={name: str(value) for name, value in note.items()},
            tags=tuple(sorted(note.tags)),
            decks=tuple(sorted({col.decks.name(card.did) for card in cards})),
            card_templates=tuple(sorted(str(card.template()["name"]) for card in cards)),
            mod=note.mod,
            reps=sum(card.reps for card in cards),
        )
    return result


def review_all(col: Collection, ease: Literal[1, 2, 3, 4] = 3) -> int:
    """Answer every card that is due now, as a user studying would; returns how many."""
    answered = 0
    for deck in col.decks.all_names_and_ids():
        col.decks.select(DeckId(deck.id))
        while (card := col.sched.getCard()) is not None:
            col.sched.answerCard(card, ease)
            answered += 1
    return answered


def media_files(col: Collection) -> set[str]:
    folder = Path(col.media.dir())
    return {p.name for p in folder.iterdir() if p.is_file()}
