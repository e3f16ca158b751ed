"""The notetype contract: Anki treats a changed field or template name as a new schema and then
skips every existing note as "conflicting". These names are frozen; this test guards them."""

from pathlib import Path

from flashgen import notetype
from flashgen.build import BuildOptions, build_deck
from flashgen.config import DeckConfig
from tests.anki_support import collection, import_package

FROZEN_FIELDS = [
    "Prompt",
    "Answer",
    "Context",
    "Source",
    "PromptCJK",
    "PromptLatin",
    "Terms",
    "Id",
]
FROZEN_TEMPLATES = ["Recall", "CJK → Latin", "Latin → CJK"]
FROZEN_MODEL_ID = 1742196601


def test_field_and_template_names_never_change() -> None:
    assert list(notetype.FIELDS) == FROZEN_FIELDS
    assert list(notetype.TEMPLATE_NAMES) == FROZEN_TEMPLATES
    assert notetype.MODEL_ID == FROZEN_MODEL_ID
    assert notetype.MODEL_NAME == "flashgen"
    assert notetype.SORT_FIELD_INDEX == 0


def test_anki_sees_the_frozen_notetype(basic_vault: Path, tmp_path: Path) -> None:
    config = DeckConfig(name="N", notes_dir=basic_vault, output=tmp_path / "n.apkg")
    build_deck(config, BuildOptions(now=1_800_000_000))
    with collection(tmp_path / "c.anki2") as col:
        import_package(col, config.output)
        model = col.models.by_name("flashgen")
        assert model is not None
        assert model["id"] == FROZEN_MODEL_ID
        assert [field["name"] for field in model["flds"]] == FROZEN_FIELDS
        assert [template["name"] for template in model["tmpls"]] == FROZEN_TEMPLATES
        assert model["sortf"] == 0


def test_documentation_lists_the_frozen_names() -> None:
    doc = (Path(__file__).parent.parent / "docs" / "notetype.md").read_text(encoding="utf-8")
    for name in FROZEN_FIELDS + FROZEN_TEMPLATES + [str(FROZEN_MODEL_ID)]:
        assert f"`{name}`" in doc


def test_named_fields_lay_out_in_the_frozen_order() -> None:
    values = [f"value of {name}" for name in FROZEN_FIELDS]
    fields = notetype.NoteFields(*values)
    assert fields.in_anki_order() == tuple(values)
    assert fields.by_anki_name() == dict(zip(FROZEN_FIELDS, values, strict=True))
    assert fields.content() == tuple(values[:-1])
    assert fields.with_id("g").by_anki_name()["Id"] == "g"
