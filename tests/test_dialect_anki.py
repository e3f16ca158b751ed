"""Notes written in the dialect, built and imported into a real Anki collection: the fields
that come back are what the note editor showed (``tests/vaults/dialect``)."""

from pathlib import Path

import pytest

from flashgen.build import BuildOptions, BuildResult, build_deck
from flashgen.config import DeckConfig
from tests.anki_support import AnkiNote, collection, import_package, notes

VAULTS = Path(__file__).parent / "vaults" / "dialect"


def build_and_import(
    vault: Path, tmp_path: Path, source: str | None = None
) -> tuple[BuildResult, dict[str, AnkiNote]]:
    """Build and import ``vault``; the notes by prompt (those of the file ``source``)."""
    config = DeckConfig(name="Dialect", notes_dir=vault, output=tmp_path / "out.apkg")
    result = build_deck(config, BuildOptions(now=1_800_000_000))
    with collection(tmp_path / "c.anki2") as col:
        import_package(col, config.output)
        return result, {
            note.fields["Prompt"]: note
            for note in notes(col).values()
            if source in (None, note.fields["Source"])
        }


@pytest.fixture(scope="module")
def chinese(tmp_path_factory: pytest.TempPathFactory) -> tuple[BuildResult, dict[str, AnkiNote]]:
    return build_and_import(VAULTS / "chinese", tmp_path_factory.mktemp("chinese"))


def test_bold_next_to_cjk_punctuation_and_lenient_math(
    chinese: tuple[BuildResult, dict[str, AnkiNote]],
) -> None:
    _, found = chinese
    answer = found["2.1 二分类（Binary Classification）"].fields["Answer"]
    assert "<strong>吴恩达：</strong>你好" in answer
    assert "<strong>逻辑回归（Logistic Regression）</strong>的例子" in answer
    assert "其中\\( W^{[l]}\\)是第\\(l\\)层的权重，\\(b^{[l]}\\)是偏置。" in answer
    assert "**" not in answer and "$" not in answer


def test_display_math_with_tab_indented_lines_is_one_block(
    chinese: tuple[BuildResult, dict[str, AnkiNote]],
) -> None:
    result, found = chinese
    answer = found["3.10（选修）直观理解反向传播（Backpropagation intuition）"].fields["Answer"]
    assert answer.count('<div class="fg-math">') == 1
    assert "<pre>" not in answer and "$$" not in answer
    assert "\\frac{1}{m}" in answer
    assert "参数<strong>更新：</strong>\\(w := w" in found["梯度下降法（Gradient Descent）"].fields[
        "Answer"
    ]
    assert not [d for d in result.diagnostics if "unpaired" in d.message]


def test_numbering_never_stays_in_a_term_card(
    chinese: tuple[BuildResult, dict[str, AnkiNote]],
) -> None:
    _, found = chinese
    terms = {
        (note.fields["PromptCJK"], note.fields["PromptLatin"])
        for note in found.values()
        if note.fields["Terms"]
    }
    assert terms == {
        ("二分类", "Binary Classification"),
        ("直观理解反向传播", "Backpropagation intuition"),
        ("梯度下降法", "Gradient Descent"),
    }


@pytest.fixture(scope="module")
def obsidian(tmp_path_factory: pytest.TempPathFactory) -> tuple[BuildResult, dict[str, AnkiNote]]:
    folder = tmp_path_factory.mktemp("obsidian")
    return build_and_import(VAULTS / "obsidian", folder, source="Physics/Energy.md")


def test_obsidian_callout_with_display_math_footnote_highlight_block_id_and_breaks(
    obsidian: tuple[BuildResult, dict[str, AnkiNote]],
) -> None:
    result, found = obsidian
    assert not result.diagnostics
    answer = found["Kinetic energy"].fields["Answer"]
    assert answer.startswith(
        '<div class="fg-callout fg-callout-note">\n<div class="fg-callout-title">Formula</div>'
    )
    assert '<div class="fg-math">\\[E_k = \\frac{1}{2} m v^2\\]</div>\n</div>' in answer
    assert "<mark>square of the speed</mark>." in answer
    assert '<sup class="fg-footnote-ref">1</sup><br />\nA second line' in answer
    assert answer.endswith(
        '<ol class="fg-footnotes">\n<li><p>Double the speed, four times the energy.</p></li>\n'
        "</ol>"
    )
    assert "^ke-claim" not in answer and "[^speed]" not in answer and "$$" not in answer


def test_obsidian_embeds_transclude_sections_blocks_and_notes(
    obsidian: tuple[BuildResult, dict[str, AnkiNote]],
) -> None:
    _, found = obsidian
    work = found["Work"]
    assert work.fields["Source"] == "Physics/Energy.md"
    assert "Work is force times distance: \\(W = F \\cdot s\\)." in work.fields["Answer"]
    assert "<h2>Sign of work</h2>" in work.fields["Answer"]
    assert "older, longer path" not in work.fields["Answer"]
    assert found["Power"].fields["Answer"] == (
        '<div class="fg-embed" data-embed="Definitions">\n<p>Power is work per time.</p>\n</div>'
    )
    units = found["Everything about units"].fields["Answer"]
    assert "One joule is one newton metre." in units
    assert units.count('class="fg-embed"') == 1
    assert '<span class="fg-wikilink">Physics/Energy › Everything about units</span>' in units


def test_obsidian_callouts_with_metadata_nest_and_keep_their_media(
    obsidian: tuple[BuildResult, dict[str, AnkiNote]],
) -> None:
    _, found = obsidian
    answer = found["Columns"].fields["Answer"]
    assert 'fg-callout-column" data-callout-metadata="flex"' in answer
    assert 'fg-callout-warning" data-callout-metadata="no-icon">\n' in answer
    assert '<div class="fg-callout-title">Careful</div>' in answer
    assert '<div class="fg-callout-title">Folded</div>' in answer
    assert '<img src="flashgen-' in answer and 'width="200"' in answer
    assert "[!" not in answer
