"""Cross-references: ``Term^`` in prose points at the section titled ``Term``.

Parsed into ``xref`` tokens (never inside code or math); rendered as a reference chip, and
reported to the render hooks so that ``check`` can find references that point nowhere.

A multi-word ``A B^`` means the longest heading that ends the phrase (``CPU Throttling^`` is
``CPU Throttling`` when there is such a heading): the token keeps up to four words before
the term (``meta["lead"]``); the chip takes as many of them as make a heading of this file,
else the capitalised words just before it (``CPU``), and the reference is recorded with the
rest (``lead⁣chip``, see ``candidates``) so that ``check`` can match it against every heading
of the deck. An exponent such as ``2^*e*`` or ``10^`` is no reference.
"""

import re
from collections.abc import Sequence
from html import escape
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markdown_it.utils import OptionsDict

from flashgen.dialect.tokens import RenderHooks, hooks_of, line_of, text_token

XREF = re.compile(r"(?<![\w./\\@+#-])([^\W_](?:[\w.+#-]*[^\W_])?(?:\+\+|#)?)\^(?![\w^({\[+-])")
"""``Term^``: a term that starts and ends with a letter or digit (``C++`` and ``C#`` too), not
glued to a path or another word on its left, and not a superscript on its right (``x^2``,
``e^{x}``, ``f^(n)``, ``10^-3``)."""
_URL = re.compile(r"(?:(?<![a-z0-9+.-])[a-z][a-z0-9+.-]*://|www\.|mailto:)\S*", re.I)
"""The lookbehind keeps a long word from being rescanned at every position (quadratic)."""
_EMPHASIS = {"strong_open": "strong_close", "em_open": "em_close"}
_LEAD = re.compile(r"(?:(?<![\w./\\@+#-])[^\W_](?:[\w.+#-]*[^\W_])?(?:\+\+|#)? ){1,4}$")
"""Up to four words just before a ``Term^``: the phrase may be a longer heading."""
_CAPITALISED = re.compile(r"[A-Z0-9][\w.+#-]*")
_SENTENCE_END = (".", "!", "?", ":", "。", "！", "？", "：")
LEAD_MARK = "\u2063"
"""In a recorded reference, ends the words before the chip that may still belong to it."""


def plugin(md: MarkdownIt) -> None:
    md.core.ruler.push("xref", _cross_references)
    md.add_render_rule("xref", _render_xref)


def _cross_references(state: StateCore) -> None:
    for token in state.tokens:
        if token.type != "inline" or not token.children or "^" not in token.content:
            continue
        token.children = _split_xrefs(token.children)


def _split_xrefs(children: Sequence[Token]) -> list[Token]:
    out: list[Token] = []
    for index, child in enumerate(children):
        if child.type != "text" or "^" not in child.content:
            out.append(child)
            continue
        if _whole_emphasis_xref(children, index):
            out.append(_xref_token(child, child.content[:-1].strip()))
            continue
        urls = [url.span() for url in _URL.finditer(child.content)]
        position = 0
        for match in XREF.finditer(child.content):
            if any(start <= match.start() < end for start, end in urls):
                continue
            if _exponent(children, index, match):
                continue
            before = child.content[position : match.start()]
            lead = _LEAD.search(before)
            cut = lead.start() if lead else len(before)
            if cut:
                out.append(text_token(child, before[:cut]))
            ref = _xref_token(child, match.group(1))
            if lead:
                ref.meta["lead"] = lead.group()
                opens = before[:cut].rstrip()
                ref.meta["sentence_start"] = (index == 0 and not opens) or opens.endswith(
                    _SENTENCE_END
                )
            out.append(ref)
            position = match.end()
        if position < len(child.content):
            out.append(text_token(child, child.content[position:]))
    return out


def _exponent(children: Sequence[Token], index: int, match: re.Match[str]) -> bool:
    """``2^*e*`` (emphasis right after the caret) and a bare number ``10^`` are powers."""
    if match.group(1).isdigit():
        return True
    at_end = match.end() == len(children[index].content)
    return at_end and index + 1 < len(children) and children[index + 1].type in _EMPHASIS


def _xref_token(model: Token, term: str) -> Token:
    ref = Token("xref", "", 0)
    ref.content = term
    ref.meta = dict(model.meta)
    return ref


def _whole_emphasis_xref(children: Sequence[Token], index: int) -> bool:
    """``**Page table^**``: the whole emphasised text is the term, spaces and all."""
    text = children[index].content
    if not text.endswith("^") or text.endswith("^^") or " " not in text.strip():
        return False
    if index == 0 or index + 1 >= len(children):
        return False
    closer = _EMPHASIS.get(children[index - 1].type)
    return closer is not None and children[index + 1].type == closer


def _render_xref(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any
) -> str:
    token = tokens[idx]
    hooks = hooks_of(env)
    words = str(token.meta.get("lead", "")).split()
    taken = _chip_words(words, token.content, hooks, bool(token.meta.get("sentence_start")))
    rest = words[: len(words) - taken]
    chip = " ".join([*words[len(words) - taken :], token.content])
    if hooks is not None:
        recorded = f"{' '.join(rest)}{LEAD_MARK}{chip}" if rest else chip
        hooks.xref(recorded, line_of(token))
    before = escape(" ".join(rest) + " ", quote=False) if rest else ""
    return f'{before}<span class="fg-xref">{escape(chip)}</span>'


def _chip_words(
    words: list[str], term: str, hooks: RenderHooks | None, sentence_start: bool
) -> int:
    """How many of the words before ``term`` belong to its chip (a capitalised first word
    of a sentence is only capitalised as such)."""
    if hooks is not None:
        for taken in range(len(words), 0, -1):
            if hooks.known_title(" ".join([*words[len(words) - taken :], term])):
                return taken
    taken = 0
    while taken < len(words) and _CAPITALISED.fullmatch(words[len(words) - 1 - taken]):
        taken += 1
    if taken == len(words) and sentence_start and not words[0].isupper():
        taken -= 1
    return taken


def candidates(recorded: str) -> tuple[str, list[str]]:
    """A recorded reference's chip, and the headings it may mean, longest first."""
    lead, _, chip = recorded.rpartition(LEAD_MARK)
    words, chip_words = lead.split(), chip.split()
    longer = [" ".join([*words[start:], chip]) for start in range(len(words))]
    shorter = [" ".join(chip_words[start:]) for start in range(len(chip_words))]
    return chip, [*longer, *shorter]
