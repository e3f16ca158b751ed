"""Obsidian callouts: ``> [!note] Title`` blockquotes become titled boxes of their kind.

The title keeps its inline Markdown; a callout without one is titled by its kind. Metadata
(``[!column|flex]``) becomes ``data-callout-metadata``; a foldable callout (``+``/``-``) is
shown open, as on a card the answer is there to be read. Nested callouts are boxes in boxes.
"""

import re

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from flashgen.dialect.tokens import text_token

_CALLOUT = re.compile(r"\[!([A-Za-z][\w-]*)[ \t]*(?:\|([^\]\n]*))?\]([+-]?)[ \t]*(.*)")
"""``[!type|metadata]+ Title``: Obsidian's own form (metadata such as ``flex`` or ``no-icon``
is for themes and CSS snippets; ``+``/``-`` folds it in the editor)."""


def plugin(md: MarkdownIt) -> None:
    md.core.ruler.push("callout", _callouts)


def _callouts(state: StateCore) -> None:
    tokens = state.tokens
    index = 0
    while index < len(tokens):
        if tokens[index].type == "blockquote_open":
            _callout(tokens, index)
        index += 1


def _callout(tokens: list[Token], index: int) -> None:
    if index + 3 >= len(tokens):
        return
    opener, paragraph, inline = tokens[index], tokens[index + 1], tokens[index + 2]
    if paragraph.type != "paragraph_open" or inline.type != "inline":
        return
    match = _CALLOUT.match(inline.content.split("\n", 1)[0])
    children = inline.children or []
    first = children[0] if children else None
    marker = _CALLOUT.match(first.content) if first and first.type == "text" else None
    if match is None or first is None or marker is None:
        return
    kind = match.group(1).lower()
    opener.tag = "div"
    opener.attrSet("class", f"fg-callout fg-callout-{kind}")
    if metadata := (match.group(2) or "").strip():
        opener.attrSet("data-callout-metadata", metadata)
    _closing(tokens, index).tag = "div"
    cut = next(
        (i for i, c in enumerate(children) if c.type in ("softbreak", "hardbreak")),
        len(children),
    )
    title_children = [text_token(first, marker.group(4)), *children[1:cut]]
    if not any(c.type != "text" or c.content.strip() for c in title_children):
        title_children = [text_token(first, kind.capitalize())]
    title = Token("inline", "", 0)
    title.content = match.group(4).strip()
    title.map = inline.map
    title.children = [c for c in title_children if c.type != "text" or c.content]
    title_open = Token("callout_title_open", "div", 1)
    title_open.attrSet("class", "fg-callout-title")
    title_open.block = True
    title_open.map = inline.map
    title_close = Token("callout_title_close", "div", -1)
    title_close.block = True
    inline.children = children[cut + 1 :]
    inline.content = inline.content.partition("\n")[2]
    if inline.map:
        inline.map = [inline.map[0] + 1, inline.map[1]]
    rest = [paragraph, inline, tokens[index + 3]] if inline.children else []
    tokens[index + 1 : index + 4] = [title_open, title, title_close, *rest]


def _closing(tokens: list[Token], opener: int) -> Token:
    depth = 0
    for token in tokens[opener:]:
        depth += token.nesting if token.type.startswith("blockquote") else 0
        if depth == 0:
            return token
    return tokens[opener]
