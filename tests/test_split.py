"""The split stage: which headings start sections, what each section's own body is, and where.

Input notes are files under ``tests/notes/split``; the sections of each are compared, as plain
data, to a snapshot under ``tests/snapshots`` (``FLASHGEN_UPDATE_SNAPSHOTS=1`` rewrites them).
The tests below the snapshot test pin the behaviour each fixture is there for.

Decision: a heading inside a blockquote, a callout or a list item does not start a section.
It belongs to the container's content (markdown-it nests it), splitting there would cut the
quote or the list in two, and Obsidian and Jekyll users put such headings there for looks.
"""

from itertools import pairwise
from pathlib import Path

import pytest

from flashgen.dialect import make_markdown
from flashgen.discover import SourceFile
from flashgen.read import read_document
from flashgen.split import ParsedDocument, Section, split_document
from tests.snapshot_support import Json, assert_snapshot

NOTES = Path(__file__).parent / "notes" / "split"
ALL_LEVELS = (1, 2, 3, 4, 5, 6)
FIXTURES = sorted(path.name for path in NOTES.glob("*.md"))


def split_file(
    path: Path,
    levels: tuple[int, ...] = ALL_LEVELS,
    ignore_headings: tuple[str, ...] = (),
    relpath: str | None = None,
) -> ParsedDocument:
    read = read_document(SourceFile(path=path, relpath=relpath or path.name))
    assert read.document is not None, read.diagnostics
    return split_document(read.document, make_markdown(), levels, ignore_headings)


def sections_of(
    name: str, levels: tuple[int, ...] = ALL_LEVELS, ignore_headings: tuple[str, ...] = ()
) -> tuple[Section, ...]:
    return split_file(NOTES / name, levels, ignore_headings).sections


def as_data(section: Section) -> dict[str, Json]:
    return {
        "heading": section.heading,
        "level": section.level,
        "line": section.line,
        "end_line": section.end_line,
        "ancestors": list(section.ancestors),
        "occurrence": section.occurrence,
        "has_content": section.has_content,
        "skipped": section.skipped,
        "ignored": section.ignored,
        "makes_note": section.makes_note,
        "reason": section.reason,
        "preamble": section.preamble,
    }


def snapshot_data(parsed: ParsedDocument) -> Json:
    return {
        "body_line": parsed.document.body_line,
        "sections": [as_data(section) for section in parsed.sections],
        "no_card": [
            [entry.line, entry.end_line, entry.heading, entry.reason, entry.detail]
            for entry in parsed.skipped
        ],
    }


def headings(sections: tuple[Section, ...]) -> list[str]:
    return [section.heading for section in sections]


def by_heading(sections: tuple[Section, ...]) -> dict[str, Section]:
    return {section.heading: section for section in sections}


@pytest.mark.parametrize("name", FIXTURES)
def test_sections_match_snapshot(name: str) -> None:
    assert_snapshot(f"split-{name.removesuffix('.md')}", snapshot_data(split_file(NOTES / name)))


def test_levels_option_matches_snapshot() -> None:
    parsed = split_file(NOTES / "levels.md", levels=(2, 3), ignore_headings=("references",))
    assert_snapshot("split-levels-2-3-ignore-references", snapshot_data(parsed))


def test_headings_inside_fenced_and_indented_code_never_split() -> None:
    assert headings(sections_of("fences.md")) == [
        "注释 / Comments",
        "波浪线围栏 / Tilde fences",
        "Indented code",
        "Unterminated fence",
    ]
    comments = by_heading(sections_of("fences.md"))["注释 / Comments"]
    assert "# this is a comment, not a heading" in comments.body


def test_unterminated_fence_runs_to_the_end_of_the_file() -> None:
    text = (NOTES / "fences.md").read_text("utf-8")
    last = sections_of("fences.md")[-1]
    assert last.heading == "Unterminated fence"
    assert last.end_line == text.count("\n") + 1
    assert "## Never a section" in last.body


def test_headings_inside_html_blocks_and_comments_never_split() -> None:
    sections = sections_of("html.md")
    assert headings(sections) == ["HTML blocks", "Comments", "Details"]
    comments = by_heading(sections)["Comments"]
    assert "## and another" in comments.body
    assert "Text after the comment." in comments.body


def test_setext_headings_start_sections_with_their_levels() -> None:
    sections = sections_of("setext.md")
    assert [(s.heading, s.level, s.ancestors) for s in sections] == [
        ("进程 / Process", 1, ()),
        ("线程 / Thread", 2, ("进程 / Process",)),
        ("ATX after setext", 2, ("进程 / Process",)),
        ("Two-line setext heading text", 2, ("进程 / Process",)),
    ]


def test_setext_heading_body_starts_after_its_underline() -> None:
    thread = by_heading(sections_of("setext.md"))["线程 / Thread"]
    assert thread.body.strip() == (
        "A unit of scheduling inside a process; threads share the address space."
    )


def test_a_sections_answer_is_its_own_body_not_its_childrens() -> None:
    sections = by_heading(sections_of("nesting.md"))
    assert sections["Introduction"].body.strip() == "The MMU translates guest virtual addresses."
    assert "Extended page tables" in sections["EPT / 扩展页表"].body
    boot = sections["Boot"]
    assert boot.body.strip() == "Boot has a body of its own and a child."
    assert boot.makes_note


def test_empty_parent_makes_no_note_but_is_its_childrens_context() -> None:
    sections = by_heading(sections_of("nesting.md"))
    assert not sections["MMU"].has_content
    assert not sections["Empty parent"].makes_note
    child = sections["Child of an empty parent"]
    assert child.ancestors == ("MMU", "Empty parent")
    assert child.makes_note


def test_text_before_the_first_heading_is_the_preamble_prompted_by_the_title() -> None:
    preamble, first, *_ = sections_of("nesting.md")
    assert preamble.preamble and preamble.makes_note
    assert (preamble.heading, preamble.level, preamble.heading_path) == ("KVM", 0, ())
    assert preamble.body.strip() == (
        "Preamble text before the first heading is a section of its own, "
        "prompted by the file's title."
    )
    assert (preamble.line, preamble.end_line) == (6, 8)  # frontmatter is lines 1-5
    assert first.heading == "MMU" and first.line == 8
    assert "Preamble text" not in first.body


def test_a_body_of_only_comments_has_no_content() -> None:
    only_comment = by_heading(sections_of("nesting.md"))["Only a comment"]
    assert not only_comment.has_content
    assert not only_comment.makes_note


def test_skip_marker_skips_its_section_only() -> None:
    sections = by_heading(sections_of("nesting.md"))
    skipped = sections["Skipped section"]
    assert skipped.has_content
    assert skipped.skipped
    assert not skipped.makes_note
    assert [s.heading for s in sections.values() if s.skipped] == ["Skipped section"]


def test_skip_marker_shown_inside_code_does_not_skip() -> None:
    shows = by_heading(sections_of("nesting.md"))["Shows the skip marker"]
    assert "<!-- flashgen: skip -->" in shows.body
    assert not shows.skipped
    assert shows.makes_note


def test_skip_marker_inline_in_a_paragraph_skips(tmp_path: Path) -> None:
    path = tmp_path / "inline.md"
    path.write_text("# A\n\nDraft <!--flashgen:SKIP--> for now.\n\n# B\n\nKept.\n", "utf-8")
    sections = by_heading(split_file(path).sections)
    assert sections["A"].skipped
    assert not sections["B"].skipped


def test_levels_option_turns_other_headings_into_body() -> None:
    preamble, *sections = sections_of("levels.md", levels=(2, 3))
    assert preamble.preamble and "# 线性代数 / Linear algebra" in preamble.body
    assert headings(tuple(sections)) == [
        "矩阵乘法 / Matrix multiplication",
        "结合律 / Associativity",
        "行列式 / Determinant",
        "References",
    ]
    associativity = by_heading(tuple(sections))["结合律 / Associativity"]
    assert "#### Proof sketch" in associativity.body
    assert "Expand both sides." in associativity.body
    # The H1 is not a section: it is no ancestor either.
    assert associativity.ancestors == ("矩阵乘法 / Matrix multiplication",)


def test_heading_outside_the_levels_ends_no_section_early() -> None:
    associativity = by_heading(sections_of("levels.md", levels=(2, 3)))["结合律 / Associativity"]
    determinant = by_heading(sections_of("levels.md", levels=(2, 3)))["行列式 / Determinant"]
    assert associativity.end_line == determinant.line


def test_ignored_headings_make_no_note_whatever_their_case() -> None:
    sections = by_heading(sections_of("levels.md", ignore_headings=("REFERENCES",)))
    references = sections["References"]
    assert references.has_content
    assert references.ignored
    assert not references.makes_note
    assert [s.heading for s in sections.values() if s.ignored] == ["References"]


def test_duplicate_heading_paths_are_numbered_in_file_order() -> None:
    sections = sections_of("duplicates.md")
    assert [(s.heading_path, s.occurrence) for s in sections] == [
        (("Autocommands",), 1),
        (("Autocommands", "Example"), 1),
        (("Autocommands", "Example"), 2),
        (("Autocommands", "Example"), 3),
        (("Mappings",), 1),
        (("Mappings", "Example"), 1),
    ]


def test_headings_in_blockquotes_callouts_and_lists_do_not_split() -> None:
    sections = sections_of("containers.md")
    assert headings(sections) == ["Quotes", "Lists"]
    quotes, lists = sections
    assert "# A heading in a blockquote" in quotes.body
    assert "## A heading in a callout" in quotes.body
    assert "## A heading in a list item" in lists.body
    assert "# numbered heading" in lists.body


@pytest.mark.parametrize("name", FIXTURES)
def test_section_lines_are_file_lines_of_the_headings(name: str) -> None:
    lines = (NOTES / name).read_text("utf-8").split("\n")
    for section in sections_of(name):
        if section.preamble:
            assert lines[section.line - 1].startswith("Preamble text")
            continue
        first_line = lines[section.line - 1]
        if first_line.startswith("#"):
            assert " ".join(first_line.lstrip("#").split()) == section.heading
        else:  # setext: the heading text starts on this line, the underline follows
            assert section.heading.startswith(first_line.strip())


@pytest.mark.parametrize("name", FIXTURES)
def test_sections_tile_the_file_from_its_first_text(name: str) -> None:
    text = (NOTES / name).read_text("utf-8")
    sections = sections_of(name)
    assert all(a.end_line == b.line for a, b in pairwise(sections))
    assert sections[-1].end_line == text.count("\n") + (0 if text.endswith("\n") else 1) + 1


@pytest.mark.parametrize("newline", ["\r\n", "\r"], ids=["crlf", "cr"])
@pytest.mark.parametrize("name", ["nesting.md", "setext.md", "fences.md"])
def test_crlf_and_cr_files_split_like_lf_files(tmp_path: Path, name: str, newline: str) -> None:
    text = (NOTES / name).read_text("utf-8")
    path = tmp_path / name
    path.write_bytes(text.replace("\n", newline).encode())
    expected = [as_data(section) for section in sections_of(name)]
    assert [as_data(section) for section in split_file(path).sections] == expected


def test_last_section_ends_after_the_last_line_with_or_without_final_newline(
    tmp_path: Path,
) -> None:
    with_newline, without = tmp_path / "a.md", tmp_path / "b.md"
    with_newline.write_text("# A\n\ntext\n", "utf-8")
    without.write_text("# A\n\ntext", "utf-8")
    assert split_file(with_newline).sections[0].end_line == 4
    assert split_file(without).sections[0].end_line == 4


def test_byte_order_mark_and_frontmatter_keep_file_lines(tmp_path: Path) -> None:
    path = tmp_path / "bom.md"
    path.write_bytes("\ufeff---\ntitle: x\n---\n\n# A\n\ntext\n".encode())
    (section,) = split_file(path).sections
    assert (section.line, section.end_line) == (5, 8)


def test_heading_text_is_its_markdown_source_with_whitespace_collapsed(tmp_path: Path) -> None:
    path = tmp_path / "inline.md"
    path.write_text("#   `FLAGS`  /  **EFLAGS**   #\n\nBody.\n", "utf-8")
    (section,) = split_file(path).sections
    assert section.heading == "`FLAGS` / **EFLAGS**"
