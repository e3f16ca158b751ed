"""Obsidian inline ``#tags`` in prose: reported to the render hooks, shown as written."""

import re
from collections.abc import Sequence
from html import escape
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import OptionsDict

from flashgen.dialect.tokens import hooks_of

INLINE_TAG = re.compile(r"(?<![\w/#&])#([^\W\d][\w/-]*|\d+[^\W\d][\w/-]*)")


def plugin(md: MarkdownIt) -> None:
    md.add_render_rule("text", _text)


def _text(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any
) -> str:
    content = tokens[idx].content
    hooks = hooks_of(env)
    if hooks is not None and "#" in content:
        for match in INLINE_TAG.finditer(content):
            hooks.inline_tag(match.group(1))
    return escape(content, quote=False)
