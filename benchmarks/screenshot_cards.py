"""Screenshot flashgen cards the way Anki shows them: phone and desktop, day and night.

A tool for whoever edits ``card_templates/``, not part of the product or the tests. It

1. builds the example deck (``decks/example.toml``) and a small *stress* vault written here
   (every element the renderer emits, wide images and tables, a removed section) with the real
   ``flashgen`` command, into a scratch folder — the repository's decks and lockfiles are
   never touched;
2. imports both packages into a throwaway Anki collection with the ``anki`` package and lets
   Anki render a set of representative cards (``card.question()``, ``card.answer()``: Anki's
   own template engine and the notetype's CSS);
3. wraps each side in a page that mimics Anki desktop's reviewer (``<body class="card card1
   isLin [nightMode night_mode]">`` around ``<div id="qa">``, with the reviewer's own base
   rules, including ``body.nightMode``'s canvas colours) or AnkiDroid's (``--client
   ankidroid``: ``<body class="card card1 night_mode"><div id="content">``);
4. measures every page in headless Chromium — horizontal overflow (an element that widens the
   page instead of scrolling inside itself), text/background contrast below WCAG AA, images
   that did not load or do not fit, font sizes — and prints the problems;
5. screenshots each page, and a contact sheet per card (day and night side by side).

Pages are laid out inside ``<iframe>``s of exactly the target width: headless Chromium will not
make a window narrower than 500 px, so ``--window-size=360,…`` alone lays the page out at 500
px and crops the picture, which hides exactly the overflow this tool looks for.

A side with math loads MathJax 3 as the preview does (``flashgen.preview.mathjax_scripts``:
the copy shipped with flashgen's dependencies, Anki's configuration), so math looks as in Anki.

Usage::

    apt-get install chromium fonts-noto-cjk     # once per machine; not a project dependency
    .venv/bin/python -m benchmarks.screenshot_cards [--out /tmp/flashgen-shots]
        [--widths 360,800] [--client desktop|ankidroid] [--cards LABEL,…] [--no-screenshots]

Exit status 1 when a check found a problem, so it can guard a CSS change.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.make_vault import png_bytes
from flashgen.preview import has_math, mathjax_scripts

REPO = Path(__file__).resolve().parent.parent
EXAMPLE_DECK = REPO / "decks" / "example.toml"
THEMES = ("light", "night")
SIDES = ("front", "back")
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--force-device-scale-factor=1",
    "--allow-file-access-from-files",
    "--virtual-time-budget=3000",
)
MIN_WINDOW_WIDTH = 500
"""Headless Chromium lays a page out at least this wide, whatever --window-size says."""
GAP = 16
CAPTION = 22


# --------------------------------------------------------------------------------------------
# The cards to look at


@dataclass(frozen=True)
class Pick:
    """A card to screenshot: the first whose note matches, of the given card template."""

    label: str
    prompt: str
    """A substring of the note's Prompt field."""
    ord: int
    """0 Recall, 1 CJK → Latin, 2 Latin → CJK."""
    why: str


PICKS: tuple[Pick, ...] = (
    Pick("code-long", "The vCPU run loop", 0, "C code block with lines wider than a phone"),
    Pick("code-rust", "Nagle", 0, "Rust code block, long lines, inline code"),
    Pick("table-wide", "General-purpose registers", 0, "five-column table"),
    Pick("table-states", "Connection states", 0, "two-column table with code in cells"),
    Pick("math", "Gradient Descent", 0, "inline and display math, Python code"),
    Pick("image", "Three-way handshake", 0, "Jekyll /img image"),
    Pick("term-cjk-latin", "Three-way handshake", 1, "term card CJK → Latin"),
    Pick("term-latin-cjk", "Three-way handshake", 2, "term card Latin → CJK"),
    Pick("callout", "Architecture", 0, "note callout, nested emphasis in a list"),
    Pick("term-callout", "Architecture", 2, "term card whose answer holds a callout"),
    Pick("xref", "Booting a guest", 0, "cross-reference chip in bold"),
    Pick("wikilink", "CR3", 0, "wikilink, two-level context line"),
    Pick("prompt-code", "EFLAGS", 0, "inline code in the prompt, assembly block"),
    Pick("stress-all", "Everything", 0, "every element: callouts, kbd, del, quote, math"),
    Pick("stress-wide", "Wide things", 0, "wide image, transparent diagram, wide table"),
    Pick("stress-long", "deliberately long heading", 0, "long prompt, unbreakable URL"),
    Pick("stress-long-term", "deliberately long heading", 1, "long term card"),
    Pick("removed", "Gone", 0, "a section deleted from the notes (.fg-removed)"),
    Pick("obsidian-math", "Callouts with math", 0, "callout with wide display math, a table"),
    Pick("obsidian-notes", "Footnotes and embeds", 0, "footnotes, highlight, an embed"),
)


# --------------------------------------------------------------------------------------------
# The stress vault


STRESS_NOTE = """\
---
title: Stress test / 压力测试
tags: [stress]
---

## 一个故意很长很长的标题，手机上一定要换行 / A deliberately long heading that must wrap on a phone

A URL with no break opportunity:
https://example.com/a/very/long/path/without/any/spaces/that/keeps/going/and/going/index.html
and `a_very_long_inline_code_identifier_without_any_break_opportunity_at_all()` in prose.

## Everything / 所有元素

Text with **bold**, *italic*, ~~struck out~~, <kbd>Ctrl</kbd>+<kbd>C</kbd>, a
[link](https://example.com), a wikilink [[Other note#Some heading|the other note]], a bare
[[Other note#Some heading]] and a reference to **Wide things^** — and `inline code`.

> A plain blockquote, for a quotation.

> [!tip] A tip
> Tips are teal, with `code` and a [link](https://example.com).

> [!warning]
> A warning without a title.

> [!danger] Danger
> Red, with **bold** text.

> [!success] Done

> [!example] Example
> Purple.

> [!quote] Quote
> Grey.

- one
  - nested with `code`
  - nested two
- two

1. first
2. second

Inline math $e^{i\\pi} + 1 = 0$ and display math:

$$
\\int_0^\\infty e^{-x^2}\\,dx = \\frac{\\sqrt{\\pi}}{2}
\\quad\\text{a long display formula that is wider than a phone}
$$

```
plain block, no language: a line that is much too long for a phone screen to show at once
```

```diff
- removed line
+ added line
```

---

After a rule.

## Wide things / 宽的东西

![A wide image](wide.png)

![A transparent diagram](diagram.png)

| Column one | Column two | Column three | Column four | Column five | Column six |
|---|---|---|---|---|---|
| `value_one` | a longer piece of text | 3 | four | five five five | six six six six |
| 1 | 2 | 3 | 4 | 5 | 6 |
| 一 | 二 | 三 | 四 | 五 | 六 |

## Callouts with math

> [!note] Energy
> A formula wider than a phone, inside a callout:
> $$
> 	E = \\frac{1}{2} m v^2 + m g h + \\frac{1}{2} I \\omega^2
> 	+ \\int_0^T P(t)\\,dt + \\sum_{i=1}^{n} \\frac{q_i^2}{2 C_i}
> $$
>
> > [!warning|no-icon] Nested, with a wide table
> > | Quantity | Symbol | Unit | In base units | Typical value | Note |
> > |---|---|---|---|---|---|
> > | energy | \\(E\\) | joule | kg·m²·s⁻² | 4.2 kJ | heating water |

## Footnotes and embeds

An embedded section[^1] with ==highlighted== text ^block-1

![[Embedded#Definition]]

[^1]: A footnote with a long unbreakable URL https://example.com/a/very/long/path/that/keeps/going/and/going/index.html

## Gone / 已删除

This section is deleted before the second build, so the deck keeps a removed note.
"""


def _wide_pixel(x: int, y: int) -> tuple[int, int, int, int]:
    """A 1600 × 300 opaque gradient with a dark frame: shows whether it is scaled or cut."""
    if x < 6 or y < 6 or x >= 1594 or y >= 294:
        return (40, 40, 40, 255)
    return (80 + x * 150 // 1600, 140, 220 - y * 120 // 300, 255)


def _diagram_pixel(x: int, y: int) -> tuple[int, int, int, int]:
    """Black strokes on transparency, like most exported diagrams: invisible on a dark card?"""
    on_box = (20 <= x <= 380 and y in (20, 21, 178, 179)) or (
        20 <= y <= 179 and x in (20, 21, 379, 380)
    )
    on_line = abs(y - 100) <= 1 and 60 <= x <= 340
    on_head = 330 <= x <= 340 and abs(y - 100) <= (340 - x)
    if on_box or on_line or on_head:
        return (0, 0, 0, 255)
    return (0, 0, 0, 0)


def write_stress_vault(root: Path, *, with_removed: bool) -> Path:
    notes = root / "notes"
    notes.mkdir(parents=True, exist_ok=True)
    text = STRESS_NOTE if with_removed else STRESS_NOTE.split("## Gone /", 1)[0]
    (notes / "stress.md").write_text(text, encoding="utf-8")
    (notes / "Embedded.md").write_text(
        "# Definition\n\nEmbedded: $$\\sum_{k=0}^{\\infty} \\frac{x^k}{k!} = e^x"
        " \\quad\\text{for every real or complex number } x$$ shown in place.\n",
        encoding="utf-8",
    )
    if not (notes / "wide.png").exists():
        (notes / "wide.png").write_bytes(png_bytes(1600, 300, _wide_pixel))
        (notes / "diagram.png").write_bytes(png_bytes(400, 200, _diagram_pixel))
    return notes


# --------------------------------------------------------------------------------------------
# Building and importing


def _flashgen() -> list[str]:
    """``flashgen`` from this checkout, whatever the environment's install points at.

    Run from the repository root so that ``import flashgen`` finds this checkout's package;
    every build also passes ``--templates card_templates`` (see ``_build``), so the
    templates are this checkout's too even when an editable install maps the packaged
    templates somewhere else.
    """
    return [sys.executable, "-c", "import sys; from flashgen.cli import main; sys.exit(main())"]


def _build(*args: str) -> None:
    _run([*_flashgen(), "build", "-q", "--templates", str(REPO / "card_templates"), *args])


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise ValueError(f"cannot write {value!r} as TOML")


def build_example(scratch: Path) -> Path:
    """The example deck, built from a copy of its definition with absolute paths."""
    definition = tomllib.loads(EXAMPLE_DECK.read_text(encoding="utf-8"))
    for key in ("notes", "media_root"):
        if key in definition:
            definition[key] = str((EXAMPLE_DECK.parent / definition[key]).resolve())
    toml = scratch / "example.toml"
    toml.write_text(
        "".join(f"{key} = {_toml_value(value)}\n" for key, value in definition.items()),
        encoding="utf-8",
    )
    package = scratch / "example.apkg"
    _build(str(toml), "-o", str(package))
    return package


def build_stress(scratch: Path) -> Path:
    """The stress vault, built twice so that the deck also holds a removed note."""
    root = scratch / "stress"
    package = scratch / "stress.apkg"
    for with_removed in (True, False):
        notes = write_stress_vault(root, with_removed=with_removed)
        _build(str(notes), "-o", str(package), "--deck", "Stress")
    return package


def _run(command: Sequence[str]) -> None:
    result = subprocess.run(command, capture_output=True, text=True, check=False, cwd=REPO)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{result.stdout}{result.stderr}")


@dataclass(frozen=True)
class RenderedCard:
    pick: Pick
    template: str
    sides: dict[str, str]
    """front/back → Anki's output, ``<style>css</style>`` included."""
    body_class: str
    """``card cardN`` as Anki puts it on the reviewer's <body>."""


def render_cards(
    packages: Sequence[Path], collection_path: Path, picks: Sequence[Pick], media_out: Path
) -> list[RenderedCard]:
    from anki.collection import (
        Collection,
        ImportAnkiPackageOptions,
        ImportAnkiPackageRequest,
    )

    col = Collection(str(collection_path))
    try:
        for package in packages:
            col.import_anki_package(
                ImportAnkiPackageRequest(
                    package_path=str(package), options=ImportAnkiPackageOptions()
                )
            )
        cards = [col.get_card(card_id) for card_id in sorted(col.find_cards(""))]
        rendered: list[RenderedCard] = []
        for pick in picks:
            card = next(
                (c for c in cards if c.ord == pick.ord and pick.prompt in str(c.note()["Prompt"])),
                None,
            )
            if card is None:
                print(f"warning: no card for {pick.label} ({pick.prompt!r}, ord {pick.ord})")
                continue
            rendered.append(
                RenderedCard(
                    pick=pick,
                    template=str(card.template()["name"]),
                    sides={"front": card.question(), "back": card.answer()},
                    body_class=f"card card{card.ord + 1}",
                )
            )
        media_out.mkdir(parents=True, exist_ok=True)
        for file in Path(col.media.dir()).iterdir():
            if file.is_file():
                shutil.copy2(file, media_out / file.name)
        return rendered
    finally:
        col.close()


# --------------------------------------------------------------------------------------------
# Reviewer pages


DESKTOP_BASE_CSS = """
/* Anki desktop's reviewer (ts/reviewer/reviewer.scss and the webview's palette), before the
   card's own <style>: the card's CSS has to win against these. */
:root { --canvas: #f5f5f5; --fg: #020202; }
:root.night-mode, body.nightMode { --canvas: #2c2c2c; --fg: #fcfcfc; }
body { margin: 20px; overflow-wrap: break-word; color: var(--fg); background: var(--canvas); }
body.nightMode { background-color: var(--canvas); color: var(--fg); }
hr { background-color: #ccc; }
img { max-width: 100%; max-height: 95vh; }
li { text-align: start; }
pre { text-align: left; }
"""

ANKIDROID_BASE_CSS = """
/* AnkiDroid's flashcard.css, roughly: a small margin, nothing else the card relies on. */
body { margin: 8px; overflow-wrap: break-word; }
img { max-width: 100%; }
"""


def reviewer_page(card: RenderedCard, side: str, theme: str, client: str) -> str:
    night = theme == "night"
    content = card.sides[side]
    if client == "ankidroid":
        classes = card.body_class + (" night_mode" if night else "")
        base = ANKIDROID_BASE_CSS
        body = f'<div id="content">{content}</div>'
        html_class = ' class="mobile android linux js"'
    else:
        classes = card.body_class + " isLin" + (" nightMode night_mode" if night else "")
        base = DESKTOP_BASE_CSS
        body = (
            '<div id="_mark" hidden></div><div id="_flag" hidden></div>'
            f'<div id="qa">{content}</div>'
        )
        html_class = ' class="night-mode"' if night else ""
    math = has_math(content)
    return (
        f'<!doctype html>\n<html{html_class} data-math="{"yes" if math else "no"}"><head>'
        f'<meta charset="utf-8">\n{mathjax_scripts() if math else ""}\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(card.pick.label)} {side} {theme}</title>\n"
        f'<style>{base}</style>\n</head>\n<body class="{classes}">{body}</body></html>\n'
    )


# --------------------------------------------------------------------------------------------
# Measuring and screenshots


MEASURE_JS = (Path(__file__).with_name("screenshot_measure.js")).read_text(encoding="utf-8")


@dataclass(frozen=True)
class Frame:
    page: Path
    width: int
    caption: str


def sheet_html(frames: Sequence[Frame], heights: Sequence[int] | None) -> str:
    """Frames side by side, each an iframe of exactly its width; measures them on load."""
    cells = []
    for index, frame in enumerate(frames):
        height = heights[index] if heights is not None else 4000
        cells.append(
            f'<div class="cell"><div class="cap">{html.escape(frame.caption)}</div>'
            f'<iframe src="{frame.page.resolve().as_uri()}" width="{frame.width}" '
            f'height="{height}" scrolling="no"></iframe></div>'
        )
    return (
        '<!doctype html><html><head><meta charset="utf-8"><style>'
        f"body {{ margin: 0; padding: {GAP // 2}px; background: #888; display: flex;"
        f" gap: {GAP}px; align-items: flex-start; font: 13px sans-serif; }}"
        f" .cap {{ height: {CAPTION}px; color: #fff; white-space: nowrap; }}"
        " iframe { border: 0; display: block; background: #fff; }"
        f"</style><script>{MEASURE_JS}"
        "window.addEventListener('load', () => { document.documentElement.dataset.metrics ="
        " JSON.stringify(Array.from(document.querySelectorAll('iframe')).map(f =>"
        " fgMeasure(f.contentDocument, f.contentWindow))); });"
        f"</script></head><body>{''.join(cells)}</body></html>\n"
    )


def sheet_size(frames: Sequence[Frame], heights: Sequence[int]) -> tuple[int, int]:
    width = sum(f.width for f in frames) + GAP * len(frames)
    height = max(heights) + CAPTION + GAP
    return max(width, MIN_WINDOW_WIDTH), height


class Chromium:
    def __init__(self, executable: str) -> None:
        self.executable = executable

    def _run(self, args: Sequence[str]) -> str:
        with tempfile.TemporaryDirectory(prefix="fg-chromium-") as profile:
            result = subprocess.run(
                [self.executable, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
        return result.stdout

    def measure(self, sheet: Path, frames: Sequence[Frame]) -> list[dict[str, Any]]:
        width = sum(f.width for f in frames) + GAP * len(frames)
        dom = self._run(
            [
                f"--window-size={max(width, MIN_WINDOW_WIDTH)},900",
                "--dump-dom",
                sheet.resolve().as_uri(),
            ]
        )
        start = dom.find('data-metrics="')
        if start < 0:
            raise RuntimeError(f"{sheet}: Chromium returned no measurements")
        end = dom.index('"', start + len('data-metrics="'))
        metrics: list[dict[str, Any]] = json.loads(
            html.unescape(dom[start + len('data-metrics="') : end])
        )
        return metrics

    def screenshot(self, sheet: Path, size: tuple[int, int], png: Path) -> None:
        self._run(
            [f"--window-size={size[0]},{size[1]}", f"--screenshot={png}", sheet.resolve().as_uri()]
        )


def find_chromium(explicit: str | None) -> str:
    for name in (explicit,) if explicit else CHROMIUM_NAMES:
        found = shutil.which(name) if name else None
        if found:
            return found
    raise SystemExit("no Chromium found: apt-get install chromium, or pass --chromium PATH")


# --------------------------------------------------------------------------------------------
# Main


@dataclass(frozen=True)
class Sheet:
    name: str
    frames: tuple[Frame, ...]


@dataclass(frozen=True)
class CardSheets:
    """One card at one width: what is measured, and what is photographed."""

    measured: Sheet
    """All four pages (front/back × day/night)."""
    pictures: tuple[Sheet, ...]
    """Per theme, front and back side by side."""


def plan_sheets(
    cards: Sequence[RenderedCard], pages: Path, widths: Sequence[int], client: str
) -> list[CardSheets]:
    planned: list[CardSheets] = []
    for card in cards:
        files: dict[tuple[str, str], Path] = {}
        for side in SIDES:
            for theme in THEMES:
                page = pages / f"{card.pick.label}-{side}-{theme}.html"
                page.write_text(reviewer_page(card, side, theme, client), encoding="utf-8")
                files[side, theme] = page
        for width in widths:

            def frame(
                side: str,
                theme: str,
                width: int = width,
                files: dict[Any, Path] = files,
                label: str = card.pick.label,
            ) -> Frame:
                return Frame(files[side, theme], width, f"{label} {side} {theme} {width}px")

            measured = Sheet(
                f"{card.pick.label}-{width}",
                tuple(frame(side, theme) for side in SIDES for theme in THEMES),
            )
            pictures = tuple(
                Sheet(f"{card.pick.label}-{width}-{theme}", tuple(frame(s, theme) for s in SIDES))
                for theme in THEMES
            )
            planned.append(CardSheets(measured, pictures))
    return planned


def check(sheet: Sheet, metrics: Sequence[dict[str, Any]]) -> list[str]:
    problems: list[str] = []
    for frame, m in zip(sheet.frames, metrics, strict=True):
        where = frame.page.stem + f" @{frame.width}"
        if m["scrollWidth"] > m["viewport"]:
            problems.append(f"{where}: page is {m['scrollWidth']}px wide: {m['overflow']}")
        problems.extend(f"{where}: low contrast: {c}" for c in m["contrast"])
        for image in m["images"]:
            if not image["loaded"]:
                problems.append(f"{where}: image did not load: {image['src']}")
            elif image["right"] > m["viewport"]:
                problems.append(f"{where}: image wider than the card: {image}")
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "flashgen-shots")
    parser.add_argument("--widths", default="360,800")
    parser.add_argument("--client", choices=("desktop", "ankidroid"), default="desktop")
    parser.add_argument("--cards", help="comma-separated labels (default: all)")
    parser.add_argument("--chromium", help="the Chromium executable")
    parser.add_argument("--no-screenshots", action="store_true", help="measure only")
    parser.add_argument("--jobs", type=int, default=min(8, os.cpu_count() or 2))
    args = parser.parse_args(argv)

    widths = [int(w) for w in args.widths.split(",")]
    wanted = set(args.cards.split(",")) if args.cards else None
    picks = [p for p in PICKS if wanted is None or p.label in wanted]
    chromium = Chromium(find_chromium(args.chromium))
    out: Path = args.out
    pages = out / "pages"
    if pages.exists():
        shutil.rmtree(pages)
    pages.mkdir(parents=True)

    with tempfile.TemporaryDirectory(prefix="flashgen-shots-") as scratch_name:
        scratch = Path(scratch_name)
        packages = [build_example(scratch), build_stress(scratch)]
        cards = render_cards(packages, scratch / "collection.anki2", picks, pages)

    planned = plan_sheets(cards, pages, widths, args.client)
    for card in cards:
        print(f"{card.pick.label:18} {card.template:14} {card.pick.why}")

    def measure(sheet: Sheet) -> tuple[Sheet, list[dict[str, Any]]]:
        path = pages / f"sheet-{sheet.name}.html"
        path.write_text(sheet_html(sheet.frames, None), encoding="utf-8")
        return sheet, chromium.measure(path, sheet.frames)

    problems: list[str] = []
    report: dict[str, Any] = {}
    heights: dict[tuple[Path, int], int] = {}
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        for sheet, metrics in pool.map(measure, [c.measured for c in planned]):
            report[sheet.name] = {
                f.page.stem: m for f, m in zip(sheet.frames, metrics, strict=True)
            }
            heights.update(
                {
                    (f.page, f.width): int(m["height"])
                    for f, m in zip(sheet.frames, metrics, strict=True)
                }
            )
            problems.extend(check(sheet, metrics))

        def photograph(sheet: Sheet) -> Path:
            path = pages / f"sheet-{sheet.name}.html"
            frame_heights = [heights[f.page, f.width] for f in sheet.frames]
            path.write_text(sheet_html(sheet.frames, frame_heights), encoding="utf-8")
            png = out / f"{sheet.name}.png"
            chromium.screenshot(path, sheet_size(sheet.frames, frame_heights), png)
            return png

        if not args.no_screenshots:
            for old in out.glob("*.png"):
                old.unlink()
            list(pool.map(photograph, [p for c in planned for p in c.pictures]))
    (out / "metrics.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
    for problem in problems:
        print("PROBLEM", problem)
    print(f"{len(planned)} cards × widths, {len(problems)} problems; PNGs, metrics.json in {out}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
