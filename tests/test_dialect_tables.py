"""Tables and strikethrough (``flashgen.dialect.tables``)."""

from flashgen.render import RenderedSection


def test_tables_are_wrapped_to_scroll_and_strikethrough_works(
    kvm: dict[str, RenderedSection],
) -> None:
    html = kvm["`kvm_run` / 运行结构"].answer_html
    assert html.startswith('<div class="fg-table"><table>\n<thead>')
    assert "<td><code>exit_reason</code></td>" in html
    assert "</table>\n</div>" in html
    assert "<p><s>Obsolete</s> since 2.6.</p>" in html
