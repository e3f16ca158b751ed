"""Emphasis next to CJK text (``flashgen.dialect.cjk``), as Obsidian and Typora show it."""

from pathlib import Path

import pytest

from tests.render_support import answer


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("**吴恩达：**你好", "<strong>吴恩达：</strong>你好"),
        ("这是**“重要”**的", "这是<strong>“重要”</strong>的"),
        ("**梯度下降（Gradient Descent）**是", "<strong>梯度下降（Gradient Descent）</strong>是"),
        ("中文**English**中文", "中文<strong>English</strong>中文"),
        ("~~删除：~~文字", "<s>删除：</s>文字"),
        ("*강조*를", "<em>강조</em>를"),
        ("**`npm publish`**를 실행", "<strong><code>npm publish</code></strong>를 실행"),
    ],
    ids=["colon", "quotes", "bracket-gloss", "latin-inside", "strikethrough", "korean", "code"],
)
def test_emphasis_next_to_cjk_punctuation_works(tmp_path: Path, body: str, expected: str) -> None:
    assert answer(tmp_path, body) == f"<p>{expected}</p>"


@pytest.mark.parametrize(
    "body",
    ["__foo__bar", 'a**"b"**c', "文字_下划线_文字", "snake_case_name"],
    ids=["underscore-in-word", "ascii-punctuation", "underscore-between-han", "identifier"],
)
def test_emphasis_without_cjk_beside_it_follows_commonmark(tmp_path: Path, body: str) -> None:
    assert "<strong>" not in answer(tmp_path, body)
    assert "<em>" not in answer(tmp_path, body)
