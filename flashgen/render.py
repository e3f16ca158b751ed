"""Stage 4: render each section of a parsed document to the HTML that goes into its note.

Rendering also resolves the media a section refers to, removes unsafe HTML and collects the
section's cross-references and inline tags; what it finds wrong becomes a diagnostic.
"""

import re
from dataclasses import dataclass
from html import escape
from typing import Any

from markdown_it import MarkdownIt

from flashgen.dialect import notes_html, plain_text
from flashgen.errors import Diagnostic
from flashgen.media import MediaFile, MediaStore
from flashgen.prompt import Prompt, parse_prompt
from flashgen.read import Document
from flashgen.sanitize import clean_html
from flashgen.split import ParsedDocument, Section

_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.S)
CONTEXT_SEPARATOR = '<span class="fg-sep"> › </span>'


@dataclass(frozen=True)
class RenderedSection:
    section: Section
    prompt: Prompt
    prompt_html: str
    answer_html: str
    context_html: str
    context_text: str
    cjk_html: str
    latin_html: str
    media: tuple[MediaFile, ...]
    xrefs: tuple[tuple[str, int], ...]
    """Each ``Term^`` the answer refers to, with its file line."""
    inline_tags: tuple[str, ...]


@dataclass(frozen=True)
class RenderedFile:
    document: Document
    sections: tuple[RenderedSection, ...]
    """The sections that make notes, in file order."""
    titles: frozenset[str]
    """Every heading name in the file, case-folded: what a ``Term^`` may point at."""
    diagnostics: tuple[Diagnostic, ...]
    media_refs: tuple[tuple[str, bool], ...] = ()
    """Every media reference resolved (``src``, by file name?): what the output depends on
    outside the note itself."""


class _SectionHooks:
    """The render rules' view of the section being rendered (``env["flashgen"]``)."""

    def __init__(
        self, store: MediaStore, document: Document, allow_unsafe_html: bool
    ) -> None:
        self.store = store
        self.document = document
        self.allow_unsafe_html = allow_unsafe_html
        self.diagnostics: list[Diagnostic] = []
        self.bundled: dict[str, MediaFile] = {}
        self.xrefs: list[tuple[str, int]] = []
        self.tags: list[str] = []
        self.refs: list[tuple[str, bool]] = []

    def _warn(self, line: int, message: str) -> None:
        where = self.document.source.relpath
        self.diagnostics.append(
            Diagnostic(where, line + self.document.body_line, "warning", message)
        )

    def media(self, src: str, line: int, by_name: bool = False) -> str:
        self.refs.append((src, by_name))
        resolution = self.store.resolve(src, self.document.source.relpath, by_name)
        if resolution.problem:
            self._warn(line, resolution.problem)
        if resolution.media is None:
            return src
        self.bundled[resolution.media.name] = resolution.media
        return resolution.media.name

    def clean(self, html: str, line: int) -> str:
        html = _COMMENT.sub("", html)
        if not html.strip():
            return ""
        if "<" not in html:
            return html
        result = clean_html(html, lambda src: self.media(src, line), self.allow_unsafe_html)
        for what in dict.fromkeys(result.removed):
            self._warn(line, f"unsafe HTML removed: {what}")
        return result.html

    def xref(self, term: str, line: int) -> None:
        self.xrefs.append((term, line + self.document.body_line))

    def inline_tag(self, tag: str) -> None:
        self.tags.append(tag)


def render_document(
    parsed: ParsedDocument, md: MarkdownIt, store: MediaStore, allow_unsafe_html: bool
) -> RenderedFile:
    document = parsed.document
    tokens = list(parsed.tokens)
    diagnostics: list[Diagnostic] = []
    rendered: list[RenderedSection] = []
    titles: set[str] = set()
    ancestors: list[tuple[int, str, str]] = []
    all_hooks: list[_SectionHooks] = []
    for section in parsed.sections:
        hooks = _SectionHooks(store, document, allow_unsafe_html)
        all_hooks.append(hooks)
        env: dict[str, Any] = {**parsed.env, "flashgen": hooks}
        heading = tokens[section.heading_token]
        prompt_html = md.renderer.render(heading.children or [], md.options, env)
        prompt = parse_prompt(section.heading)
        titles.update(name.casefold() for name in _plain_names(prompt))
        titles.add(plain_text(heading.children).strip().casefold())
        while ancestors and ancestors[-1][0] >= section.level:
            ancestors.pop()
        context_parts = [(escape(document.title), document.title)] + [
            (html, text)
            for position, (_, html, text) in enumerate(ancestors)
            if position or text.strip().casefold() != document.title.casefold()
        ]
        ancestors.append((section.level, prompt_html, plain_text(heading.children)))
        if not section.makes_note:
            diagnostics.extend(hooks.diagnostics)
            continue
        start, end = section.tokens
        answer_html = md.renderer.render(tokens[start:end], md.options, env)
        answer_html += notes_html(md, env)
        cjk_html = latin_html = ""
        if prompt.bilingual:
            # The names are parts of the heading, whose problems the prompt already reported.
            reported = len(hooks.xrefs), len(hooks.diagnostics)
            cjk_html = _names_html(prompt.cjk, md, env)
            latin_html = _names_html(prompt.latin, md, env)
            del hooks.xrefs[reported[0] :], hooks.diagnostics[reported[1] :]
        diagnostics.extend(hooks.diagnostics)
        rendered.append(
            RenderedSection(
                section=section,
                prompt=prompt,
                prompt_html=prompt_html,
                answer_html=answer_html.strip(),
                context_html=CONTEXT_SEPARATOR.join(html for html, _ in context_parts),
                context_text=" › ".join(text for _, text in context_parts),
                cjk_html=cjk_html,
                latin_html=latin_html,
                media=tuple(hooks.bundled[name] for name in sorted(hooks.bundled)),
                xrefs=tuple(hooks.xrefs),
                inline_tags=tuple(dict.fromkeys(hooks.tags)),
            )
        )
    return RenderedFile(
        document=document,
        sections=tuple(rendered),
        titles=frozenset(titles),
        diagnostics=tuple(diagnostics),
        media_refs=tuple(dict.fromkeys(ref for hooks in all_hooks for ref in hooks.refs)),
    )


def _names_html(names: tuple[str, ...], md: MarkdownIt, env: dict[str, Any]) -> str:
    return " / ".join(md.renderInline(name, env) for name in names)


def _plain_names(prompt: Prompt) -> list[str]:
    names = list(prompt.names) + list(prompt.cjk) + list(prompt.latin)
    return [name.replace("`", "").replace("*", "").strip() for name in names]
