"""The dialect as a whole (``flashgen.dialect``): one parse, rendered any number of times."""

from pathlib import Path

import pytest

from flashgen.config import DEFAULT_INCLUDE
from flashgen.dialect import make_markdown
from flashgen.discover import discover
from flashgen.media import MediaStore
from flashgen.read import read_document
from flashgen.render import render_document
from flashgen.split import split_document
from tests.render_support import ALL_LEVELS, VAULT

NOTES = sorted(path.relative_to(VAULT).as_posix() for path in VAULT.rglob("*.md"))


@pytest.mark.parametrize("relpath", NOTES)
def test_rendering_one_parse_twice_gives_the_same_html_and_leaves_the_tokens(
    relpath: str,
) -> None:
    vault = discover(VAULT, DEFAULT_INCLUDE, (), media_root=VAULT)
    (source,) = (source for source in vault.sources if source.relpath == relpath)
    read = read_document(source)
    assert read.document is not None
    md = make_markdown()
    parsed = split_document(read.document, md, ALL_LEVELS)
    before = [token.as_dict() for token in parsed.tokens]
    store = MediaStore(vault)
    first = render_document(parsed, md, store, allow_unsafe_html=False)
    second = render_document(parsed, md, store, allow_unsafe_html=False)
    assert [token.as_dict() for token in parsed.tokens] == before
    assert second == first
    assert any("<img" in item.answer_html for item in first.sections) == (
        "![" in Path(VAULT, relpath).read_text("utf-8")
    )
