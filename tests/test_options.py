"""Deck options as a user sets them in decks/NAME.toml, checked in a real Anki collection."""

from pathlib import Path

import pytest

from flashgen.build import BuildOptions, build_deck
from flashgen.config import load_deck_definition
from tests.anki_support import AnkiNote, collection, import_package, notes

NOTES = {
    "systems/kvm.md": (
        "---\ntitle: KVM\ncategories: [虚拟化, systems]\n---\n"
        "# MMU\n\nShadow pages. #review #kvm/mmu\n\n## References\n\nLinks only.\n"
    ),
    "systems/deep/boot.md": "# Boot\n\nThe MBR loads the loader. `#not-a-tag`\n",
    "tools/vim.md": "---\ndeck: 工具::Vim\n---\n# 寄存器 / Registers\n\nYank and put.\n",
    "top.md": "# Top\n\nA note at the top. Issue #42 is not a tag.\n",
}


def build_with(tmp_path: Path, settings: str) -> dict[str, AnkiNote]:
    tmp_path.mkdir(parents=True, exist_ok=True)
    vault = tmp_path / "notes"
    for relpath, text in NOTES.items():
        (vault / relpath).parent.mkdir(parents=True, exist_ok=True)
        (vault / relpath).write_text(text, encoding="utf-8")
    definition = tmp_path / "decks" / "opts.toml"
    definition.parent.mkdir()
    definition.write_text(f'name = "Notes"\nnotes = "../notes"\n{settings}\n', "utf-8")
    config = load_deck_definition(definition)
    build_deck(config, BuildOptions(now=1_800_000_000))
    with collection(tmp_path / "c.anki2") as col:
        import_package(col, config.output)
        return {
            note.fields["Source"] + " " + note.fields["Prompt"]: note
            for note in notes(col).values()
        }


KVM, BOOT, TOP, VIM = (
    "systems/kvm.md MMU",
    "systems/deep/boot.md Boot",
    "top.md Top",
    "tools/vim.md 寄存器 / Registers",
)


@pytest.mark.parametrize(
    ("subdecks", "expected"),
    [
        ("none", {KVM: "Notes", BOOT: "Notes", TOP: "Notes"}),
        ("folder", {KVM: "Notes::systems", BOOT: "Notes::systems::deep", TOP: "Notes"}),
        ("category", {KVM: "Notes::虚拟化", BOOT: "Notes", TOP: "Notes"}),
        (
            "file",
            {KVM: "Notes::systems::KVM", BOOT: "Notes::systems::deep::boot", TOP: "Notes::top"},
        ),
    ],
)
def test_subdecks_and_frontmatter_deck(
    tmp_path: Path, subdecks: str, expected: dict[str, str]
) -> None:
    found = build_with(tmp_path, f'subdecks = "{subdecks}"')
    assert {key: found[key].decks for key in expected} == {
        key: (deck,) for key, deck in expected.items()
    }
    assert found[VIM].decks == ("工具::Vim",), "frontmatter deck wins"


def test_inline_tags_become_note_tags_when_asked(tmp_path: Path) -> None:
    found = build_with(tmp_path, "inline_tags = true")
    assert found[KVM].tags == ("kvm/mmu", "review", "systems", "虚拟化")
    assert found[BOOT].tags == ()
    assert found[TOP].tags == ()


def test_inline_tags_stay_text_by_default(tmp_path: Path) -> None:
    found = build_with(tmp_path, "")
    assert found[KVM].tags == ("systems", "虚拟化")
    assert "#review" in found[KVM].fields["Answer"]


def test_ignored_headings_make_no_note(tmp_path: Path) -> None:
    assert "systems/kvm.md References" in build_with(tmp_path / "all", "")
    found = build_with(tmp_path / "ignored", 'ignore_headings = ["references"]')
    assert sorted(found) == sorted([KVM, BOOT, TOP, VIM])
    assert "Links only." not in found[KVM].fields["Answer"]


def test_a_heading_outside_the_levels_stays_in_the_answer(tmp_path: Path) -> None:
    found = build_with(tmp_path, "levels = [1]")
    assert sorted(found) == sorted([KVM, BOOT, TOP, VIM])
    assert "<h2>References</h2>" in found[KVM].fields["Answer"]
    assert "Links only." in found[KVM].fields["Answer"]


def test_term_cards_can_be_turned_off(tmp_path: Path) -> None:
    assert build_with(tmp_path / "on", "")[VIM].card_templates == (
        "CJK → Latin",
        "Latin → CJK",
        "Recall",
    )
    found = build_with(tmp_path / "off", "term_cards = false")
    assert all(note.card_templates == ("Recall",) for note in found.values())
    assert found[VIM].fields["PromptCJK"] == "寄存器"
