"""The preamble (design §2): what a file says before its first heading, or a whole file with
no heading, is a card prompted by the file's title, keyed by the path alone. Checked in a real
Anki collection, and across edits (design §5): editing it, renaming the file or adding a first
heading later keeps the note and its review history."""

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from flashgen.build import BuildOptions, BuildResult, build_deck
from flashgen.config import DeckConfig
from flashgen.lockfile import load_lock
from tests.anki_support import AnkiNote, collection, import_package, media_files, notes, review_all

VAULT = Path(__file__).parent / "vaults" / "preamble"
T1 = 1_800_000_000
T2 = T1 + 86_400
KVM = "_posts/2024-03-12-kvm.md"
ZETTEL = "zettel/原子笔记.md"
DESCENT = "ml/gradient-descent.md"


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    return Path(shutil.copytree(VAULT, tmp_path / "notes"))


def deck(vault: Path, **changes: object) -> DeckConfig:
    config = DeckConfig(name="Notes", notes_dir=vault, output=vault.parent / "out" / "n.apkg")
    return replace(config, **changes)  # type: ignore[arg-type]


def build(config: DeckConfig, now: int = T1) -> BuildResult:
    return build_deck(config, BuildOptions(now=now))


def by_source(found: dict[str, AnkiNote]) -> dict[tuple[str, str], AnkiNote]:
    return {(n.fields["Source"], n.fields["Prompt"]): n for n in found.values()}


def test_preambles_are_cards_prompted_by_the_title_with_their_images(
    vault: Path, tmp_path: Path
) -> None:
    config = deck(vault)
    build(config)
    with collection(tmp_path / "c.anki2") as col:
        import_package(col, config.output)
        found = by_source(notes(col))
        media = media_files(col)
    assert sorted(found) == [
        (KVM, "KVM"),
        (KVM, "影子页表 / Shadow page tables"),
        (DESCENT, "梯度下降法（Gradient Descent）"),
        (ZETTEL, "原子笔记"),
    ]
    kvm = found[(KVM, "KVM")]
    assert "each guest is a process" in kvm.fields["Answer"]
    assert kvm.fields["Context"] == "", "the prompt is the title already"
    assert kvm.tags == ("kvm", "virtualization", "虚拟化")
    zettel = found[(ZETTEL, "原子笔记")]
    assert r"\(n\)" in zettel.fields["Answer"] and "<table>" in zettel.fields["Answer"]
    descent = found[(DESCENT, "梯度下降法（Gradient Descent）")]
    assert descent.card_templates == ("CJK → Latin", "Latin → CJK", "Recall")
    # Both images referenced only from preambles reach Anki.
    assert len(media) == 2
    assert all(f'src="{name}"' in kvm.fields["Answer"] + zettel.fields["Answer"] for name in media)
    lock = load_lock(config.lockfile)
    assert lock is not None
    assert {KVM, ZETTEL, DESCENT} <= {entry.key for entry in lock.entries}


def test_preamble_keeps_its_note_when_edited_renamed_or_given_a_first_heading(
    vault: Path, tmp_path: Path
) -> None:
    config = deck(vault)
    build(config)
    with collection(tmp_path / "c.anki2") as col:
        import_package(col, config.output)
        assert review_all(col) >= 6  # 4 recall cards, 2 term cards (learning steps repeat)
        before = notes(col)

    kvm = vault / KVM
    kvm.write_text(
        kvm.read_text("utf-8").replace("a thread.", "a thread; QEMU emulates the devices."),
        "utf-8",
    )
    (vault / ZETTEL).rename(vault / "zettel" / "一个想法.md")
    descent = vault / DESCENT
    text = descent.read_text("utf-8")
    descent.write_text(text.replace("---\nStep", "---\n# 梯度下降 / Gradient descent\n\nStep"))
    result = build(config, T2)
    assert result.plan.report.summary() == (
        "0 new, 1 changed, 2 renamed/moved, 0 removed, 1 unchanged"
    )

    with collection(tmp_path / "c.anki2") as col:
        import_package(col, config.output)
        after = notes(col)
    assert set(after) == set(before), "no note added, none lost"
    assert all(note.reps > 0 for note in after.values()), "review history kept"
    fields = {guid: note.fields for guid, note in after.items()}
    answers = {f["Prompt"]: f["Answer"] for f in fields.values()}
    assert "QEMU emulates the devices" in answers["KVM"]
    assert {f["Source"] for f in fields.values() if f["Prompt"] == "一个想法"} == {
        "zettel/一个想法.md"
    }
    assert "梯度下降 / Gradient descent" in answers


def test_preamble_false_makes_no_preamble_cards_and_says_so(vault: Path) -> None:
    result = build(deck(vault, preamble=False))
    assert sorted(note.heading for note in result.plan.notes) == ["影子页表 / Shadow page tables"]
    assert [(e.path, e.line, e.reason) for e in result.skipped] == [
        (KVM, 6, "preamble-off"),
        (DESCENT, 4, "preamble-off"),
        (ZETTEL, 1, "preamble-off"),
    ]
    assert sorted(str(d) for d in result.diagnostics) == [
        f"{DESCENT}: warning: the file has text but made no card (skipped by option)",
        f"{ZETTEL}: warning: the file has text but made no card (skipped by option)",
    ]
