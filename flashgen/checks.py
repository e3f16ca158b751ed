"""Checks over the parsed and rendered files: references, duplicates, odd headings, and
Markdown that silently swallows the rest of a file (an unclosed fence or comment)."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

from flashgen.errors import Diagnostic

if TYPE_CHECKING:  # a rebuild from the cache never needs the parser
    from markdown_it.token import Token

    from flashgen.fill import NoteContent
    from flashgen.split import ParsedDocument

LONGEST_PROMPT = 300
_COMMENT = "HTML comment <!--"
_UNSAFE_LINK = re.compile(
    r"(?:\]\(|\]:|<)\s*<?\s*"
    r"(javascript|vbscript|file|data(?!:image/(?:gif|png|jpeg|webp);)):",
    re.I,
)
"""A Markdown link, image, reference or autolink that markdown-it refused to make (its
``validateLink``): it shows as text, which the author should know."""
_RAW_HTML_OPENER = re.compile(r"\s*<(script|pre|style|textarea)(?=[\s>/]|$)", re.I)


def dangling_references(
    titles: Iterable[frozenset[str]], xrefs: Iterable[tuple[str, str, int]]
) -> list[Diagnostic]:
    """``Term^`` must name a heading somewhere in the deck; ``A B^`` may name ``A B`` or
    ``B`` (``xref.candidates``).

    ``titles``: each file's heading names, case-folded; ``xrefs``: (file, term, line).
    """
    from flashgen.dialect.xref import candidates

    known = frozenset().union(*titles)
    problems: list[Diagnostic] = []
    for relpath, recorded, line in xrefs:
        chip, meanings = candidates(recorded)
        if not any(meaning.casefold() in known for meaning in meanings):
            problems.append(
                Diagnostic(relpath, line, "warning", f"cross-reference {chip}^ points nowhere")
            )
    return problems


def duplicate_prompts(notes: Iterable[NoteContent]) -> list[Diagnostic]:
    """Two cards with the same question in one deck cannot be told apart when studying."""
    seen: dict[tuple[str, str, str], list[NoteContent]] = defaultdict(list)
    for note in notes:
        seen[(note.deck, note.fields.prompt, note.fields.context)].append(note)
    return [
        Diagnostic(
            note.relpath,
            note.line,
            "warning",
            f"duplicate prompt '{note.heading}' in deck {note.deck} (also at {first.location})",
        )
        for first, *others in seen.values()
        for note in others
    ]


def heading_problems(documents: Iterable[ParsedDocument]) -> list[Diagnostic]:
    """Headings too long to be a prompt, and leaf headings with nothing under them."""
    problems: list[Diagnostic] = []
    for parsed in documents:
        sections = parsed.sections
        for index, section in enumerate(sections):
            if len(section.heading) > LONGEST_PROMPT:
                problems.append(
                    Diagnostic(
                        section.relpath,
                        section.line,
                        "warning",
                        f"heading is {len(section.heading)} characters long: "
                        "too long to be a good prompt",
                    )
                )
            is_leaf = index + 1 == len(sections) or sections[index + 1].level <= section.level
            if not section.has_content and is_leaf and not section.ignored:
                problems.append(
                    Diagnostic(
                        section.relpath,
                        section.line,
                        "warning",
                        f"section '{section.heading[:80]}' has no answer: no card made",
                    )
                )
    return problems


def markdown_problems(documents: Iterable[ParsedDocument]) -> list[Diagnostic]:
    """Constructs that hide the rest of a file from the build, and nesting past the limit.

    An unclosed code fence, HTML comment or ``<pre>`` at the top level runs to the end of the
    file: every heading after it is text, not a card. Only the top level matters: inside a
    list or blockquote such a block ends with its container.
    """
    problems: list[Diagnostic] = []
    for parsed in documents:
        document = parsed.document
        lines = document.body.split("\n")
        too_deep_reported = False
        for token in parsed.tokens:
            if token.map is None:
                continue
            line = token.map[0] + document.body_line
            where = document.source.relpath
            if token.meta.get("too_deep") and not too_deep_reported:
                too_deep_reported = True
                problems.append(
                    Diagnostic(
                        where,
                        line,
                        "warning",
                        "Markdown nested too deeply (lists or quotes): "
                        "the deeper part is shown as plain text",
                    )
                )
            if token.type == "inline" and token.children:
                problems += _unsafe_links(token, line, where)
                problems += _unpaired_math(token, line, where)
            if token.level != 0:
                continue
            if token.type == "fence" and not _fence_closed(token, lines):
                problems.append(
                    Diagnostic(
                        where,
                        line,
                        "warning",
                        f"code fence {token.markup} is never closed: the rest of the file is "
                        "code, and headings in it make no cards",
                    )
                )
            elif token.type == "html_block" and (what := _unclosed_html(token.content)):
                hidden = "hidden" if what == _COMMENT else "raw HTML"
                problems.append(
                    Diagnostic(
                        where,
                        line,
                        "warning",
                        f"{what} is never closed: the rest of the file is {hidden}, "
                        "and headings in it make no cards",
                    )
                )
    return problems


def _fence_closed(token: Token, lines: list[str]) -> bool:
    assert token.map is not None
    start, end = token.map
    if end - 1 <= start or end > len(lines):
        return False
    last = lines[end - 1]
    text = last.lstrip(" ")
    indent = len(last) - len(text)
    text = text.rstrip()
    return indent < 4 and text.startswith(token.markup) and not text.strip(token.markup[0])


def _unclosed_html(content: str) -> str | None:
    if content.lstrip().startswith("<!--"):
        return None if "-->" in content else _COMMENT
    opener = _RAW_HTML_OPENER.match(content)
    if opener and f"</{opener.group(1).lower()}>" not in content.lower():
        return f"<{opener.group(1).lower()}>"
    return None


def _unpaired_math(inline: Token, line: int, where: str) -> list[Diagnostic]:
    return [
        Diagnostic(
            where,
            line + offset,
            "warning",
            "unpaired $$: shown as text (math ends with its paragraph, and a $$ "
            "block needs its closing $$ before the next heading)"
            if marker == "$$"
            else "unpaired $: shown as text (write \\$ for a dollar sign)",
        )
        for offset, marker in inline.meta.get("unpaired_math", ())
    ]


def _unsafe_links(inline: Token, line: int, where: str) -> list[Diagnostic]:
    text = "".join(
        child.content if child.type == "text" else "\n" if child.type.endswith("break") else "\0"
        for child in inline.children or ()
    )
    return [
        Diagnostic(
            where,
            line + text.count("\n", 0, match.start()),
            "warning",
            f"link to a {match.group(1).lower()}: URL is unsafe: shown as text",
        )
        for match in _UNSAFE_LINK.finditer(text)
    ]
