"""Raw HTML in notes, kept but cleaned by the render hooks (scripts and handlers removed)."""

from collections.abc import Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import OptionsDict

from flashgen.dialect.tokens import hooks_of, line_of


def plugin(md: MarkdownIt) -> None:
    md.add_render_rule("html_block", _html)
    md.add_render_rule("html_inline", _html)


def _html(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any
) -> str:
    token = tokens[idx]
    hooks = hooks_of(env)
    if hooks is None:
        return token.content
    return hooks.clean(token.content, line_of(token))
