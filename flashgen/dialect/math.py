"""Math: ``$…$``, ``$$…$$``, ``\\(…\\)`` and ``\\[…\\]``, rendered as Anki's MathJax delimiters.

Math never escapes its block: inline math ends with its paragraph, and a display block
(``$$`` on its own line) ends at its closing ``$$``, never past a heading or the end of its
container. A ``$``/``$$`` left unpaired stays text and is marked on its paragraph's inline
token (``meta["unpaired_math"]``) for ``check`` to report at its line.
"""

import re
from bisect import bisect_left
from collections.abc import Sequence
from functools import lru_cache
from html import escape
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import OptionsDict

_BACKTICKS = re.compile(r"`+")
MULTILINE_TOKENS = frozenset({"math_inline", "math_inline_double", "math_block_inline"})
"""Inline math tokens whose content may span lines."""


_ATX_HEADING = re.compile(r"#{1,6}(?:[ \t]|$)")
_TEX_HINT = re.compile(r"[\\^_{}=]")
"""What makes a leftover ``$`` look like the start of a formula, not a price or ``$HOME``."""


def plugin(md: MarkdownIt) -> None:
    md.block.ruler.before(
        "fence",
        "math_block",
        _display_block,
        {"alt": ["paragraph", "reference", "blockquote", "list"]},
    )
    md.inline.ruler.before("escape", "math_inline", _dollar_math)
    md.inline.ruler.before("escape", "bracket_math", _bracket_math)
    md.core.ruler.before("text_join", "unpaired_math", _mark_unpaired)
    md.add_render_rule("math_inline", _math_inline)
    md.add_render_rule("math_inline_double", _math_display)
    md.add_render_rule("math_block_inline", _math_display)
    md.add_render_rule("math_block", _math_block)


def _display_block(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """``$$`` on its own line, up to the line that ends with the closing ``$$``.

    Its lines may be indented by any mix of tabs and spaces and may be blank: they stay one
    block, as in Obsidian and Typora. It may interrupt a paragraph. With no closing ``$$``
    before a heading or the end of its container it is no block: the ``$$`` stays text.
    """
    if state.sCount[start] - state.blkIndent >= 4:
        return False
    src = state.src
    begin = state.bMarks[start] + state.tShift[start]
    if not src.startswith("$$", begin, state.eMarks[start]):
        return False
    first = src[begin + 2 : state.eMarks[start]]
    if "$$" in first:
        body, _, rest = first.partition("$$")
        if rest.strip() or not body.strip():
            return False
        content, last = body, start
    else:
        found = _closing_line(state, start + 1, end)
        if found is None:
            return False
        last, before_closer = found
        middle = state.getLines(start + 1, last, state.blkIndent, True)
        content = "\n".join((first, middle.rstrip("\n"), before_closer))
    if silent:
        return True
    token = state.push("math_block", "math", 0)
    token.block = True
    token.content = content
    token.markup = "$$"
    token.map = [start, last + 1]
    state.line = last + 1
    return True


def _closing_line(state: StateBlock, line: int, end: int) -> tuple[int, str] | None:
    """The line holding the closing ``$$`` and its text before the ``$$``."""
    src = state.src
    while line < end:
        text = src[state.bMarks[line] + state.tShift[line] : state.eMarks[line]]
        if text.strip() and state.sCount[line] < state.blkIndent:
            return None
        if state.sCount[line] - state.blkIndent < 4 and _ATX_HEADING.match(text):
            return None
        if "$$" in text:
            body, _, rest = text.partition("$$")
            return None if rest.strip() else (line, body)
        line += 1
    return None


def _dollar_math(state: StateInline, silent: bool) -> bool:
    """``$…$`` inline and ``$$…$$`` display math, as in Obsidian and Pandoc.

    ``$`` opens only when not escaped and not after a digit; the next unescaped ``$``
    (``$$``) closes only when not after a space (single) and not before a digit, so
    ``$5 and $10`` stays prose. A space after the opening ``$`` is allowed (Typora
    typesets ``$ x$``; Obsidian and Pandoc would not, and would then pair every later
    ``$`` of the paragraph wrongly). A code span that starts between the two wins over the
    math, as code spans win over every other inline construct in CommonMark.
    """
    src, pos, limit = state.src, state.pos, state.posMax
    if src[pos] != "$" or escaped(src, pos) or (pos > 0 and src[pos - 1].isdigit()):
        return False
    double = src.startswith("$$", pos, limit)
    marker = "$$" if double else "$"
    start = pos + len(marker)
    if start >= limit:
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


def _mark_unpaired(state: StateCore) -> None:
    """Record each ``$$``, and each ``$`` that starts what looks like TeX, left as text.

    Runs before escapes are joined into the text: an escaped ``\\$`` is a ``text_special``
    token here, never a leftover. Lines are counted from the paragraph's first line.
    """
    for token in state.tokens:
        if token.type != "inline" or not token.children or "$" not in token.content:
            continue
        found: list[tuple[int, str]] = []
        line = 0
        for child in token.children:
            if child.type in ("softbreak", "hardbreak"):
                line += 1
            elif child.type == "text" and "$" in child.content:
                found.extend((line, marker) for marker in _leftovers(child.content))
        if found:
            token.meta["unpaired_math"] = found


def _leftovers(text: str) -> list[str]:
    markers: list[str] = []
    position = text.find("$")
    while position != -1:
        if text.startswith("$$", position):
            markers.append("$$")
            position += 2
        else:
            after = text[position + 1 : position + 2]
            glued_to_number = after.isdigit() or (position and text[position - 1].isdigit())
            if after.strip() and not glued_to_number and _TEX_HINT.search(text, position):
                markers.append("$")
            position += 1
        position = text.find("$", position)
    return markers
