"""Obsidian ``==highlight==`` (``flashgen.dialect.highlight``)."""

from pathlib import Path

import pytest

from tests.render_support import answer


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("a ==marked== word", "a <mark>marked</mark> word"),
        ("==**bold** and `code`==", "<mark><strong>bold</strong> and <code>code</code></mark>"),
        ("中文==高亮：==文字", "中文<mark>高亮：</mark>文字"),
        ("a = b == c and x==y", "a = b == c and x==y"),
        ("`==code==`", "<code>==code==</code>"),
    ],
    ids=["plain", "with-markup", "next-to-cjk", "equations-stay", "in-code"],
)
def test_highlight_is_marked(tmp_path: Path, body: str, expected: str) -> None:
    assert answer(tmp_path, body) == f"<p>{expected}</p>"
