"""Stage 4: render each section of a parsed document to the HTML that goes into its note.

Rendering also resolves the media a section refers to, removes unsafe HTML and collects the
section's cross-references and inline tags; what it finds wrong becomes a diagnostic.
"""

import re
from dataclasses import dataclass
from html import escape
from typing import Any, cast

from markdown_it import MarkdownIt
from markdown_it.token import Token

from flashgen.dialect import notes_html, plain_text
from flashgen.dialect.embeds import select
from flashgen.discover import SourceFile
from flashgen.errors import Diagnostic
from flashgen.media import MediaFile, MediaStore
from flashgen.prompt import Prompt, parse_prompt
from flashgen.read import Document, read_document
from flashgen.sanitize import clean_html
from flashgen.split import ParsedDocument, Section

_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.S)
CONTEXT_SEPARATOR = '<span class="fg-sep"> › </span>'
MAX_EMBED_DEPTH = 4
"""How deep embeds inside embedded notes are followed; deeper ones show as links."""


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
        self,
        store: MediaStore,
        document: Document,
        allow_unsafe_html: bool,
        md: MarkdownIt,
        embedding: tuple[tuple[str, str], ...] = (),
        titles: frozenset[str] = frozenset(),
    ) -> None:
        self.store = store
        self.document = document
        self.allow_unsafe_html = allow_unsafe_html
        self.md = md
        self.titles = titles
        self.embedding = embedding
        """(note, fragment) of the section being rendered and of the embeds around this
        one, outermost first: an embed of one of them is a cycle."""
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

    def known_title(self, phrase: str) -> bool:
        return phrase.casefold() in self.titles

    def inline_tag(self, tag: str) -> None:
        self.tags.append(tag)

    def embed(self, target: str, line: int) -> str | None:
        """Transclude ``Note``, ``Note#Heading`` or ``Note#^block``. Its media are bundled
        with this note; the embedded note's own problems are reported when it is built."""
        note, _, fragment = target.partition("#")
        here = self.document.source.relpath
        relpath = self.store.locate_note(note, here) if note.strip() else here
        if note.strip():
            nested = len(self.embedding) > 1
            self.refs.append((f"[[/{relpath}]]" if nested else f"[[{note}]]", True))
        if relpath is None:
            self._warn(line, f"embedded note not found: {note}")
            return None
        key = (relpath, fragment.strip().casefold())
        if key in self.embedding or key == (here, "") or len(self.embedding) > MAX_EMBED_DEPTH:
            return None
        parsed = _parsed_note(self.store, self.md, relpath)
        if parsed is None:
            return None
        document, tokens, env = parsed
        chosen = select(tokens, fragment)
        if chosen is None:
            self._warn(line, f"embedded section not found: {target}")
            return None
        inner = _SectionHooks(
            self.store, document, self.allow_unsafe_html, self.md, (*self.embedding, key)
        )
        inner.bundled = self.bundled
        inner.refs = self.refs
        inner_env: dict[str, Any] = {**env, "flashgen": inner}
        html = str(self.md.renderer.render(chosen, self.md.options, inner_env))
        return html + notes_html(self.md, inner_env)


_Parsed = tuple[Document, list[Token], dict[str, Any]]


def _parsed_note(store: MediaStore, md: MarkdownIt, relpath: str) -> "_Parsed | None":
    """A note parsed for embedding, once per build (None if it cannot be read)."""
    if relpath not in store.parsed_notes:
        read = read_document(SourceFile(store.vault.root / relpath, relpath))
        parsed = None
        if read.document is not None:
            env: dict[str, Any] = {}
            parsed = (read.document, md.parse(read.document.body, env), env)
        store.parsed_notes[relpath] = parsed
    return cast(_Parsed | None, store.parsed_notes[relpath])


def render_document(
    parsed: ParsedDocument, md: MarkdownIt, store: MediaStore, allow_unsafe_html: bool
) -> RenderedFile:
    document = parsed.document
    tokens = list(parsed.tokens)
    diagnostics: list[Diagnostic] = []
    rendered: list[RenderedSection] = []
    titles = _titles(parsed)
    ancestors: list[tuple[int, str, str]] = []
    all_hooks: list[_SectionHooks] = []
    for section in parsed.sections:
        heading = tokens[section.heading_token]
        itself = (document.source.relpath, plain_text(heading.children).strip().casefold())
        hooks = _SectionHooks(store, document, allow_unsafe_html, md, (itself,), titles)
        all_hooks.append(hooks)
        env: dict[str, Any] = {**parsed.env, "flashgen": hooks}
        prompt_html = md.renderer.render(heading.children or [], md.options, env)
        prompt = parse_prompt(section.heading)
        while ancestors and ancestors[-1][0] >= section.level:
            ancestors.pop()
        context_parts = [(escape(document.title), document.title)] + [
            (html, text)
            for position, (_, html, text) in enumerate(ancestors)
            if position or text.strip().casefold() != document.title.casefold()
        ] if not section.preamble else []  # the preamble's prompt is the title already
        if not section.preamble:
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
        titles=titles,
        diagnostics=tuple(diagnostics),
        media_refs=tuple(dict.fromkeys(ref for hooks in all_hooks for ref in hooks.refs)),
    )


def _titles(parsed: ParsedDocument) -> frozenset[str]:
    """Every heading name in the file, case-folded: what a ``Term^`` may point at."""
    titles: set[str] = set()
    for section in parsed.sections:
        titles.update(name.casefold() for name in _plain_names(parse_prompt(section.heading)))
        titles.add(plain_text(parsed.tokens[section.heading_token].children).strip().casefold())
    return frozenset(titles)


def _names_html(names: tuple[str, ...], md: MarkdownIt, env: dict[str, Any]) -> str:
    return " / ".join(md.renderInline(name, env) for name in names)


def _plain_names(prompt: Prompt) -> list[str]:
    names = list(prompt.names) + list(prompt.cjk) + list(prompt.latin)
    return [name.replace("`", "").replace("*", "").strip() for name in names]
