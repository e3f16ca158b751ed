"""The read stage: frontmatter through python-frontmatter's handler API, with the body kept
exactly as the file has it after the closing line, so that every line number is the file's."""

from pathlib import Path

import pytest

from flashgen.discover import SourceFile
from flashgen.read import ReadResult, read_document


def read_text(tmp_path: Path, text: str | bytes) -> ReadResult:
    path = tmp_path / "note.md"
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return read_document(SourceFile(path=path, relpath="note.md"))


@pytest.mark.parametrize(
    ("text", "body", "body_line"),
    [
        ("---\ntitle: T\n---\nIntro.\n", "Intro.\n", 4),
        ("---\ntitle: T\n---\n\n\nAfter two blank lines.\n", "\n\nAfter two blank lines.\n", 4),
        ("---\ntitle: T\n...\n# YAML's own end marker\n", "# YAML's own end marker\n", 4),
        ("---   \ntitle: T\n---\t\nx\n", "x\n", 4),
        ("---\n---\nEmpty frontmatter.\n", "Empty frontmatter.\n", 3),
        ("---\ntitle: T\n---", "", 3),
        ("\ufeff---\r\ntitle: T\r\n---\r\n\r\nCRLF.\r\n", "\nCRLF.\n", 4),
        ("Prose.\n---\ntitle: not one\n---\n", "Prose.\n---\ntitle: not one\n---\n", 1),
        ("----\nA rule, not a boundary.\n----\n", "----\nA rule, not a boundary.\n----\n", 1),
        ("...\ntitle: x\n...\n", "...\ntitle: x\n...\n", 1),
    ],
)
def test_body_is_the_exact_text_after_the_closing_line(
    tmp_path: Path, text: str, body: str, body_line: int
) -> None:
    read = read_text(tmp_path, text)
    assert read.document is not None
    assert (read.document.body, read.document.body_line) == (body, body_line)
    assert read.diagnostics == ()


def test_frontmatter_values_are_read(tmp_path: Path) -> None:
    read = read_text(
        tmp_path, "---\ntitle: 梯度下降\ncategories: [ML, 优化]\ntags: a b\ndeck: ML::Basics\n---\n"
    )
    assert read.document is not None
    assert read.document.title == "梯度下降"
    assert read.document.tags == ("ML", "优化", "a", "b")
    assert read.document.deck == "ML::Basics"


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("---\ntitle: Broken\ntags: [a, b\n---\n# Lost\n", 3),
        ("---\n\n\ntitle: [x\n---\n", 4),
        ("---\ntitle: a\n  bad: indent\n---\n", 3),
    ],
)
def test_broken_yaml_is_reported_at_its_file_line(tmp_path: Path, text: str, line: int) -> None:
    read = read_text(tmp_path, text)
    assert read.document is None
    (diagnostic,) = read.diagnostics
    assert (diagnostic.severity, diagnostic.line) == ("error", line)
    assert diagnostic.message.startswith("broken frontmatter (")


def test_unclosed_frontmatter_is_read_as_markdown_with_a_warning(tmp_path: Path) -> None:
    read = read_text(tmp_path, "---\ntitle: never closed\n\n# Heading\n")
    assert read.document is not None
    assert read.document.body_line == 1
    assert [d.message for d in read.diagnostics] == [
        "frontmatter is never closed: read as Markdown"
    ]
