"""Obsidian comments ``%%…%%``: hidden in reading view, so never on a card (no token at all).

Inline, within a paragraph, or as a block from a line starting with ``%%`` to the line that
ends with ``%%`` (an unclosed one hides nothing: it stays text).
"""

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline


def plugin(md: MarkdownIt) -> None:
    md.block.ruler.before(
        "fence", "obsidian_comment", _block, {"alt": ["paragraph", "reference", "blockquote"]}
    )
    md.inline.ruler.before("escape", "obsidian_comment", _inline)


def _block(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    if state.sCount[start] - state.blkIndent >= 4:
        return False
    first = state.src[state.bMarks[start] + state.tShift[start] : state.eMarks[start]]
    if not first.startswith("%%"):
        return False
    line = start
    text = first[2:]
    while "%%" not in text:
        line += 1
        if line >= end or (state.sCount[line] < state.blkIndent and not state.isEmpty(line)):
            return False
        text = state.src[state.bMarks[line] + state.tShift[line] : state.eMarks[line]]
    if text.split("%%", 1)[1].strip():
        return False
    state.line = line + 1
    return True


def _inline(state: StateInline, silent: bool) -> bool:
    src, pos = state.src, state.pos
    if not src.startswith("%%", pos):
        return False
    end = src.find("%%", pos + 2, state.posMax)
    if end == -1:
        return False
    state.pos = end + 2
    return True
