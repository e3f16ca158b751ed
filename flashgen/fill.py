"""Stage 5: fill each rendered section into the content of one Anki note (all but its GUID)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from html import escape
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from flashgen.config import DeckConfig
from flashgen.decknames import subdeck
from flashgen.identity import normalized_body, section_key, sketch, text_hash
from flashgen.media import MediaFile
from flashgen.notetype import CJK_TO_LATIN, LATIN_TO_CJK, RECALL, NoteFields, sort_field
from flashgen.read import Document, anki_tag

if TYPE_CHECKING:  # unpickling cached notes must not import the renderer
    from flashgen.render import RenderedFile, RenderedSection

TERMS_ON = "y"


@dataclass(frozen=True)
class NoteContent:
    key: str
    relpath: str
    line: int
    heading: str
    fields: NoteFields
    """Every field but ``Id``, which the plan fills in."""
    tags: tuple[str, ...]
    deck: str
    media: tuple[MediaFile, ...]
    body_hash: str
    """Hash of the section's own Markdown body: what rename and move matching compares."""
    body_sketch: str
    """MinHash of the body: what small-edit matching compares."""
    card_templates: tuple[str, ...]
    content_hash: str
    """Changes exactly when the note Anki would store changes (fields, tags, deck)."""
    sort_field: tuple[str, int]
    """The sort text and checksum Anki keeps (see ``notetype.sort_field``)."""

    @property
    def location(self) -> str:
        return f"{self.relpath}:{self.line}"


def fill_notes(rendered: RenderedFile, config: DeckConfig) -> tuple[NoteContent, ...]:
    document = rendered.document
    deck = deck_for(document, config)
    notes: list[NoteContent] = []
    keys: set[str] = set()
    for item in rendered.sections:
        section = item.section
        key = _unique_key(section.relpath, section.heading_path, section.occurrence, keys)
        body = normalized_body(section.body)
        terms = TERMS_ON if config.term_cards and item.prompt.bilingual else ""
        fields = NoteFields(
            prompt=item.prompt_html,
            answer=item.answer_html,
            context=item.context_html,
            source=escape(section.relpath),  # the card shows it as HTML: a name may hold "<"
            prompt_cjk=item.cjk_html,
            prompt_latin=item.latin_html,
            terms=terms,
        )
        tags = _tags(document, item, config)
        notes.append(
            NoteContent(
                key=key,
                relpath=section.relpath,
                line=section.line,
                heading=section.heading,
                fields=fields,
                tags=tags,
                deck=deck,
                media=item.media,
                body_hash=text_hash(body),
                body_sketch=sketch(body),
                card_templates=(RECALL, CJK_TO_LATIN, LATIN_TO_CJK) if terms else (RECALL,),
                content_hash=content_hash(fields, tags, deck),
                sort_field=sort_field(fields.prompt),
            )
        )
    return tuple(notes)


def content_hash(fields: NoteFields, tags: tuple[str, ...], deck: str) -> str:
    payload = json.dumps([fields.content(), tags, deck], ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()[:24]


def _unique_key(
    relpath: str, heading_path: tuple[str, ...], occurrence: int, keys: set[str]
) -> str:
    key = section_key(relpath, heading_path, occurrence)
    while key in keys:
        occurrence += 1
        key = section_key(relpath, heading_path, occurrence)
    keys.add(key)
    return key


def _tags(document: Document, item: RenderedSection, config: DeckConfig) -> tuple[str, ...]:
    tags = list(document.tags)
    if config.inline_tags:
        tags.extend(anki_tag(tag) for tag in item.inline_tags)
    return tuple(dict.fromkeys(tags))


def deck_for(document: Document, config: DeckConfig) -> str:
    """Frontmatter ``deck`` wins; else the deck name, with a subdeck when asked for."""
    if document.deck:
        return document.deck
    path = PurePosixPath(document.source.relpath)
    if config.subdecks == "folder" and path.parent.parts:
        return subdeck(config.name, *path.parent.parts)
    if config.subdecks == "file":
        return subdeck(config.name, *path.parent.parts, document.title)
    if config.subdecks == "category" and document.categories:
        return subdeck(config.name, document.categories[0])
    return config.name
