import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flashgen.prompt import Prompt, is_cjk, parse_prompt

Row = tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...], bool]

LONG_LATIN = "word " * 1000
LONG_ALIASES = " / ".join(["进程"] * 1250)

TABLE: list[Row] = [
    # plain one-language headings
    ("What is a closure?", ("What is a closure?",), (), (), False),
    ("堆 heap", ("堆 heap",), (), (), False),
    ("Asciinema/Agg", ("Asciinema/Agg",), (), (), False),
    ("/usr/bin/ld: Cannot find", ("/usr/bin/ld: Cannot find",), (), (), False),
    ("TCP/IP 协议栈", ("TCP/IP 协议栈",), (), (), False),
    (
        "**粗体** 和 [链接](https://example.com)",
        ("**粗体** 和 [链接](https://example.com)",),
        (),
        (),
        False,
    ),
    # alias lists: same script on both sides of the slash
    ("Inclusione / Esclusione", ("Inclusione", "Esclusione"), (), (), False),
    ("32 Cores / 1 Node", ("32 Cores", "1 Node"), (), (), False),
    ("BufEnter / BufWinEnter", ("BufEnter", "BufWinEnter"), (), (), False),
    (
        "`FLAGS` / `EFLAGS` / `RFLAGS`",
        ("`FLAGS`", "`EFLAGS`", "`RFLAGS`"),
        (),
        (),
        False,
    ),
    ("进程 / 线程", ("进程", "线程"), (), (), False),
    # top-level translations
    ("进程 / Process", ("进程", "Process"), ("进程",), ("Process",), True),
    ("Process / 进程", ("Process", "进程"), ("进程",), ("Process",), True),
    (
        "超标量 / Superscalar / 流水线 / 多发射",
        ("超标量", "Superscalar", "流水线", "多发射"),
        ("超标量", "流水线", "多发射"),
        ("Superscalar",),
        True,
    ),
    ("进程／Process", ("进程", "Process"), ("进程",), ("Process",), True),
    ("进程 ／ Process", ("进程", "Process"), ("进程",), ("Process",), True),
    ("  进程  /  Process  ", ("进程", "Process"), ("进程",), ("Process",), True),
    ("関数 / Function", ("関数", "Function"), ("関数",), ("Function",), True),
    ("ひらがな / Hiragana", ("ひらがな", "Hiragana"), ("ひらがな",), ("Hiragana",), True),
    ("カタカナ / Katakana", ("カタカナ", "Katakana"), ("カタカナ",), ("Katakana",), True),
    ("한국어 / Korean", ("한국어", "Korean"), ("한국어",), ("Korean",), True),
    ("🚀 火箭 / Rocket 🚀", ("🚀 火箭", "Rocket 🚀"), ("🚀 火箭",), ("Rocket 🚀",), True),
    ("`malloc` / 内存分配", ("`malloc`", "内存分配"), ("内存分配",), ("`malloc`",), True),
    ("**进程** / *Process*", ("**进程**", "*Process*"), ("**进程**",), ("*Process*",), True),
    # names without letters are neither script
    ("进程 / 2023", ("进程", "2023"), (), (), False),
    ("火箭 / 🚀", ("火箭", "🚀"), (), (), False),
    # code spans are never split
    ("`a / b`", ("`a / b`",), (), (), False),
    ("`a / b` / 甲", ("`a / b`", "甲"), ("甲",), ("`a / b`",), True),
    ("`` a ` / b ``", ("`` a ` / b ``",), (), (), False),
    ("`甲 ／ b`", ("`甲 ／ b`",), (), (), False),
    ("\\`a / b`", ("\\`a", "b`"), (), (), False),
    ("`unclosed / 代码", ("`unclosed", "代码"), ("代码",), ("`unclosed",), True),
    # brackets are never split
    ("[a / b](https://x.y/a / b)", ("[a / b](https://x.y/a / b)",), (), (), False),
    ("【进程 / Process】", ("【进程 / Process】",), (), (), False),
    ("foo (bar", ("foo (bar",), (), (), False),
    ("foo (bar / baz", ("foo (bar", "baz"), (), (), False),
    ("foo) / 进程", ("foo)", "进程"), ("进程",), ("foo)",), True),
    # bracket gloss
    (
        "梯度下降法（Gradient Descent）",
        ("梯度下降法（Gradient Descent）",),
        ("梯度下降法",),
        ("Gradient Descent",),
        True,
    ),
    (
        "优化算法 (Optimization algorithms)",
        ("优化算法 (Optimization algorithms)",),
        ("优化算法",),
        ("Optimization algorithms",),
        True,
    ),
    (
        "Gradient Descent（梯度下降）",
        ("Gradient Descent（梯度下降）",),
        ("梯度下降",),
        ("Gradient Descent",),
        True,
    ),
    ("RNN(循环神经网络)", ("RNN(循环神经网络)",), ("循环神经网络",), ("RNN",), True),
    (
        "梯度下降（**Gradient Descent (GD)**）",
        ("梯度下降（**Gradient Descent (GD)**）",),
        ("梯度下降",),
        ("**Gradient Descent (GD)**",),
        True,
    ),
    ("机器学习（ML）策略（1）", ("机器学习（ML）策略（1）",), (), (), False),
    ("进程（线程）", ("进程（线程）",), (), (), False),
    ("Process (thread)", ("Process (thread)",), (), (), False),
    ("(Gradient Descent)", ("(Gradient Descent)",), (), (), False),
    ("递归 fib(n)", ("递归 fib(n)",), (), (), False),
    ("梯度下降（Gradient Descent", ("梯度下降（Gradient Descent",), (), (), False),
    (
        "梯度下降 (Gradient Descent) / 反向传播 (Backpropagation)",
        ("梯度下降 (Gradient Descent)", "反向传播 (Backpropagation)"),
        ("梯度下降", "反向传播"),
        ("Gradient Descent", "Backpropagation"),
        True,
    ),
    (
        "Adam / 动量（Momentum）",
        ("Adam", "动量（Momentum）"),
        ("动量",),
        ("Adam", "Momentum"),
        True,
    ),
    # numbering stays in names, leaves the terms
    (
        "1.1 梯度下降 / Gradient Descent",
        ("1.1 梯度下降", "Gradient Descent"),
        ("梯度下降",),
        ("Gradient Descent",),
        True,
    ),
    ("2. Optimization / 优化", ("2. Optimization", "优化"), ("优化",), ("Optimization",), True),
    ("3、进程 / Process", ("3、进程", "Process"), ("进程",), ("Process",), True),
    ("第3章 进程 / Process", ("第3章 进程", "Process"), ("进程",), ("Process",), True),
    (
        "第二周：优化算法 (Optimization algorithms)",
        ("第二周：优化算法 (Optimization algorithms)",),
        ("优化算法",),
        ("Optimization algorithms",),
        True,
    ),
    (
        "3.10（选修）直观理解反向传播（Backpropagation intuition）",
        ("3.10（选修）直观理解反向传播（Backpropagation intuition）",),
        ("直观理解反向传播",),
        ("Backpropagation intuition",),
        True,
    ),
    (
        "3.10 (Optional) Backprop（反向传播）",
        ("3.10 (Optional) Backprop（反向传播）",),
        ("反向传播",),
        ("Backprop",),
        True,
    ),
    ("2.1二分类（Binary）", ("2.1二分类（Binary）",), ("二分类",), ("Binary",), True),
    (
        "Chapter 2: Processes / 进程",
        ("Chapter 2: Processes", "进程"),
        ("进程",),
        ("Processes",),
        True,
    ),
    ("（一）概述 / Overview", ("（一）概述", "Overview"), ("概述",), ("Overview",), True),
    ("第二周 / Week 2", ("第二周", "Week 2"), ("第二周",), ("Week 2",), True),
    ("32 位 / 32-bit", ("32 位", "32-bit"), ("32 位",), ("32-bit",), True),
    (
        "2.5D 图形 / 2.5D graphics",
        ("2.5D 图形", "2.5D graphics"),
        ("2.5D 图形",),
        ("2.5D graphics",),
        True,
    ),
    (
        "第一性原理 / First principles",
        ("第一性原理", "First principles"),
        ("第一性原理",),
        ("First principles",),
        True,
    ),
    # degenerate input
    ("", (), (), (), False),
    ("   ", (), (), (), False),
    ("/ / /", ("/", "/"), (), (), False),
    ("／", (), (), (), False),
    ("进程 / / Process", ("进程", "Process"), ("进程",), ("Process",), True),
    ("()", ("()",), (), (), False),
    ("🎉🎉", ("🎉🎉",), (), (), False),
    (LONG_LATIN, (LONG_LATIN.strip(),), (), (), False),
    (LONG_ALIASES, ("进程",) * 1250, (), (), False),
]


@pytest.mark.parametrize(("heading", "names", "cjk", "latin", "bilingual"), TABLE)
def test_parse_prompt_table(
    heading: str,
    names: tuple[str, ...],
    cjk: tuple[str, ...],
    latin: tuple[str, ...],
    bilingual: bool,
) -> None:
    prompt = parse_prompt(heading)
    assert prompt == Prompt(heading.strip(), names, cjk, latin)
    assert prompt.bilingual is bilingual


def test_bracket_gloss_with_slash_is_not_split() -> None:
    prompt = parse_prompt("训练，验证，测试集（Train / Dev / Test sets）")
    assert prompt.names == ("训练，验证，测试集（Train / Dev / Test sets）",)
    assert prompt.cjk == ("训练，验证，测试集",)
    assert prompt.latin == ("Train / Dev / Test sets",)


def test_whole_heading_gloss_spans_a_top_level_split() -> None:
    prompt = parse_prompt("What is send buffer / receive buffer (发送缓冲区 / 接收缓冲区)")
    assert prompt.names == ("What is send buffer", "receive buffer (发送缓冲区 / 接收缓冲区)")
    assert prompt.latin == ("What is send buffer / receive buffer",)
    assert prompt.cjk == ("发送缓冲区 / 接收缓冲区",)


def test_mixed_scripts_before_a_bracket_are_names_not_a_gloss_head() -> None:
    prompt = parse_prompt("超标量 / Superscalar (CPU)")
    assert prompt.cjk == ("超标量",)
    assert prompt.latin == ("Superscalar (CPU)",)


def test_numbering_alone_is_kept_as_the_term() -> None:
    assert parse_prompt("第3章 / Chapter 3").cjk == ("第3章",)
    assert parse_prompt("1.1 / 一").cjk == ()


def test_prompt_is_immutable() -> None:
    prompt = parse_prompt("进程 / Process")
    with pytest.raises(dataclasses.FrozenInstanceError):
        prompt.text = "x"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("汉字", True),
        ("かな", True),
        ("カナ", True),
        ("ｶﾅ", True),
        ("한글", True),
        ("々", True),
        ("𠀀", True),
        ("abc", False),
        ("，。：（）／", False),
        ("・", False),
        ("🚀", False),
        ("", False),
    ],
)
def test_is_cjk_checks_han_kana_and_hangul_only(text: str, expected: bool) -> None:
    assert is_cjk(text) is expected


@pytest.mark.parametrize(
    "heading",
    [
        "(" * 2500 + ")" * 2500,
        "(" * 5000,
        ")" * 5000,
        "` " * 2500,
        "`" * 5000,
        "``` ` `` " * 500,
        " / " * 1666,
        "／" * 5000,
        "进程（Process） / " * 300,
        "[（" * 2500,
    ],
)
def test_pathological_5000_char_headings_keep_their_text(heading: str) -> None:
    prompt = parse_prompt(heading)
    assert prompt.text == heading.strip()
    assert all(name in prompt.text for name in prompt.names)


MARKUP = st.text(
    alphabet=st.sampled_from(list(" /／()（）[]【】`\\*_进程ひカ한abZ12.：、第章🚀\t")),
    max_size=60,
)


def check_invariants(heading: str) -> None:
    prompt = parse_prompt(heading)
    assert prompt.text == heading.strip()
    for name in prompt.names:
        assert name
        assert name == name.strip()
        assert name in prompt.text
    for term in prompt.cjk + prompt.latin:
        assert term in prompt.text
    if prompt.bilingual:
        assert prompt.cjk
        assert prompt.latin
        assert all(is_cjk(name) for name in prompt.cjk)
        assert not any(is_cjk(name) for name in prompt.latin)
    else:
        assert prompt.cjk == prompt.latin == ()


@given(st.text())
def test_any_text_parses_without_losing_text(heading: str) -> None:
    check_invariants(heading)


@given(MARKUP)
def test_markup_heavy_text_parses_without_losing_text(heading: str) -> None:
    check_invariants(heading)


PLAIN_NAME = st.text(alphabet=st.characters(exclude_characters="/／`()（）[]【】")).filter(
    str.strip
)


@given(st.lists(PLAIN_NAME))
def test_names_without_markup_split_on_every_spaced_slash(parts: list[str]) -> None:
    heading = " / ".join(parts)
    assert parse_prompt(heading).names == tuple(part.strip() for part in parts)
