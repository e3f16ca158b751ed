"""The Markdown dialect of a notes vault: one configured MarkdownIt and the plugins it uses.

CommonMark with GFM tables and strikethrough and raw HTML, plus one module per syntax, each
holding its parse rule and its render rule side by side: ``math`` (``$``, ``$$``, ``\\(``,
``\\[``), ``cjk`` (emphasis next to CJK text), ``wikilinks`` and ``callout`` (Obsidian),
``xref`` (``Term^``), ``code`` (Pygments), ``images``, ``html``, ``tags``, ``tables``.
Create it once per build with ``make_markdown()`` and pass it to the stages that parse or
render.

Render rules never change the parsed tokens; what they need from the file being rendered
they ask of ``env["flashgen"]`` (``tokens.RenderHooks``).
"""

from markdown_it import MarkdownIt

from flashgen.dialect import (
    callout,
    cjk,
    code,
    html,
    images,
    lines,
    math,
    nesting,
    tables,
    tags,
    wikilinks,
    xref,
)
from flashgen.dialect.tokens import RenderHooks, plain_text

__all__ = ["RenderHooks", "make_markdown", "plain_text"]


def make_markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True}).enable("strikethrough")
    for plugin in (
        math.plugin,
        cjk.plugin,
        nesting.plugin,
        wikilinks.plugin,
        callout.plugin,
        lines.plugin,
        xref.plugin,
        code.plugin,
        images.plugin,
        html.plugin,
        tags.plugin,
        tables.plugin,
    ):
        md.use(plugin)
    return md
