"""The Markdown dialect of a notes vault: one configured MarkdownIt and the plugins it uses.

CommonMark with GFM tables and strikethrough and raw HTML, plus one module per syntax, each
holding its parse rule and its render rule side by side: ``math`` (``$``, ``$$``, ``\\(``,
``\\[``), ``cjk`` (emphasis next to CJK text), Obsidian's ``wikilinks``, ``callout``,
``embeds``, ``highlight``, ``blockids``, ``comments`` and ``footnotes``, ``xref``
(``Term^``), ``code`` (Pygments), ``images``, ``html``, ``tags``, ``tables``.
Create it once per build with ``make_markdown()`` and pass it to the stages that parse or
render.

Render rules never change the parsed tokens; what they need from the file being rendered
they ask of ``env["flashgen"]`` (``tokens.RenderHooks``).
"""

from dataclasses import dataclass

from markdown_it import MarkdownIt

from flashgen.dialect import (
    blockids,
    callout,
    cjk,
    code,
    comments,
    embeds,
    footnotes,
    highlight,
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
from flashgen.dialect.footnotes import notes_html
from flashgen.dialect.tokens import RenderHooks, plain_text

__all__ = ["DialectOptions", "RenderHooks", "make_markdown", "notes_html", "plain_text"]


@dataclass(frozen=True)
class DialectOptions:
    line_breaks: bool = False
    """A single newline is a line break (Obsidian's reading view), not a space."""


def make_markdown(options: DialectOptions = DialectOptions()) -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True, "breaks": options.line_breaks})
    md.enable("strikethrough")
    for plugin in (
        comments.plugin,
        math.plugin,
        cjk.plugin,
        highlight.plugin,
        nesting.plugin,
        footnotes.plugin,
        wikilinks.plugin,
        blockids.plugin,
        callout.plugin,
        embeds.plugin,
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
