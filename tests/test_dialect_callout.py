"""Obsidian callouts (``flashgen.dialect.callout``)."""

from pathlib import Path

import pytest

from flashgen.render import RenderedFile
from tests.render_support import answer, sections


def test_callout_title_keeps_its_inline_markup(obsidian: RenderedFile) -> None:
    html = sections(obsidian)["Callouts"].answer_html
    assert (
        '<div class="fg-callout fg-callout-note">\n'
        '<div class="fg-callout-title">Remember <strong>this</strong> with <code>code</code>'
        "</div>\n<p>Embeds resolve by file name anywhere in the vault.</p>\n</div>"
    ) in html


def test_callout_without_title_is_titled_by_its_kind(obsidian: RenderedFile) -> None:
    html = sections(obsidian)["Callouts"].answer_html
    assert (
        '<div class="fg-callout fg-callout-warning">\n'
        '<div class="fg-callout-title">Warning</div>\n'
        "<p>No title: the kind is the title.</p>\n</div>"
    ) in html


def test_callout_of_only_a_title_line_is_an_empty_box(obsidian: RenderedFile) -> None:
    html = sections(obsidian)["Callouts"].answer_html
    assert html.endswith(
        '<div class="fg-callout fg-callout-tip">\n'
        '<div class="fg-callout-title">Only a title line</div>\n</div>'
    )


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "> [!NOTE]- Folded *title*\n> body",
            '<div class="fg-callout fg-callout-note">\n'
            '<div class="fg-callout-title">Folded <em>title</em></div>\n<p>body</p>\n</div>',
        ),
        (
            "> [!quote]\n>\n> after a blank line",
            '<div class="fg-callout fg-callout-quote">\n'
            '<div class="fg-callout-title">Quote</div>\n<p>after a blank line</p>\n</div>',
        ),
        ("> not a [!note] callout", "<blockquote>\n<p>not a [!note] callout</p>\n</blockquote>"),
    ],
    ids=["folded-lowercased", "blank-line-after-title", "marker-not-first"],
)
def test_callout_forms(tmp_path: Path, body: str, expected: str) -> None:
    assert answer(tmp_path, body) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "> [!column|flex]\n> > [!note] Inner\n> > $$\n> > x\n> > $$",
            '<div class="fg-callout fg-callout-column" data-callout-metadata="flex">\n'
            '<div class="fg-callout-title">Column</div>\n'
            '<div class="fg-callout fg-callout-note">\n<div class="fg-callout-title">Inner</div>\n'
            '<div class="fg-math">\\[x\\]</div>\n</div>\n</div>',
        ),
        (
            "> [!warning| no-icon] Title *here*\n> body",
            '<div class="fg-callout fg-callout-warning" data-callout-metadata="no-icon">\n'
            '<div class="fg-callout-title">Title <em>here</em></div>\n<p>body</p>\n</div>',
        ),
        (
            "> [!tip]+ Open\n> body",
            '<div class="fg-callout fg-callout-tip">\n'
            '<div class="fg-callout-title">Open</div>\n<p>body</p>\n</div>',
        ),
    ],
    ids=["nested-with-metadata-and-math", "metadata-with-space", "foldable-open"],
)
def test_callouts_with_metadata_and_nesting(tmp_path: Path, body: str, expected: str) -> None:
    assert answer(tmp_path, body) == expected
