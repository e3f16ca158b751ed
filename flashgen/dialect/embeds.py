"""Obsidian note embeds: ``![[Note]]``, ``![[Note#Heading]]`` and ``![[Note#^block]]``
transclude that note, section or block into the card, as Obsidian's reading view does.

A paragraph that is only a note embed becomes an ``embed_block`` token; rendering asks the
render hooks for the embedded HTML (they find, read and render the other note, with a depth
limit and cycles cut) and falls back to the link text. ``select`` picks the tokens of a
section or block out of a parsed note. Embeds of media files stay images (``wikilinks``).
"""

import re
from collections.abc import Sequence
from html import escape
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markdown_it.utils import OptionsDict

from flashgen.dialect.tokens import hooks_of, line_of, plain_text
from flashgen.dialect.wikilinks import wikilink_html
from flashgen.media import is_media_name

_SPACES = re.compile(r"\s+")


def plugin(md: MarkdownIt) -> None:
    md.core.ruler.push("note_embeds", _embed_blocks)
    md.add_render_rule("embed_block", _render_embed_block)


def is_note_embed(token: Token) -> bool:
    target = str(token.meta.get("target", ""))
    return token.type == "wikilink_embed" and not is_media_name(target.split("#", 1)[0])


def _embed_blocks(state: StateCore) -> None:
    tokens = state.tokens
    index = 0
    while index + 2 < len(tokens):
        opener, inline = tokens[index], tokens[index + 1]
        children = [
            child
            for child in inline.children or ()
            if child.type != "text" or child.content.strip()
        ]
        if (
            opener.type == "paragraph_open"
            and inline.type == "inline"
            and len(children) == 1
            and is_note_embed(children[0])
        ):
            block = Token("embed_block", "div", 0)
            block.block = True
            block.map = inline.map
            block.meta = dict(children[0].meta)
            tokens[index : index + 3] = [block]
        index += 1


def _render_embed_block(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any
) -> str:
    token = tokens[idx]
    target, alias = str(token.meta["target"]), str(token.meta["alias"])
    hooks = hooks_of(env)
    html = hooks.embed(target, line_of(token)) if hooks is not None else None
    if html is None:
        return f"<p>{wikilink_html(target, alias)}</p>\n"
    title = escape(alias or target.split("#", 1)[0])
    return (
        f'<div class="fg-embed" data-embed="{title}">\n{html}</div>\n'
    )


def select(tokens: Sequence[Token], fragment: str) -> list[Token] | None:
    """The tokens of ``fragment`` in a parsed note: all of them for ``""``, a section for a
    heading (with its sub-sections; ``A#B`` is ``B`` under ``A``), a block for ``^id``;
    None when the note has no such heading or block."""
    fragment = fragment.strip()
    if not fragment:
        return list(tokens)
    if fragment.startswith("^"):
        return _block(tokens, fragment[1:])
    return _section(tokens, fragment.rsplit("#", 1)[-1])


def _normalised(text: str) -> str:
    return _SPACES.sub(" ", text).strip().casefold()


def _section(tokens: Sequence[Token], heading: str) -> list[Token] | None:
    wanted = _normalised(heading)
    for index, token in enumerate(tokens):
        if token.type != "heading_open" or index + 1 >= len(tokens):
            continue
        if _normalised(plain_text(tokens[index + 1].children)) != wanted:
            continue
        level = int(token.tag[1])
        end = index + 3
        while end < len(tokens) and not (
            tokens[end].type == "heading_open"
            and tokens[end].level == token.level
            and int(tokens[end].tag[1]) <= level
        ):
            end += 1
        return list(tokens[index:end])
    return None


def _block(tokens: Sequence[Token], block_id: str) -> list[Token] | None:
    for index, token in enumerate(tokens):
        if token.meta.get("block_id") != block_id:
            continue
        end = _closing(tokens, index)
        if token.type == "list_item_open":
            parent = _parent_list(tokens, index)
            if parent is not None:
                closer = Token(parent.type.replace("_open", "_close"), parent.tag, -1)
                closer.block = True
                return [parent, *tokens[index : end + 1], closer]
        return list(tokens[index : end + 1])
    return None


def _closing(tokens: Sequence[Token], opener: int) -> int:
    depth = 0
    for position in range(opener, len(tokens)):
        depth += tokens[position].nesting
        if depth <= 0:
            return position
    return len(tokens) - 1


def _parent_list(tokens: Sequence[Token], item: int) -> Token | None:
    level = tokens[item].level - 1
    for position in range(item - 1, -1, -1):
        if tokens[position].level == level and tokens[position].type.endswith("list_open"):
            return tokens[position]
    return None
