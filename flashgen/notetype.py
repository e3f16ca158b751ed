"""The one Anki notetype flashgen writes, and the parts of it that are frozen forever.

Anki treats any change of a notetype's field names or template names as a new schema: the
importer then adds a second notetype and skips every existing note as "conflicting". So the
id, the field list and the template names below must never change after the first release
(tests/test_notetype.py fails if they do). CSS and template text may change: that updates
the notetype in place.
"""

import hashlib
import re
from dataclasses import dataclass, replace
from typing import Final

MODEL_ID: Final = 1742196601
MODEL_NAME: Final = "flashgen"

FIELDS: Final = (
    "Prompt",  # the heading as HTML: the question, and the sort field
    "Answer",  # the section's own body as HTML
    "Context",  # breadcrumb: file title › ancestor headings (HTML)
    "Source",  # the note file the section lives in: "path/to/note.md" (plain text)
    "PromptCJK",  # the CJK names of a bilingual heading (HTML), else empty
    "PromptLatin",  # the Latin names of a bilingual heading (HTML), else empty
    "Terms",  # gate for the two term cards: non-empty when they are wanted
    "Id",  # the note's GUID as plain text, for Anki searches and AnkiConnect
)
SORT_FIELD_INDEX: Final = 0


@dataclass(frozen=True)
class NoteFields:
    """One note's fields by name; ``in_anki_order`` lays them out as ``FIELDS`` (a test checks
    that the two lists agree), so nothing else depends on the order of Anki's fields."""

    prompt: str
    answer: str
    context: str
    source: str
    prompt_cjk: str
    prompt_latin: str
    terms: str
    id: str = ""
    """The note's GUID; empty until the plan gives the note one."""

    def in_anki_order(self) -> tuple[str, ...]:
        return (*self.content(), self.id)

    def by_anki_name(self) -> dict[str, str]:
        return dict(zip(FIELDS, self.in_anki_order(), strict=True))

    def content(self) -> tuple[str, ...]:
        """Every field but ``Id``: what the note's content hash covers."""
        return (
            self.prompt, self.answer, self.context, self.source,
            self.prompt_cjk, self.prompt_latin, self.terms,
        )

    def with_id(self, guid: str) -> "NoteFields":
        return replace(self, id=guid)

RECALL: Final = "Recall"
CJK_TO_LATIN: Final = "CJK → Latin"
LATIN_TO_CJK: Final = "Latin → CJK"
TEMPLATE_NAMES: Final = (RECALL, CJK_TO_LATIN, LATIN_TO_CJK)

_TAGS = re.compile(r"<[^>]*>")


def sort_field(prompt_html: str) -> tuple[str, int]:
    """What Anki stores to sort and check a note by: the prompt without markup, and the
    checksum Anki computes from it (the first 8 hex digits of its SHA-1)."""
    text = _TAGS.sub("", prompt_html)
    return text, int(hashlib.sha1(text.encode()).hexdigest()[:8], 16)
