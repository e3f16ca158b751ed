"""What the dialect's plugins share: the render hooks, token lines, and visible text."""

from collections.abc import Callable, Iterator, Sequence
from typing import Any, Protocol

from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import OptionsDict

RenderRule = Callable[[RendererHTML, Sequence[Token], int, OptionsDict, Any], str]


class RenderHooks(Protocol):
    """What the render rules ask of the file being rendered (``env["flashgen"]``)."""

    def media(self, src: str, line: int, by_name: bool = False) -> str: ...

    def clean(self, html: str, line: int) -> str: ...

    def xref(self, term: str, line: int) -> None: ...

    def known_title(self, phrase: str) -> bool:
        """Whether ``phrase`` names a heading of the file being rendered."""
        ...

    def inline_tag(self, tag: str) -> None: ...

    def embed(self, target: str, line: int) -> str | None:
        """The HTML of the note, section or block ``target`` names (``Note#Heading``), or
        None to show the embed as a link."""
        ...


def hooks_of(env: dict[str, Any]) -> RenderHooks | None:
    hooks: RenderHooks | None = env.get("flashgen")
    return hooks


def line_of(token: Token) -> int:
    """The 0-based body line a token starts on (inline tokens: see ``lines.plugin``)."""
    if token.map:
        return token.map[0]
    return int(token.meta.get("line", 0)) if token.meta else 0


def text_token(model: Token, content: str) -> Token:
    """A text token carrying ``model``'s line."""
    token = Token("text", "", 0)
    token.content = content
    token.meta = dict(model.meta)
    return token


def plain_text(tokens: Sequence[Token] | None) -> str:
    """The visible text of inline tokens: what a breadcrumb or a diagnostic shows.

    Iterative, not recursive: an image's alt text holds tokens, which may hold images.
    """
    parts: list[str] = []
    pending: list[Iterator[Token]] = [iter(tokens or ())]
    while pending:
        token = next(pending[-1], None)
        if token is None:
            pending.pop()
        elif token.children:
            pending.append(iter(token.children))
        elif token.type in ("text", "code_inline", "math_inline", "xref"):
            parts.append(token.content)
        elif token.type in ("wikilink", "wikilink_embed"):
            parts.append(str(token.meta.get("alias") or token.meta.get("target", "")))
        elif token.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts)
