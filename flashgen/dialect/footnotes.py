"""Footnotes ``[^1]`` / ``[^1]: …`` and inline ``^[…]``: numbered notes at the end of the
answer that cites them, as Obsidian's reading view shows them at the end of the note.

mdit-py-plugins' footnote rules parse them. Its tail rule would move every definition to
the end of the *file*; a card is a section, so here the definitions are only taken out of
the token stream (``env["footnote_blocks"]``), and each answer lists the notes it cites,
numbered from 1 in the order it cites them (``notes_html``).
"""

from collections.abc import Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markdown_it.utils import OptionsDict
from mdit_py_plugins.footnote import footnote_plugin

_ORDER = "footnote_order"
"""``env`` key of the render-time numbering: footnote id → number in this answer."""


def plugin(md: MarkdownIt) -> None:
    footnote_plugin(md, move_to_end=False)
    md.core.ruler.after("inline", "footnote_definitions", _take_definitions)
    md.add_render_rule("footnote_ref", _render_ref)


def _take_definitions(state: StateCore) -> None:
    if "footnotes" not in state.env:
        return
    blocks: dict[str, list[Token]] = state.env.setdefault("footnote_blocks", {})
    kept: list[Token] = []
    inside: list[Token] | None = None
    for token in state.tokens:
        if token.type == "footnote_reference_open":
            inside = blocks.setdefault(str(token.meta["label"]), [])
        elif token.type == "footnote_reference_close":
            inside = None
        elif inside is not None:
            inside.append(token)
        else:
            kept.append(token)
    state.tokens = kept


def _number(env: dict[str, Any], identifier: int) -> int:
    order: dict[int, int] = env.setdefault(_ORDER, {})
    return order.setdefault(identifier, len(order) + 1)


def _render_ref(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any
) -> str:
    number = _number(env, int(tokens[idx].meta["id"]))
    return f'<sup class="fg-footnote-ref">{number}</sup>'


def notes_html(md: MarkdownIt, env: dict[str, Any]) -> str:
    """The notes cited so far in ``env``'s render, as a numbered list (empty if none).

    A note that cites another note adds it to the end of the list.
    """
    order: dict[int, int] = env.get(_ORDER, {})
    if not order:
        return ""
    footnotes = env.get("footnotes", {}).get("list", {})
    blocks: dict[str, list[Token]] = env.get("footnote_blocks", {})
    items: list[str] = []
    done = 0
    while done < len(order):
        identifier = next(key for key, number in order.items() if number == done + 1)
        note = footnotes.get(identifier, {})
        if "tokens" in note:
            body = md.renderer.render(note["tokens"], md.options, env)
        else:
            body = md.renderer.render(blocks.get(str(note.get("label")), []), md.options, env)
        items.append(f"<li>{body.strip()}</li>")
        done += 1
    return '<ol class="fg-footnotes">\n' + "\n".join(items) + "\n</ol>"
