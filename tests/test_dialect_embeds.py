"""Obsidian note embeds (``flashgen.dialect.embeds``, resolved and rendered by the render
stage): ``![[Note]]``, ``![[Note#Heading]]`` and ``![[Note#^block]]`` transclude."""

from pathlib import Path

import pytest

from flashgen.render import MAX_EMBED_DEPTH
from tests.render_support import render_file


def write(root: Path, files: dict[str, str]) -> None:
    for relpath, text in files.items():
        (root / relpath).parent.mkdir(parents=True, exist_ok=True)
        (root / relpath).write_text(text, "utf-8")


def embedded(tmp_path: Path, body: str, files: dict[str, str]) -> str:
    write(tmp_path, {"note.md": f"# Question\n\n{body}\n", **files})
    (item,) = render_file(tmp_path, "note.md").sections
    return item.answer_html


OTHER = {
    "Other.md": "Intro.\n\n# Part\n\nPart text. ^blk\n\n## Sub\n\nSub text.\n\n# Next\n\nNo.\n"
}


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "![[Other#Part]]",
            '<div class="fg-embed" data-embed="Other">\n<h1>Part</h1>\n<p>Part text.</p>\n'
            "<h2>Sub</h2>\n<p>Sub text.</p>\n</div>",
        ),
        (
            "![[Other#^blk]]",
            '<div class="fg-embed" data-embed="Other">\n<p>Part text.</p>\n</div>',
        ),
        (
            "![[Other#Part#Sub|shown]]",
            '<div class="fg-embed" data-embed="shown">\n<h2>Sub</h2>\n<p>Sub text.</p>\n</div>',
        ),
    ],
    ids=["section-with-sub-sections", "block", "heading-path"],
)
def test_embed_transcludes_a_section_or_a_block(
    tmp_path: Path, body: str, expected: str
) -> None:
    assert embedded(tmp_path, body, OTHER) == expected


def test_whole_note_embed_by_name_anywhere_shortest_path_first(tmp_path: Path) -> None:
    html = embedded(
        tmp_path,
        "![[Leaf]]",
        {"deep/er/Leaf.md": "Far away.\n", "a/Leaf.md": "Nearest ![[pic.png]].\n",
         "a/pic.png": "not really a png"},
    )
    assert html.startswith('<div class="fg-embed" data-embed="Leaf">\n<p>Nearest <img')
    assert "Far away" not in html


def test_cycles_are_cut_and_depth_is_limited(tmp_path: Path) -> None:
    files = {
        "A.md": "# A\n\nIn A.\n\n![[B]]\n",
        "B.md": "In B.\n\n![[A#A]]\n",
    }
    write(tmp_path, files)
    (item,) = render_file(tmp_path, "A.md").sections
    assert item.answer_html == (
        '<p>In A.</p>\n<div class="fg-embed" data-embed="B">\n<p>In B.</p>\n'
        '<p><span class="fg-wikilink">A › A</span></p>\n</div>'
    )
    chain = {f"N{i}.md": f"Level {i}.\n\n![[N{i + 1}]]\n" for i in range(10)}
    html = embedded(tmp_path, "![[N0]]", chain)
    assert html.count('<div class="fg-embed"') == MAX_EMBED_DEPTH
    assert f'<span class="fg-wikilink">N{MAX_EMBED_DEPTH}</span>' in html


def test_missing_note_or_section_is_a_warning_and_shows_the_link(tmp_path: Path) -> None:
    write(tmp_path, {"note.md": "# Q\n\n![[Nowhere]]\n\n![[Other#Absent]]\n", **OTHER})
    rendered = render_file(tmp_path, "note.md")
    assert [(d.line, d.message) for d in rendered.diagnostics] == [
        (3, "embedded note not found: Nowhere"),
        (5, "embedded section not found: Other#Absent"),
    ]
    assert rendered.sections[0].answer_html == (
        '<p><span class="fg-wikilink">Nowhere</span></p>\n'
        '<p><span class="fg-wikilink">Other › Absent</span></p>'
    )


def test_an_embed_inside_text_stays_a_link(tmp_path: Path) -> None:
    assert embedded(tmp_path, "See ![[Other#Part]] here.", OTHER) == (
        '<p>See <span class="fg-wikilink">Other › Part</span> here.</p>'
    )
