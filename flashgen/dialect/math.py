"""Math: ``$…$``, ``$$…$$``, ``\\(…\\)`` and ``\\[…\\]``, rendered as Anki's MathJax delimiters.

Display blocks (``$$`` on their own lines) come from mdit-py-plugins' dollarmath rule; the
inline rules are ours (see ``_dollar_math`` for why).
"""

import re
from bisect import bisect_left
from collections.abc import Sequence
from functools import lru_cache
from html import escape
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import OptionsDict
from mdit_py_plugins.dollarmath import dollarmath_plugin

_BACKTICKS = re.compile(r"`+")
MULTILINE_TOKENS = frozenset({"math_inline", "math_inline_double", "math_block_inline"})
"""Inline math tokens whose content may span lines."""


def plugin(md: MarkdownIt) -> None:
    dollarmath_plugin(
        md, allow_space=False, allow_digits=False, double_inline=True, allow_labels=False
    )
    # The plugin's inline rule looks for the closing ``$`` even inside code spans.
    md.inline.ruler.at("math_inline", _dollar_math)
    md.inline.ruler.before("escape", "bracket_math", _bracket_math)
    md.add_render_rule("math_inline", _math_inline)
    md.add_render_rule("math_inline_double", _math_display)
    md.add_render_rule("math_block_inline", _math_display)
    md.add_render_rule("math_block", _math_block)


def _dollar_math(state: StateInline, silent: bool) -> bool:
    """``$…$`` inline and ``$$…$$`` display math, as in Pandoc.

    ``$`` opens only when not escaped, not after a digit and (single) not before a space; the
    next unescaped ``$`` (``$$``) closes only when not after a space (single) and not before
    a digit, so ``$5 and $10`` stays prose. A code span that starts between the two wins over
    the math, as code spans win over every other inline construct in CommonMark.
    """
    src, pos, limit = state.src, state.pos, state.posMax
    if src[pos] != "$" or escaped(src, pos) or (pos > 0 and src[pos - 1].isdigit()):
        return False
    double = src.startswith("$$", pos, limit)
    marker = "$$" if double else "$"
    start = pos + len(marker)
    if start >= limit or (not double and src[start].isspace()):
        return False
    end = src.find(marker, start, limit)
    while end != -1 and escaped(src, end):
        end = src.find(marker, end + 1, limit)
    if end == -1 or (not double and src[end - 1].isspace()):
        return False
    after = end + len(marker)
    if after < limit and src[after].isdigit():
        return False
    content = src[start:end]
    if not content.strip() or opens_code_span(src, start, end, limit):
        return False
    if not silent:
        token = state.push("math_inline_double" if double else "math_inline", "math", 0)
        token.content = content
        token.markup = marker
    state.pos = after
    return True


def _bracket_math(state: StateInline, silent: bool) -> bool:
    """``\\(…\\)`` inline and ``\\[…\\]`` display math (CommonMark would eat the escapes)."""
    src, pos = state.src, state.pos
    if src[pos] != "\\" or pos + 1 >= state.posMax or src[pos + 1] not in "([":
        return False
    display = src[pos + 1] == "["
    closer = "\\]" if display else "\\)"
    closers = _positions(src, closer)
    found = bisect_left(closers, pos + 2)
    end = closers[found] if found < len(closers) else -1
    if not pos + 2 < end < state.posMax or opens_code_span(src, pos + 2, end, state.posMax):
        return False
    if not silent:
        token = state.push("math_block_inline" if display else "math_inline", "math", 0)
        token.content = src[pos + 2 : end]
        token.markup = src[pos : pos + 2]
    state.pos = end + 2
    return True


@lru_cache(maxsize=16)
def _positions(src: str, needle: str) -> tuple[int, ...]:
    """Where ``needle`` occurs in ``src``: one scan per paragraph, not one per opener."""
    return tuple(match.start() for match in re.finditer(re.escape(needle), src))


def escaped(src: str, pos: int) -> bool:
    """An odd number of backslashes before ``pos``."""
    backslashes = 0
    while pos - backslashes > 0 and src[pos - backslashes - 1] == "\\":
        backslashes += 1
    return backslashes % 2 == 1


def opens_code_span(src: str, start: int, end: int, limit: int) -> bool:
    """A backtick run in ``src[start:end]`` that a later run of the same length closes."""
    for run in _BACKTICKS.finditer(src, start, end):
        if escaped(src, run.start()):
            continue
        width = len(run.group())
        for later in _BACKTICKS.finditer(src, run.end(), limit):
            if len(later.group()) == width:
                return True
    return False


def _math_inline(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any
) -> str:
    return "\\(" + escape(tokens[idx].content, quote=False) + "\\)"


def _math_display(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any
) -> str:
    return "\\[" + escape(tokens[idx].content.strip(), quote=False) + "\\]"


def _math_block(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any
) -> str:
    body = escape(tokens[idx].content.strip(), quote=False)
    return '<div class="fg-math">\\[' + body + "\\]</div>\n"
