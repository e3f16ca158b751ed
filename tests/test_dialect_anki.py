"""Notes written in the dialect, built and imported into a real Anki collection: the fields
that come back are what the note editor showed (``tests/vaults/dialect``)."""

from pathlib import Path

import pytest

from flashgen.build import BuildOptions, BuildResult, build_deck
from flashgen.config import DeckConfig
from tests.anki_support import AnkiNote, collection, import_package, notes

VAULTS = Path(__file__).parent / "vaults" / "dialect"


def build_and_import(vault: Path, tmp_path: Path) -> tuple[BuildResult, dict[str, AnkiNote]]:
    config = DeckConfig(name="Dialect", notes_dir=vault, output=tmp_path / "out.apkg")
    result = build_deck(config, BuildOptions(now=1_800_000_000))
    with collection(tmp_path / "c.anki2") as col:
        import_package(col, config.output)
        return result, {note.fields["Prompt"]: note for note in notes(col).values()}


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
