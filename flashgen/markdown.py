"""The Markdown dialect of a notes vault, as one configured MarkdownIt instance.

CommonMark with GFM tables and strikethrough, raw HTML, ``$``/``$$``/``\\(``/``\\[`` math,
Obsidian wikilinks, embeds and callouts, and ``Term^`` cross-references. Create it once per
build with ``make_markdown()`` and pass it to the stages that parse or render.
"""

import re
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from functools import lru_cache
from html import escape
from typing import Any, Protocol

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.rules_block import StateBlock
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

XREF = re.compile(r"(?<![\w./\\@+#-])([^\W_](?:[\w.+#-]*[^\W_])?(?:\+\+|#)?)\^(?![\w^({\[+-])")
"""``Term^``: a term that starts and ends with a letter or digit (``C++`` and ``C#`` too), not
glued to a path or another word on its left, and not a superscript on its right (``x^2``,
``e^{x}``, ``f^(n)``, ``10^-3``)."""
_URL = re.compile(r"(?:(?<![a-z0-9+.-])[a-z][a-z0-9+.-]*://|www\.|mailto:)\S*", re.I)
"""The lookbehind keeps a long word from being rescanned at every position (quadratic)."""
INLINE_TAG = re.compile(r"(?<![\w/#&])#([^\W\d][\w/-]*|\d+[^\W\d][\w/-]*)")
_CALLOUT = re.compile(r"\[!([A-Za-z][\w-]*)\][+-]?[ \t]*(.*)")
_CALLOUT_MARKER = re.compile(r"\[![A-Za-z][\w-]*\][+-]?[ \t]*")
_EMBED_SIZE = re.compile(r"(\d+)(?:x(\d+))?")
_BACKTICKS = re.compile(r"`+")
_WIKILINK = re.compile(r"(!?)\[\[([^\[\]\n]+?)\]\]")


def make_markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    dollarmath_plugin(
        md, allow_space=False, allow_digits=False, double_inline=True, allow_labels=False
    )
    # The plugin's inline rule looks for the closing ``$`` even inside code spans.
    md.inline.ruler.at("math_inline", _dollar_math)
    md.block.ruler.before("table", "too_deep", _too_deep)
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


def _dollar_math(state: StateInline, silent: bool) -> bool:
    """``$…$`` inline and ``$$…$$`` display math, as in Pandoc.

    ``$`` opens only when not escaped, not after a digit and (single) not before a space; the
    next unescaped ``$`` (``$$``) closes only when not after a space (single) and not before
    a digit, so ``$5 and $10`` stays prose. A code span that starts between the two wins over
    the math, as code spans win over every other inline construct in CommonMark.
    """
    src, pos, limit = state.src, state.pos, state.posMax
    if src[pos] != "$" or _escaped(src, pos) or (pos > 0 and src[pos - 1].isdigit()):
        return False
    double = src.startswith("$$", pos, limit)
    marker = "$$" if double else "$"
    start = pos + len(marker)
    if start >= limit or (not double and src[start].isspace()):
        return False
    end = src.find(marker, start, limit)
    while end != -1 and _escaped(src, end):
        end = src.find(marker, end + 1, limit)
    if end == -1 or (not double and src[end - 1].isspace()):
        return False
    after = end + len(marker)
    if after < limit and src[after].isdigit():
        return False
    content = src[start:end]
    if not content.strip() or _opens_code_span(src, start, end, limit):
        return False
    if not silent:
        token = state.push("math_inline_double" if double else "math_inline", "math", 0)
        token.content = content
        token.markup = marker
    state.pos = after
    return True


def _too_deep(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """Near the nesting limit, keep the rest of a block as a plain paragraph.

    Past ``maxNesting`` markdown-it silently drops everything up to the end of the document,
    headings included. Here a block that would open a container too deep becomes a paragraph
    marked ``meta["too_deep"]`` (so that ``check`` can say so): its text is kept, and the
    lines after it parse normally.
    """
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
    if not pos + 2 < end < state.posMax or _opens_code_span(src, pos + 2, end, state.posMax):
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


def _escaped(src: str, pos: int) -> bool:
    """An odd number of backslashes before ``pos``."""
    backslashes = 0
    while pos - backslashes > 0 and src[pos - backslashes - 1] == "\\":
        backslashes += 1
    return backslashes % 2 == 1


def _opens_code_span(src: str, start: int, end: int, limit: int) -> bool:
    """A backtick run in ``src[start:end]`` that a later run of the same length closes."""
    for run in _BACKTICKS.finditer(src, start, end):
        if _escaped(src, run.start()):
            continue
        width = len(run.group())
        for later in _BACKTICKS.finditer(src, run.end(), limit):
            if len(later.group()) == width:
                return True
    return False


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
        # ``\|`` is how a wikilink's pipe is written inside a table row.
        target, _, alias = inner.replace("\\|", "|").partition("|")
        token = state.push("wikilink_embed" if embed else "wikilink", "", 0)
        token.meta = {"target": target.strip(), "alias": alias.strip()}
        token.content = match.group(0)
    state.pos = match.end()
    return True


def _callouts(state: StateCore) -> None:
    """``> [!note] Title`` blockquotes become titled boxes, as in Obsidian.

    The title keeps its inline Markdown; a callout without one is titled by its kind.
    """
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
    marker = _CALLOUT_MARKER.match(first.content) if first and first.type == "text" else None
    if match is None or first is None or marker is None:
        return
    kind = match.group(1).lower()
    opener.tag = "div"
    opener.attrSet("class", f"fg-callout fg-callout-{kind}")
    _closing(tokens, index).tag = "div"
    cut = next(
        (i for i, c in enumerate(children) if c.type in ("softbreak", "hardbreak")),
        len(children),
    )
    title_children = [_text(first, first.content[marker.end() :]), *children[1:cut]]
    if not any(c.type != "text" or c.content.strip() for c in title_children):
        title_children = [_text(first, kind.capitalize())]
    title = Token("inline", "", 0)
    title.content = match.group(2).strip()
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


def _stamp_lines(state: StateCore) -> None:
    """Inline tokens carry no line; give each child the line it starts on (0-based).

    Counted from its block's first line and the line breaks before it (a code span's own
    newlines are lost by the parser: what follows one is placed a line too early).
    """
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


_MULTILINE_INLINE = frozenset(
    {"html_inline", "math_inline", "math_inline_double", "math_block_inline"}
)


def _cross_references(state: StateCore) -> None:
    """``Term^`` in prose becomes an ``xref`` token (never inside code or math)."""
    for token in state.tokens:
        if token.type != "inline" or not token.children or "^" not in token.content:
            continue
        token.children = _split_xrefs(token.children)


_EMPHASIS = {"strong_open": "strong_close", "em_open": "em_close"}


def _split_xrefs(children: Sequence[Token]) -> list[Token]:
    out: list[Token] = []
    for index, child in enumerate(children):
        if child.type != "text" or "^" not in child.content:
            out.append(child)
            continue
        if _whole_emphasis_xref(children, index):
            ref = Token("xref", "", 0)
            ref.content = child.content[:-1].strip()
            ref.meta = dict(child.meta)
            out.append(ref)
            continue
        urls = [url.span() for url in _URL.finditer(child.content)]
        position = 0
        for match in XREF.finditer(child.content):
            if any(start <= match.start() < end for start, end in urls):
                continue
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


def _whole_emphasis_xref(children: Sequence[Token], index: int) -> bool:
    """``**Page table^**``: the whole emphasised text is the term, spaces and all."""
    text = children[index].content
    if not text.endswith("^") or text.endswith("^^") or " " not in text.strip():
        return False
    if index == 0 or index + 1 >= len(children):
        return False
    closer = _EMPHASIS.get(children[index - 1].type)
    return closer is not None and children[index + 1].type == closer


def _text(model: Token, content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    token.meta = dict(model.meta)
    return token


def plain_text(tokens: Sequence[Token] | None) -> str:
    """The visible text of inline tokens: what a breadcrumb or a diagnostic shows.

    Iterative, not recursive: an image's alt text holds tokens, which may hold images.
    """
    parts: list[str] = []
    pending: list[Iterator[Token]] = [iter(tokens or ())]
    while pending:
        token = next(pending[-1], None)
        if token is None:
            pending.pop()
        elif token.children:
            pending.append(iter(token.children))
        elif token.type in ("text", "code_inline", "math_inline", "xref"):
            parts.append(token.content)
        elif token.type in ("wikilink", "wikilink_embed"):
            parts.append(str(token.meta.get("alias") or token.meta.get("target", "")))
        elif token.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts)



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
    alt, _, last = alias.rpartition("|")
    size = _EMBED_SIZE.fullmatch(last.strip())
    if size is None:
        alt, size_html = alias, ""
    else:
        size_html = f' width="{size.group(1)}"'
        size_html += f' height="{size.group(2)}"' if size.group(2) else ""
    return f'<img src="{src}" alt="{escape(alt.strip())}"{size_html}>'


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
