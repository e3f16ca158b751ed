"""Cross-references ``Term^`` (``flashgen.dialect.xref``)."""

from pathlib import Path

import pytest

from flashgen.render import RenderedSection
from tests.render_support import VAULT, answer


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
