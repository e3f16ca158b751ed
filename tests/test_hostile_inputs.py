"""Bad input never crashes a build, never stops the other files, and is reported with its path
and line. Every case builds a vault with one good file beside the hostile one, and most import
the package into a real Anki collection."""

import os
import random
import socket
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from flashgen.build import BuildOptions, build_deck
from flashgen.dialect import make_markdown, plain_text
from flashgen.lockfile import load_lock
from flashgen.read import MAX_FRONTMATTER_DEPTH, MAX_NOTE_BYTES
from tests.hostile_support import (
    PNG,
    T2,
    build,
    by_prompt,
    deck_config,
    headings,
    imported,
    messages,
    write_vault,
)

GOOD = "# Good\n\nA good note beside the bad one.\n"


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    return write_vault(tmp_path / "notes", {"good.md": GOOD})


@pytest.fixture
def output(tmp_path: Path) -> Path:
    return tmp_path / "out" / "deck.apkg"


# --- encodings and line endings ------------------------------------------------------------


def test_non_utf8_bytes_are_shown_as_replacement_characters_with_a_warning(
    notes: Path, output: Path, tmp_path: Path
) -> None:
    write_vault(notes, {"latin1.md": "# Café\n\nA naïve note.\n".encode("latin-1")})
    result = build(notes, output)
    assert messages(result) == [
        "latin1.md:1: warning: not valid UTF-8: undecodable bytes shown as U+FFFD"
    ]
    found = by_prompt(imported(output, tmp_path / "anki")[0])
    assert sorted(found) == ["Caf\ufffd", "Good"]
    assert found["Caf\ufffd"].fields["Answer"] == "<p>A na\ufffdve note.</p>"


def test_gbk_text_is_not_taken_for_binary(notes: Path, output: Path) -> None:
    write_vault(notes, {"gbk.md": "# 进程\n\n进程是资源分配的单位。\n".encode("gbk")})
    result = build(notes, output)
    assert messages(result) == [
        "gbk.md:1: warning: not valid UTF-8: undecodable bytes shown as U+FFFD"
    ]
    assert len(headings(result)) == 2


def test_utf8_bom_is_neither_part_of_the_frontmatter_nor_of_the_first_heading(
    notes: Path, output: Path, tmp_path: Path
) -> None:
    bom = b"\xef\xbb\xbf"
    write_vault(
        notes,
        {
            "front.md": bom + b"---\ntitle: With BOM\n---\n# Heading\n\nBody.\n",
            "plain.md": bom + b"# First heading\n\nBody.\n",
        },
    )
    result = build(notes, output)
    assert messages(result) == []
    found = by_prompt(imported(output, tmp_path / "anki")[0])
    assert sorted(found) == ["First heading", "Good", "Heading"]
    assert found["Heading"].fields["Context"] == "With BOM"


def test_crlf_and_lone_cr_files_make_the_same_notes_on_the_same_lines(
    notes: Path, output: Path
) -> None:
    text = "---\ntitle: {}\n---\n# One\n\nFirst.\n\n## Two\n\n```\n# code\n```\n"
    newlines = {"lf": "\n", "crlf": "\r\n", "cr": "\r"}
    write_vault(
        notes,
        {f"{name}.md": text.format(name).replace("\n", nl) for name, nl in newlines.items()},
    )
    result = build(notes, output)
    assert messages(result) == []
    locations = sorted(note.location for note in result.plan.notes)
    assert locations == sorted(
        [f"{name}.md:{line}" for name in newlines for line in (4, 8)] + ["good.md:1"]
    )
    answers = {note.fields.answer for note in result.plan.notes if note.heading == "Two"}
    assert len(answers) == 1


def test_nul_bytes_are_replaced_and_reported_at_their_line(
    notes: Path, output: Path, tmp_path: Path
) -> None:
    text = b"# Heading\n\nA note that someone's editor\ncorrupted: here \x00 and \x00 here.\n"
    write_vault(notes, {"nul.md": text})
    result = build(notes, output)
    assert messages(result) == ["nul.md:4: warning: NUL bytes replaced by U+FFFD"]
    found = by_prompt(imported(output, tmp_path / "anki")[0])
    assert "here \ufffd and \ufffd here" in found["Heading"].fields["Answer"]


def test_anki_field_separator_in_text_or_frontmatter_is_replaced(
    notes: Path, output: Path, tmp_path: Path
) -> None:
    """U+001F separates the fields of an Anki note: one in a field made Anki refuse the
    whole package ("note has 9 fields, expected 8"). Found by tests/test_fuzz.py."""
    front = '---\ntitle: "Unit\\x1fseparator"\ntags: ["a\\x1fb"]\n---\n'
    write_vault(notes, {"unit.md": front + "# Split \x1f here\n\nAnd \x1f here.\n"})
    result = build(notes, output)
    assert messages(result) == [
        "unit.md:5: warning: U+001F characters (Anki's field separator) replaced by U+FFFD"
    ]
    found = by_prompt(imported(output, tmp_path / "anki")[0])
    note = found["Split \ufffd here"]
    assert note.fields["Answer"] == "<p>And \ufffd here.</p>"
    assert note.fields["Context"] == "Unit\ufffdseparator"
    assert note.tags == ("a\ufffdb",)


def test_file_name_with_control_characters_is_skipped_with_an_error(
    notes: Path, output: Path
) -> None:
    write_vault(notes, {"tab\there.md": "# Tab\n\nBody.\n", "unit\x1f.md": "# U\n\nBody.\n"})
    result = build(notes, output)
    assert sorted(messages(result)) == [
        "tab\\x09here.md: error: name holds control characters: skipped",
        "unit\\x1f.md: error: name holds control characters: skipped",
    ]
    assert headings(result) == ["Good"]


def test_utf16_file_with_a_byte_order_mark_is_read_with_a_warning(
    notes: Path, output: Path
) -> None:
    write_vault(notes, {"notepad.md": "# Unicode\n\n记事本 saved this.\r\n".encode("utf-16")})
    result = build(notes, output)
    assert messages(result) == ["notepad.md: warning: UTF-16 file read: save it as UTF-8"]
    assert sorted(headings(result)) == ["Good", "Unicode"]


@pytest.mark.parametrize(
    "content",
    [
        PNG,
        random.Random(4).randbytes(50_000),
        bytes(4096),
        "# Heading\n\nASCII as UTF-16 without a byte-order mark.\n".encode("utf-16-le"),
    ],
    ids=["png", "random-bytes", "zeros", "utf16-without-bom"],
)
def test_binary_file_named_md_is_skipped_with_an_error(
    notes: Path, output: Path, tmp_path: Path, content: bytes
) -> None:
    write_vault(notes, {"image.md": content})
    result = build(notes, output)
    assert messages(result) == ["image.md: error: not a text file: skipped"]
    found = by_prompt(imported(output, tmp_path / "anki")[0])
    assert sorted(found) == ["Good"]


# --- frontmatter ---------------------------------------------------------------------------


def test_empty_file_and_frontmatter_only_file_make_no_cards_and_no_problems(
    notes: Path, output: Path
) -> None:
    write_vault(notes, {"empty.md": b"", "front.md": "---\ntitle: Only\ntags: [x]\n---\n"})
    result = build(notes, output)
    assert messages(result) == []
    assert headings(result) == ["Good"]


def test_broken_yaml_skips_that_file_reported_at_its_line_and_the_rest_builds(
    notes: Path, output: Path, tmp_path: Path
) -> None:
    write_vault(notes, {"broken.md": "---\ntitle: Broken\ntags: [a, b\n---\n# Lost\n\nBody.\n"})
    result = build(notes, output)
    assert messages(result) == [
        "broken.md:3: error: broken frontmatter (expected ',' or ']', but got '<stream end>'): "
        "file skipped"
    ]
    assert result.written
    assert sorted(by_prompt(imported(output, tmp_path / "anki")[0])) == ["Good"]


@pytest.mark.parametrize(
    ("frontmatter", "kind"),
    [("- a\n- b", "list"), ("just a string", "string"), ("42", "number")],
)
def test_frontmatter_that_is_not_a_mapping_is_ignored_with_a_warning(
    notes: Path, output: Path, frontmatter: str, kind: str
) -> None:
    write_vault(notes, {"odd.md": f"---\n{frontmatter}\n---\n# Kept\n\nBody.\n"})
    result = build(notes, output)
    assert messages(result) == [
        f"odd.md:1: warning: frontmatter is a {kind}, not a mapping: ignored"
    ]
    assert sorted(headings(result)) == ["Good", "Kept"]


def test_frontmatter_with_wrong_value_types_keeps_the_file(notes: Path, output: Path) -> None:
    odd = "---\ntitle: [1, 2]\ntags: {a: b}\ncategories: [[x], 3, null]\ndeck: 5\n---\n"
    write_vault(notes, {"types.md": odd + "# Kept\n\nBody.\n"})
    result = build(notes, output)
    assert messages(result) == ["types.md:1: warning: frontmatter 'deck' is not a name"]
    kept = next(note for note in result.plan.notes if note.heading == "Kept")
    assert kept.deck == "Hostile"
    assert kept.tags == ("3",)


def test_frontmatter_nested_deeper_than_the_stack_is_an_error_not_a_crash(
    notes: Path, output: Path
) -> None:
    deep = "---\nkey: " + "[" * 20_000 + "\n---\n# Lost\n\nBody.\n"
    write_vault(notes, {"deep.md": deep})
    result = build(notes, output)
    assert messages(result) == [
        f"deep.md:2: error: broken frontmatter (nested more than {MAX_FRONTMATTER_DEPTH} "
        "levels deep): file skipped"
    ]
    assert headings(result) == ["Good"]


def test_yaml_tags_that_would_run_code_are_refused(notes: Path, output: Path) -> None:
    marker = notes.parent / "pwned"
    evil = f"---\nx: !!python/object/apply:os.system ['touch {marker}']\n---\n# Lost\n\nBody.\n"
    write_vault(notes, {"evil.md": evil})
    result = build(notes, output)
    assert [d.severity for d in result.diagnostics] == ["error"]
    assert "could not determine a constructor" in result.diagnostics[0].message
    assert not marker.exists()


# --- Markdown that swallows or nests --------------------------------------------------------


def test_unterminated_code_fence_is_reported_and_what_precedes_it_builds(
    notes: Path, output: Path, tmp_path: Path
) -> None:
    text = "# Before\n\nText.\n\n# Fence\n\n```python\nprint(1)\n\n# Inside\n\nStill code.\n"
    write_vault(notes, {"fence.md": text})
    result = build(notes, output)
    assert messages(result) == [
        "fence.md:7: warning: code fence ``` is never closed: the rest of the file is code, "
        "and headings in it make no cards"
    ]
    found = by_prompt(imported(output, tmp_path / "anki")[0])
    assert sorted(found) == ["Before", "Fence", "Good"]
    assert "# Inside" in found["Fence"].fields["Answer"]


def test_unclosed_html_comment_is_reported(notes: Path, output: Path) -> None:
    write_vault(notes, {"comment.md": "# Seen\n\nText.\n\n<!-- never closed\n\n# Hidden\n\nx\n"})
    result = build(notes, output)
    assert messages(result) == [
        "comment.md:5: warning: HTML comment <!-- is never closed: the rest of the file is "
        "hidden, and headings in it make no cards"
    ]
    assert sorted(headings(result)) == ["Good", "Seen"]


DEEP = 10_000


@pytest.mark.parametrize(
    ("nested", "too_deep_line"),
    [
        ("- " * DEEP + "deep text\n", 3),
        ("> " * DEEP + "deep text\n", 3),
        ("1. " * DEEP + "deep text\n", 3),
        ("".join("  " * (i % 50) + f"- item {i}\n" for i in range(DEEP)) + "- deep text\n", 11),
        ("".join(">" * (1 + i % 40) + f" line {i}\n" for i in range(2000)) + "\ndeep text\n", 20),
    ],
    ids=["list-markers", "quote-markers", "ordered-markers", "list-staircase", "quote-staircase"],
)
def test_ten_thousand_nested_items_build_and_keep_their_text_and_the_next_heading(
    notes: Path, output: Path, tmp_path: Path, nested: str, too_deep_line: int
) -> None:
    """markdown-it stops at 20 levels and drops the rest of the file, headings included;
    flashgen keeps the deeper part as text, says where, and builds the headings after it."""
    write_vault(notes, {"nested.md": "# Nested\n\n" + nested + "\n# After\n\nStill a card.\n"})
    result = build(notes, output)
    assert messages(result) == [
        f"nested.md:{too_deep_line}: warning: Markdown nested too deeply (lists or quotes): "
        "the deeper part is shown as plain text"
    ]
    found = by_prompt(imported(output, tmp_path / "anki")[0])
    assert sorted(found) == ["After", "Good", "Nested"]
    assert "deep text" in found["Nested"].fields["Answer"]
    assert found["After"].fields["Answer"] == "<p>Still a card.</p>"


def test_plain_text_of_tokens_nested_past_the_recursion_limit() -> None:
    md = make_markdown()
    tokens = md.parseInline("![alt](a.png)")[0].children
    assert tokens is not None
    image = tokens[0]
    for _ in range(sys.getrecursionlimit() * 2):
        outer = md.parseInline("![x](b.png)")[0].children
        assert outer is not None
        outer[0].children = [image]
        image = outer[0]
    assert plain_text([image]) == "alt"


def test_heading_of_5000_characters_makes_one_note_and_a_warning(
    notes: Path, output: Path, tmp_path: Path
) -> None:
    heading = ("word " * 1000).strip()
    write_vault(notes, {"long.md": f"# {heading}\n\nIts answer.\n"})
    result = build(notes, output)
    assert messages(result) == [
        "long.md:1: warning: heading is 4999 characters long: too long to be a good prompt"
    ]
    found = by_prompt(imported(output, tmp_path / "anki")[0])
    assert found[heading].fields["Answer"] == "<p>Its answer.</p>"


def test_20_megabyte_file_builds(notes: Path, output: Path, tmp_path: Path) -> None:
    """Long sections, a long word before a ``^``, many ``\\(`` with no closer: inputs on
    which a quadratic scan would run for hours."""
    paragraph = " ".join(f"word{i}" for i in range(1_000)) + "\n"
    sections = [f"## Section {n}\n\n" + paragraph * 24 for n in range(100)]
    hostile = "## Hostile\n\n" + "a" * 2_000_000 + " x^2 " + "\\(a " * 200_000 + "\n"
    text = "# Big\n\n" + "\n".join(sections) + hostile
    assert len(text.encode()) > 20_000_000
    write_vault(notes, {"big.md": text})
    result = build(notes, output)
    assert messages(result) == []
    assert len(headings(result)) == 102
    found = by_prompt(imported(output, tmp_path / "anki")[0])
    assert len(found) == 102
    assert found["Section 99"].fields["Answer"].count("word999") == 24


def test_file_larger_than_the_limit_is_skipped_without_being_read(
    notes: Path, output: Path
) -> None:
    huge = notes / "huge.md"
    with open(huge, "wb") as handle:
        handle.truncate(MAX_NOTE_BYTES + 1)  # sparse: no disk space used
    result = build(notes, output)
    assert messages(result) == ["huge.md: error: file is larger than 64 MiB: skipped"]
    assert headings(result) == ["Good"]


# --- names, links, special files ----------------------------------------------------------


def test_names_with_spaces_cjk_and_emoji_build_into_folder_subdecks(
    notes: Path, output: Path, tmp_path: Path
) -> None:
    write_vault(
        notes,
        {
            "名前 with spaces 🚀/笔记 📝.md": "# 进程 / Process\n\nA unit of resources.\n",
            "🙂.md": "# Emoji\n\nA file named with an emoji.\n",
        },
    )
    result = build(notes, output, subdecks="folder")
    assert messages(result) == []
    found = by_prompt(imported(output, tmp_path / "anki")[0])
    process = found["进程 / Process"]
    assert process.fields["Source"] == "名前 with spaces 🚀/笔记 📝.md"
    assert process.decks == ("Hostile::名前 with spaces 🚀",)
    assert found["Emoji"].fields["Context"] == "🙂"


def test_file_name_that_is_html_is_text_on_the_card(
    notes: Path, output: Path, tmp_path: Path
) -> None:
    write_vault(notes, {"<img src=x onerror=alert(1)>.md": "# Named\n\nBody.\n"})
    build(notes, output)
    found = by_prompt(imported(output, tmp_path / "anki")[0])
    assert found["Named"].fields["Source"] == "&lt;img src=x onerror=alert(1)&gt;.md"
    assert found["Named"].fields["Context"] == "&lt;img src=x onerror=alert(1)&gt;"


def test_file_name_that_is_not_utf8_is_skipped_with_an_error(notes: Path, output: Path) -> None:
    os.makedirs(os.fsencode(notes / "sub"))
    with open(os.fsencode(notes / "sub") + b"/caf\xe9.md", "wb") as handle:
        handle.write(b"# Latin-1 name\n\nBody.\n")
    result = build(notes, output)
    assert messages(result) == [
        "sub/caf\ufffd.md: error: name is not valid UTF-8: skipped, rename it"
    ]
    assert headings(result) == ["Good"]


def test_symlink_loops_are_walked_once_with_a_warning(
    notes: Path, output: Path, tmp_path: Path
) -> None:
    write_vault(notes, {"sub/inner.md": "# Inner\n\nBody.\n"})
    (notes / "sub" / "up").symlink_to("..")
    (notes / "self").symlink_to("self")
    (notes / "me.md").symlink_to("me.md")
    result = build(notes, output)
    assert sorted(messages(result)) == [
        "me.md: error: cannot read file: Too many levels of symbolic links: skipped",
        "sub/up: warning: folder already walked (symlink loop?): skipped",
    ]
    assert sorted(note.location for note in result.plan.notes) == ["good.md:1", "sub/inner.md:1"]
    assert len(imported(output, tmp_path / "anki")[0]) == 2


def test_a_real_folder_wins_over_a_symlink_to_it(notes: Path, output: Path) -> None:
    write_vault(notes, {"b/real.md": "# Real\n\nBody.\n"})
    (notes / "a").mkdir()
    (notes / "a" / "link").symlink_to("../b")
    result = build(notes, output)
    assert [n.location for n in result.plan.notes if n.heading == "Real"] == ["b/real.md:1"]
    assert messages(result) == ["a/link: warning: folder already walked (symlink loop?): skipped"]


def test_special_files_named_md_are_errors_and_never_hang_the_build(
    notes: Path, output: Path, tmp_path: Path
) -> None:
    os.mkfifo(notes / "pipe.md")
    (notes / "zero.md").symlink_to("/dev/zero")
    (notes / "dangling.md").symlink_to("missing-target.md")
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(notes / "socket.md"))
        result = build(notes, output)
    assert messages(result) == [
        "zero.md: error: note is a symlink to a file outside the notes folder: skipped "
        "(--follow-symlinks-outside reads it)",
        "dangling.md: error: cannot read file: No such file or directory: skipped",
        "pipe.md: error: not a regular file but a named pipe: skipped",
        "socket.md: error: not a regular file but a socket: skipped",
    ]
    followed = build(notes, output, follow_symlinks_outside=True)
    assert "zero.md: error: not a regular file but a device: skipped" in messages(followed)
    assert sorted(by_prompt(imported(output, tmp_path / "anki")[0])) == ["Good"]


def test_folder_named_md_is_a_folder(notes: Path, output: Path) -> None:
    write_vault(notes, {"folder.md/inside.md": "# Inside\n\nBody.\n"})
    result = build(notes, output)
    assert messages(result) == []
    assert sorted(headings(result)) == ["Good", "Inside"]


# --- files that change during the build -----------------------------------------------------


@pytest.fixture
def four_notes(tmp_path: Path) -> Iterator[Path]:
    notes = write_vault(
        tmp_path / "four",
        {f"{name}.md": f"# Note {name}\n\nAnswer {name}.\n" for name in "abcd"},
    )
    yield notes


def test_files_deleted_or_replaced_during_the_build_are_errors_and_keep_their_cards(
    four_notes: Path, output: Path, tmp_path: Path
) -> None:
    """After ``a.md`` is read, ``b.md`` is deleted, ``c.md`` becomes a named pipe and
    ``d.md`` a folder: reads that fail while the build runs, even for root."""
    config = deck_config(four_notes, output)
    first = build_deck(config, BuildOptions(now=T2 - 3600))
    guids = {note.heading: note.guid for note in first.plan.notes}

    def sabotage(done: int, total: int) -> None:
        if done == 1:
            (four_notes / "b.md").unlink()
            (four_notes / "c.md").unlink()
            os.mkfifo(four_notes / "c.md")
            (four_notes / "d.md").unlink()
            (four_notes / "d.md").mkdir()

    second = build_deck(config, BuildOptions(now=T2), progress=sabotage)
    assert messages(second) == [
        "b.md: error: cannot read file: No such file or directory: skipped",
        "c.md: error: not a regular file but a named pipe: skipped",
        "d.md: error: not a regular file but a folder: skipped",
    ]
    assert second.written
    assert [note.heading for note in second.plan.notes] == ["Note a"]
    assert second.plan.report.removed == ()
    lock = load_lock(config.lockfile)
    assert lock is not None
    assert {entry.heading: entry.guid for entry in lock.entries if entry.active} == guids

    (four_notes / "c.md").unlink()
    (four_notes / "d.md").rmdir()
    write_vault(four_notes, {f"{name}.md": f"# Note {name}\n\nAnswer {name}.\n" for name in "bcd"})
    third = build_deck(config, BuildOptions(now=T2 + 3600))
    assert {note.heading: note.guid for note in third.plan.notes} == guids
    assert third.plan.report.new == ()
