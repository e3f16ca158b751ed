"""The example deck's preview in a real headless Chromium: every side of every card at phone
width (390 px) in night mode and at desktop width (1000 px) in day mode — no script error,
no missing image, math typeset, the theme applied, nothing wider than the window — and the
card page's and the index's switches."""

import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from flashgen.build import BuildOptions, build_deck, plan_build
from flashgen.config import DeckConfig, load_deck_definition
from flashgen.preview import PreviewCard, preview_cards, preview_notes, write_preview
from flashgen.sinks.preview import PreviewSink
from flashgen.templates import load_card_templates
from tests.browser_support import Browser, chromium, load, sheet
from tests.hostile_support import write_vault
from tests.test_cli import CLEAN

EXAMPLE = Path(__file__).resolve().parent.parent / "decks" / "example.toml"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, list[PreviewCard]]]:
    chromium()
    scratch = tmp_path_factory.mktemp("preview")
    config = replace(load_deck_definition(EXAMPLE), output=scratch / "example.apkg")
    result = build_deck(config, BuildOptions(dry_run=True, now=1_800_000_000))
    cards = preview_cards(preview_notes(result.plan), load_card_templates())
    write_preview(scratch / "site", config.name, cards, result.plan.media)
    yield scratch / "site", cards


def luminance(css_colour: str) -> float:
    channels = [float(v) for v in css_colour.split("(")[1].rstrip(")").split(",")[:3]]
    weights = (0.2126, 0.7152, 0.0722)
    return sum(weight * value / 255 for weight, value in zip(weights, channels, strict=True))


def every_side(site: Path, cards: list[PreviewCard], flags: str, width: int) -> dict[str, Any]:
    pages = [
        (site / "cards" / f"{card.id}.{side}.html").as_uri() + flags
        for card in cards
        for side in ("front", "back")
    ]
    loaded = load(sheet(site.parent, pages, width).as_uri())
    assert loaded.console_errors == ()
    assert sorted(loaded.report) == sorted(pages), "every side reported back"
    report: dict[str, Any] = loaded.report
    return report


def problems(report: dict[str, Any], night: bool) -> list[str]:
    found = []
    for page, side in report.items():
        name = page.rsplit("/", 1)[1]
        if side["errors"]:
            found.append(f"{name}: script errors {side['errors']}")
        if side["missingImages"]:
            found.append(f"{name}: images did not load {side['missingImages']}")
        if side["mathSource"] and (side["mathTypeset"] == 0 or side["mathErrors"]):
            found.append(f"{name}: math not typeset ({side['mathErrors']} errors)")
        if side["scrollWidth"] > side["width"]:
            found.append(f"{name}: {side['scrollWidth']} px wide in a {side['width']} px window")
        if side["night"] != night or (luminance(side["background"]) < 0.3) != night:
            found.append(f"{name}: night mode {side['night']}, background {side['background']}")
    return found


def test_every_side_at_phone_width_in_night_mode(site: tuple[Path, list[PreviewCard]]) -> None:
    report = every_side(*site, "#night", 390)
    assert problems(report, night=True) == []
    assert {side["width"] for side in report.values()} == {390}
    assert sum(1 for side in report.values() if side["mathTypeset"]) >= 10
    assert sum(side["images"] for side in report.values()) >= 2


def test_every_side_at_desktop_width_in_day_mode(site: tuple[Path, list[PreviewCard]]) -> None:
    report = every_side(*site, "#", 1000)
    assert problems(report, night=False) == []
    assert sum(side["images"] for side in report.values()) >= 2


def test_the_image_card_page_in_night_mode_at_phone_width(
    site: tuple[Path, list[PreviewCard]],
) -> None:
    folder, cards = site
    card = next(c for c in cards if "Three-way handshake" in c.prompt_text)
    loaded = load((folder / "cards" / f"{card.id}.html").as_uri() + "#night,phone")
    assert loaded.console_errors == ()
    front, back = loaded.report["front"], loaded.report["back"]
    assert (front["width"], back["width"], front["night"], back["night"]) == (390, 390, True, True)
    assert back["missingImages"] == [] and back["errors"] == []
    assert "<img" in card.answer


def test_the_index_filters_by_file_and_searches(site: tuple[Path, list[PreviewCard]]) -> None:
    folder, cards = site
    index = (folder / "index.html").as_uri()
    assert load(index).report == {"shown": len(cards), "total": len(cards)}
    by_file = sum(1 for c in cards if c.file == "networking/tcp.md")
    filtered = load(f"{index}#/{quote('networking/tcp.md', safe='')}///")
    assert filtered.report == {"shown": by_file, "total": len(cards)}
    searched = load(f"{index}#////{quote('handshake')}")
    assert searched.report["shown"] == sum(1 for c in cards if "handshake" in c.search_text)
    assert 0 < searched.report["shown"] < by_file


def wait_for(browser: Browser, session: str, expression: str, seconds: float = 20) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            value = browser.evaluate(session, expression)
        except RuntimeError as error:
            if "navigated" not in str(error):
                raise
            value = None  # asked while the page was reloading itself: ask again
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"{expression} still false after {seconds} s")


def test_an_open_live_page_reloads_when_the_preview_is_written_again(tmp_path: Path) -> None:
    notes = write_vault(tmp_path / "notes", CLEAN)
    config = DeckConfig(name="n", notes_dir=notes, output=tmp_path / "n.apkg")
    site = tmp_path / "site"
    PreviewSink(site, live=True).deliver(plan_build(config, BuildOptions(cache=False)))
    browser = Browser()
    try:
        session = browser.open((site / "index.html").as_uri())
        first = wait_for(browser, session, "window.flashgenBuild")
        assert browser.evaluate(session, "document.documentElement.dataset.reloaded") is None
        write_vault(notes, {"a.md": "# Question\n\nA new answer.\n"})
        PreviewSink(site, live=True).deliver(plan_build(config, BuildOptions(cache=False)))
        wait_for(browser, session, "document.documentElement.dataset.reloaded === 'yes'")
        assert wait_for(browser, session, "window.flashgenBuild") != first
    finally:
        browser.close()
