"""Deck names as Anki imports them: levels joined by ``::``, none empty, not too deep.

Anki shows a level with no name as a blank deck (``A::::B``, ``::X``, ``X::``), and refuses a
whole package whose deck is nested deeper than it allows ("deck nesting level too deep"),
so a name given by the user is refused with a message, and a name flashgen makes (from
folders, a title, a category) leaves out empty levels and stops at the deepest level.
"""

import re

from flashgen.errors import ConfigError

SEPARATOR = "::"
MAX_DECK_DEPTH = 11
"""The most levels the ``anki`` package (26.9.3) imports: a 12-level deck fails the import
(measured: ``tests/test_deck_names.py``)."""
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class DeckNameError(ConfigError):
    """A deck name given by the user is not one Anki imports as written."""


def deck_name_problem(name: str) -> str | None:
    """Why ``name`` is not a deck name Anki imports as it is written, or None."""
    levels = name.split(SEPARATOR)
    if any(not level.strip() for level in levels):
        return "has an empty level ('::' at an end, or nothing between two '::'): name every level"
    if _CONTROL.search(name):
        return "holds a control character"
    if len(levels) > MAX_DECK_DEPTH:
        return f"is nested {len(levels)} levels deep: Anki imports at most {MAX_DECK_DEPTH}"
    return None


def normalize_deck_name(name: str) -> str:
    """``name`` with the spaces around each level removed (``A :: B`` is ``A::B`` in
    Anki); ``DeckNameError`` if it is not a deck name Anki imports."""
    problem = deck_name_problem(name)
    if problem:
        raise DeckNameError(f"deck name '{name}' {problem}")
    return SEPARATOR.join(level.strip() for level in name.split(SEPARATOR))


def subdeck(deck: str, *parts: str) -> str:
    """``deck`` with ``parts`` as deeper levels: a part may hold ``::`` itself; empty levels
    are left out, and levels past the deepest Anki imports are joined by ``/`` into the last."""
    levels = [_CONTROL.sub("", level).strip() for part in (deck, *parts)
              for level in part.split(SEPARATOR)]
    levels = [level for level in levels if level]
    if len(levels) > MAX_DECK_DEPTH:
        deepest = "/".join(levels[MAX_DECK_DEPTH - 1 :])
        levels = [*levels[: MAX_DECK_DEPTH - 1], deepest]
    return SEPARATOR.join(levels)
