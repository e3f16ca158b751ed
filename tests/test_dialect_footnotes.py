"""Footnotes (``flashgen.dialect.footnotes``): numbered notes at the end of the answer."""

from pathlib import Path

from tests.render_support import render_file


def test_each_answer_lists_the_notes_it_cites_numbered_from_one(tmp_path: Path) -> None:
    (tmp_path / "note.md").write_text(
        "# First\n\nClaim[^a] and inline^[an inline note].\n\n"
        "# Second\n\nOther claim[^b], again[^a].\n\n"
        "[^a]: Note **A**.\n[^b]: Note B.\n",
        "utf-8",
    )
    first, second = render_file(tmp_path, "note.md").sections
    ref = '<sup class="fg-footnote-ref">{}</sup>'
    assert first.answer_html == (
        f"<p>Claim{ref.format(1)} and inline{ref.format(2)}.</p>\n"
        '<ol class="fg-footnotes">\n<li><p>Note <strong>A</strong>.</p></li>\n'
        "<li>an inline note</li>\n</ol>"
    )
    assert second.answer_html == (
        f"<p>Other claim{ref.format(1)}, again{ref.format(2)}.</p>\n"
        '<ol class="fg-footnotes">\n<li><p>Note B.</p></li>\n'
        "<li><p>Note <strong>A</strong>.</p></li>\n</ol>"
    )


def test_an_undefined_footnote_stays_text(tmp_path: Path) -> None:
    (tmp_path / "note.md").write_text("# Q\n\nSee[^missing].\n", "utf-8")
    (item,) = render_file(tmp_path, "note.md").sections
    assert item.answer_html == "<p>See[^missing].</p>"
