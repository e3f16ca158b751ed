"""Obsidian wikilinks ``[[Note#Heading|alias]]`` and media embeds ``![[file.png|600]]``."""

import re
from collections.abc import Sequence
from html import escape
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import OptionsDict

from flashgen.dialect.tokens import hooks_of, line_of
from flashgen.media import is_media_name

_WIKILINK = re.compile(r"(!?)\[\[([^\[\]\n]+?)\]\]")
_EMBED_SIZE = re.compile(r"(\d+)(?:x(\d+))?")


def plugin(md: MarkdownIt) -> None:
    md.inline.ruler.before("link", "wikilink", _parse_wikilink)
    md.add_render_rule("wikilink", _render_wikilink)
    md.add_render_rule("wikilink_embed", _render_embed)


def _parse_wikilink(state: StateInline, silent: bool) -> bool:
    src, pos = state.src, state.pos
    if src[pos] not in "![" or not src.startswith("[[", pos + (src[pos] == "!")):
        return False
    match = _WIKILINK.match(src, pos, state.posMax)
    if match is None:
        return False
    if not silent:
        embed, inner = bool(match.group(1)), match.group(2)
        # ``\|`` is how a wikilink's pipe is written inside a table row.
        target, _, alias = inner.replace("\\|", "|").partition("|")
        token = state.push("wikilink_embed" if embed else "wikilink", "", 0)
        token.meta = {"target": target.strip(), "alias": alias.strip()}
        token.content = match.group(0)
    state.pos = match.end()
    return True


def _render_embed(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any
) -> str:
    token = tokens[idx]
    target, alias = str(token.meta["target"]), str(token.meta["alias"])
    hooks = hooks_of(env)
    name = target.split("#", 1)[0]
    if hooks is None or not is_media_name(name):
        return wikilink_html(target, alias)
    src = escape(hooks.media(name, line_of(token), by_name=True))
    alt, _, last = alias.rpartition("|")
    size = _EMBED_SIZE.fullmatch(last.strip())
    if size is None:
        alt, size_html = alias, ""
    else:
        size_html = f' width="{size.group(1)}"'
        size_html += f' height="{size.group(2)}"' if size.group(2) else ""
    return f'<img src="{src}" alt="{escape(alt.strip())}"{size_html}>'


def _render_wikilink(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any
) -> str:
    token = tokens[idx]
    return wikilink_html(str(token.meta["target"]), str(token.meta["alias"]))


def wikilink_html(target: str, alias: str) -> str:
    note, _, heading = target.partition("#")
    shown = alias or " › ".join(part for part in (note, heading.lstrip("^")) if part) or target
    return f'<span class="fg-wikilink">{escape(shown)}</span>'
