"""The render stage: the HTML that goes into each note, and what rendering finds on the way.

Whole notes live under ``tests/notes/render`` (a small vault with images); one-line cases are
rendered from a scratch note with a single section.
"""

import hashlib
from pathlib import Path
from shutil import copyfile

import pytest

from flashgen.config import DEFAULT_INCLUDE
from flashgen.discover import discover
from flashgen.markdown import make_markdown
from flashgen.media import MediaStore
from flashgen.read import read_document
from flashgen.render import CONTEXT_SEPARATOR, RenderedFile, RenderedSection, render_document
from flashgen.split import split_document

VAULT = Path(__file__).parent / "notes" / "render"
ALL_LEVELS = (1, 2, 3, 4, 5, 6)


def render_file(root: Path, relpath: str) -> RenderedFile:
    vault = discover(root, DEFAULT_INCLUDE, (), media_root=root)
    (source,) = (source for source in vault.sources if source.relpath == relpath)
    read = read_document(source)
    assert read.document is not None, read.diagnostics
    md = make_markdown()
    parsed = split_document(read.document, md, ALL_LEVELS)
    return render_document(parsed, md, MediaStore(vault), allow_unsafe_html=False)


def sections(rendered: RenderedFile) -> dict[str, RenderedSection]:
    return {item.section.heading: item for item in rendered.sections}


def answer(tmp_path: Path, body: str) -> str:
    """The answer HTML of a note whose one section has ``body``."""
    (tmp_path / "note.md").write_text(f"# Question\n\n{body}\n", "utf-8")
    (item,) = render_file(tmp_path, "note.md").sections
    return item.answer_html


def media_name(path: Path) -> str:
    return f"flashgen-{hashlib.sha256(path.read_bytes()).hexdigest()[:20]}.png"


@pytest.fixture(scope="module")
def kvm() -> dict[str, RenderedSection]:
    return sections(render_file(VAULT, "systems/kvm.md"))


@pytest.fixture(scope="module")
def obsidian() -> RenderedFile:
    return render_file(VAULT, "obsidian.md")


# --- which sections become notes, and their prompts -------------------------------------


def test_only_sections_with_their_own_content_are_rendered(
    kvm: dict[str, RenderedSection],
) -> None:
    assert list(kvm) == [
        "Introduction",
        "影子页表 / Shadow page tables",
        "Child of an empty parent",
        "`kvm_run` / 运行结构",
        "MBR",
    ]


def test_context_is_the_title_then_the_ancestor_headings(
    kvm: dict[str, RenderedSection],
) -> None:
    child = kvm["Child of an empty parent"]
    assert child.context_text == "KVM › MMU › Empty parent"
    assert child.context_html == CONTEXT_SEPARATOR.join(["KVM", "MMU", "Empty parent"])
    assert kvm["MBR"].context_text == "KVM › Boot"


def test_context_does_not_repeat_a_title_that_is_also_the_top_heading(tmp_path: Path) -> None:
    (tmp_path / "note.md").write_text(
        "---\ntitle: KVM\n---\n# KVM\n\n## MMU\n\nBody.\n\n## kvm\n\n### Inner\n\nText.\n",
        "utf-8",
    )
    contexts = [item.context_text for item in render_file(tmp_path, "note.md").sections]
    assert contexts == ["KVM", "KVM › kvm"]


def test_context_escapes_the_title_and_keeps_heading_markup(tmp_path: Path) -> None:
    (tmp_path / "note.md").write_text(
        "---\ntitle: Pointers & <refs>\n---\n# `T*` parent\n\n## Child\n\nBody.\n", "utf-8"
    )
    (child,) = render_file(tmp_path, "note.md").sections
    assert child.context_html == CONTEXT_SEPARATOR.join(
        ["Pointers &amp; &lt;refs&gt;", "<code>T*</code> parent"]
    )
    assert child.context_text == "Pointers & <refs> › T* parent"


def test_bilingual_prompt_renders_each_language_with_its_code_spans(
    kvm: dict[str, RenderedSection],
) -> None:
    run = kvm["`kvm_run` / 运行结构"]
    assert run.prompt_html == "<code>kvm_run</code> / 运行结构"
    assert run.cjk_html == "运行结构"
    assert run.latin_html == "<code>kvm_run</code>"
    shadow = kvm["影子页表 / Shadow page tables"]
    assert (shadow.cjk_html, shadow.latin_html) == ("影子页表", "Shadow page tables")
    assert (kvm["MBR"].cjk_html, kvm["MBR"].latin_html) == ("", "")


def test_every_heading_name_is_a_cross_reference_target() -> None:
    titles = render_file(VAULT, "systems/kvm.md").titles
    assert {"mmu", "empty parent", "kvm_run", "运行结构", "shadow page tables"} <= titles


# --- code ---------------------------------------------------------------------------------


def test_fenced_code_is_highlighted_with_css_classes_not_inline_styles(
    kvm: dict[str, RenderedSection],
) -> None:
    html = kvm["影子页表 / Shadow page tables"].answer_html
    assert '<div class="highlight"><pre><span></span><span class="k">static</span>' in html
    assert '<span class="kt">int</span>' in html
    assert "style=" not in html


def test_unknown_language_is_an_escaped_plain_block(kvm: dict[str, RenderedSection]) -> None:
    html = kvm["影子页表 / Shadow page tables"].answer_html
    assert (
        '<div class="highlight" data-lang="nosuchlanguage"><pre>&lt;not&gt; &amp; highlighted\n'
        "</pre></div>"
    ) in html


@pytest.mark.parametrize(
    "body",
    ["```\n<b>x</b>\n```", "    <b>x</b>"],
    ids=["fence-without-language", "indented"],
)
def test_code_without_language_is_escaped_plain_block(tmp_path: Path, body: str) -> None:
    assert answer(tmp_path, body) == (
        '<div class="highlight"><pre>&lt;b&gt;x&lt;/b&gt;\n</pre></div>'
    )


# --- math ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("$x^2$", "<p>\\(x^2\\)</p>"),
        ("So $$E = mc^2$$ holds.", "<p>So \\[E = mc^2\\] holds.</p>"),
        ("\\(a + b\\)", "<p>\\(a + b\\)</p>"),
        ("\\[a + b\\]", "<p>\\[a + b\\]</p>"),
        ("$a<b$ and \\(c<d\\)", "<p>\\(a&lt;b\\) and \\(c&lt;d\\)</p>"),
        ("$$\na < b\n$$", '<div class="fg-math">\\[a &lt; b\\]</div>'),
        ("Cost is $O(n^2)$.", "<p>Cost is \\(O(n^2)\\).</p>"),
    ],
    ids=["dollar", "double-dollar", "paren", "bracket", "escaped-less-than", "block", "prose"],
)
def test_math_becomes_anki_mathjax(tmp_path: Path, body: str, expected: str) -> None:
    assert answer(tmp_path, body) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("$5 and $10", "<p>$5 and $10</p>"),
        ("$5/$10 each", "<p>$5/$10 each</p>"),
        ("$10, `$PID` and `$HOME`", "<p>$10, <code>$PID</code> and <code>$HOME</code></p>"),
        ("`$x$` and `\\(y\\)`", "<p><code>$x$</code> and <code>\\(y\\)</code></p>"),
        ("$a `b$ c`", "<p>$a <code>b$ c</code></p>"),
        ("\\(a `b\\)` c", "<p>(a <code>b\\)</code> c</p>"),
        ("\\$x$ is not math", "<p>$x$ is not math</p>"),
        ("```\n$x$ \\(y\\)\n```", '<div class="highlight"><pre>$x$ \\(y\\)\n</pre></div>'),
    ],
    ids=[
        "currency",
        "currency-slash",
        "dollar-before-code-span",
        "inside-code-spans",
        "code-span-wins-over-dollar",
        "code-span-wins-over-paren",
        "escaped-dollar",
        "inside-fenced-code",
    ],
)
def test_dollar_signs_that_are_not_math_stay_text(tmp_path: Path, body: str, expected: str) -> None:
    assert answer(tmp_path, body) == expected


# --- cross-references ---------------------------------------------------------------------


def xref(term: str) -> str:
    return f'<span class="fg-xref">{term}</span>'


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("MBR^ starts the text", f"<p>{xref('MBR')} starts the text</p>"),
        ("loaded by the **MBR^**.", f"<p>loaded by the <strong>{xref('MBR')}</strong>.</p>"),
        ("see 页表^, C++^ and C#^", f"<p>see {xref('页表')}, {xref('C++')} and {xref('C#')}</p>"),
        ("(kvm-intel^)", f"<p>({xref('kvm-intel')})</p>"),
        ("the **Page table^** walk", f"<p>the <strong>{xref('Page table')}</strong> walk</p>"),
        ("*two words^* here", f"<p><em>{xref('two words')}</em> here</p>"),
    ],
    ids=[
        "start-of-text",
        "in-bold",
        "cjk-and-symbols",
        "in-parentheses",
        "whole-bold-phrase",
        "whole-italic-phrase",
    ],
)
def test_term_caret_becomes_a_reference_chip(tmp_path: Path, body: str, expected: str) -> None:
    assert answer(tmp_path, body) == expected


@pytest.mark.parametrize(
    "body",
    [
        "x^2 and 2^10",
        "e^{i\\pi} and f^(n) and 10^-3",
        "`MBR^` in code",
        "a footnote[^1]",
        "see https://example.com/wiki/Foo^ now",
        "<https://example.com/Foo^>",
        "www.example.com/Foo^",
        "path/to/Foo^ and .hidden^",
    ],
    ids=[
        "superscript",
        "superscript-groups",
        "code-span",
        "footnote",
        "bare-url",
        "autolink",
        "www-url",
        "glued-to-path",
    ],
)
def test_caret_that_is_no_reference_stays_text(tmp_path: Path, body: str) -> None:
    assert "fg-xref" not in answer(tmp_path, body)


def test_cross_references_are_collected_with_file_lines(kvm: dict[str, RenderedSection]) -> None:
    lines = (VAULT / "systems/kvm.md").read_text("utf-8").split("\n")
    ((term, line),) = kvm["MBR"].xrefs
    assert term == "BIOS"
    assert "**BIOS^**" in lines[line - 1]


# --- wikilinks, embeds and images ---------------------------------------------------------


def test_wikilinks_render_their_display_text(obsidian: RenderedFile) -> None:
    html = sections(obsidian)["Links"].answer_html
    assert html == (
        '<p>See <span class="fg-wikilink">kvm</span>, '
        '<span class="fg-wikilink">the MMU section</span> and '
        '<span class="fg-wikilink">kvm › Boot</span>, but not <code>[[kvm]]</code> in code.</p>'
    )


@pytest.mark.parametrize(
    "body",
    ["| a |\n|---|\n| [[Note\\|alias]] |", "[[Note\\|alias]]"],
    ids=["table", "prose"],
)
def test_wikilink_with_escaped_pipe_shows_its_alias(tmp_path: Path, body: str) -> None:
    assert '<span class="fg-wikilink">alias</span>' in answer(tmp_path, body)


def test_embeds_resolve_by_file_name_anywhere_shortest_path_first(
    obsidian: RenderedFile,
) -> None:
    item = sections(obsidian)["Embeds"]
    nearest = media_name(VAULT / "attachments/diagram.png")
    archived = media_name(VAULT / "archive/2019/diagram.png")
    assert nearest != archived
    paragraphs = item.answer_html.split("\n")
    assert paragraphs[:3] == [
        f'<p><img src="{nearest}" alt=""></p>',
        f'<p><img src="{nearest}" alt="" width="600"></p>',
        f'<p><img src="{archived}" alt="Old diagram" width="320" height="200"></p>',
    ]
    assert sorted(media.name for media in item.media) == sorted([nearest, archived])


def test_missing_embed_is_a_warning_with_its_line(obsidian: RenderedFile) -> None:
    lines = (VAULT / "obsidian.md").read_text("utf-8").split("\n")
    (warning,) = obsidian.diagnostics
    assert warning.severity == "warning"
    assert warning.message == "media not found: missing.png"
    assert lines[warning.line - 1] == "![[missing.png]]"
    assert '<img src="missing.png" alt="">' in sections(obsidian)["Embeds"].answer_html


def test_remote_images_stay_as_they_are(obsidian: RenderedFile) -> None:
    html = sections(obsidian)["Embeds"].answer_html
    assert '<img src="https://example.com/remote.png" alt="remote" />' in html


def test_local_image_resolves_relative_to_the_note(kvm: dict[str, RenderedSection]) -> None:
    item = kvm["Introduction"]
    name = media_name(VAULT / "systems/img/ept.png")
    assert f'<img src="{name}" alt="EPT walk" />' in item.answer_html
    assert [(media.name, media.path) for media in item.media] == [
        (name, (VAULT / "systems/img/ept.png").resolve())
    ]


# --- callouts, comments, links, tables ----------------------------------------------------


def test_callout_title_keeps_its_inline_markup(obsidian: RenderedFile) -> None:
    html = sections(obsidian)["Callouts"].answer_html
    assert (
        '<div class="fg-callout fg-callout-note">\n'
        '<div class="fg-callout-title">Remember <strong>this</strong> with <code>code</code>'
        "</div>\n<p>Embeds resolve by file name anywhere in the vault.</p>\n</div>"
    ) in html


def test_callout_without_title_is_titled_by_its_kind(obsidian: RenderedFile) -> None:
    html = sections(obsidian)["Callouts"].answer_html
    assert (
        '<div class="fg-callout fg-callout-warning">\n'
        '<div class="fg-callout-title">Warning</div>\n'
        "<p>No title: the kind is the title.</p>\n</div>"
    ) in html


def test_callout_of_only_a_title_line_is_an_empty_box(obsidian: RenderedFile) -> None:
    html = sections(obsidian)["Callouts"].answer_html
    assert html.endswith(
        '<div class="fg-callout fg-callout-tip">\n'
        '<div class="fg-callout-title">Only a title line</div>\n</div>'
    )


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "> [!NOTE]- Folded *title*\n> body",
            '<div class="fg-callout fg-callout-note">\n'
            '<div class="fg-callout-title">Folded <em>title</em></div>\n<p>body</p>\n</div>',
        ),
        (
            "> [!quote]\n>\n> after a blank line",
            '<div class="fg-callout fg-callout-quote">\n'
            '<div class="fg-callout-title">Quote</div>\n<p>after a blank line</p>\n</div>',
        ),
        ("> not a [!note] callout", "<blockquote>\n<p>not a [!note] callout</p>\n</blockquote>"),
    ],
    ids=["folded-lowercased", "blank-line-after-title", "marker-not-first"],
)
def test_callout_forms(tmp_path: Path, body: str, expected: str) -> None:
    assert answer(tmp_path, body) == expected


def test_html_comments_are_dropped_block_and_inline(kvm: dict[str, RenderedSection]) -> None:
    html = kvm["MBR"].answer_html
    assert "<!--" not in html
    assert "block comment" not in html
    assert "hidden" not in html
    assert "<p>Inline  comment.</p>" in html


def test_reference_links_defined_anywhere_in_the_file_resolve_in_every_section(
    kvm: dict[str, RenderedSection],
) -> None:
    assert (
        'see the <a href="https://www.intel.com/sdm">Intel SDM</a> and the '
        '<a href="https://example.com/spec" title="Spec">spec</a>.'
    ) in kvm["Introduction"].answer_html


def test_reference_links_defined_in_a_skipped_section_still_apply(
    kvm: dict[str, RenderedSection],
) -> None:
    assert (
        '<a href="https://example.com/draft" title="Draft">draft notes</a>'
        in kvm["Child of an empty parent"].answer_html
    )


def test_tables_are_wrapped_to_scroll_and_strikethrough_works(
    kvm: dict[str, RenderedSection],
) -> None:
    html = kvm["`kvm_run` / 运行结构"].answer_html
    assert html.startswith('<div class="fg-table"><table>\n<thead>')
    assert "<td><code>exit_reason</code></td>" in html
    assert "</table>\n</div>" in html
    assert "<p><s>Obsolete</s> since 2.6.</p>" in html


def test_math_in_a_note_with_currency(kvm: dict[str, RenderedSection]) -> None:
    assert "Cost is \\(O(n^2)\\), not $5 and $10." in kvm["MBR"].answer_html


def test_embed_with_escaped_pipe_outside_a_table_keeps_its_size(tmp_path: Path) -> None:
    copyfile(VAULT / "attachments/diagram.png", tmp_path / "diagram.png")
    name = media_name(tmp_path / "diagram.png")
    assert answer(tmp_path, "![[diagram.png\\|300]]") == (
        f'<p><img src="{name}" alt="" width="300"></p>'
    )


# --- what rendering reports, and where -----------------------------------------------------


def test_problems_inside_a_paragraph_are_reported_on_their_own_lines(tmp_path: Path) -> None:
    text = (
        "# Question\n"
        "\n"
        "first line\n"
        "second ![a](one.png) <span\n"
        'title="x">MBR^</span> and $a\n'
        "b$ then ![[two.png]]\n"
        "\n"
        "> [!note] Title\n"
        "> body ![b](three.png)\n"
    )
    (tmp_path / "note.md").write_text(text, "utf-8")
    rendered = render_file(tmp_path, "note.md")
    lines = text.split("\n")
    found = {d.message.removeprefix("media not found: "): d.line for d in rendered.diagnostics}
    assert found == {"one.png": 4, "two.png": 6, "three.png": 9}
    assert all(name in lines[line - 1] for name, line in found.items())
    assert rendered.sections[0].xrefs == (("MBR", 5),)


def test_reference_in_a_bilingual_heading_is_collected_once(tmp_path: Path) -> None:
    (tmp_path / "note.md").write_text("# 页表^ / Page table\n\nBody.\n", "utf-8")
    (item,) = render_file(tmp_path, "note.md").sections
    assert item.cjk_html == '<span class="fg-xref">页表</span>'
    assert item.xrefs == (("页表", 1),)
