"""Pygments' regex lexers, made to try only the rules that can match the next character.

A Pygments ``RegexLexer`` tries every rule of its current state, in order, at every position
until one matches: a C or Python lexer calls 20 to 40 regular expressions that fail for each
token it emits, and those failed calls are most of the time a cold build spends highlighting.
Most rules can only start with a few characters (``0[xX]…`` with ``0``, a keyword list with
its first letters). This module works out, from each rule's parsed pattern, a one-character
pattern that every match must start with, and for each state and next character keeps just
the rules whose start can match it, in their order. The rules themselves, their order, their
actions and state changes are Pygments' own, so the tokens are the same ones
(``tests/test_lexing.py`` compares them on every language notes use).

A rule whose start cannot be worked out (a back-reference, an empty match, anything unknown)
is tried at every position, as Pygments does. Only lexers prepared by :func:`accelerated`
take the new path; every other ``RegexLexer`` runs as before.
"""

import importlib
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from pygments.lexer import Lexer, RegexLexer
from pygments.token import Error, Whitespace, _TokenType

_ORIGINAL = RegexLexer.get_tokens_unprocessed
_TABLE = "_flashgen_rules"

_sre: Any = importlib.import_module("re._constants")  # the standard library's own parser
_sre_parse: Any = importlib.import_module("re._parser")  # of regular expressions (3.11+)

Rule = tuple[Callable[[str, int], Any], Any, Any]
"""What Pygments keeps per rule: ``pattern.match``, the action, the new state."""


def accelerated(lexer: Lexer) -> Lexer:
    """``lexer``, switched to the rule table of this module when it is a plain regex lexer."""
    if isinstance(lexer, RegexLexer):
        setattr(lexer, _TABLE, _RuleTable(lexer._tokens))  # type: ignore[attr-defined]
    return lexer


class _RuleTable:
    """Per state, the rules and the one-character pattern each one's matches start with."""

    def __init__(self, tokendefs: dict[str, Sequence[Rule]]) -> None:
        self.states = {
            state: [(_first_character(rule[0]), rule) for rule in rules]
            for state, rules in tokendefs.items()
        }
        self.by_character: dict[tuple[str, str], tuple[Rule, ...]] = {}

    def rules(self, state: str, character: str) -> tuple[Rule, ...]:
        found = tuple(
            rule
            for start, rule in self.states[state]
            if start is None or start.match(character)
        )
        self.by_character[state, character] = found
        return found


def _tokens_unprocessed(
    lexer: RegexLexer, text: str, stack: Iterable[str] = ("root",)
) -> Iterator[tuple[int, Any, str]]:
    """``RegexLexer.get_tokens_unprocessed``, trying only the rules that can match here."""
    table: _RuleTable | None = lexer.__dict__.get(_TABLE)
    if table is None:
        yield from _ORIGINAL(lexer, text, stack)
        return
    known = table.by_character
    position, end = 0, len(text)
    states = list(stack)
    while True:
        character = text[position] if position < end else ""
        rules = known.get((states[-1], character))
        if rules is None:
            rules = table.rules(states[-1], character)
        for match_at, action, new_state in rules:
            match = match_at(text, position)
            if not match:
                continue
            if action is not None:
                if type(action) is _TokenType:
                    yield position, action, match.group()
                else:
                    yield from action(lexer, match)
            position = match.end()
            if new_state is not None:
                _change_state(states, new_state)
            break
        else:
            if position >= end:
                return
            if text[position] == "\n":
                states = ["root"]
                yield position, Whitespace, "\n"
            else:
                yield position, Error, text[position]
            position += 1


def _change_state(states: list[str], new_state: Any) -> None:
    """Pygments' state transitions: a tuple of names, ``#pop`` and ``#push``, or a depth."""
    if isinstance(new_state, tuple):
        for name in new_state:
            if name == "#pop":
                if len(states) > 1:
                    states.pop()
            elif name == "#push":
                states.append(states[-1])
            else:
                states.append(name)
    elif isinstance(new_state, int):
        if abs(new_state) >= len(states):
            del states[1:]
        else:
            del states[new_state:]
    elif new_state == "#push":
        states.append(states[-1])
    else:  # pragma: no cover - Pygments rejects other values when it builds the lexer
        raise ValueError(f"unknown lexer state change: {new_state!r}")


RegexLexer.get_tokens_unprocessed = _tokens_unprocessed  # type: ignore[method-assign,assignment]


# --------------------------------------------------------------------------------------------
# The characters a pattern's match can start with


def _first_character(match_at: Callable[[str, int], Any]) -> re.Pattern[str] | None:
    """A pattern that matches the first character of every non-empty match of the rule's
    pattern, or None when the rule may match anywhere (empty matches, unknown parts)."""
    pattern = getattr(match_at, "__self__", None)
    if not isinstance(pattern, re.Pattern) or not isinstance(pattern.pattern, str):
        return None
    try:
        tree = _sre_parse.parse(pattern.pattern, pattern.flags)
        starts, can_be_empty = _sequence(list(tree))
    except (re.error, _Unknown, RecursionError):
        return None
    if can_be_empty or not starts:
        return None
    return re.compile("|".join(starts), pattern.flags & ~re.VERBOSE)


class _Unknown(Exception):
    """A part of a pattern whose first character this module does not work out."""


def _sequence(items: list[tuple[Any, Any]]) -> tuple[list[str], bool]:
    """One-character patterns a match of the sequence starts with, and whether it can be
    empty."""
    starts: list[str] = []
    for op, value in items:
        item_starts, can_be_empty = _item(op, value)
        starts += item_starts
        if not can_be_empty:
            return starts, False
    return starts, True


def _item(op: Any, value: Any) -> tuple[list[str], bool]:
    if op is _sre.LITERAL:
        return [re.escape(chr(value))], False
    if op is _sre.NOT_LITERAL:
        return [f"[^{re.escape(chr(value))}]"], False
    if op is _sre.ANY:
        return ["."], False
    if op is _sre.IN:
        return [_character_class(value)], False
    if op is _sre.SUBPATTERN:
        _, add_flags, del_flags, inside = value
        if add_flags or del_flags:  # (?i:…): the first character is matched differently
            raise _Unknown(op)
        return _sequence(list(inside))
    if op is _sre.ATOMIC_GROUP:
        return _sequence(list(value))
    if op is _sre.BRANCH:
        starts: list[str] = []
        can_be_empty = False
        for branch in value[1]:
            branch_starts, branch_empty = _sequence(list(branch))
            starts += branch_starts
            can_be_empty = can_be_empty or branch_empty
        return starts, can_be_empty
    if op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT):
        low, _, repeated = value
        starts, can_be_empty = _sequence(list(repeated))
        return starts, can_be_empty or low == 0
    if op in (_sre.AT, _sre.ASSERT, _sre.ASSERT_NOT):
        return [], True  # zero width: narrows where a match starts, consumes nothing
    raise _Unknown(op)


_CATEGORIES = {
    "CATEGORY_DIGIT": r"\d",
    "CATEGORY_NOT_DIGIT": r"\D",
    "CATEGORY_SPACE": r"\s",
    "CATEGORY_NOT_SPACE": r"\S",
    "CATEGORY_WORD": r"\w",
    "CATEGORY_NOT_WORD": r"\W",
}


def _character_class(parts: list[tuple[Any, Any]]) -> str:
    inside = []
    for kind, value in parts:
        if kind is _sre.NEGATE:
            inside.append("^")
        elif kind is _sre.LITERAL:
            inside.append(_class_escape(chr(value)))
        elif kind is _sre.RANGE:
            inside.append(f"{_class_escape(chr(value[0]))}-{_class_escape(chr(value[1]))}")
        elif kind is _sre.CATEGORY and getattr(value, "name", "") in _CATEGORIES:
            inside.append(_CATEGORIES[value.name])
        else:
            raise _Unknown(kind)
    return f"[{''.join(inside)}]"


def _class_escape(character: str) -> str:
    return f"\\U{ord(character):08x}"
