"""Cross-references: ``Term^`` in prose points at the section titled ``Term``.

Parsed into ``xref`` tokens (never inside code or math); rendered as a reference chip, and
reported to the render hooks so that ``check`` can find references that point nowhere.
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

from flashgen.dialect.tokens import hooks_of, line_of, text_token

XREF = re.compile(r"(?<![\w./\\@+#-])([^\W_](?:[\w.+#-]*[^\W_])?(?:\+\+|#)?)\^(?![\w^({\[+-])")
"""``Term^``: a term that starts and ends with a letter or digit (``C++`` and ``C#`` too), not
glued to a path or another word on its left, and not a superscript on its right (``x^2``,
``e^{x}``, ``f^(n)``, ``10^-3``)."""
_URL = re.compile(r"(?:(?<![a-z0-9+.-])[a-z][a-z0-9+.-]*://|www\.|mailto:)\S*", re.I)
"""The lookbehind keeps a long word from being rescanned at every position (quadratic)."""
_EMPHASIS = {"strong_open": "strong_close", "em_open": "em_close"}


def plugin(md: MarkdownIt) -> None:
    md.core.ruler.push("xref", _cross_references)
    md.add_render_rule("xref", _render_xref)


def _cross_references(state: StateCore) -> None:
    for token in state.tokens:
        if token.type != "inline" or not token.children or "^" not in token.content:
            continue
        token.children = _split_xrefs(token.children)


def _split_xrefs(children: Sequence[Token]) -> list[Token]:
    out: list[Token] = []
    for index, child in enumerate(children):
        if child.type != "text" or "^" not in child.content:
            out.append(child)
            continue
        if _whole_emphasis_xref(children, index):
            out.append(_xref_token(child, child.content[:-1].strip()))
            continue
        urls = [url.span() for url in _URL.finditer(child.content)]
        position = 0
        for match in XREF.finditer(child.content):
            if any(start <= match.start() < end for start, end in urls):
                continue
            if match.start() > position:
                out.append(text_token(child, child.content[position : match.start()]))
            out.append(_xref_token(child, match.group(1)))
            position = match.end()
        if position < len(child.content):
            out.append(text_token(child, child.content[position:]))
    return out


def _xref_token(model: Token, term: str) -> Token:
    ref = Token("xref", "", 0)
    ref.content = term
    ref.meta = dict(model.meta)
    return ref


def _whole_emphasis_xref(children: Sequence[Token], index: int) -> bool:
    """``**Page table^**``: the whole emphasised text is the term, spaces and all."""
    text = children[index].content
    if not text.endswith("^") or text.endswith("^^") or " " not in text.strip():
        return False
    if index == 0 or index + 1 >= len(children):
        return False
    closer = _EMPHASIS.get(children[index - 1].type)
    return closer is not None and children[index + 1].type == closer


def _render_xref(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any
) -> str:
    token = tokens[idx]
    hooks = hooks_of(env)
    if hooks is not None:
        hooks.xref(token.content, line_of(token))
    return f'<span class="fg-xref">{escape(token.content)}</span>'
