"""Math (``flashgen.dialect.math``): what becomes MathJax and what stays text."""

from pathlib import Path

import pytest

from flashgen.render import RenderedSection
from tests.render_support import answer


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
