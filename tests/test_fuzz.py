"""Fuzzing the whole build: generated vaults of hostile Markdown through build_deck and a real
Anki import.

Documents mix headings (ATX and setext, CJK, HTML, math), fences that may never close, raw
HTML blocks (unsafe ones, unclosed comments and ``<pre>``), math, deep lists and quotes,
tables, arbitrary text, every kind of frontmatter (broken too), and any line ending. Checked:
no exception escapes build_deck; the package imports into Anki with every planned note; each
note comes from its own heading line, never from inside code or raw HTML; no field holds
anything that could run; no media but the vault's one real image is bundled.

CI runs a few dozen examples; a longer campaign: ``FLASHGEN_FUZZ_EXAMPLES=2000 pytest
tests/test_fuzz.py``.
"""

import os
import re
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flashgen.build import BuildOptions, build_deck
from flashgen.sanitize import clean_html
from tests.hostile_support import PNG, T1, active_content, deck_config, imported, write_vault

EXAMPLES = int(os.environ.get("FLASHGEN_FUZZ_EXAMPLES", "0"))
FUZZ = settings(
    max_examples=EXAMPLES or 30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
ATX = re.compile(r" {0,3}#{1,6}(?:[ \t]|$)")
SETEXT_UNDERLINE = re.compile(r" {0,3}(?:=+|-+)[ \t]*$")

# --- inline Markdown -----------------------------------------------------------------------

WORDS = ["page", "table", "进程", "線程", "🙂", "カーネル", "커널", "x_y", "C++", "a/b", "42"]
URLS = [
    "https://example.com/a",
    "javascript:alert(1)",
    "JAVASCRIPT:alert(1)",
    "vbscript:msgbox(1)",
    "data:text/html,<script>alert(1)</script>",
    "file:///etc/hostname",
    "&#106;avascript:alert(1)",
    "#anchor",
]
SOURCES = [
    "img/real.png",
    "img/missing.png",
    "../../../../../../etc/passwd",
    "/etc/hostname",
    "~/.ssh/id_rsa",
    "img/fake.png",
    "javascript:alert(1)",
    "https://example.com/a.png",
    "a%00.png",
    "x" * 300 + ".png",
]
INLINE_HTML = [
    '<img src="{src}" onerror="alert(1)">',
    '<a href="{url}" onclick="alert(1)">a</a>',
    "<span style=\"background:url('javascript:alert(1)')\">s</span>",
    "<script>alert(1)</script>",
    "<b>bold</b>",
    "<!-- comment -->",
    "<!-- unclosed",
    '<svg><animate attributeName="href" values="javascript:alert(1)"/></svg>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
]
any_text = st.text(
    st.characters(exclude_categories=["Cs"], exclude_characters="\n\r"), max_size=30
)
word = st.one_of(st.sampled_from(WORDS), st.from_regex(r"[A-Za-z]{1,8}", fullmatch=True))
inline_piece = st.one_of(
    word,
    word,
    word.map(lambda w: f"`{w}`"),
    word.map(lambda w: f"**{w}**"),
    word.map(lambda w: f"${w}$"),
    word.map(lambda w: f"\\({w}\\)"),
    word.map(lambda w: f"$${w}$$"),
    word.map(lambda w: f"{w}^"),
    word.map(lambda w: f"#{w}"),
    word.map(lambda w: f"[[{w}]]"),
    st.sampled_from(SOURCES).map(lambda s: f"![[{s.rsplit('/', 1)[-1]}|300]]"),
    st.tuples(word, st.sampled_from(URLS)).map(lambda t: f"[{t[0]}]({t[1]})"),
    st.sampled_from(SOURCES).map(lambda s: f"![alt]({s})"),
    st.tuples(st.sampled_from(INLINE_HTML), st.sampled_from(SOURCES), st.sampled_from(URLS)).map(
        lambda t: t[0].format(src=t[1], url=t[2])
    ),
    st.sampled_from([" / ", "／", "（Gloss）", "(gloss)"]),
    any_text,
)
inline = st.lists(inline_piece, min_size=1, max_size=6).map(" ".join)


# --- blocks --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Block:
    text: str
    opaque: bool = False
    """Its lines can never be headings (code, raw HTML, math)."""
    swallows: bool = False
    """It may run to the end of the file (an unclosed fence, comment or ``<pre>``)."""
    certain: bool = True
    """It cannot change how later blocks parse (false for arbitrary text)."""


@st.composite
def heading(draw: st.DrawFn) -> Block:
    text = draw(inline)
    if draw(st.booleans()):
        return Block(f"{'#' * draw(st.integers(1, 6))} {text}")
    underline = draw(st.sampled_from(["=", "-"])) * draw(st.integers(1, 5))
    return Block(f"Setext {text}\n{underline}")


@st.composite
def fence(draw: st.DrawFn, may_stay_open: bool = True) -> Block:
    marker = draw(st.sampled_from(["```", "~~~", "````"]))
    language = draw(st.sampled_from(["", "python", "c", "no-such-language"]))
    lines = draw(st.lists(st.sampled_from(["# not a heading", "x = 1", "Setext", "===", ""])))
    closed = not may_stay_open or draw(st.sampled_from([True, True, True, False]))
    text = "\n".join([marker + language, *lines, *([marker] if closed else [])])
    return Block(text, opaque=True, swallows=not closed)


@st.composite
def html_block(draw: st.DrawFn) -> Block:
    body = draw(inline)
    while "-->" in body:
        body = body.replace("-->", "")
    kind = draw(st.sampled_from(["div", "comment", "script", "pre", "details"]))
    closed = draw(st.sampled_from([True, True, True, False])) or kind in ("div", "details")
    ends = {
        "div": ("<div onclick=\"alert(1)\">", "</div>"),
        "details": ("<details open>", "</details>"),
        "comment": ("<!--", "-->"),
        "script": ("<script>", "</script>"),
        "pre": ("<pre>", "</pre>"),
    }
    opener, closer = ends[kind]
    text = "\n".join([opener, "# not a heading", body, *([closer] if closed else [])])
    return Block(text, opaque=True, swallows=not closed)


@st.composite
def container(draw: st.DrawFn) -> Block:
    marker = draw(st.sampled_from(["- ", "> ", "1. ", "* "]))
    depth = draw(st.integers(1, 40))
    return Block(marker * depth + "Item " + draw(inline))


block = st.one_of(
    heading(),
    heading(),
    heading(),
    inline.map(lambda text: Block("Text " + text)),
    fence(),
    html_block(),
    container(),
    st.just(Block("$$\na^2 + b^2\n$$", opaque=True)),
    st.just(Block("| a | b |\n|---|---|\n| `c` | $d$ |")),
    any_text.map(lambda text: Block(text, certain=False)),
)


@st.composite
def frontmatter(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["none", "mapping", "list", "string", "broken", "unclosed"]))
    if kind == "none":
        return ""
    if kind == "mapping":
        names = st.text(st.characters(exclude_categories=["Cs"]), max_size=12)
        data = {
            "title": draw(names),
            "tags": draw(st.lists(names, max_size=3)),
            "categories": draw(st.one_of(names, st.lists(names, max_size=2))),
        }
        if draw(st.booleans()):
            data["deck"] = draw(st.one_of(names, st.just("A::B"), st.just("::")))
        return "---\n" + yaml.safe_dump(data, allow_unicode=True) + "---\n"
    return {
        "list": "---\n- a\n- b\n---\n",
        "string": "---\njust a string\n---\n",
        "broken": "---\ntitle: [unclosed\n---\n",
        "unclosed": "---\ntitle: never closed\n",
    }[kind]


@dataclass
class Note:
    """A generated file: its text with ``\\n`` newlines, and what its lines may become."""

    front: str
    blocks: list[Block]
    newline: str = "\n"
    bom: bool = False

    def text(self) -> str:
        return self.front + "\n\n".join(block.text for block in self.blocks) + "\n"

    def encoded(self) -> bytes:
        data = self.text().replace("\n", self.newline).encode("utf-8")
        return (b"\xef\xbb\xbf" if self.bom else b"") + data

    def heading_lines(self) -> set[int]:
        """File lines (1-based) on which a heading can start: ATX lines, and the first line
        of a paragraph that a setext underline ends."""
        lines = self.text().split("\n")
        candidates = {number for number, line in enumerate(lines, 1) if ATX.match(line)}
        for number, line in enumerate(lines, 1):
            if SETEXT_UNDERLINE.match(line):
                start = number - 1
                while start > 1 and lines[start - 2].strip():
                    start -= 1
                candidates.update(range(start, number))
        return candidates

    def never_headings(self) -> set[int]:
        """Lines that are certainly code or raw HTML: those of opaque blocks, up to the first
        block that is uncertain or never closed (a later line may close it: a fence opener,
        ``-->``, and what follows then parses differently)."""
        line = self.front.count("\n") + 1
        opaque: set[int] = set()
        for block in self.blocks:
            if not block.certain:
                break
            size = block.text.count("\n") + 1
            if block.opaque:
                opaque.update(range(line, line + size))
            if block.swallows:
                break
            line += size + 1
        return opaque


@st.composite
def note(draw: st.DrawFn) -> Note:
    return Note(
        front=draw(frontmatter()),
        blocks=draw(st.lists(block, min_size=1, max_size=12)),
        newline=draw(st.sampled_from(["\n", "\r\n", "\r"])),
        bom=draw(st.booleans()),
    )


NAMES = ["note.md", "名前 with spaces/笔记 📝.md", "deep/a/b/c.md", "<b>html</b>.md", "🙂.markdown"]
vault_strategy = st.lists(note(), min_size=1, max_size=len(NAMES)).map(
    lambda notes: dict(zip(NAMES, notes, strict=False))
)


@contextmanager
def scratch() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="flashgen-fuzz-") as name:
        yield Path(name)


def write(root: Path, vault: dict[str, Note]) -> Path:
    notes = write_vault(root / "notes", {name: note.encoded() for name, note in vault.items()})
    write_vault(notes, {"img/real.png": PNG, "img/fake.png": b"not an image\n"})
    return notes


# --- properties ----------------------------------------------------------------------------


@FUZZ
@given(vault=vault_strategy, allow_unsafe=st.booleans())
def test_any_vault_builds_and_imports_into_anki(
    vault: dict[str, Note], allow_unsafe: bool
) -> None:
    with scratch() as root:
        notes = write(root, vault)
        output = root / "out" / "deck.apkg"
        config = deck_config(notes, output, allow_unsafe_html=allow_unsafe)
        result = build_deck(config, BuildOptions(now=T1))
        found, media, folder = imported(output, root / "anki")
        media_bytes = {(folder / name).read_bytes() for name in media}

    planned = [n for n in result.plan.notes if n.status != "removed"]
    assert sorted(n.guid for n in found) == sorted(n.guid for n in planned)
    assert media_bytes <= {PNG}

    origins = Counter(n.location for n in planned)
    assert [where for where, count in origins.items() if count > 1] == []
    for name, generated in vault.items():
        from_headings = [n for n in planned if n.location.startswith(name + ":") and n.key != name]
        lines = {int(n.location.rsplit(":", 1)[1]) for n in from_headings}
        assert lines <= generated.heading_lines(), name
        assert not lines & generated.never_headings(), name
        # The preamble (its key is the path alone) is the text before the first heading.
        preambles = [int(n.location.rsplit(":", 1)[1]) for n in planned if n.key == name]
        assert len(preambles) <= 1
        assert all(line < min(lines, default=line + 1) for line in preambles)

    if not allow_unsafe:
        active = {
            f"{n.fields['Source']} {key}": active_content(value)
            for n in found
            for key, value in n.fields.items()
        }
        assert {where: what for where, what in active.items() if what} == {}


@st.composite
def well_formed(draw: st.DrawFn) -> list[tuple[int, str, str]]:
    """Sections whose headings are plain and whose bodies always have content (an empty
    code block is nothing to recall: design §2)."""
    title = st.from_regex(r"[A-Za-z][A-Za-z0-9 ]{0,20}[A-Za-z0-9]", fullmatch=True)
    body = st.lists(
        st.one_of(
            inline.map(lambda text: "Text " + text),
            fence(may_stay_open=False)
            .map(lambda b: b.text)
            .filter(lambda text: any(line.strip() for line in text.split("\n")[1:-1])),
            st.just("<!-- comment -->\n\nAfter the comment."),
            st.just("$$\nE = mc^2\n$$"),
            container().map(lambda b: b.text),
        ),
        min_size=1,
        max_size=3,
    ).map("\n\n".join)
    return draw(st.lists(st.tuples(st.integers(1, 6), title, body), min_size=1, max_size=8))


@FUZZ
@given(sections=well_formed())
def test_every_heading_with_an_answer_becomes_exactly_one_note(
    sections: list[tuple[int, str, str]],
) -> None:
    text = "".join(f"{'#' * level} {title}\n\n{body}\n\n" for level, title, body in sections)
    expected, line = [], 1
    for _level, title, body in sections:
        expected.append((f"note.md:{line}", " ".join(title.split())))
        line += 2 + body.count("\n") + 2
    with scratch() as root:
        notes = write_vault(root / "notes", {"note.md": text})
        output = root / "out" / "deck.apkg"
        result = build_deck(deck_config(notes, output), BuildOptions(now=T1))
        found = imported(output, root / "anki")[0]
    assert [(n.location, n.heading) for n in result.plan.notes] == expected
    assert len(found) == len(expected)


html_piece = st.one_of(
    st.sampled_from(INLINE_HTML),
    st.sampled_from(["<", ">", "&", "\"", "'", "=", "/", " ", "on", "javascript:", "&#x3a;"]),
    st.sampled_from(["<a href=", "<img src=", "<svg ", " onload=", " xlink:href=", "<!--"]),
    st.sampled_from(["<scr", "ipt>", "</script>", "<style>", "<iframe ", "srcdoc=", "\x00"]),
    any_text,
)


@settings(max_examples=EXAMPLES * 5 or 300, deadline=None)
@given(html=st.lists(html_piece, max_size=20).map("".join))
def test_cleaned_html_has_nothing_that_runs_and_cleaning_again_changes_nothing(
    html: str,
) -> None:
    cleaned = clean_html(html, None, allow_unsafe=False).html
    assert active_content(cleaned) == []
    assert clean_html(cleaned, None, allow_unsafe=False).html == cleaned
