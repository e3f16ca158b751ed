"""Math (``flashgen.dialect.math``): what becomes MathJax and what stays text."""

from pathlib import Path

import pytest

from flashgen.checks import markdown_problems
from flashgen.config import DEFAULT_INCLUDE
from flashgen.dialect import make_markdown
from flashgen.discover import discover
from flashgen.read import read_document
from flashgen.render import RenderedSection
from flashgen.split import split_document
from tests.render_support import ALL_LEVELS, answer, render_file


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("$x^2$", "<p>\\(x^2\\)</p>"),
        ("So $$E = mc^2$$ holds.", "<p>So \\[E = mc^2\\] holds.</p>"),
        ("\\(a + b\\)", "<p>\\(a + b\\)</p>"),
        ("\\[a + b\\]", "<p>\\[a + b\\]</p>"),
        ("$a<b$ and \\(c<d\\)", "<p>\\(a&lt;b\\) and \\(c&lt;d\\)</p>"),
        ("$$\na < b\n$$", '<div class="fg-math">\\[a &lt; b\\]</div>'),
        ("Cost is $O(n^2)$.", "<p>Cost is \\(O(n^2)\\).</p>"),
    ],
    ids=["dollar", "double-dollar", "paren", "bracket", "escaped-less-than", "block", "prose"],
)
def test_math_becomes_anki_mathjax(tmp_path: Path, body: str, expected: str) -> None:
    assert answer(tmp_path, body) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("$5 and $10", "<p>$5 and $10</p>"),
        ("$5/$10 each", "<p>$5/$10 each</p>"),
        ("$10, `$PID` and `$HOME`", "<p>$10, <code>$PID</code> and <code>$HOME</code></p>"),
        ("`$x$` and `\\(y\\)`", "<p><code>$x$</code> and <code>\\(y\\)</code></p>"),
        ("$a `b$ c`", "<p>$a <code>b$ c</code></p>"),
        ("\\(a `b\\)` c", "<p>(a <code>b\\)</code> c</p>"),
        ("\\$x$ is not math", "<p>$x$ is not math</p>"),
        ("```\n$x$ \\(y\\)\n```", '<div class="highlight"><pre>$x$ \\(y\\)\n</pre></div>'),
    ],
    ids=[
        "currency",
        "currency-slash",
        "dollar-before-code-span",
        "inside-code-spans",
        "code-span-wins-over-dollar",
        "code-span-wins-over-paren",
        "escaped-dollar",
        "inside-fenced-code",
    ],
)
def test_dollar_signs_that_are_not_math_stay_text(tmp_path: Path, body: str, expected: str) -> None:
    assert answer(tmp_path, body) == expected


def test_math_in_a_note_with_currency(kvm: dict[str, RenderedSection]) -> None:
    assert "Cost is \\(O(n^2)\\), not $5 and $10." in kvm["MBR"].answer_html


# --- display blocks: indented lines, blank lines, never past a heading ---------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("$$\n\ta = b \\\\\n\tc = d\n$$", '<div class="fg-math">\\[a = b \\\\\n\tc = d\\]</div>'),
        (
            "Text\n$$\n\ta = b\n\n\tc = d\n$$",
            '<p>Text</p>\n<div class="fg-math">\\[a = b\n\n\tc = d\\]</div>',
        ),
        ("$$\n    a = b\n  c\n$$", '<div class="fg-math">\\[a = b\n  c\\]</div>'),
        (
            "$$\n\\begin{aligned}\n\ta &= b\n\\end{aligned}$$",
            '<div class="fg-math">\\[\\begin{aligned}\n\ta &amp;= b\n\\end{aligned}\\]</div>',
        ),
        ("> $$\n> \tx\n> $$", '<blockquote>\n<div class="fg-math">\\[x\\]</div>\n</blockquote>'),
    ],
    ids=["tab-indented", "after-a-paragraph", "space-indented", "closer-on-line", "in-a-quote"],
)
def test_display_block_with_indented_lines_stays_one_block(
    tmp_path: Path, body: str, expected: str
) -> None:
    assert answer(tmp_path, body) == expected


def test_unclosed_display_block_stops_at_the_heading_and_is_reported(tmp_path: Path) -> None:
    text = "# One\n\n$$\na = b\n\n# Two\n\ntext $x$\n\n# Three\n\nmore $$\n"
    (tmp_path / "note.md").write_text(text, "utf-8")
    rendered = render_file(tmp_path, "note.md")
    assert [item.section.heading for item in rendered.sections] == ["One", "Two", "Three"]
    assert rendered.sections[0].answer_html == "<p>$$\na = b</p>"
    assert rendered.sections[1].answer_html == "<p>text \\(x\\)</p>"
    assert unpaired(tmp_path, text) == [(3, "$$"), (12, "$$")]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("其中$ W^{[l]}$是第$l$层", "<p>其中\\( W^{[l]}\\)是第\\(l\\)层</p>"),
        ("$ x$ and $y$", "<p>\\( x\\) and \\(y\\)</p>"),
        ("a $ b $c$", "<p>a $ b \\(c\\)</p>"),
        ("$ 5 and $10", "<p>$ 5 and $10</p>"),
        ("中文$x$中文", "<p>中文\\(x\\)中文</p>"),
    ],
    ids=["cjk-space-after-opener", "space-after-opener", "space-before-closer",
         "currency", "cjk-needs-no-spaces"],
)
def test_inline_dollar_rule_is_lenient_after_the_opener_only(
    tmp_path: Path, body: str, expected: str
) -> None:
    assert answer(tmp_path, body) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("$x + y = 3 never closed", [(3, "$")]),
        ("line one\nthen $$ alone", [(4, "$$")]),
        ("$5 and $10, $HOME and \\$x^2", []),
        ("`$x^2` in code", []),
    ],
    ids=["formula", "double-on-second-line", "prices-variables-escapes", "code"],
)
def test_unpaired_dollars_are_reported_at_their_line(
    tmp_path: Path, body: str, expected: list[tuple[int, str]]
) -> None:
    assert unpaired(tmp_path, f"# Question\n\n{body}\n") == expected


def unpaired(tmp_path: Path, text: str) -> list[tuple[int, str]]:
    (tmp_path / "note.md").write_text(text, "utf-8")
    vault = discover(tmp_path, DEFAULT_INCLUDE, (), media_root=tmp_path)
    read = read_document(vault.sources[0])
    assert read.document is not None
    parsed = split_document(read.document, make_markdown(), ALL_LEVELS)
    return [
        (d.line, "$$" if "$$" in d.message else "$")
        for d in markdown_problems([parsed])
        if d.message.startswith("unpaired")
    ]
