"""Inline tokens carry no line of their own: stamp each child with the line it starts on.

The render rules report problems (a missing image, a cross-reference) at that line.
"""

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from flashgen.dialect.math import MULTILINE_TOKENS

_MULTILINE_INLINE = MULTILINE_TOKENS | {"html_inline"}


def plugin(md: MarkdownIt) -> None:
    md.core.ruler.push("inline_lines", _stamp_lines)


def _stamp_lines(state: StateCore) -> None:
    """Counted from its block's first line and the line breaks before it (a code span's own
    newlines are lost by the parser: what follows one is placed a line too early)."""
    for token in state.tokens:
        if token.type == "inline" and token.map and token.children:
            line = token.map[0]
            for child in token.children:
                child.meta["line"] = line
                line += _newlines(child)


def _newlines(token: Token) -> int:
    """Line breaks inside ``token``, nested ones (an image's alt text) included."""
    count = 0
    pending = [token]
    while pending:
        token = pending.pop()
        if token.type in ("softbreak", "hardbreak"):
            count += 1
        elif token.children:
            pending.extend(token.children)
        elif token.type in _MULTILINE_INLINE:
            count += token.content.count("\n")
    return count
