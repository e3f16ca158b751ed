"""Emphasis next to Chinese, Japanese and Korean text, as note editors show it.

CommonMark's flanking rules treat full-width punctuation like ASCII punctuation, so
``**吴恩达：**你好`` stays four asterisks. The CommonMark CJK-friendly amendments (the
draft behind markdown-it's ``markdown-it-cjk-friendly``) relax them: a delimiter run next to a
CJK character may open or close where one next to a Latin letter may not. Here the ``*``,
``_`` and ``~~`` rules run as usual and the flags of the delimiters they push are then set
by the amended rules; a run with no CJK character beside it is left exactly as CommonMark
has it.

(The one markdown-it-py port, ``mdit-py-cjk-friendly``, replaces ``StateInline.scanDelims``
for every parser in the process and requires markdown-it-py < 4: not used.)
"""

import unicodedata
from collections.abc import Callable

from markdown_it import MarkdownIt
from markdown_it.common.utils import isMdAsciiPunct, isPunctChar, isWhiteSpace
from markdown_it.rules_inline import StateInline, emphasis, strikethrough

InlineRule = Callable[[StateInline, bool], bool]

_HANGUL = ((0x1100, 0x11FF), (0x3130, 0x318F), (0xA960, 0xA97F), (0xAC00, 0xD7FF))
_EMOJI = ((0x2300, 0x2BFF), (0x1F000, 0x1FAFF))
"""Wide characters that are shown as emoji by default: not CJK text."""
_VARIATION_SELECTORS = range(0xFE00, 0xFE0F)
"""Non-emoji variation selectors: the character before one decides its class."""
_IDEOGRAPHIC_VARIATION_SELECTORS = range(0xE0100, 0xE01F0)


def plugin(md: MarkdownIt) -> None:
    md.inline.ruler.at("emphasis", cjk_friendly(emphasis.tokenize))
    md.inline.ruler.at("strikethrough", cjk_friendly(strikethrough.tokenize))


def is_cjk_character(char: str) -> bool:
    code = ord(char)
    if any(low <= code <= high for low, high in _HANGUL):
        return True
    if unicodedata.east_asian_width(char) not in ("W", "F", "H"):
        return False
    return not any(low <= code <= high for low, high in _EMOJI)


def cjk_friendly(tokenize: InlineRule) -> InlineRule:
    """``tokenize``, a delimiter rule, with the flags of the runs it pushes amended."""

    def rule(state: StateInline, silent: bool) -> bool:
        start, first = state.pos, len(state.delimiters)
        if not tokenize(state, silent):
            return False
        pushed = state.delimiters[first:]
        if pushed:
            flags = _flanking(state, start, state.pos)
            if flags is not None:
                for delimiter in pushed:
                    delimiter.open, delimiter.close = flags
        return True

    return rule


def _flanking(state: StateInline, start: int, end: int) -> tuple[bool, bool] | None:
    """(can open, can close) of the run ``src[start:end]`` by the CJK-friendly rules; None
    when no CJK character is next to it (CommonMark's own answer stands)."""
    src = state.src
    before_index = start - 1
    if before_index > 0 and ord(src[before_index]) in _VARIATION_SELECTORS:
        before_index -= 1
    before = src[before_index] if before_index >= 0 else " "
    after = src[end] if end < state.posMax else " "
    ideographic_before = ord(before) in _IDEOGRAPHIC_VARIATION_SELECTORS
    cjk_before = ideographic_before or is_cjk_character(before)
    cjk_after = is_cjk_character(after)
    if not (cjk_before or cjk_after):
        return None
    space_before, space_after = isWhiteSpace(ord(before)), isWhiteSpace(ord(after))
    punct_before, punct_after = _punctuation(before), _punctuation(after)
    left = not space_after and (
        not (punct_after and not cjk_after) or space_before or punct_before or cjk_before
    )
    right = not space_before and (
        not (punct_before and not cjk_before) or space_after or punct_after or cjk_after
    )
    if src[start] == "_":
        return left and (not right or punct_before), right and (not left or punct_after)
    return left, right


def _punctuation(char: str) -> bool:
    return isMdAsciiPunct(ord(char)) or isPunctChar(char)
