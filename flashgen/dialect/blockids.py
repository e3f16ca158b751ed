"""Obsidian block ids: ``^abc123`` at the end of a block names it; reading view hides it.

The id is removed from the text and kept on the block it names (``meta["block_id"]`` on its
opening token), so that an embed ``![[Note#^abc123]]`` can find the block. An id alone on
the line after a block (a list, a table, a quote) names that block; alone in its paragraph
it names the block before it.
"""

import re

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

_TRAILING_ID = re.compile(r"(?:^|[ \t]+)\^([A-Za-z0-9-]+)[ \t]*$")
_ALONE = re.compile(r"\^([A-Za-z0-9-]+)")


def plugin(md: MarkdownIt) -> None:
    md.core.ruler.after("text_join", "block_ids", _block_ids)


def _block_ids(state: StateCore) -> None:
    tokens = state.tokens
    if "^" not in state.src:
        return
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.type == "inline" and token.children and "^" in token.content:
            if index and _alone(tokens, index):
                continue
            _strip_trailing(tokens, index)
        index += 1


def _alone(tokens: list[Token], index: int) -> bool:
    """A paragraph that is only ``^id``: dropped, its id given to the block before it."""
    inline = tokens[index]
    match = _ALONE.fullmatch(inline.content.strip())
    opener = tokens[index - 1]
    if match is None or opener.type != "paragraph_open" or index + 1 >= len(tokens):
        return False
    named = _block_before(tokens, index - 1)
    if named is not None:
        named.meta["block_id"] = match.group(1)
    del tokens[index - 1 : index + 2]
    return True


def _block_before(tokens: list[Token], index: int) -> Token | None:
    """The opening token of the block that ends just before ``tokens[index]``."""
    if index == 0:
        return None
    depth = 0
    for position in range(index - 1, -1, -1):
        depth += tokens[position].nesting
        if depth == 0:
            return tokens[position]
    return None


def _strip_trailing(tokens: list[Token], index: int) -> None:
    """``text ^id`` at the end of a paragraph, or of a line before a line break (a list item's
    or a callout's paragraph may hold several named lines)."""
    inline = tokens[index]
    children = inline.children or []
    for position, child in enumerate(children):
        at_line_end = position + 1 == len(children) or children[position + 1].type in (
            "softbreak",
            "hardbreak",
        )
        if child.type != "text" or not at_line_end or "^" not in child.content:
            continue
        match = _TRAILING_ID.search(child.content)
        if match is None:
            continue
        if index == 0 or tokens[index - 1].type != "paragraph_open":
            return
        child.content = child.content[: match.start()]
        _owner(tokens, index - 1).meta.setdefault("block_id", match.group(1))
    inline.children = [c for c in children if c.type != "text" or c.content]


def _owner(tokens: list[Token], opener: int) -> Token:
    """A list item's paragraph names the list item."""
    before = tokens[opener - 1] if opener else None
    if before is not None and before.type == "list_item_open":
        return before
    return tokens[opener]
