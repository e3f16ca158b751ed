"""The render stage: the HTML that goes into each note, and what rendering finds on the way.

Whole notes live under ``tests/notes/render`` (a small vault with images); one-line cases are
rendered from a scratch note with a single section.
"""

from pathlib import Path

from flashgen.render import CONTEXT_SEPARATOR, RenderedSection
from tests.render_support import VAULT, render_file

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
