"""Invariants of split, render and build over generated notes (hypothesis).

Documents are drawn from lines that stress the parser (headings of every kind, fences that may
never close, HTML blocks and comments, containers, frontmatter, CRLF and CR line endings), and
from arbitrary text. Example counts are modest so that the suite stays fast.
"""

import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import pairwise
from pathlib import Path
from shutil import copyfile

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from flashgen.build import BuildOptions, BuildResult, build_deck
from flashgen.config import DEFAULT_INCLUDE, DeckConfig
from flashgen.dialect import make_markdown
from flashgen.discover import SourceFile, discover
from flashgen.media import MediaStore
from flashgen.read import read_document
from flashgen.render import render_document
from flashgen.split import ParsedDocument, split_document

NOW = 1_800_000_000
LATER = NOW + 86_400
ALL_LEVELS = (1, 2, 3, 4, 5, 6)
MD = make_markdown()

HEADING_LINES = [
    "# Heading",
    "## 进程 / Process",
    "### `FLAGS` / `EFLAGS`",
    "#### Deep",
    "###### Six",
    "   # indented three",
    "# Heading ##",
    "#",
    "Setext",
    "===",
    "---",
]
TEXT_LINES = [
    "",
    "",
    "Text with `code` and **bold**.",
    "####### Seven is text",
    "#no space is text",
    "- item",
    "1. item",
    "  continued",
    "***",
    "| a | b |",
    "|---|---|",
    "$x^2$ and $5 and $10",
    "\\(a\\) \\[b\\]",
    "MBR^ and x^2 and [^1]",
    "[[Note#Heading|alias]] ![[image.png|300]]",
    "[ref]: https://example.com",
    "![img](img/a.png) ![remote](https://example.com/a.png)",
    "<!-- flashgen: skip -->",
    "<!-- a comment -->",
    "<img src=x onerror=alert(1)>",
]
# Lines that change how the lines after them parse: fences (which may never close), HTML
# blocks and comments, containers.
CONTEXT_LINES = [
    "```",
    "```python",
    "~~~",
    "````",
    "    # indented four is code",
    "<div>",
    "</div>",
    "<details>",
    "<!--",
    "-->",
    "$$",
    "> # quoted heading",
    "> [!note] **Callout** title",
    ">",
    "- # listed heading",
]
line_strategy = st.one_of(
    st.sampled_from(HEADING_LINES),
    st.sampled_from(HEADING_LINES),
    st.sampled_from(TEXT_LINES),
    st.sampled_from(TEXT_LINES),
    st.sampled_from(CONTEXT_LINES),
    st.text(st.characters(exclude_categories=["Cs", "Cc"]), max_size=20),
)
FRONTMATTERS = [
    "",
    "---\ntitle: T\n---\n",
    "---\ntitle: 标题\ntags: [a, b]\ncategories: x\n---\n\n",
]


@st.composite
def documents(draw: st.DrawFn) -> str:
    """A note file's text: optional frontmatter, tricky lines, any line ending."""
    chunks = draw(
        st.lists(
            st.tuples(st.sampled_from(HEADING_LINES), st.lists(line_strategy, max_size=4)),
            min_size=1,
            max_size=8,
        )
    )
    lines = [line for heading, rest in chunks for line in (heading, *rest)]
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    final = draw(st.sampled_from(["", "\n"]))
    text = draw(st.sampled_from(FRONTMATTERS)) + "\n".join(lines) + final
    return text.replace("\n", newline)


levels_strategy = st.sets(st.integers(1, 6), min_size=1).map(lambda s: tuple(sorted(s)))


@contextmanager
def scratch() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="flashgen-props-") as name:
        yield Path(name)


def write_vault(root: Path, files: dict[str, str]) -> Path:
    notes = root / "notes"
    for relpath, text in files.items():
        path = notes / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    return notes


def split_text(root: Path, text: str, levels: tuple[int, ...]) -> ParsedDocument | None:
    path = root / "note.md"
    path.write_bytes(text.encode("utf-8"))
    read = read_document(SourceFile(path=path, relpath="note.md"))
    if read.document is None:
        return None
    return split_document(read.document, MD, levels)


def file_line_count(text: str) -> int:
    """Lines as an editor counts them: a final newline ends the last line, it starts none."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.count("\n") + (0 if text.endswith("\n") or not text else 1)


# --- (a) sections tile the file -----------------------------------------------------------


@settings(deadline=None, max_examples=200)
@given(text=documents(), levels=levels_strategy)
def test_sections_tile_the_body_from_its_first_text(text: str, levels: tuple[int, ...]) -> None:
    with scratch() as root:
        parsed = split_text(root, text, levels)
    assume(parsed is not None)
    assert parsed is not None
    sections = parsed.sections
    if not sections:
        return
    assert sections[0].line >= parsed.document.body_line
    for section, following in pairwise(sections):
        assert section.end_line == following.line, (section, following)
    assert all(section.line < section.end_line for section in sections)
    assert sections[-1].end_line == file_line_count(text) + 1
    assert all(section.level in levels for section in sections[1:])
    assert not any(section.preamble for section in sections[1:])
    assert sections[0].level in levels or sections[0].preamble


# --- (b) nothing crashes ------------------------------------------------------------------


def split_and_render(root: Path, text: str, levels: tuple[int, ...]) -> None:
    parsed = split_text(root, text, levels)
    if parsed is None:
        return
    vault = discover(root, DEFAULT_INCLUDE, (), media_root=root)
    rendered = render_document(parsed, MD, MediaStore(vault), allow_unsafe_html=False)
    for item in rendered.sections:
        assert item.section.makes_note
        assert isinstance(item.answer_html, str)


@settings(deadline=None, max_examples=100)
@given(text=documents(), levels=levels_strategy)
def test_any_markdown_splits_and_renders(text: str, levels: tuple[int, ...]) -> None:
    with scratch() as root:
        split_and_render(root, text, levels)


@settings(deadline=None, max_examples=100)
@given(text=st.text(st.characters(exclude_categories=["Cs"]), max_size=300))
def test_any_text_splits_and_renders(text: str) -> None:
    with scratch() as root:
        split_and_render(root, text, ALL_LEVELS)


# --- (c) a heading makes at most one note --------------------------------------------------


def config_for(notes: Path, output: Path) -> DeckConfig:
    return DeckConfig(name="Props", notes_dir=notes, output=output)


def dry_build(notes: Path, root: Path) -> BuildResult:
    return build_deck(config_for(notes, root / "out" / "deck.apkg"), BuildOptions(True, now=NOW))


@settings(deadline=None, max_examples=50)
@given(texts=st.lists(documents(), min_size=1, max_size=3))
def test_each_heading_makes_at_most_one_note(texts: list[str]) -> None:
    files = {f"dir{index % 2}/note{index}.md": text for index, text in enumerate(texts)}
    with scratch() as root:
        notes = write_vault(root, files)
        result = dry_build(notes, root)
        expected: set[str] = set()
        for relpath in files:
            read = read_document(SourceFile(path=notes / relpath, relpath=relpath))
            if read.document is not None:
                parsed = split_document(read.document, MD, ALL_LEVELS)
                expected |= {f"{relpath}:{s.line}" for s in parsed.sections if s.makes_note}
    per_heading = Counter(note.location for note in result.plan.notes)
    assert all(count == 1 for count in per_heading.values()), per_heading
    assert set(per_heading) == expected


# --- vaults of well-formed sections, for the build properties -------------------------------

WORDS = [
    "page",
    "table",
    "进程",
    "线程",
    "`kvm_run`",
    "**bold**",
    "$x^2$",
    "MBR^",
    "[link](https://example.com)",
    "[[Note]]",
    "~~old~~",
    "42",
]
HEADINGS = ["Introduction", "影子页表 / Shadow page tables", "`FLAGS` / `EFLAGS`", "MBR", "进程"]
word = st.one_of(st.sampled_from(WORDS), st.from_regex(r"[a-z]{1,8}", fullmatch=True))
sentence = st.tuples(
    st.from_regex(r"[a-z]{1,8}", fullmatch=True), st.lists(word, max_size=7)
).map(lambda parts: " ".join((parts[0], *parts[1])))
"""Never only links: every generated section has something to recall (design §2)."""
block = st.one_of(
    sentence,
    st.lists(sentence, min_size=1, max_size=3).map(lambda items: "- " + "\n- ".join(items)),
    sentence.map(lambda s: f"```python\n# {s}\nprint(1)\n```"),
    sentence.map(lambda s: f"| a | b |\n|---|---|\n| {s} | 1 |"),
    sentence.map(lambda s: f"> [!note] {s}\n> {s}"),
    st.just("$$\na^2 + b^2\n$$"),
)
body_strategy = st.lists(block, min_size=1, max_size=3).map("\n\n".join)
section_strategy = st.tuples(st.integers(1, 3), st.sampled_from(HEADINGS), body_strategy)
vault_strategy = st.lists(
    st.lists(section_strategy, min_size=1, max_size=5), min_size=1, max_size=3
)

Section = tuple[int, str, str]


def note_text(sections: list[Section]) -> str:
    parts = ["---\ntitle: Generated\n---\n"]
    for level, heading, body in sections:
        parts.append(f"{'#' * level} {heading}\n\n{body}\n")
    return "\n".join(parts)


def vault_files(vault: list[list[Section]]) -> dict[str, str]:
    return {f"topic{index}.md": note_text(sections) for index, sections in enumerate(vault)}


def build(notes: Path, output: Path, now: int = NOW) -> BuildResult:
    return build_deck(config_for(notes, output), BuildOptions(now=now))


# --- (d) same input, same plan and same bytes ----------------------------------------------


@settings(deadline=None, max_examples=6)
@given(vault=vault_strategy)
def test_same_input_gives_same_plan_and_same_package_bytes(vault: list[list[Section]]) -> None:
    with scratch() as root:
        notes = write_vault(root, vault_files(vault))
        first, second = root / "a" / "deck.apkg", root / "b" / "deck.apkg"
        plan_a, plan_b = build(notes, first).plan, build(notes, second).plan
        assert plan_a.notes == plan_b.notes
        assert [n.guid for n in plan_a.notes] == [n.guid for n in plan_b.notes]
        assert first.read_bytes() == second.read_bytes()
        assert (root / "a/deck.lock.json").read_bytes() == (root / "b/deck.lock.json").read_bytes()

        # The same lockfile and clock again: the same bytes, whichever copy of the lock is used;
        # and, nothing having changed, the bytes of the first build (each note keeps its mod).
        third = root / "c" / "deck.apkg"
        third.parent.mkdir()
        copyfile(root / "a/deck.lock.json", root / "c/deck.lock.json")
        again, other = build(notes, first, LATER).plan, build(notes, third, LATER).plan
        assert again.notes == other.notes
        assert first.read_bytes() == third.read_bytes() == second.read_bytes()


# --- (e) a GUID survives any edit of its answer --------------------------------------------


@settings(deadline=None, max_examples=15)
@given(vault=vault_strategy, data=st.data())
def test_guid_survives_any_edit_of_the_answer(
    vault: list[list[Section]], data: st.DataObject
) -> None:
    edited = [
        [
            (level, heading, data.draw(st.one_of(st.just(body), body_strategy)))
            for level, heading, body in sections
        ]
        for sections in vault
    ]
    with scratch() as root:
        notes = write_vault(root, vault_files(vault))
        output = root / "out" / "deck.apkg"
        before = build(notes, output).plan
        write_vault(root, vault_files(edited))
        after = build_deck(config_for(notes, output), BuildOptions(True, now=LATER)).plan
        without_lock = build_deck(
            config_for(notes, root / "fresh" / "deck.apkg"), BuildOptions(True, now=LATER)
        ).plan
    guids_before = {note.key: note.guid for note in before.notes}
    assert {note.key: note.guid for note in after.notes} == guids_before
    assert {note.key: note.guid for note in without_lock.notes} == guids_before
    assert {note.status for note in after.notes} <= {"changed", "unchanged"}
