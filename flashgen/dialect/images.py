"""Markdown images: the source resolved (and bundled) by the render hooks.

The rendered tag is built from a copy: rendering never changes the parsed tokens, so one
parse can be rendered any number of times.
"""

from collections.abc import Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import OptionsDict

from flashgen.dialect.tokens import hooks_of, line_of, plain_text


def plugin(md: MarkdownIt) -> None:
    md.add_render_rule("image", _image)


def _image(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any
) -> str:
    token = tokens[idx]
    hooks = hooks_of(env)
    attrs = dict(token.attrs)
    if hooks is not None:
        attrs["src"] = hooks.media(str(attrs.get("src") or ""), line_of(token))
    attrs["alt"] = plain_text(token.children)
    shown = token.copy(attrs=attrs, children=None)
    return self.renderToken([shown], 0, options, env)
