"""Stage 3: parse a document once and cut it into sections at its headings.

A section is a heading and its *own* body: the blocks up to the next heading of any level
that starts a section. Only top-level headings split (a ``#`` line inside fenced code, an
HTML block, a comment, a list or a blockquote never does), and only at the deck's levels.
What a file says before its first heading (all of it, in a file with no heading) is the
*preamble*: a section too, prompted by the file's title, with an empty heading path.

Every section that makes no note, and every heading that starts none, is recorded with its
reason (``flashgen.account``): nothing is dropped silently.
"""

import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

from flashgen.account import Reason, SkippedSection
from flashgen.config import ignored_heading_key
from flashgen.junk import junk_reason
from flashgen.read import Document

SKIP_MARKER = re.compile(r"<!--\s*flashgen:\s*skip\s*-->", re.I)


@dataclass(frozen=True)
class Section:
    relpath: str
    heading: str
    """The heading's inline Markdown source, whitespace collapsed: the prompt. For the
    preamble, the file's title."""
    level: int
    """1–6; 0 for the preamble."""
    line: int
    """File line of the heading (1-based); for the preamble, of its first block."""
    end_line: int
    """File line just after the section's last body line."""
    ancestors: tuple[str, ...]
    """Headings of the enclosing sections, outermost first."""
    occurrence: int
    """1 for the first section with this heading path in its file, then 2, 3, …"""
    body: str
    """The source lines of the section's own body."""
    tokens: tuple[int, int]
    """``[start, end)`` of the body's tokens in the parsed document."""
    heading_token: int
    """Index of the heading's ``inline`` token in the parsed document."""
    has_content: bool
    """The body holds something other than whitespace and comments."""
    skipped: bool
    """The body holds ``<!-- flashgen: skip -->`` (as an HTML comment, not inside code)."""
    ignored: bool
    """The heading is one of the deck's ``ignore_headings``."""
    reason: Reason | None = None
    """Why the section makes no note (see ``flashgen.account``); None when it makes one."""
    preamble: bool = False
    """The text before the file's first heading."""

    @property
    def heading_path(self) -> tuple[str, ...]:
        """What the section's key is made of: empty for the preamble."""
        return () if self.preamble else (*self.ancestors, self.heading)

    @property
    def makes_note(self) -> bool:
        return self.reason is None


@dataclass(frozen=True)
class ParsedDocument:
    document: Document
    tokens: tuple[Token, ...]
    """The parsed body; after it, when the file has a preamble, a heading holding the title
    (the preamble's ``heading_token`` points into it)."""
    env: dict[str, Any]
    """markdown-it's env after parsing: the file's link reference definitions live here."""
    sections: tuple[Section, ...]
    skipped: tuple[SkippedSection, ...] = ()
    """Every section that makes no note and every heading that starts none, in file order."""


def split_document(
    document: Document,
    md: MarkdownIt,
    levels: tuple[int, ...],
    ignore_headings: tuple[str, ...] = (),
    *,
    preamble: bool = True,
    link_sections: bool = False,
) -> ParsedDocument:
    env: dict[str, Any] = {}
    tokens = md.parse(document.body, env)
    lines = document.body.split("\n")
    if document.body.endswith("\n"):
        lines.pop()  # the empty string after the last newline is not a line of the file
    relpath = document.source.relpath
    stem = PurePosixPath(relpath).stem
    offset = document.body_line
    ignored = {ignored_heading_key(name) for name in ignore_headings}
    starts = [
        index
        for index, token in enumerate(tokens)
        if token.type == "heading_open" and token.level == 0 and int(token.tag[1]) in levels
    ]
    sections: list[Section] = []
    first = starts[0] if starts else len(tokens)
    reason: Reason | None
    opening = tokens[:first]
    opening_kind = junk_reason(opening, stem, link_sections)
    if opening_kind != "no-body":
        last_line = _line_of(tokens, first, len(lines))
        marked = _has_skip_marker(opening)
        reason = "preamble-off" if not preamble else "skip-marker" if marked else opening_kind
        sections.append(
            Section(
                relpath=relpath,
                heading=document.title,
                level=0,
                line=_first_line(opening) + offset,
                end_line=last_line + offset,
                ancestors=(),
                occurrence=1,
                body="\n".join(lines[:last_line]),
                tokens=(0, first),
                heading_token=len(tokens) + 1,
                has_content=True,
                skipped=marked,
                ignored=False,
                reason=reason,
                preamble=True,
            )
        )
    stack: list[tuple[int, str]] = []
    seen: dict[tuple[str, ...], int] = {}
    for position, start in enumerate(starts):
        opener, inline = tokens[start], tokens[start + 1]
        level = int(opener.tag[1])
        heading = " ".join(inline.content.split())
        while stack and stack[-1][0] >= level:
            stack.pop()
        ancestors = tuple(text for _, text in stack)
        stack.append((level, heading))
        body_start = start + 3
        body_end = starts[position + 1] if position + 1 < len(starts) else len(tokens)
        first_line = opener.map[1] if opener.map else 0
        last_line = _line_of(tokens, body_end, len(lines))
        path = (*ancestors, heading)
        seen[path] = seen.get(path, 0) + 1
        body_tokens = tokens[body_start:body_end]
        kind = junk_reason(body_tokens, stem, link_sections)
        marked = _has_skip_marker(body_tokens)
        is_ignored = ignored_heading_key(heading) in ignored
        reason = (
            "ignored-heading" if is_ignored else "skip-marker" if marked else kind
        )
        sections.append(
            Section(
                relpath=relpath,
                heading=heading,
                level=level,
                line=(opener.map[0] if opener.map else 0) + offset,
                end_line=last_line + offset,
                ancestors=ancestors,
                occurrence=seen[path],
                body="\n".join(lines[first_line:last_line]),
                tokens=(body_start, body_end),
                heading_token=start + 1,
                has_content=kind != "no-body",
                skipped=marked,
                ignored=is_ignored,
                reason=reason,
            )
        )
    skipped = _account(relpath, sections, tokens, set(starts), levels, offset)
    if sections and sections[0].preamble:
        tokens += _title_heading(document.title)
    return ParsedDocument(
        document=document,
        tokens=tuple(tokens),
        env=env,
        sections=tuple(sections),
        skipped=skipped,
    )


def _account(
    relpath: str,
    sections: list[Section],
    tokens: list[Token],
    starts: set[int],
    levels: tuple[int, ...],
    offset: int,
) -> tuple[SkippedSection, ...]:
    """The sections that make no note, and the headings that start none (below the deck's
    levels, or inside a container): their text is in the answer of the section around them."""
    entries = [
        (
            section.line,
            SkippedSection(
                path=relpath,
                line=section.line,
                end_line=section.end_line,
                heading="" if section.preamble else section.heading,
                reason=section.reason,
            ),
        )
        for section in sections
        if section.reason is not None
    ]
    for index, token in enumerate(tokens):
        if token.type != "heading_open" or index in starts or not token.map:
            continue
        line = token.map[0] + offset
        around = next((s for s in reversed(sections) if s.line <= line), None)
        holder = f"its text is in the answer of '{around.heading}'" if around else ""
        reason: Reason = "inside-container" if token.level else "level"
        if reason == "level" and int(token.tag[1]) in levels:
            continue
        where = _container_of(tokens, index) if token.level else f"h{token.tag[1]}"
        entries.append(
            (
                line,
                SkippedSection(
                    path=relpath,
                    line=line,
                    end_line=token.map[1] + offset,
                    heading=" ".join(tokens[index + 1].content.split()),
                    reason=reason,
                    detail=", ".join(part for part in (where, holder) if part),
                ),
            )
        )
    return tuple(entry for _, entry in sorted(entries, key=lambda pair: pair[0]))


def _container_of(tokens: list[Token], heading: int) -> str:
    """The innermost container around a nested heading: ``in a callout``, ``in a list``."""
    depth = 0
    for token in reversed(tokens[:heading]):
        depth -= token.nesting
        if depth < 0:
            if "fg-callout" in str(token.attrGet("class") or ""):
                return "in a callout"
            if token.type.startswith("blockquote"):
                return "in a blockquote"
            if "list" in token.type:
                return "in a list"
            depth = 0
    return "in a container"


def _title_heading(title: str) -> list[Token]:
    """The preamble's prompt, as the tokens of a heading that holds the title as text."""
    text = Token("text", "", 0, content=title)
    inline = Token("inline", "", 0, content=title, children=[text])
    return [Token("heading_open", "h1", 1), inline, Token("heading_close", "h1", -1)]


def _first_line(tokens: list[Token]) -> int:
    return next((token.map[0] for token in tokens if token.map), 0)


def _line_of(tokens: list[Token], index: int, default: int) -> int:
    token_map = tokens[index].map if index < len(tokens) else None
    return token_map[0] if token_map else default


def _has_skip_marker(tokens: list[Token]) -> bool:
    """The marker is an HTML comment: one shown inside code is not a marker."""
    for token in tokens:
        if token.type == "html_block" and SKIP_MARKER.search(token.content):
            return True
        if token.type == "inline" and any(
            child.type == "html_inline" and SKIP_MARKER.search(child.content)
            for child in token.children or ()
        ):
            return True
    return False
