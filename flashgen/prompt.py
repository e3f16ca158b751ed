"""Split a heading into the names it lists and find the CJK/Latin pair for term cards.

A heading such as ``梯度下降法（Gradient Descent）`` or ``进程 / Process`` names one thing in
two languages; flashgen then adds a "CJK → Latin" and a "Latin → CJK" card. Everything here
works on the Markdown *source* of the heading: code spans, emphasis and links stay as
written, and the caller renders each fragment to HTML itself.

"Latin" means any alphabetic script that is not CJK. A fragment with no letters at all
(``2023``, ``🚀``, ``1.1``) belongs to neither script: it is kept in ``names`` but never
becomes a term, so ``进程 / 2023`` is not mistaken for a translation.
"""

import re
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import accumulate
from typing import Literal, NamedTuple

Script = Literal["cjk", "latin"]

_CJK_RANGES = (
    "["
    "\u1100-\u11ff"  # Hangul Jamo
    "\u2e80-\u2fdf"  # CJK and Kangxi radicals
    "\u3005\u3007\u3021-\u3029\u3038-\u303b"  # 々 〇 and Han numerals
    "\u3041-\u3096\u309d-\u309f"  # Hiragana
    "\u30a1-\u30fa\u30fc-\u30ff"  # Katakana (without the ・ and ゠ punctuation)
    "\u3131-\u318e"  # Hangul compatibility Jamo
    "\u31f0-\u31ff"  # Katakana phonetic extensions
    "\u3400-\u4dbf"  # CJK extension A
    "\u4e00-\u9fff"  # CJK unified ideographs
    "\ua960-\ua97f"  # Hangul Jamo extended-A
    "\uac00-\ud7ff"  # Hangul syllables, Jamo extended-B
    "\uf900-\ufaff"  # CJK compatibility ideographs
    "\uff66-\uff9d"  # half-width Katakana
    "\uffa0-\uffdc"  # half-width Hangul
    "\U0001aff0-\U0001b16f"  # Kana extensions and supplement
    "\U00020000-\U000323af"  # CJK extensions B-H, compatibility supplement
    "]"
)
_CJK_CHAR = re.compile(_CJK_RANGES)

_TOKEN = re.compile(r"\\[\\`]|`+|[()（）\[\]【】]|／|(?<=\s)/(?=\s)")
_BACKTICKS = re.compile(r"`+")
_ROUND_OPEN, _ROUND_CLOSE = "(（", ")）"
_SQUARE_OPEN, _SQUARE_CLOSE = "[【", "]】"
_ASCII_WORD = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")

_HAN_NUMBER = "一二三四五六七八九十百千零〇两"
_NUMBERING = re.compile(
    rf"""
    (?:
        \d{{1,3}}(?:\.\d{{1,3}})*\\?[.．、)）](?!\d)        # 1.  1.2.  3)  4、
      | \d{{1,3}}(?:\.\d{{1,3}})+(?=\s|[(（]|{_CJK_RANGES})     # 1.1 before a space or CJK
        (?:\s*[(（](?:{_CJK_RANGES}{{1,6}}|(?i:optional))[)）])?  # 3.10（选修）
      | [(（](?:\d{{1,3}}|[{_HAN_NUMBER}]{{1,3}})[)）]        # (1)  （一）
      | [{_HAN_NUMBER}]{{1,3}}[、．]                          # 一、
      | 第\s*(?:\d{{1,4}}|[{_HAN_NUMBER}]{{1,5}})\s*
        (?:部分|单元|單元|[章节節周週课課讲講篇卷回部期])
        \s*[:：、.．\-–—]?                                  # 第二周：  第3章
      | (?i:chapter|ch\.|week|lecture|lesson|part|section|unit|module)
        \s*\d{{1,3}}(?:\.\d{{1,3}})*\s*[:：.\-–—](?!\d)     # Chapter 2:  Week 3 -
    )
    \s*
    """,
    re.VERBOSE,
)


@dataclass(frozen=True)
class Prompt:
    """A heading, the names it lists, and the two sides of its term cards (if any)."""

    text: str
    """The whole heading source, stripped; never loses text."""
    names: tuple[str, ...]
    """The heading split on top-level `` / `` and ``／``, each name stripped, empties dropped."""
    cjk: tuple[str, ...]
    """Term-card names in CJK script, numbering removed; empty unless bilingual."""
    latin: tuple[str, ...]
    """Term-card names in Latin script, numbering removed; empty unless bilingual."""

    @property
    def bilingual(self) -> bool:
        """Whether the heading gets the two term cards."""
        return bool(self.cjk) and bool(self.latin)


def is_cjk(text: str) -> bool:
    """Whether ``text`` contains any Han, Kana (hiragana/katakana) or Hangul character."""
    return _CJK_CHAR.search(text) is not None


def parse_prompt(heading: str) -> Prompt:
    """Parse a heading's inline source into a Prompt; never raises, never drops text.

    ``names`` comes from splitting on `` / `` (whitespace on both sides) and ``／`` that lie
    outside code spans and outside matched brackets ``()`` ``（）`` ``[]`` ``【】``. An
    unclosed bracket protects nothing, so ``foo (bar / baz`` is two names.

    The term names are found in this order (numbering such as ``1.1`` or ``第二周：`` removed):

    1. Whole-heading gloss: the heading ends with a round-bracket gloss in one script, and
       the top-level names before the bracket are all in the other script and carry no
       gloss of their own. Then the text before the bracket is one term and the gloss the
       other, each kept whole even when it holds a `` / ``
       (``send buffer / receive buffer (发送缓冲区 / 接收缓冲区)``).
    2. Otherwise each top-level name adds itself to its script's side, or, when it ends
       with its own gloss, adds its head to one side and the gloss to the other
       (``梯度下降 (Gradient Descent) / 反向传播 (Backpropagation)``).

    Only a heading with names on both sides is bilingual; otherwise ``cjk`` and ``latin``
    are both empty (``进程 / 线程`` is an alias list, not a translation).
    """
    text = heading.strip()
    names = tuple(_split(text, _scan(text).separators))
    terms = _terms(text, names)
    if not (terms["cjk"] and terms["latin"]):
        return Prompt(text, names, (), ())
    return Prompt(text, names, tuple(terms["cjk"]), tuple(terms["latin"]))


class _Scan(NamedTuple):
    separators: list[tuple[int, int]]
    """Spans of the top-level name separators."""
    round_pairs: dict[int, int]
    """Index of each matched round closing bracket → index of its opening bracket."""


def _scan(s: str) -> _Scan:
    """Find code spans, matched brackets and the separators outside both, in one pass.

    Code spans follow CommonMark: a backtick run opens a span only if a later run of the
    same length closes it. Round and square brackets are matched on separate stacks (half-
    and full-width forms mix freely), so a stray bracket of one kind cannot unbalance the
    other; unmatched brackets are plain text.
    """
    runs: dict[int, list[int]] = {}
    if "`" in s:
        for run in _BACKTICKS.finditer(s):
            runs.setdefault(len(run.group()), []).append(run.start())
    candidates: list[tuple[int, int]] = []
    pairs: list[tuple[int, int]] = []
    round_pairs: dict[int, int] = {}
    round_stack: list[int] = []
    square_stack: list[int] = []
    pos = 0
    while (match := _TOKEN.search(s, pos)) is not None:
        start, pos = match.span()
        char = s[start]
        if char == "`":
            width = pos - start
            closers = runs.get(width, [])
            index = bisect_left(closers, pos)
            if index < len(closers):
                pos = closers[index] + width
        elif char in _ROUND_OPEN:
            round_stack.append(start)
        elif char in _ROUND_CLOSE:
            if round_stack:
                round_pairs[start] = round_stack.pop()
                pairs.append((round_pairs[start], start))
        elif char in _SQUARE_OPEN:
            square_stack.append(start)
        elif char in _SQUARE_CLOSE:
            if square_stack:
                pairs.append((square_stack.pop(), start))
        elif char != "\\":
            candidates.append((start, pos))
    if not (candidates and pairs):
        return _Scan(candidates, round_pairs)
    change = [0] * (len(s) + 1)
    for opener, closer in pairs:
        change[opener] += 1
        change[closer] -= 1
    depth = list(accumulate(change))
    return _Scan([span for span in candidates if depth[span[0]] == 0], round_pairs)


def _split(s: str, separators: list[tuple[int, int]]) -> list[str]:
    parts: list[str] = []
    previous = 0
    for start, end in separators:
        parts.append(s[previous:start].strip())
        previous = end
    parts.append(s[previous:].strip())
    return [part for part in parts if part]


def _script(s: str) -> Script | None:
    if is_cjk(s):
        return "cjk"
    if any(map(str.isalpha, s)):
        return "latin"
    return None


def _strip_numbering(s: str) -> str:
    """Remove a leading chapter/section number, unless nothing would be left."""
    match = _NUMBERING.match(s)
    if match is None or match.end() == len(s):
        return s
    return s[match.end() :]


class _Gloss(NamedTuple):
    head: str
    head_script: Script
    gloss: str
    gloss_script: Script


def _gloss(s: str) -> _Gloss | None:
    """Split ``head（gloss）`` when the trailing bracket holds the other script.

    A half-width ``(`` glued to ``]`` is a link destination, and one glued to an ASCII
    identifier around Latin text is a call such as ``递归 fib(n)``: neither is a gloss.
    """
    if not s.endswith((")", "）")):
        return None
    opener = _scan(s).round_pairs.get(len(s) - 1)
    if opener is None:
        return None
    head, gloss = s[:opener].strip(), s[opener + 1 : -1].strip()
    head_script, gloss_script = _script(head), _script(gloss)
    if head_script is None or gloss_script is None or head_script == gloss_script:
        return None
    if s[opener] == "(" and (
        s[opener - 1] == "]" or (gloss_script == "latin" and s[opener - 1] in _ASCII_WORD)
    ):
        return None
    return _Gloss(head, head_script, gloss, gloss_script)


def _terms(text: str, names: tuple[str, ...]) -> dict[Script, list[str]]:
    whole = _gloss(_strip_numbering(text))
    if whole is not None:
        head = _name_terms(_split(whole.head, _scan(whole.head).separators))
        if not head[whole.gloss_script]:
            return {whole.head_script: [whole.head], whole.gloss_script: [whole.gloss]}
    return _name_terms(names)


def _name_terms(names: Iterable[str]) -> dict[Script, list[str]]:
    sides: dict[Script, list[str]] = {"cjk": [], "latin": []}
    for name in names:
        term = _strip_numbering(name)
        gloss = _gloss(term)
        if gloss is not None:
            sides[gloss.head_script].append(gloss.head)
            sides[gloss.gloss_script].append(gloss.gloss)
        elif (script := _script(term)) is not None:
            sides[script].append(term)
    return sides
