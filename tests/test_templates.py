"""The card templates: packaged sources, user overrides, loud failures, and what Anki makes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from flashgen import notetype
from flashgen.errors import TemplateError
from flashgen.templates import (
    CSS_FILE,
    TEMPLATE_FILES,
    TEMPLATE_SUFFIXES,
    CardTemplate,
    CardTemplates,
    load_card_templates,
)

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def packaged() -> CardTemplates:
    return load_card_templates()


def override(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def all_texts(templates: CardTemplates) -> Iterator[str]:
    for template in templates.templates:
        yield template.front
        yield template.back
    yield templates.css


# Packaged templates


def test_packaged_templates_are_named_like_the_notetype_in_order(packaged: CardTemplates) -> None:
    assert tuple(t.name for t in packaged.templates) == notetype.TEMPLATE_NAMES


def test_anki_syntax_survives_jinja(packaged: CardTemplates) -> None:
    recall, cjk_to_latin, latin_to_cjk = packaged.templates
    assert "{{Prompt}}" in recall.front
    assert "{{Context}}" in recall.front
    assert recall.back.startswith("{{FrontSide}}")
    assert "<hr id=answer>" in recall.back
    assert "{{Answer}}" in recall.back
    assert "{{Source}}" in recall.back
    assert cjk_to_latin.front.startswith("{{#Terms}}")
    assert "{{PromptCJK}}" in cjk_to_latin.front
    assert "{{PromptLatin}}" in cjk_to_latin.back
    assert latin_to_cjk.front.startswith("{{#Terms}}")
    assert "{{PromptLatin}}" in latin_to_cjk.front
    assert "{{PromptCJK}}" in latin_to_cjk.back


def test_no_jinja_syntax_is_left_after_rendering(packaged: CardTemplates) -> None:
    for text in all_texts(packaged):
        assert "[[" not in text
        assert "[%" not in text
        assert "[#" not in text


def test_the_id_field_is_never_shown(packaged: CardTemplates) -> None:
    for text in all_texts(packaged):
        assert "{{Id}}" not in text


def test_term_card_fronts_are_empty_outside_the_terms_gate(packaged: CardTemplates) -> None:
    """Anki makes a card only when its front renders a non-empty field."""
    for template in packaged.templates[1:]:
        assert template.front.strip().startswith("{{#Terms}}")
        assert template.front.strip().endswith("{{/Terms}}")


def test_every_packaged_file_is_one_the_wheel_ships() -> None:
    """pyproject's package-data ships only these suffixes: anything else would go missing."""
    names = [p.name for p in (REPO / "card_templates").iterdir() if p.is_file()]
    for name in names:
        assert name == "__init__.py" or name.endswith(TEMPLATE_SUFFIXES), name
    expected = {*(f for pair in TEMPLATE_FILES.values() for f in pair), CSS_FILE}
    assert expected <= set(names)


# The stylesheet


def test_css_has_a_night_theme_for_desktop_and_ankidroid(packaged: CardTemplates) -> None:
    assert ".nightMode" in packaged.css
    assert ".night_mode" in packaged.css


def test_css_has_pygments_rules_for_both_themes(packaged: CardTemplates) -> None:
    assert re.search(r"^\.highlight \.k \{", packaged.css, re.MULTILINE)
    assert ".nightMode .highlight .k" in packaged.css
    assert ".night_mode .highlight .k" in packaged.css


def test_wide_code_and_tables_scroll_inside_the_card(packaged: CardTemplates) -> None:
    assert "overflow-x: auto" in packaged.css
    for selector in (".fg-card .highlight", ".fg-card table"):
        block = packaged.css.split(selector, 1)[1].split("}", 1)[0]
        assert "overflow-x: auto" in block, selector


@pytest.mark.parametrize(
    "selector",
    [
        ".fg-context",
        ".fg-prompt",
        ".fg-answer",
        ".fg-source",
        ".fg-terms-hint",
        ".fg-xref",
        ".fg-wikilink",
        ".fg-callout",
        ".fg-callout-title",
        ".fg-callout-note",
        ".fg-callout-tip",
        ".fg-callout-warning",
        ".fg-callout-danger",
        ".fg-callout-info",
        ".fg-table",
        " code",
        " blockquote",
        " img",
        " del",
        " table",
    ],
)
def test_css_styles_what_the_renderer_emits(packaged: CardTemplates, selector: str) -> None:
    assert re.search(re.escape(selector) + r"[\s,{:]", packaged.css), selector


# Fingerprint


def test_fingerprint_is_stable_across_loads() -> None:
    assert load_card_templates().fingerprint() == load_card_templates().fingerprint()


def test_fingerprint_changes_when_an_override_changes_the_text(
    packaged: CardTemplates, tmp_path: Path
) -> None:
    overridden = load_card_templates(
        override(tmp_path, {"recall_back.html": "{{FrontSide}}<hr id=answer>{{Answer}}"})
    )
    assert overridden.fingerprint() != packaged.fingerprint()
    assert len(overridden.fingerprint()) == 64


def test_fingerprint_tells_apart_text_moved_between_parts() -> None:
    def templates(front: str, back: str, css: str) -> CardTemplates:
        return CardTemplates(templates=(CardTemplate("Recall", front, back),), css=css)

    prints = {
        templates("ab", "c", "").fingerprint(),
        templates("a", "bc", "").fingerprint(),
        templates("a", "b", "c").fingerprint(),
    }
    assert len(prints) == 3


# Overrides


def test_an_override_replaces_only_its_own_file(packaged: CardTemplates, tmp_path: Path) -> None:
    mine = '<div class="mine">{{Prompt}}</div>\n'
    loaded = load_card_templates(override(tmp_path, {"recall_front.html": mine}))
    assert loaded.templates[0].front == mine
    assert loaded.templates[0].back == packaged.templates[0].back
    assert loaded.templates[1:] == packaged.templates[1:]
    assert loaded.css == packaged.css


def test_an_overridden_partial_is_used_by_every_template(tmp_path: Path) -> None:
    loaded = load_card_templates(
        override(tmp_path, {"context.j2": '<p class="crumbs">{{Context}}</p>'})
    )
    for template in loaded.templates:
        assert '<p class="crumbs">{{Context}}</p>' in template.front


def test_an_override_can_use_the_pygments_variables(tmp_path: Path) -> None:
    loaded = load_card_templates(
        override(tmp_path, {"style.css": "[[ pygments_css_light ]]\n[[ pygments_css_dark ]]"})
    )
    assert ".highlight .k" in loaded.css
    assert ".nightMode .highlight .k" in loaded.css
    assert "&gt;" not in loaded.css


def test_missing_override_folder_is_an_error(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    with pytest.raises(TemplateError, match="nope"):
        load_card_templates(missing)


def test_override_folder_that_is_a_file_is_an_error(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "style.css"
    not_a_folder.write_text("", encoding="utf-8")
    with pytest.raises(TemplateError, match="does not exist"):
        load_card_templates(not_a_folder)


def test_a_misspelt_variable_names_the_file(tmp_path: Path) -> None:
    folder = override(tmp_path, {"style.css": "body {}\n[[ pygments_css_ligth ]]\n"})
    with pytest.raises(TemplateError) as caught:
        load_card_templates(folder)
    message = str(caught.value)
    assert str(folder / "style.css") in message
    assert ":2:" in message
    assert "pygments_css_ligth" in message


def test_a_misspelt_variable_in_a_partial_names_the_partial(tmp_path: Path) -> None:
    folder = override(tmp_path, {"context.j2": "[[ breadcrumb ]]"})
    with pytest.raises(TemplateError, match=r"context\.j2:1: 'breadcrumb' is undefined"):
        load_card_templates(folder)


def test_a_jinja_syntax_error_names_the_file(tmp_path: Path) -> None:
    folder = override(tmp_path, {"recall_back.html": "{{FrontSide}}\n[% if %]\n"})
    with pytest.raises(TemplateError, match=r"recall_back\.html:2: "):
        load_card_templates(folder)


def test_an_include_of_a_missing_file_names_the_including_file(tmp_path: Path) -> None:
    folder = override(tmp_path, {"recall_front.html": '{{Prompt}}\n[% include "nowhere.j2" %]'})
    with pytest.raises(TemplateError, match=r"recall_front\.html:2: .*nowhere\.j2"):
        load_card_templates(folder)


def test_an_unknown_anki_field_names_the_file(tmp_path: Path) -> None:
    folder = override(tmp_path, {"recall_front.html": "{{Promt}}"})
    with pytest.raises(TemplateError, match=r"recall_front\.html.*Promt"):
        load_card_templates(folder)


def test_an_unclosed_anki_section_is_an_error(tmp_path: Path) -> None:
    folder = override(tmp_path, {"cjk_latin_front.html": "{{#Terms}}{{PromptCJK}}"})
    with pytest.raises(TemplateError, match=r"cjk_latin_front\.html.*not closed"):
        load_card_templates(folder)


def test_anki_filters_and_special_fields_are_accepted(tmp_path: Path) -> None:
    back = "{{FrontSide}}<hr id=answer>{{text:Answer}}{{^Source}}-{{/Source}}{{Tags}}{{Deck}}"
    loaded = load_card_templates(override(tmp_path, {"recall_back.html": back}))
    assert loaded.templates[0].back == back


def test_a_misspelt_override_file_name_is_an_error(tmp_path: Path) -> None:
    folder = override(tmp_path, {"recal_front.html": "{{Prompt}}"})
    with pytest.raises(TemplateError, match=r"recal_front\.html: no card template uses"):
        load_card_templates(folder)


def test_other_files_in_the_override_folder_are_ignored(tmp_path: Path) -> None:
    folder = override(
        tmp_path, {"README.md": "my templates", ".#recall_front.html": "", "notes.txt": ""}
    )
    (folder / "old").mkdir()
    (folder / "old" / "recall_front.html").write_text("{{Prompt}}", encoding="utf-8")
    assert load_card_templates(folder) == load_card_templates()


def test_the_package_resources_hold_the_sources_when_installed() -> None:
    """An installed flashgen (wheel or editable) reads the templates as package data."""
    try:
        root = resources.files("flashgen.card_templates")
    except ModuleNotFoundError:
        pytest.skip("flashgen is not installed; the loader reads card_templates/ directly")
    assert root.joinpath(CSS_FILE).is_file()


# In Anki


def test_anki_makes_term_cards_only_for_notes_that_want_them(
    packaged: CardTemplates, tmp_path: Path
) -> None:
    collection = pytest.importorskip("anki.collection")
    col = collection.Collection(str(tmp_path / "collection.anki2"))
    try:
        models = col.models
        model = models.new(notetype.MODEL_NAME)
        for field in notetype.FIELDS:
            models.add_field(model, models.new_field(field))
        for card in packaged.templates:
            template = models.new_template(card.name)
            template["qfmt"] = card.front
            template["afmt"] = card.back
            models.add_template(model, template)
        model["css"] = packaged.css
        models.add(model)
        model = models.by_name(notetype.MODEL_NAME)

        def shown(html: str) -> str:
            return re.sub(r"<style>.*?</style>", "", html, flags=re.DOTALL)

        def add(**fields: str) -> list[Any]:
            note = col.new_note(model)
            for name, value in fields.items():
                note[name] = value
            col.add_note(note, 1)
            return list(note.cards())

        plain = add(Prompt="MBR", Answer="<p>Master boot record</p>", Source="a.md:3")
        assert [c.template()["name"] for c in plain] == [notetype.RECALL]
        assert "fg-context" not in shown(plain[0].question())
        assert "Master boot record" in shown(plain[0].answer())
        assert "a.md:3" in shown(plain[0].answer())

        gate_off = add(Prompt="堆 / heap", PromptCJK="堆", PromptLatin="heap", Answer="x")
        assert len(gate_off) == 1

        both = add(
            Prompt="堆 / heap",
            Context="Memory",
            PromptCJK="堆",
            PromptLatin="heap",
            Answer="<p>x</p>",
            Terms="y",
        )
        assert [c.template()["name"] for c in both] == list(notetype.TEMPLATE_NAMES)
        to_latin, to_cjk = shown(both[1].question()), shown(both[2].question())
        assert "堆" in to_latin
        assert "heap" not in to_latin
        assert "Memory" in to_latin
        assert "heap" in to_cjk
        assert "堆" not in to_cjk
        assert "heap" in shown(both[1].answer())
        assert "堆" in shown(both[2].answer())
    finally:
        col.close()
