"""Obsidian ``==highlight==``: marked text (``<mark>``), as its reading view shows it.

A delimiter rule like GFM strikethrough's: ``==`` runs pair up by CommonMark's flanking
rules (CJK-friendly ones next to CJK text), so the highlight may hold emphasis and code.
"""

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.rules_inline.state_inline import Delimiter

from flashgen.dialect.cjk import cjk_friendly

_EQUALS = ord("=")


def plugin(md: MarkdownIt) -> None:
    md.inline.ruler.before("emphasis", "highlight", cjk_friendly(_tokenize))
    md.inline.ruler2.before("emphasis", "highlight", _pair_up)


def _tokenize(state: StateInline, silent: bool) -> bool:
    start = state.pos
    if silent or state.src[start] != "=":
        return False
    scanned = state.scanDelims(start, True)
    if scanned.length < 2:
        return False
    if scanned.length % 2:
        state.push("text", "", 0).content = "="
    for _ in range(scanned.length // 2):
        state.push("text", "", 0).content = "=="
        state.delimiters.append(
            Delimiter(
                marker=_EQUALS,
                length=0,
                token=len(state.tokens) - 1,
                end=-1,
                open=scanned.can_open,
                close=scanned.can_close,
            )
        )
    state.pos += scanned.length
    return True


def _pair_up(state: StateInline) -> None:
    for meta in (None, *state.tokens_meta):
        delimiters = state.delimiters if meta is None else meta.get("delimiters") or []
        for opener in delimiters:
            if opener.marker != _EQUALS or opener.end == -1:
                continue
            closer = delimiters[opener.end]
            start, end = state.tokens[opener.token], state.tokens[closer.token]
            start.type, start.nesting = "mark_open", 1
            end.type, end.nesting = "mark_close", -1
            for token in (start, end):
                token.tag, token.markup, token.content = "mark", "==", ""
