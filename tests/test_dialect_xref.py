"""Cross-references ``Term^`` (``flashgen.dialect.xref``)."""

from pathlib import Path

import pytest

from flashgen.checks import dangling_references
from flashgen.render import RenderedSection
from tests.render_support import VAULT, answer, render_file


def xref(term: str) -> str:
    return f'<span class="fg-xref">{term}</span>'


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("MBR^ starts the text", f"<p>{xref('MBR')} starts the text</p>"),
        ("loaded by the **MBR^**.", f"<p>loaded by the <strong>{xref('MBR')}</strong>.</p>"),
        ("see 页表^, C++^ and C#^", f"<p>see {xref('页表')}, {xref('C++')} and {xref('C#')}</p>"),
        ("(kvm-intel^)", f"<p>({xref('kvm-intel')})</p>"),
        ("the **Page table^** walk", f"<p>the <strong>{xref('Page table')}</strong> walk</p>"),
        ("*two words^* here", f"<p><em>{xref('two words')}</em> here</p>"),
    ],
    ids=[
        "start-of-text",
        "in-bold",
        "cjk-and-symbols",
        "in-parentheses",
        "whole-bold-phrase",
        "whole-italic-phrase",
    ],
)
def test_term_caret_becomes_a_reference_chip(tmp_path: Path, body: str, expected: str) -> None:
    assert answer(tmp_path, body) == expected


@pytest.mark.parametrize(
    "body",
    [
        "x^2 and 2^10",
        "e^{i\\pi} and f^(n) and 10^-3",
        "`MBR^` in code",
        "a footnote[^1]",
        "see https://example.com/wiki/Foo^ now",
        "<https://example.com/Foo^>",
        "www.example.com/Foo^",
        "path/to/Foo^ and .hidden^",
    ],
    ids=[
        "superscript",
        "superscript-groups",
        "code-span",
        "footnote",
        "bare-url",
        "autolink",
        "www-url",
        "glued-to-path",
    ],
)
def test_caret_that_is_no_reference_stays_text(tmp_path: Path, body: str) -> None:
    assert "fg-xref" not in answer(tmp_path, body)


def test_cross_references_are_collected_with_file_lines(kvm: dict[str, RenderedSection]) -> None:
    lines = (VAULT / "systems/kvm.md").read_text("utf-8").split("\n")
    ((term, line),) = kvm["MBR"].xrefs
    assert term == "BIOS"
    assert "**BIOS^**" in lines[line - 1]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("Use CPU Throttling^ now", f"Use {xref('CPU Throttling')} now"),
        ("Done. Then Page Table^ here", f"Done. Then {xref('Page Table')} here"),
        ("the page table^ walk", f"the {xref('page table')} walk"),
        ("see the MBR^", f"see the {xref('MBR')}"),
    ],
    ids=["capitalised-words", "not-the-sentence-start", "a-heading-of-this-file", "one-word"],
)
def test_multi_word_reference_takes_the_words_of_the_heading(
    tmp_path: Path, body: str, expected: str
) -> None:
    (tmp_path / "note.md").write_text(f"# Question\n\n{body}\n\n# Page table\n\nText.\n", "utf-8")
    first = render_file(tmp_path, "note.md").sections[0]
    assert first.answer_html == f"<p>{expected}</p>"


@pytest.mark.parametrize(
    "body", ["2^*e*", "e^**x**", "10^ and 2^10"], ids=["em", "strong", "digits"]
)
def test_an_exponent_is_no_reference(tmp_path: Path, body: str) -> None:
    assert "fg-xref" not in answer(tmp_path, body)


def test_check_matches_the_longest_heading_that_ends_the_phrase(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(
        "# A\n\nthe cpu throttling^ and Use Page Table^ and the bogus thing^\n", "utf-8"
    )
    (tmp_path / "b.md").write_text("# CPU Throttling\n\nx\n\n# Table\n\ny\n", "utf-8")
    rendered = [render_file(tmp_path, name) for name in ("a.md", "b.md")]
    found = dangling_references(
        (file.titles for file in rendered),
        (("a.md", term, line) for term, line in rendered[0].sections[0].xrefs),
    )
    assert [d.message for d in found] == ["cross-reference thing^ points nowhere"]
