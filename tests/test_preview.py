"""`flashgen preview`: every card as Anki renders it, as a static site that works offline."""

import re
import signal
import subprocess
import time
from pathlib import Path

import pytest

from flashgen.anki_template import CardContext, field_is_empty, render_card, render_template
from flashgen.build import BuildOptions, build_deck
from flashgen.config import load_deck_definition, with_overrides
from flashgen.errors import TemplateError
from flashgen.preview import MARKER, preview_cards, preview_notes
from flashgen.templates import load_card_templates
from tests.anki_support import collection, import_package
from tests.hostile_support import flashgen_command, subprocess_env, write_vault
from tests.test_cli import CLEAN, run

REPOSITORY = Path(__file__).resolve().parent.parent
EXAMPLE = REPOSITORY / "decks" / "example.toml"


def normalised(html: str) -> str:
    """What a browser would not tell apart: runs of whitespace, and space between tags."""
    return re.sub(r">\s+<", "><", " ".join(html.split()))


def test_every_example_card_renders_as_real_anki_renders_it(tmp_path: Path) -> None:
    config = with_overrides(load_deck_definition(EXAMPLE), output=tmp_path / "example.apkg")
    result = build_deck(config, BuildOptions(now=1_800_000_000))
    cards = preview_cards(preview_notes(result.plan), load_card_templates())
    ours = {(card.guid, card.template): card for card in cards}
    with collection(tmp_path / "c.anki2") as col:
        import_package(col, config.output)
        anki_cards = [col.get_card(card_id) for card_id in col.find_cards("")]
        theirs = {
            (card.note().guid, str(card.template()["name"])): (card.question(), card.answer())
            for card in anki_cards
        }
    assert len(theirs) == len(anki_cards) == 118
    assert sorted(ours) == sorted(theirs)
    for key, (question, answer) in theirs.items():
        assert normalised(ours[key].question) == normalised(question), key
        assert normalised(ours[key].answer) == normalised(answer), key


# --- Anki's template rules -------------------------------------------------------------------

CONTEXT = CardContext(
    fields={"Front": "<b>Q</b>", "Back": "A", "Empty": "", "Blank": " <br> <div></div>"},
    card="Recall",
    deck="Notes::Systems",
    tags=("kvm", "虚拟化"),
)


@pytest.mark.parametrize(
    ("template", "rendered"),
    [
        ("{{Front}}", "<b>Q</b>"),
        ("{{ Front }}", "<b>Q</b>"),
        ("{{text:Front}}", "Q"),
        ("{{#Back}}[{{Back}}]{{/Back}}", "[A]"),
        ("{{#Empty}}never{{/Empty}}", ""),
        ("{{^Empty}}no {{Front}}{{/Empty}}", "no <b>Q</b>"),
        ("{{^Back}}never{{/Back}}", ""),
        ("{{#Blank}}never{{/Blank}}", ""),
        ("{{#Back}}{{#Empty}}inner{{/Empty}}outer{{/Back}}", "outer"),
        ("{{#Empty}}{{#Back}}inner{{/Back}}{{/Empty}}after", "after"),
        ("{{Tags}} | {{Deck}} | {{Subdeck}} | {{Card}} | {{Type}}",
         "kvm 虚拟化 | Notes::Systems | Systems | Recall | flashgen"),
        ("{{FrontSide}}", ""),
    ],
)
def test_anki_substitution_rules(template: str, rendered: str) -> None:
    assert render_template(template, CONTEXT, front_side=None) == rendered


def test_front_side_is_the_rendered_front_and_each_side_carries_the_css() -> None:
    card = render_card("{{Front}}", "{{FrontSide}}<hr id=answer>{{Back}}", "p{}", CONTEXT)
    assert card.question == "<style>p{}</style><b>Q</b>"
    assert card.answer == "<style>p{}</style><b>Q</b><hr id=answer>A"


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("{{Nope}}", "card template refers to an unknown field {{Nope}}"),
        ("{{#Back}}open", "card template: {{#Back}} is never closed"),
        ("{{#Back}}x{{/Front}}", "card template: found {{/Front}}, expected {{/Back}}"),
        ("x{{/Front}}", "card template: found {{/Front}}, expected no closing tag"),
        ("{{hint:Back}}", "card template: the preview cannot apply filter 'hint'"),
    ],
)
def test_a_template_anki_would_refuse_is_an_error(template: str, message: str) -> None:
    with pytest.raises(TemplateError) as raised:
        render_template(template, CONTEXT, front_side=None)
    assert str(raised.value) == message


@pytest.mark.parametrize(
    ("field", "empty"),
    [("", True), ("  \n", True), ("<br>", True), ("<BR />", True), ("<div></div>", True),
     ("0", False), ("<img src=a.png>", False), ("&nbsp;", False)],
)
def test_a_field_is_empty_as_anki_sees_it(field: str, empty: bool) -> None:
    assert field_is_empty(field) is empty


# --- the command -----------------------------------------------------------------------------


def test_preview_writes_the_site_beside_the_package_and_nothing_else(here: Path) -> None:
    write_vault(here / "notes", {
        **CLEAN,
        "c.md": "# 影子页表 / Shadow page tables\n\nMath \\(x^2\\) and ![](a.png)\n",
        "a.png": b"\x89PNG\r\n\x1a\n" + bytes(32),
    })
    result = run("preview", "notes")
    assert (result.exit_code, result.stdout, result.stderr) == (
        0, "notes: 5 cards — wrote notes.preview/index.html\n", ""
    )
    site = here / "notes.preview"
    assert sorted(p.name for p in here.iterdir()) == ["notes", "notes.preview"]
    assert (site / MARKER).is_file()
    pages = sorted(p.name for p in (site / "cards").glob("*.html"))
    assert len(pages) == 5 * 3  # a card page, its front and its back
    media = [p for p in (site / "cards").iterdir() if p.name.startswith("flashgen-")]
    assert [p.suffix for p in media] == [".png"]
    assets = site / "cards" / "_assets"
    assert (assets / "mathjax" / "tex-chtml-full.js").stat().st_size > 1_000_000
    assert (assets / "mathjax" / "output" / "chtml" / "fonts" / "woff-v2" /
            "MathJax_Main-Regular.woff").is_file()
    index = (site / "index.html").read_text(encoding="utf-8")
    assert index.count('<a href="cards/') == 5
    assert "https://" not in index and "http://" not in index
    assert "live.js" not in index  # only watch --preview's pages reload themselves


def test_the_index_lists_every_section_that_made_no_card_and_why(here: Path) -> None:
    write_vault(here / "notes", {
        **CLEAN,
        "d.md": "# 内存 / Memory\n\n## Empty\n\n## References\n\n- [a](https://a.example)\n"
                "- [b](https://b.example)\n\n## Paging\n\nPages map to frames.\n",
    })
    assert run("preview", "notes").exit_code == 0
    index = (here / "notes.preview" / "index.html").read_text(encoding="utf-8")
    assert "d.md:3" in index and "Empty" in index
    assert "d.md:5" in index and "References" in index
    assert "only links" in index or "links only" in index


def test_preview_output_option_and_a_folder_that_is_not_a_preview(here: Path) -> None:
    write_vault(here / "notes", CLEAN)
    assert run("preview", "notes", "-o", "site").stdout == (
        "notes: 2 cards — wrote site/index.html\n"
    )
    again = run("preview", "notes", "-o", "site")
    assert again.exit_code == 0
    (here / "mine").mkdir()
    (here / "mine" / "keep.txt").write_text("mine")
    refused = run("preview", "notes", "-o", "mine")
    assert (refused.exit_code, refused.stderr) == (
        1, f"Error: {here}/mine exists and is not a flashgen preview: not replaced\n"
    )
    assert sorted(p.name for p in (here / "mine").iterdir()) == ["keep.txt"]


def test_preview_help_shows_an_example() -> None:
    result = run("preview", "--help")
    assert result.exit_code == 0
    assert result.stdout.split("Example:\n", 1)[1].lstrip().startswith("flashgen preview")


def test_watch_preview_writes_a_live_preview_and_rewrites_it_on_save(here: Path) -> None:
    notes = write_vault(here / "notes", CLEAN)
    with subprocess.Popen(
        flashgen_command("watch", "notes", "--preview"), cwd=here, env=subprocess_env(),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    ) as process:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(3)]
        index = here / "notes.preview" / "index.html"
        assert lines[0].startswith("Watching notes")
        assert lines[2] == "notes: preview: 2 cards — wrote notes.preview/index.html\n"
        assert "live.js" in index.read_text(encoding="utf-8")
        time.sleep(0.5)
        (notes / "c.md").write_text("# A third question\n\nIts answer.\n", encoding="utf-8")
        deadline = time.monotonic() + 30
        while "A third question" not in index.read_text(encoding="utf-8"):
            assert time.monotonic() < deadline, "the preview was not written again"
            time.sleep(0.1)
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=30)
    assert process.returncode == 0
