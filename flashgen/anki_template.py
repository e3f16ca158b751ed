"""Anki's card template language, so a card can be shown without Anki.

What Anki does when it shows a card (``card.question()`` / ``card.answer()``): the notetype's
front template is filled from the note's fields, the back template likewise with
``{{FrontSide}}`` standing for the rendered front, and each side is prefixed with the
notetype's stylesheet as ``<style>…</style>``. The syntax:

- ``{{Field}}`` is the field's HTML, as stored; ``{{text:Field}}`` the same without HTML tags.
  Filters stand before the name, separated by ``:``, and apply from the name outwards.
- ``{{#Field}}…{{/Field}}`` keeps its inside only when the field is not empty,
  ``{{^Field}}…{{/Field}}`` only when it is. A field is empty when it holds nothing but
  whitespace and ``<br>``/``<div>`` tags.
- Special names: ``FrontSide`` (back only), ``Tags``, ``Type`` (the notetype), ``Deck``,
  ``Subdeck``, ``Card`` (the card type's name), ``CardFlag``.

A tag Anki would refuse (an unclosed or mismatched section, an unknown field) raises
``TemplateError``: the preview must not show a card Anki would not.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass

from flashgen.errors import TemplateError

_TAG = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
_EMPTY_FIELD = re.compile(r"^(?:\s|</?(?:br|div)\s*/?>)*$", re.IGNORECASE)
_HTML_TAG = re.compile(r"<[^>]*>", re.DOTALL)


@dataclass(frozen=True)
class CardContext:
    """What a card's templates can refer to besides the note's fields."""

    fields: Mapping[str, str]
    """The note's fields by name."""
    card: str
    """The card type's (template's) name."""
    deck: str
    tags: tuple[str, ...]
    notetype: str = "flashgen"
    flag: int = 0


@dataclass(frozen=True)
class RenderedCard:
    question: str
    """The front as ``card.question()`` returns it: ``<style>css</style>`` then the HTML."""
    answer: str
    """The back as ``card.answer()`` returns it."""
    question_html: str
    """The front without the stylesheet."""
    answer_html: str


def render_card(front: str, back: str, css: str, context: CardContext) -> RenderedCard:
    question = render_template(front, context, front_side=None)
    answer = render_template(back, context, front_side=question)
    style = f"<style>{css}</style>"
    return RenderedCard(style + question, style + answer, question, answer)


def front_is_empty(front: str, context: CardContext) -> bool:
    """Anki makes no card of a card type whose front renders to nothing but whitespace."""
    return not render_template(front, context, front_side=None).strip()


def field_is_empty(text: str) -> bool:
    return _EMPTY_FIELD.match(text) is not None


def render_template(template: str, context: CardContext, front_side: str | None) -> str:
    values = _values(context, front_side)
    out: list[str] = []
    # Each open section: its field, whether it is negated, whether output is on around it.
    sections: list[tuple[str, bool, bool]] = []
    showing = True
    position = 0
    for match in _TAG.finditer(template):
        if showing:
            out.append(template[position : match.start()])
        position = match.end()
        tag = match.group(1).strip()
        if tag[:1] in ("#", "^"):
            name = tag[1:].strip()
            _require(name, values)
            shown = not field_is_empty(values[name])
            sections.append((name, tag[0] == "^", showing))
            showing = showing and (shown != (tag[0] == "^"))
        elif tag[:1] == "/":
            name = tag[1:].strip()
            if not sections or sections[-1][0] != name:
                expected = f"{{{{/{sections[-1][0]}}}}}" if sections else "no closing tag"
                raise TemplateError(f"card template: found {{{{/{name}}}}}, expected {expected}")
            showing = sections.pop()[2]
        elif showing:
            out.append(_replacement(tag, values))
    if sections:
        raise TemplateError(f"card template: {{{{#{sections[-1][0]}}}}} is never closed")
    if showing:
        out.append(template[position:])
    return "".join(out)


def _values(context: CardContext, front_side: str | None) -> dict[str, str]:
    values = dict(context.fields)
    values.update(
        {
            "Tags": " ".join(context.tags),
            "Type": context.notetype,
            "Deck": context.deck,
            "Subdeck": context.deck.rsplit("::", 1)[-1],
            "Card": context.card,
            "CardFlag": f"flag{context.flag}" if context.flag else "",
            "FrontSide": front_side or "",
        }
    )
    return values


def _replacement(tag: str, values: Mapping[str, str]) -> str:
    *filters, name = (part.strip() for part in tag.split(":"))
    _require(name, values)
    text = values[name]
    for name_of_filter in reversed(filters):
        if name_of_filter == "text":
            text = _HTML_TAG.sub("", text)
        else:
            raise TemplateError(
                f"card template: the preview cannot apply filter {name_of_filter!r}"
            )
    return text


def _require(name: str, values: Mapping[str, str]) -> None:
    if name not in values:
        raise TemplateError(f"card template refers to an unknown field {{{{{name}}}}}")
