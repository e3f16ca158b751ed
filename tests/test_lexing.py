"""The accelerated Pygments lexers give exactly the tokens Pygments' own loop gives.

``flashgen.lexing`` only changes which rules are tried at a position, never their order or
what they do; these tests compare the two token streams on the code real notes hold and on
generated text full of the characters that start and end tokens (quotes, comments,
escapes, numbers, keywords), where a wrong guess about a rule's first character would show.
"""

from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pygments.lexer import Lexer
from pygments.lexers import get_lexer_by_name

from benchmarks.make_vault import CODE_SNIPPETS
from flashgen.lexing import accelerated

LANGUAGES = (
    "c", "cpp", "cuda", "python", "java", "bash", "sql", "rust", "go", "nasm", "javascript",
    "typescript", "json", "yaml", "html", "css", "diff", "haskell", "latex",
)
FRAGMENTS = (
    "int ", "def ", "class ", "return", "SELECT ", "from ", "WHERE", "#include <x.h>",
    "#define X 1", "__global__ ", "<<<", ">>>", "'", '"', '"""', "\\", "\\n", "/*", "*/",
    "//", "#", "--", "$", "${", "$(", "`", "\n", " ", "\t", "0x1F", "1.5e3", "10L", "u8'",
    'R"(', ')"', "@", "::", "->", "=>", "{", "}", "(", ")", "[", "]", ";", ":", ",", ".",
    "<", ">", "=", "+", "-", "*", "/", "%", "&", "|", "^", "!", "?", "~", "é", "中", "_x",
    "fn ", "let ", "mut ", "package main", "func ", "public ", "static ", "void ", "f'",
    "b'", "r'", "lambda", "async ", "<<EOF\n", "EOF\n", "mov eax, 1", "; c", "%macro",
)
SOURCES = [
    (language, snippet.replace("@NAME@", "sample").replace("@N@", "8"))
    for language, snippets in CODE_SNIPPETS.items()
    for snippet in snippets
]


@cache
def lexer(language: str, fast: bool) -> Lexer:
    plain = get_lexer_by_name(language, stripnl=False, ensurenl=True)
    return accelerated(plain) if fast else plain


def tokens(language: str, code: str, fast: bool) -> list[tuple[object, str]]:
    return list(lexer(language, fast).get_tokens(code))


@pytest.mark.parametrize(("language", "code"), SOURCES)
def test_same_tokens_on_the_code_notes_hold(language: str, code: str) -> None:
    expected = tokens(language, code, fast=False)
    assert len(expected) > 10
    assert tokens(language, code, fast=True) == expected


@pytest.mark.parametrize("language", LANGUAGES)
@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS) | st.characters(), max_size=40).map("".join))
def test_same_tokens_on_any_text(language: str, code: str) -> None:
    assert tokens(language, code, fast=True) == tokens(language, code, fast=False)


def test_only_prepared_lexers_change_path() -> None:
    lexer = get_lexer_by_name("c")
    assert "_flashgen_rules" not in vars(lexer)
    assert "_flashgen_rules" in vars(accelerated(lexer))
