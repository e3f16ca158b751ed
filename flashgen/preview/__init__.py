"""The preview site: every card of a deck as static HTML pages that work opened from disk.

``preview_cards`` renders each card the way Anki does (``flashgen.anki_template``: the
notetype's real templates and CSS, Anki's substitution rules); ``write_preview`` lays the
cards out as a folder::

    X.preview/index.html            every card: filter by deck, file, tag, card type; search;
                                    and the sections that made no card, with the reason
    X.preview/cards/ID.html         one card: front and back, night mode and phone width
    X.preview/cards/ID.front.html   one side, as Anki's reviewer shows it (ID.back.html too)
    X.preview/cards/flashgen-….png  the package's media, beside the sides as in Anki
    X.preview/cards/_assets/        the pages' scripts and styles, and MathJax 3 (offline)

The folder is written beside and swapped in whole, so an open page never sees half a site.
"""

import hashlib
import html
import os
import re
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import jinja2
from markupsafe import Markup

from flashgen.anki_template import CardContext, render_card
from flashgen.errors import WriteError
from flashgen.media import MediaFile
from flashgen.plan import DeckPlan
from flashgen.templates import CardTemplates

MARKER = ".flashgen-preview"
"""A file in every preview folder: only a folder holding it is ever replaced."""
ASSETS = "_assets"
MATHJAX_FILES = ("tex-chtml-full.js",)
MATHJAX_FONTS = "output/chtml/fonts/woff-v2"
SEARCH_TEXT_LIMIT = 300
"""Characters of a card's answer the index's search looks at (the index of a deck of
80,000 cards stays a page a browser opens)."""
_TAG = re.compile(r"<[^>]*>", re.DOTALL)
_MATH = re.compile(r"\\\(|\\\[")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


@dataclass(frozen=True)
class PreviewNote:
    """What the preview needs of one planned note."""

    guid: str
    fields: dict[str, str]
    """The note's fields by Anki name."""
    card_templates: tuple[str, ...]
    deck: str
    tags: tuple[str, ...]
    location: str
    """``path:line`` of the section, relative to the notes folder."""
    status: str
    """new, changed, renamed or unchanged: what this build does to the note."""


@dataclass(frozen=True)
class Skipped:
    """A section that made no card, and why."""

    source: str
    heading: str
    why: str


@dataclass(frozen=True)
class PreviewCard:
    id: str
    """The card's pages' file stem: the note's GUID and the card type's number."""
    guid: str
    template: str
    ord: int
    """1-based, as in Anki's ``card1`` class."""
    css: str
    """The notetype's stylesheet (one string shared by every card)."""
    question_html: str
    """The front, without the stylesheet."""
    answer_html: str
    prompt_text: str
    context_text: str
    source: str
    file: str
    deck: str
    tags: tuple[str, ...]
    status: str
    search_text: str

    @property
    def question(self) -> str:
        """Exactly what Anki's ``card.question()`` gives: ``<style>css</style>`` and the front."""
        return f"<style>{self.css}</style>{self.question_html}"

    @property
    def answer(self) -> str:
        return f"<style>{self.css}</style>{self.answer_html}"


def preview_notes(plan: DeckPlan) -> list[PreviewNote]:
    """The notes a package of this plan would give Anki, but those removed from the notes."""
    return [
        PreviewNote(
            guid=note.guid,
            fields=note.fields.by_anki_name(),
            card_templates=note.card_templates,
            deck=note.deck,
            tags=note.tags,
            location=note.location,
            status=note.status,
        )
        for note in plan.notes
        if note.status != "removed"
    ]


def preview_cards(notes: Iterable[PreviewNote], templates: CardTemplates) -> list[PreviewCard]:
    """Every card of the notes, rendered as Anki renders it."""
    by_name = {template.name: (number, template) for number, template in
               enumerate(templates.templates, start=1)}
    cards = []
    for note in notes:
        prompt = plain_text(note.fields.get("Prompt", ""))
        context = plain_text(note.fields.get("Context", ""))
        for name in note.card_templates:
            number, template = by_name[name]
            rendered = render_card(
                template.front,
                template.back,
                templates.css,
                CardContext(fields=note.fields, card=name, deck=note.deck, tags=note.tags),
            )
            answer = plain_text(note.fields.get("Answer", ""))[:SEARCH_TEXT_LIMIT]
            cards.append(
                PreviewCard(
                    id=f"{note.guid}-{number}",
                    guid=note.guid,
                    template=name,
                    ord=number,
                    css=templates.css,
                    question_html=rendered.question_html,
                    answer_html=rendered.answer_html,
                    prompt_text=prompt,
                    context_text=context,
                    source=note.location,
                    file=note.location.rsplit(":", 1)[0],
                    deck=note.deck,
                    tags=note.tags,
                    status=note.status,
                    search_text=" ".join(f"{prompt} {context} {answer}".lower().split()),
                )
            )
    return cards


def plain_text(field: str) -> str:
    return " ".join(html.unescape(_TAG.sub(" ", field)).split())


def preview_folder(package: Path) -> Path:
    """``X.apkg`` → ``X.preview``: where a deck's preview goes unless told otherwise."""
    return package.with_name(package.name.removesuffix(".apkg") + ".preview")


def write_preview(
    folder: Path,
    title: str,
    cards: Sequence[PreviewCard],
    media: Iterable[MediaFile],
    skipped: Sequence[Skipped] = (),
    built: str = "",
    live: bool = False,
) -> None:
    """Write the site into ``folder``, replacing the preview that was there (and nothing
    else: a folder that is not a flashgen preview is refused)."""
    folder = folder.resolve()
    if folder.exists() and not (folder / MARKER).is_file():
        raise WriteError(f"{folder} exists and is not a flashgen preview: not replaced")
    staging = folder.with_name(f".{folder.name}.tmp-{os.getpid()}")
    try:
        if staging.exists():
            shutil.rmtree(staging)
        _write_site(staging, title, cards, media, skipped, built, live)
        _swap_in(staging, folder)
    except OSError as exc:
        raise WriteError(f"cannot write the preview {folder}: {exc}") from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _write_site(
    root: Path,
    title: str,
    cards: Sequence[PreviewCard],
    media: Iterable[MediaFile],
    skipped: Sequence[Skipped],
    built: str,
    live: bool,
) -> None:
    pages = root / "cards"
    assets = pages / ASSETS
    assets.mkdir(parents=True)
    (root / MARKER).write_text("Written by flashgen preview; replaced by the next one.\n")
    _copy_assets(assets)
    for item in media:
        _link_or_copy(item.path, pages / item.name)
    env = _environment()
    lang = "zh" if any(_CJK.search(card.prompt_text) for card in cards[:50]) else "en"
    side_page, card_page = env.get_template("side.html.j2"), env.get_template("card.html.j2")
    digest = hashlib.sha256()
    stylesheets = _Stylesheets(assets)
    for index, card in enumerate(cards):
        for side, text in (("front", card.question_html), ("back", card.answer_html)):
            page = side_page.render(
                side=side, title=card.prompt_text, ord=card.ord,
                html=Markup(stylesheets.link(card.css) + text), math=has_math(text),
            )
            (pages / f"{card.id}.{side}.html").write_text(page, encoding="utf-8")
            digest.update(page.encode())
        (pages / f"{card.id}.html").write_text(
            card_page.render(
                card=card, lang=lang, live=live,
                previous=cards[index - 1].id if index else None,
                next=cards[index + 1].id if index + 1 < len(cards) else None,
            ),
            encoding="utf-8",
        )
    index_page = env.get_template("index.html.j2").render(
        title=title, cards=cards, lang=lang, live=live, built=built, skipped=skipped,
        notes=len({card.guid for card in cards}),
        files=sorted({card.file for card in cards}),
        decks=sorted({card.deck for card in cards}),
        tags=sorted({tag for card in cards for tag in card.tags}),
        types=list(dict.fromkeys(card.template for card in cards)),
    )
    (root / "index.html").write_text(index_page, encoding="utf-8")
    digest.update(index_page.encode())
    (assets / "build.js").write_text(f'window.flashgenBuild = "{digest.hexdigest()[:16]}";\n')


class _Stylesheets:
    """Anki puts the notetype's CSS before each side as ``<style>…</style>``; in the site that
    is a link to one copy (tens of kB once, not on every one of many thousand pages)."""

    def __init__(self, assets: Path) -> None:
        self.assets = assets
        self.names: dict[str, str] = {}

    def link(self, css: str) -> str:
        name = self.names.get(css)
        if name is None:
            name = f"card-{hashlib.sha256(css.encode()).hexdigest()[:12]}.css"
            (self.assets / name).write_text(css, encoding="utf-8")
            self.names[css] = name
        return f'<link rel="stylesheet" href="{ASSETS}/{name}">'


def has_math(html_text: str) -> bool:
    """The side holds ``\\(…\\)`` or ``\\[…\\]``: the only math Anki typesets."""
    return _MATH.search(html_text) is not None


def mathjax_scripts() -> str:
    """The ``<head>`` scripts that typeset a page's math as a preview side does, from the
    installed files (for tools that render card pages outside a preview folder); the page's
    ``<html>`` needs ``data-math="yes"``."""
    head = resources.files(__package__) / "assets" / "side-head.js"
    mathjax = resources.files("mathjax") / "static" / "mathjax" / "es5" / MATHJAX_FILES[0]
    return "".join(
        f'<script src="{Path(str(script)).as_uri()}"></script>' for script in (head, mathjax)
    )


def _swap_in(staging: Path, folder: Path) -> None:
    if not folder.exists():
        staging.rename(folder)
        return
    old = folder.with_name(f".{folder.name}.old-{os.getpid()}")
    folder.rename(old)
    staging.rename(folder)
    shutil.rmtree(old, ignore_errors=True)


def _copy_assets(assets: Path) -> None:
    packaged = resources.files(__package__) / "assets"
    for entry in packaged.iterdir():
        if entry.is_file():
            (assets / entry.name).write_bytes(entry.read_bytes())
    mathjax = resources.files("mathjax") / "static" / "mathjax" / "es5"
    target = assets / "mathjax"
    for name in MATHJAX_FILES:
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        (target / name).write_bytes((mathjax / name).read_bytes())
    fonts = target / MATHJAX_FONTS
    fonts.mkdir(parents=True)
    for font in (mathjax / MATHJAX_FONTS).iterdir():
        (fonts / font.name).write_bytes(font.read_bytes())


def _link_or_copy(source: Path, target: Path) -> None:
    """Media as a hard link where the file system allows it (a big vault's images are not
    copied on every preview), else a copy."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader(__package__, "pages"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
