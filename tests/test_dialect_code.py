"""Fenced and indented code (``flashgen.dialect.code``)."""

from pathlib import Path

import pytest

from flashgen.render import RenderedSection
from tests.render_support import answer


def test_fenced_code_is_highlighted_with_css_classes_not_inline_styles(
    kvm: dict[str, RenderedSection],
) -> None:
    html = kvm["影子页表 / Shadow page tables"].answer_html
    assert '<div class="highlight"><pre><span></span><span class="k">static</span>' in html
    assert '<span class="kt">int</span>' in html
    assert "style=" not in html


def test_unknown_language_is_an_escaped_plain_block(kvm: dict[str, RenderedSection]) -> None:
    html = kvm["影子页表 / Shadow page tables"].answer_html
    assert (
        '<div class="highlight" data-lang="nosuchlanguage"><pre>&lt;not&gt; &amp; highlighted\n'
        "</pre></div>"
    ) in html


@pytest.mark.parametrize(
    "body",
    ["```\n<b>x</b>\n```", "    <b>x</b>"],
    ids=["fence-without-language", "indented"],
)
def test_code_without_language_is_escaped_plain_block(tmp_path: Path, body: str) -> None:
    assert answer(tmp_path, body) == (
        '<div class="highlight"><pre>&lt;b&gt;x&lt;/b&gt;\n</pre></div>'
    )
