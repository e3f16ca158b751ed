"""Build packages from tests/vaults/basic and import them into a real Anki collection."""

import re
from dataclasses import replace
from pathlib import Path

import pytest

from flashgen.build import BuildOptions, BuildResult, build_deck
from flashgen.config import DeckConfig
from tests.anki_support import AnkiNote, collection, import_package, media_files, notes, review_all

T1 = 1_800_000_000
T2 = T1 + 3600
FLAGS = "<code>FLAGS</code> / <code>EFLAGS</code> / <code>RFLAGS</code>"


def config_for(vault: Path, tmp_path: Path, **changes: object) -> DeckConfig:
    config = DeckConfig(name="Notes::Systems", notes_dir=vault, output=tmp_path / "out.apkg")
    return replace(config, **changes)  # type: ignore[arg-type]


def build(config: DeckConfig, now: int = T1) -> BuildResult:
    return build_deck(config, BuildOptions(now=now))


def by_prompt(found: dict[str, AnkiNote]) -> dict[str, AnkiNote]:
    return {note.fields["Prompt"]: note for note in found.values()}


@pytest.fixture
def imported(basic_vault: Path, tmp_path: Path) -> dict[str, AnkiNote]:
    result = build(config_for(basic_vault, tmp_path))
    with collection(tmp_path / "c.anki2") as col:
        import_package(col, result.config.output)
        return by_prompt(notes(col))


def test_one_note_per_heading_with_its_own_body(imported: dict[str, AnkiNote]) -> None:
    assert sorted(imported) == sorted(
        [
            "Introduction",
            "影子页表 / Shadow page tables",
            "Child of an empty parent",
            "MBR",
            "Setext heading",
            "梯度下降法（Gradient Descent）",
            "训练，验证，测试集（Train / Dev / Test sets）",
            FLAGS,
            "BufEnter / BufWinEnter",
            "图 / Diagram",
        ]
    )
    assert {note.notetype for note in imported.values()} == {"flashgen"}
    assert {note.decks for note in imported.values()} == {("Notes::Systems",)}


def test_context_is_title_and_ancestors(imported: dict[str, AnkiNote]) -> None:
    assert _text(imported["Introduction"].fields["Context"]) == "KVM › MMU"
    assert _text(imported["Child of an empty parent"].fields["Context"]) == (
        "KVM › MMU › Empty parent"
    )
    gradient = imported["梯度下降法（Gradient Descent）"]
    assert _text(gradient.fields["Context"]) == "gradient-descent"


def test_bilingual_headings_get_term_cards_and_aliases_do_not(
    imported: dict[str, AnkiNote],
) -> None:
    shadow = imported["影子页表 / Shadow page tables"]
    assert shadow.card_templates == ("CJK → Latin", "Latin → CJK", "Recall")
    assert shadow.fields["PromptCJK"] == "影子页表"
    assert shadow.fields["PromptLatin"] == "Shadow page tables"
    gloss = imported["训练，验证，测试集（Train / Dev / Test sets）"]
    assert gloss.fields["PromptLatin"] == "Train / Dev / Test sets"
    assert len(gloss.card_templates) == 3
    for alias in ("BufEnter / BufWinEnter", FLAGS):
        assert imported[alias].card_templates == ("Recall",)
        assert imported[alias].fields["Terms"] == ""


def test_answer_is_rendered_markdown(imported: dict[str, AnkiNote]) -> None:
    shadow = imported["影子页表 / Shadow page tables"].fields["Answer"]
    assert '<div class="highlight">' in shadow
    assert "# not a heading" in shadow
    setext = imported["Setext heading"].fields["Answer"]
    assert r"\(O(n^2)\)" in setext
    assert "$5 and $10" in setext
    mbr = imported["MBR"].fields["Answer"]
    assert 'href="https://example.com/spec"' in mbr
    table = imported["训练，验证，测试集（Train / Dev / Test sets）"].fields["Answer"]
    assert "<table>" in table and "98%" in table
    gradient = imported["梯度下降法（Gradient Descent）"].fields["Answer"]
    assert r"\[J(\theta)" in gradient
    diagram = imported["图 / Diagram"].fields["Answer"]
    assert 'class="fg-callout fg-callout-tip"' in diagram
    assert "<s>no</s>" in imported[FLAGS].fields["Answer"]


def test_tags_come_from_categories_and_tags(imported: dict[str, AnkiNote]) -> None:
    kvm_tags = ["virtualization", "kvm", "虚拟化", "page_tables"]
    assert imported["MBR"].tags == tuple(sorted(kvm_tags))
    ml_tags = ["ml", "深度学习", "optimization"]
    assert imported["BufEnter / BufWinEnter"].tags == tuple(sorted(ml_tags))


def test_id_field_holds_the_guid(imported: dict[str, AnkiNote]) -> None:
    for note in imported.values():
        assert note.fields["Id"] == note.guid
        assert note.fields["Source"] in ("systems/kvm.md", "ml/2024-03-12-gradient-descent.md")


def test_local_images_are_bundled_under_content_names(basic_vault: Path, tmp_path: Path) -> None:
    result = build(config_for(basic_vault, tmp_path))
    with collection(tmp_path / "c.anki2") as col:
        import_package(col, result.config.output)
        found = by_prompt(notes(col))
        bundled = media_files(col)
    intro = found["Introduction"].fields["Answer"]
    diagram = found["图 / Diagram"].fields["Answer"]
    names = re.findall(r'src="(flashgen-[0-9a-f]{20}\.png)"', intro + diagram)
    assert len(set(names)) == 2
    assert set(names) <= bundled
    assert 'width="300"' in diagram


def test_edited_answer_updates_the_same_note_and_keeps_history(
    basic_vault: Path, tmp_path: Path
) -> None:
    config = config_for(basic_vault, tmp_path)
    build(config, now=T1)
    with collection(tmp_path / "c.anki2") as col:
        import_package(col, config.output)
        assert review_all(col) > 0
        before = by_prompt(notes(col))
    kvm = basic_vault / "systems" / "kvm.md"
    kvm.write_text(kvm.read_text().replace("traps every write", "traps every single write"))
    result = build(config, now=T2)
    assert result.plan.report.summary() == (
        "0 new, 1 changed, 0 renamed/moved, 0 removed, 9 unchanged"
    )
    with collection(tmp_path / "c.anki2") as col:
        import_package(col, config.output)
        after = by_prompt(notes(col))
    assert len(after) == len(before)
    shadow_before = before["影子页表 / Shadow page tables"]
    shadow_after = after["影子页表 / Shadow page tables"]
    assert shadow_after.guid == shadow_before.guid
    assert "traps every single write" in shadow_after.fields["Answer"]
    assert shadow_after.reps == shadow_before.reps > 0
    assert shadow_after.mod == T2


def test_guids_do_not_depend_on_the_lockfile(basic_vault: Path, tmp_path: Path) -> None:
    config = config_for(basic_vault, tmp_path)
    first = {note.key: note.guid for note in build(config).plan.notes}
    config.lockfile.unlink()
    second = {note.key: note.guid for note in build(config, now=T2).plan.notes}
    assert first == second


def test_repeated_heading_paths_get_distinct_stable_guids(
    basic_vault: Path, tmp_path: Path
) -> None:
    repeated = basic_vault / "log.md"
    entry = "## Fix\n\nAnswer {n}.\n\n"
    repeated.write_text("# Log\n\n" + "".join(entry.format(n=n) for n in range(3)))
    config = config_for(basic_vault, tmp_path)
    first = [n.guid for n in build(config).plan.notes if n.location.startswith("log.md")]
    assert len(set(first)) == 3
    config.lockfile.unlink()
    (basic_vault / "systems" / "kvm.md").write_text("# Other\n\nUnrelated change.\n")
    repeated.write_text(repeated.read_text().replace("Answer 1.", "Answer one, edited."))
    second = [n.guid for n in build(config, now=T2).plan.notes if n.location.startswith("log.md")]
    assert second == first


def test_guids_differ_between_decks(basic_vault: Path, tmp_path: Path) -> None:
    one = build(config_for(basic_vault, tmp_path))
    other = build(config_for(basic_vault, tmp_path, name="Other", output=tmp_path / "o.apkg"))
    assert not {n.guid for n in one.plan.notes} & {n.guid for n in other.plan.notes}


def _text(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)
