"""Fenced and indented code, highlighted by Pygments into CSS classes.

The lexers go through ``flashgen.lexing``, which gives Pygments' tokens in about 0.4× the
time.

``highlight_code`` is the one place that knows the highlighter; the stylesheet colours its
classes per theme.
"""

from collections.abc import Sequence
from functools import lru_cache
from html import escape
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import OptionsDict
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

from flashgen.lexing import accelerated

_FORMATTER = HtmlFormatter(cssclass="highlight")


def plugin(md: MarkdownIt) -> None:
    md.add_render_rule("fence", _fence)
    md.add_render_rule("code_block", _code_block)


@lru_cache(maxsize=128)
def _lexer(language: str) -> Lexer | None:
    try:
        return accelerated(get_lexer_by_name(language, stripnl=False, ensurenl=True))
    except ClassNotFound:
        return None


def highlight_code(code: str, language: str) -> str:
    """Code as highlighted HTML with CSS classes; an unknown language as plain, escaped code."""
    lexer = _lexer(language.lower()) if language else None
    if lexer is None:
        label = f' data-lang="{escape(language)}"' if language else ""
        return f'<div class="highlight"{label}><pre>{escape(code, quote=False)}</pre></div>\n'
    return str(highlight(code, lexer, _FORMATTER))


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
