"""Stage 3: parse a document once and cut it into sections at its headings.

A section is a heading and its *own* body: the blocks up to the next heading of any level
that starts a section. Only top-level headings split (a ``#`` line inside fenced code, an
HTML block, a comment, a list or a blockquote never does), and only at the deck's levels.
"""

import re
from dataclasses import dataclass
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

from flashgen.config import ignored_heading_key
from flashgen.read import Document

SKIP_MARKER = re.compile(r"<!--\s*flashgen:\s*skip\s*-->", re.I)
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.S)


@dataclass(frozen=True)
class Section:
    relpath: str
    heading: str
    """The heading's inline Markdown source, whitespace collapsed: the prompt."""
    level: int
    line: int
    """File line of the heading (1-based)."""
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
    skipped: bool
    """The body holds ``<!-- flashgen: skip -->`` (as an HTML comment, not inside code)."""
    ignored: bool
    """The heading is one of the deck's ``ignore_headings``."""

    @property
    def heading_path(self) -> tuple[str, ...]:
        return (*self.ancestors, self.heading)

    @property
    def makes_note(self) -> bool:
        return self.has_content and not self.skipped and not self.ignored


@dataclass(frozen=True)
class ParsedDocument:
    document: Document
    tokens: tuple[Token, ...]
    env: dict[str, Any]
    """markdown-it's env after parsing: the file's link reference definitions live here."""
    sections: tuple[Section, ...]


def split_document(
    document: Document,
    md: MarkdownIt,
    levels: tuple[int, ...],
    ignore_headings: tuple[str, ...] = (),
) -> ParsedDocument:
    env: dict[str, Any] = {}
    tokens = md.parse(document.body, env)
    lines = document.body.split("\n")
    if document.body.endswith("\n"):
        lines.pop()  # the empty string after the last newline is not a line of the file
    ignored = {ignored_heading_key(name) for name in ignore_headings}
    starts = [
        index
        for index, token in enumerate(tokens)
        if token.type == "heading_open" and token.level == 0 and int(token.tag[1]) in levels
    ]
    sections: list[Section] = []
    stack: list[tuple[int, str]] = []
    seen: dict[tuple[str, ...], int] = {}
    offset = document.body_line
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
        body = "\n".join(lines[first_line:last_line])
        path = (*ancestors, heading)
        seen[path] = seen.get(path, 0) + 1
        sections.append(
            Section(
                relpath=document.source.relpath,
                heading=heading,
                level=level,
                line=(opener.map[0] if opener.map else 0) + offset,
                end_line=last_line + offset,
                ancestors=ancestors,
                occurrence=seen[path],
                body=body,
                tokens=(body_start, body_end),
                heading_token=start + 1,
                has_content=_has_content(tokens[body_start:body_end]),
                skipped=_has_skip_marker(tokens[body_start:body_end]),
                ignored=ignored_heading_key(heading) in ignored,
            )
        )
    return ParsedDocument(
        document=document, tokens=tuple(tokens), env=env, sections=tuple(sections)
    )


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


def _has_content(tokens: list[Token]) -> bool:
    """Whitespace and HTML comments are not content."""
    for token in tokens:
        if token.type == "html_block":
            if _COMMENT.sub("", token.content).strip():
                return True
        elif token.type == "inline":
            if _inline_has_content(token):
                return True
        elif token.type not in ("paragraph_open", "paragraph_close"):
            return True
    return False


def _inline_has_content(token: Token) -> bool:
    for child in token.children or ():
        if child.type == "html_inline" and _COMMENT.fullmatch(child.content.strip()):
            continue
        if child.type in ("softbreak", "hardbreak"):
            continue
        if child.type == "text" and not child.content.strip():
            continue
        return True
    return False
