"""The Markdown dialect of a notes vault, as one configured MarkdownIt instance.

CommonMark with GFM tables and strikethrough, raw HTML, ``$``/``$$``/``\\(``/``\\[`` math,
Obsidian wikilinks, embeds and callouts, and ``Term^`` cross-references. Create it once per
build with ``make_markdown()`` and pass it to the stages that parse or render.
"""

import re
from collections.abc import Sequence
from functools import lru_cache
from html import escape
from typing import Any, Protocol

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import OptionsDict
from mdit_py_plugins.dollarmath import dollarmath_plugin
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

XREF = re.compile(r"((?:[^\W_]|[-_.+#])*[^\W_])\^(?![\w^])")
INLINE_TAG = re.compile(r"(?<![\w/#&])#([^\W\d][\w/-]*|\d+[^\W\d][\w/-]*)")
_CALLOUT = re.compile(r"\[!([A-Za-z][\w-]*)\][+-]?[ \t]*(.*)")
_WIKILINK = re.compile(r"(!?)\[\[([^\[\]\n]+?)\]\]")


def make_markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    dollarmath_plugin(
        md, allow_space=False, allow_digits=False, double_inline=True, allow_labels=False
    )
    md.inline.ruler.before("escape", "bracket_math", _bracket_math)
    md.inline.ruler.before("link", "wikilink", _parse_wikilink)
    md.core.ruler.push("callout", _callouts)
    md.core.ruler.push("inline_lines", _stamp_lines)
    md.core.ruler.push("xref", _cross_references)
    for name, rule in _RENDER_RULES.items():
        md.add_render_rule(name, rule)
    return md


class RenderHooks(Protocol):
    """What the render rules ask of the file being rendered (``env["flashgen"]``)."""

    def media(self, src: str, line: int, by_name: bool = False) -> str: ...

    def clean(self, html: str, line: int) -> str: ...

    def xref(self, term: str, line: int) -> None: ...

    def inline_tag(self, tag: str) -> None: ...


def _bracket_math(state: StateInline, silent: bool) -> bool:
    """``\\(…\\)`` inline and ``\\[…\\]`` display math (CommonMark would eat the escapes)."""
    src, pos = state.src, state.pos
    if src[pos] != "\\" or pos + 1 >= state.posMax or src[pos + 1] not in "([":
        return False
    display = src[pos + 1] == "["
    closer = "\\]" if display else "\\)"
    end = src.find(closer, pos + 2, state.posMax)
    if end == -1 or end == pos + 2:
        return False
    if not silent:
        token = state.push("math_block_inline" if display else "math_inline", "math", 0)
        token.content = src[pos + 2 : end]
        token.markup = src[pos : pos + 2]
    state.pos = end + 2
    return True


def _parse_wikilink(state: StateInline, silent: bool) -> bool:
    """Obsidian ``[[Note#Heading|alias]]`` links and ``![[file.png|600]]`` embeds."""
    src, pos = state.src, state.pos
    if src[pos] not in "![" or not src.startswith("[[", pos + (src[pos] == "!")):
        return False
    match = _WIKILINK.match(src, pos, state.posMax)
    if match is None:
        return False
    if not silent:
        embed, inner = bool(match.group(1)), match.group(2)
        target, _, alias = inner.partition("|")
        token = state.push("wikilink_embed" if embed else "wikilink", "", 0)
        token.meta = {"target": target.strip(), "alias": alias.strip()}
        token.content = match.group(0)
    state.pos = match.end()
    return True


def _callouts(state: StateCore) -> None:
    """``> [!note] Title`` blockquotes become titled boxes, as in Obsidian."""
    tokens = state.tokens
    for index, token in enumerate(tokens):
        if token.type != "blockquote_open" or index + 2 >= len(tokens):
            continue
        inline = tokens[index + 2]
        if tokens[index + 1].type != "paragraph_open" or inline.type != "inline":
            continue
        first_line = inline.content.split("\n", 1)[0]
        match = _CALLOUT.match(first_line)
        if match is None:
            continue
        kind = match.group(1).lower()
        title = match.group(2).strip() or kind.capitalize()
        token.tag = "div"
        token.attrSet("class", f"fg-callout fg-callout-{kind}")
        _closing(tokens, index).tag = "div"
        children = inline.children or []
        cut = next((i for i, c in enumerate(children) if c.type == "softbreak"), len(children))
        inline.children = children[cut + 1 :]
        inline.content = inline.content.partition("\n")[2]
        heading = Token("html_block", "", 0)
        heading.content = f'<div class="fg-callout-title">{escape(title.strip("*_ "))}</div>\n'
        heading.map = inline.map
        tokens.insert(index + 1, heading)
        if not inline.children:
            tokens[index + 2].hidden = tokens[index + 4].hidden = True


def _closing(tokens: list[Token], opener: int) -> Token:
    depth = 0
    for token in tokens[opener:]:
        depth += token.nesting if token.type.startswith("blockquote") else 0
        if depth == 0:
            return token
    return tokens[opener]


def _stamp_lines(state: StateCore) -> None:
    """Inline tokens carry no line; give each child its block's first line (0-based)."""
    for token in state.tokens:
        if token.type == "inline" and token.map and token.children:
            for child in token.children:
                child.meta["line"] = token.map[0]


def _cross_references(state: StateCore) -> None:
    """``Term^`` in prose becomes an ``xref`` token (never inside code or math)."""
    for token in state.tokens:
        if token.type != "inline" or not token.children or "^" not in token.content:
            continue
        token.children = _split_xrefs(token.children)


def _split_xrefs(children: Sequence[Token]) -> list[Token]:
    out: list[Token] = []
    for child in children:
        if child.type != "text" or "^" not in child.content:
            out.append(child)
            continue
        position = 0
        for match in XREF.finditer(child.content):
            if match.start() > position:
                out.append(_text(child, child.content[position : match.start()]))
            ref = Token("xref", "", 0)
            ref.content = match.group(1)
            ref.meta = dict(child.meta)
            out.append(ref)
            position = match.end()
        if position < len(child.content):
            out.append(_text(child, child.content[position:]))
    return out


def _text(model: Token, content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    token.meta = dict(model.meta)
    return token


def plain_text(tokens: Sequence[Token] | None) -> str:
    """The visible text of inline tokens: what a breadcrumb or a diagnostic shows."""
    parts: list[str] = []
    for token in tokens or ():
        if token.children:
            parts.append(plain_text(token.children))
        elif token.type in ("text", "code_inline", "math_inline", "xref"):
            parts.append(token.content)
        elif token.type in ("wikilink", "wikilink_embed"):
            parts.append(str(token.meta.get("alias") or token.meta.get("target", "")))
        elif token.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts)


def render_env(parse_env: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {**parse_env, **extra}


_FORMATTER = HtmlFormatter(cssclass="highlight")
_Rule = Any


@lru_cache(maxsize=128)
def _lexer(language: str) -> Lexer | None:
    try:
        return get_lexer_by_name(language, stripnl=False, ensurenl=True)
    except ClassNotFound:
        return None


def highlight_code(code: str, language: str) -> str:
    """Fenced code as Pygments HTML with CSS classes; the stylesheet colours it per theme."""
    lexer = _lexer(language.lower()) if language else None
    if lexer is None:
        label = f' data-lang="{escape(language)}"' if language else ""
        return f'<div class="highlight"{label}><pre>{escape(code, quote=False)}</pre></div>\n'
    return str(highlight(code, lexer, _FORMATTER))


def _hooks(env: dict[str, Any]) -> RenderHooks | None:
    hooks: RenderHooks | None = env.get("flashgen")
    return hooks


def _line(token: Token) -> int:
    if token.map:
        return token.map[0]
    return int(token.meta.get("line", 0)) if token.meta else 0


def _fence(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any
) -> str:
    token = tokens[idx]
    language = token.info.strip().split(maxsplit=1)[0] if token.info.strip() else ""
    return highlight_code(token.content, language)


def _code_block(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any
) -> str:
    return highlight_code(tokens[idx].content, "")


def _image(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any
) -> str:
    token = tokens[idx]
    hooks = _hooks(env)
    src = str(token.attrGet("src") or "")
    if hooks is not None:
        token.attrSet("src", hooks.media(src, _line(token)))
    token.attrSet("alt", plain_text(token.children))
    return self.renderToken(tokens, idx, options, env)


def _embed(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any
) -> str:
    token = tokens[idx]
    target, alias = str(token.meta["target"]), str(token.meta["alias"])
    hooks = _hooks(env)
    name = target.split("#", 1)[0]
    if hooks is None or not _looks_like_media(name):
        return _wikilink_html(target, alias)
    src = escape(hooks.media(name, _line(token), by_name=True))
    width = f' width="{alias}"' if alias.isdigit() else ""
    alt = "" if alias.isdigit() else escape(alias)
    return f'<img src="{src}" alt="{alt}"{width}>'


def _looks_like_media(name: str) -> bool:
    from flashgen.media import is_media_name

    return is_media_name(name)


def _render_wikilink(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any
) -> str:
    token = tokens[idx]
    return _wikilink_html(str(token.meta["target"]), str(token.meta["alias"]))


def _wikilink_html(target: str, alias: str) -> str:
    note, _, heading = target.partition("#")
    shown = alias or " › ".join(part for part in (note, heading.lstrip("^")) if part) or target
    return f'<span class="fg-wikilink">{escape(shown)}</span>'


def _xref(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any
) -> str:
    token = tokens[idx]
    hooks = _hooks(env)
    if hooks is not None:
        hooks.xref(token.content, _line(token))
    return f'<span class="fg-xref">{escape(token.content)}</span>'


def _text_rule(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any
) -> str:
    content = tokens[idx].content
    hooks = _hooks(env)
    if hooks is not None and "#" in content:
        for match in INLINE_TAG.finditer(content):
            hooks.inline_tag(match.group(1))
    return escape(content, quote=False)


def _html(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any
) -> str:
    token = tokens[idx]
    hooks = _hooks(env)
    if hooks is None:
        return token.content
    return hooks.clean(token.content, _line(token))


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


def _table_open(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any
) -> str:
    return '<div class="fg-table">' + self.renderToken(tokens, idx, options, env)


def _table_close(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any
) -> str:
    return self.renderToken(tokens, idx, options, env) + "</div>\n"


_RENDER_RULES: dict[str, _Rule] = {
    "fence": _fence,
    "code_block": _code_block,
    "image": _image,
    "wikilink_embed": _embed,
    "wikilink": _render_wikilink,
    "xref": _xref,
    "text": _text_rule,
    "html_block": _html,
    "html_inline": _html,
    "math_inline": _math_inline,
    "math_inline_double": _math_display,
    "math_block_inline": _math_display,
    "math_block": _math_block,
    "table_open": _table_open,
    "table_close": _table_close,
}
