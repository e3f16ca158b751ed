"""Near markdown-it's nesting limit, keep the rest of a block as a plain paragraph.

Past ``maxNesting`` markdown-it silently drops everything up to the end of the document,
headings included. Here a block that would open a container too deep becomes a paragraph
marked ``meta["too_deep"]`` (so that ``check`` can say so): its text is kept, and the lines
after it parse normally.
"""

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock


def plugin(md: MarkdownIt) -> None:
    md.block.ruler.before("table", "too_deep", _too_deep)


def _too_deep(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    if silent or state.level < state.md.options.maxNesting - 2:
        return False
    line = start + 1
    while line < end and not state.isEmpty(line) and state.sCount[line] >= state.blkIndent:
        line += 1
    opener = state.push("paragraph_open", "p", 1)
    opener.map = [start, line]
    opener.meta["too_deep"] = True
    inline = state.push("inline", "", 0)
    inline.content = state.getLines(start, line, state.blkIndent, False).strip()
    inline.map = [start, line]
    inline.children = []
    state.push("paragraph_close", "p", -1)
    state.line = line
    return True
