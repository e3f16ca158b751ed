"""What is not a card (design §2): a body that holds nothing to recall.

Judged on the parsed tokens of a section's own body: only links (a reference list, an
``Index``/``Related``/``参考文献`` block), only links to the file's own headings or a ``[TOC]``
marker (a table of contents), only a horizontal rule, only an empty code block, or only
scaffolding (an Obsidian ``dataview``/``query`` block, Jekyll's Liquid tags). Several such
blocks together are still nothing to recall; anything else in the body makes it a card.
"""

import re
from collections.abc import Sequence
from typing import Literal

from markdown_it.token import Token

from flashgen.account import Reason

_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.S)
_TOC_MARKER = re.compile(
    r"\[\[?_?toc_?\]\]?|\{:\s*toc\s*\}|(?:[-*+]\s*|\d+\.\s*)?toc\s*\{:\s*toc\s*\}|\$\{toc\}",
    re.I,
)
"""``[TOC]``, ``[[_TOC_]]``, kramdown's ``* TOC`` + ``{:toc}`` (as one paragraph's text)."""
_TEMPLATE_TAGS = re.compile(r"(?:\s*(?:\{%.*?%\}|\{\{.*?\}\}|\{:[^}\n]*\}))+\s*", re.S)
"""A paragraph of only Liquid tags (``{% include toc.html %}``) or kramdown attribute lists."""
_SCAFFOLD_FENCES = frozenset({"dataview", "dataviewjs", "query", "tasks"})
"""Code blocks Obsidian plugins run to list other notes: the note has them, not the card."""
_URLS_ONLY = re.compile(r"\s*(?:<?(?:https?://|www\.)\S+>?\s*)+", re.I)
_SEPARATORS = re.compile(r"[\s\W_]*")
"""Text between links that says nothing: spaces, punctuation, bullets, dashes."""
_LABEL = re.compile(r"\s*(?:\S+\s+){0,3}\S+?\s*[:：]\s*")
"""A short label before links: ``See also:``, ``参考：``."""
_BREAK = re.compile(r"<br\s*/?>", re.I)
_Kind = Reason | Literal["content"] | None
_PRIORITY: tuple[Reason, ...] = ("links-only", "toc", "scaffolding", "empty-code", "rule-only")


def junk_reason(
    tokens: Sequence[Token], file_stem: str, link_sections: bool = False
) -> Reason | None:
    """Why the body ``tokens`` make no card, or None if they hold something to recall.

    ``no-body`` when they hold nothing at all (whitespace and comments are nothing);
    ``file_stem`` names the file, so that ``[[stem#heading]]`` counts as a link into it.
    """
    kinds: set[Reason] = set()
    for index, token in enumerate(tokens):
        if token.nesting != 0:
            continue
        kind = _block_kind(token, tokens[index - 1] if index else None, file_stem)
        if kind == "content":
            return None
        if kind is not None:
            kinds.add(kind)
    if not kinds:
        return "no-body"
    if link_sections and "links-only" in kinds:
        return None
    return next(reason for reason in _PRIORITY if reason in kinds)


def _block_kind(token: Token, before: Token | None, file_stem: str) -> _Kind:
    if token.type == "inline":
        if before is not None and before.type.endswith("title_open"):
            return None  # a callout's title: what the box holds decides
        return _inline_kind(token, file_stem)
    if token.type == "hr":
        return "rule-only"
    if token.type == "html_block":
        return None if not _COMMENT.sub("", token.content).strip() else "content"
    if token.type in ("fence", "code_block"):
        language = token.info.strip().split(maxsplit=1)[0].lower() if token.info.strip() else ""
        if language in _SCAFFOLD_FENCES:
            return "scaffolding"
        return "empty-code" if not token.content.strip() else "content"
    return "content"


def _inline_kind(inline: Token, file_stem: str) -> _Kind:
    children = [child for child in inline.children or () if not _is_nothing(child)]
    if not children:
        return None
    text = inline.content.strip()
    if _TOC_MARKER.fullmatch(text):
        return "toc"
    if _TEMPLATE_TAGS.fullmatch(text):
        return "scaffolding"
    links = anchors = 0
    depth = 0
    for position, child in enumerate(children):
        if child.type == "link_open":
            depth += 1
            links += 1
            anchors += str(child.attrGet("href") or "").startswith("#")
        elif child.type == "link_close":
            depth -= 1
        elif depth > 0 or child.type in ("em_open", "em_close", "strong_open", "strong_close"):
            continue
        elif child.type == "wikilink":
            links += 1
            target = str(child.meta.get("target", ""))
            anchors += target.startswith("#") or target.partition("#")[0] == file_stem
        elif child.type == "text" and _URLS_ONLY.fullmatch(child.content):
            links += 1
        elif child.type != "text" or not (
            _SEPARATORS.fullmatch(child.content)
            or (position == 0 and _LABEL.fullmatch(child.content))
        ):
            return "content"
    if not links:
        return "content"
    return "toc" if anchors == links else "links-only"


def _is_nothing(child: Token) -> bool:
    if child.type in ("softbreak", "hardbreak"):
        return True
    if child.type == "html_inline":
        return bool(_COMMENT.fullmatch(child.content.strip()) or _BREAK.fullmatch(child.content))
    return child.type == "text" and not child.content.strip()
