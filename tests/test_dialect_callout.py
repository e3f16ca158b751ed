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
