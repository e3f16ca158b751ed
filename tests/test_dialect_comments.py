"""Obsidian comments ``%%…%%`` (``flashgen.dialect.comments``): never on a card."""

from pathlib import Path

import pytest

from tests.render_support import answer, render_file


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("Text %%hidden%% shown", "<p>Text  shown</p>"),
        ("Before\n\n%%\nblock\n\nstill hidden\n%%\n\nAfter", "<p>Before</p>\n<p>After</p>"),
        ("100%% sure", "<p>100%% sure</p>"),
        ("`%%code%%`", "<p><code>%%code%%</code></p>"),
    ],
    ids=["inline", "block", "unclosed", "code"],
)
def test_comments_are_dropped(tmp_path: Path, body: str, expected: str) -> None:
    assert answer(tmp_path, body) == expected


def test_a_section_of_only_a_comment_makes_no_note(tmp_path: Path) -> None:
    (tmp_path / "note.md").write_text("# Draft\n\n%% todo %%\n\n# Real\n\nText.\n", "utf-8")
    assert [item.section.heading for item in render_file(tmp_path, "note.md").sections] == [
        "Real"
    ]
