"""Obsidian block ids ``^abc123`` (``flashgen.dialect.blockids``): hidden, kept as names."""

from pathlib import Path

import pytest

from flashgen.dialect import make_markdown
from tests.render_support import answer, render_file


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("A claim. ^c14558", "<p>A claim.</p>"),
        ("line one ^a1\nline two ^b2", "<p>line one\nline two</p>"),
        ("- item ^abc\n- other", "<ul>\n<li>item</li>\n<li>other</li>\n</ul>"),
        ("Para\n\n^alone", "<p>Para</p>"),
        ("x^2 and a ^ b", "<p>x^2 and a ^ b</p>"),
        ("`code ^id`", "<p><code>code ^id</code></p>"),
    ],
    ids=["end-of-paragraph", "end-of-lines", "list-item", "own-paragraph", "carets", "code"],
)
def test_block_ids_are_hidden(tmp_path: Path, body: str, expected: str) -> None:
    assert answer(tmp_path, body) == expected


def test_block_ids_name_their_block() -> None:
    tokens = make_markdown().parse("Para ^p1\n\n- item ^i1\n\n| a |\n|---|\n| b |\n\n^t1\n")
    named = {token.meta["block_id"]: token.type for token in tokens if "block_id" in token.meta}
    assert named == {"p1": "paragraph_open", "i1": "list_item_open", "t1": "table_open"}


def test_a_section_of_only_a_block_id_has_no_content(tmp_path: Path) -> None:
    (tmp_path / "note.md").write_text("# Empty\n\n^abc\n\n# Full\n\nText.\n", "utf-8")
    assert [item.section.heading for item in render_file(tmp_path, "note.md").sections] == [
        "Full"
    ]
