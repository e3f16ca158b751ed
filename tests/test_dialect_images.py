"""Markdown images (``flashgen.dialect.images``)."""

from flashgen.render import RenderedSection
from tests.render_support import VAULT, media_name


def test_local_image_resolves_relative_to_the_note(kvm: dict[str, RenderedSection]) -> None:
    item = kvm["Introduction"]
    name = media_name(VAULT / "systems/img/ept.png")
    assert f'<img src="{name}" alt="EPT walk" />' in item.answer_html
    assert [(media.name, media.path) for media in item.media] == [
        (name, (VAULT / "systems/img/ept.png").resolve())
    ]
