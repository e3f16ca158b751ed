"""Load the Anki card templates and stylesheet from their Jinja2 sources.

The sources live in ``card_templates/`` (shipped as the package ``flashgen.card_templates``);
``--templates DIR`` may override any of them file by file. Anki's own template syntax is
``{{Field}}``, so the Jinja2 environment uses ``[[ … ]]``, ``[% … %]`` and ``[# … #]`` and
Anki's tags pass through untouched. Jinja2 runs once per build, here, never per note: the
rendered text is what goes into the notetype.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import re
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import jinja2
from markupsafe import Markup
from pygments.formatters import HtmlFormatter

from flashgen.errors import TemplateError
from flashgen.notetype import CJK_TO_LATIN, FIELDS, LATIN_TO_CJK, RECALL, TEMPLATE_NAMES

PACKAGE: Final = "flashgen.card_templates"

TEMPLATE_FILES: Final[dict[str, tuple[str, str]]] = {
    RECALL: ("recall_front.html", "recall_back.html"),
    CJK_TO_LATIN: ("cjk_latin_front.html", "cjk_latin_back.html"),
    LATIN_TO_CJK: ("latin_cjk_front.html", "latin_cjk_back.html"),
}
"""Card template name → (front file, back file)."""
CSS_FILE: Final = "style.css"
TEMPLATE_SUFFIXES: Final = (".html", ".css", ".j2")
"""The only file kinds the wheel ships (pyproject package-data) and an override may hold."""

PYGMENTS_LIGHT_STYLE: Final = "default"
PYGMENTS_DARK_STYLE: Final = "github-dark"
HIGHLIGHT_CLASS: Final = "highlight"
"""The ``cssclass`` the renderer's Pygments HtmlFormatter wraps code blocks in."""
NIGHT_CLASSES: Final = ("nightMode", "night_mode")
"""Anki desktop and AnkiMobile put ``nightMode`` on an ancestor of the card, AnkiDroid
``night_mode`` (older versions only that one)."""

_ANKI_SPECIAL_FIELDS: Final = frozenset(
    {"FrontSide", "Tags", "Type", "Deck", "Subdeck", "Card", "CardFlag", "CardID"}
)
_ANKI_TAG: Final = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)


@dataclass(frozen=True)
class CardTemplate:
    """One Anki card type, rendered: the text Anki's notetype stores."""

    name: str
    """One of notetype.TEMPLATE_NAMES."""
    front: str
    """Anki's qfmt."""
    back: str
    """Anki's afmt."""


@dataclass(frozen=True)
class CardTemplates:
    """All card types of the flashgen notetype and its stylesheet."""

    templates: tuple[CardTemplate, ...]
    """In notetype.TEMPLATE_NAMES order."""
    css: str

    def fingerprint(self) -> str:
        """Hash of every text Anki stores: it changes exactly when the notetype must update."""
        payload = {
            "templates": [[t.name, t.front, t.back] for t in self.templates],
            "css": self.css,
        }
        encoded = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def load_card_templates(override_dir: Path | None = None) -> CardTemplates:
    """Render the packaged card templates, each file replaced by ``override_dir``'s if present.

    Raises TemplateError, naming the file, when ``override_dir`` is missing or holds a file no
    template uses, or when a template does not parse, uses an undefined Jinja variable or
    refers to an Anki field the notetype lacks.
    """
    override = _OverrideLoader(override_dir) if override_dir is not None else None
    loaders: list[jinja2.BaseLoader] = [override] if override is not None else []
    loaders.append(_packaged_loader())
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        variable_start_string="[[",
        variable_end_string="]]",
        block_start_string="[%",
        block_end_string="%]",
        comment_start_string="[#",
        comment_end_string="#]",
        undefined=jinja2.StrictUndefined,
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "j2")),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    context = template_context()
    templates = tuple(
        CardTemplate(
            name=name,
            front=_render(env, TEMPLATE_FILES[name][0], context),
            back=_render(env, TEMPLATE_FILES[name][1], context),
        )
        for name in TEMPLATE_NAMES
    )
    css = _render(env, CSS_FILE, context, anki_template=False)
    if override is not None:
        override.check_all_used()
    return CardTemplates(templates=templates, css=css)


def template_context() -> dict[str, Markup]:
    """The Jinja variables every card template and the stylesheet may use."""
    return {
        "pygments_css_light": Markup(_pygments_css_light()),
        "pygments_css_dark": Markup(_pygments_css_dark()),
    }


def _pygments_css_light() -> str:
    formatter = HtmlFormatter(style=PYGMENTS_LIGHT_STYLE, cssclass=HIGHLIGHT_CLASS)
    prefix = f".{HIGHLIGHT_CLASS}"
    # Not get_style_defs(): its line-number rules include a bare `pre { … }` for every <pre>.
    lines = [
        *formatter.get_background_style_defs(prefix),  # type: ignore[no-untyped-call]
        *formatter.get_token_style_defs(prefix),  # type: ignore[no-untyped-call]
    ]
    return "\n".join(lines)


def _pygments_css_dark() -> str:
    """The dark theme, scoped under the night-mode classes.

    The light rules apply in night mode too, so every token property the light style sets
    and the dark one does not (a colour, bold, a border) would leak into the dark theme: a
    reset first puts every token back to plain text, then the dark style's own rules win by
    specificity.
    """
    formatter = HtmlFormatter(style=PYGMENTS_DARK_STYLE, cssclass=HIGHLIGHT_CLASS)
    prefixes = [f".{night} .{HIGHLIGHT_CLASS}" for night in NIGHT_CLASSES]
    reset = (
        ", ".join(f"{prefix} span" for prefix in prefixes)
        + " { color: inherit; background-color: transparent; font-weight: inherit;"
        " font-style: inherit; text-decoration: inherit; border: none }"
    )
    lines = [
        reset,
        *formatter.get_background_style_defs(prefixes),  # type: ignore[no-untyped-call]
        *formatter.get_token_style_defs(prefixes),  # type: ignore[no-untyped-call]
    ]
    return "\n".join(lines)


def _packaged_loader() -> jinja2.BaseLoader:
    if importlib.util.find_spec(PACKAGE) is not None:
        return jinja2.PackageLoader(PACKAGE, ".")
    # A source checkout that is not installed: card_templates/ sits beside flashgen/. An
    # installed wheel or an editable install always takes the branch above.
    source = Path(__file__).resolve().parent.parent / "card_templates"
    if (source / CSS_FILE).is_file():
        return jinja2.FileSystemLoader(source)
    raise TemplateError(f"the packaged card templates ({PACKAGE}) are not installed")


class _OverrideLoader(jinja2.FileSystemLoader):
    """The user's template folder; remembers which of its files were used."""

    def __init__(self, directory: Path) -> None:
        if not directory.is_dir():
            raise TemplateError(f"{directory}: card template folder does not exist")
        super().__init__(directory)
        self.directory = directory
        self.used: set[str] = set()

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        source = super().get_source(environment, template)
        self.used.add(template)
        return source

    def check_all_used(self) -> None:
        """A misspelt file name would otherwise be ignored without a word.

        Only the folder's own files count (not subfolders, not hidden files such as editor
        lock files): they are the ones a user copies from the packaged set.
        """
        unused = [
            path.name
            for path in sorted(self.directory.iterdir())
            if path.is_file()
            and path.name.endswith(TEMPLATE_SUFFIXES)
            and not path.name.startswith(".")
            and path.name not in self.used
        ]
        if unused:
            expected = [*(f for pair in TEMPLATE_FILES.values() for f in pair), CSS_FILE]
            raise TemplateError(
                f"{self.directory / unused[0]}: no card template uses this file"
                f" (the templates are {', '.join(expected)} and the files they include)"
            )


def _render(
    env: jinja2.Environment, name: str, context: dict[str, Markup], *, anki_template: bool = True
) -> str:
    try:
        template = env.get_template(name)
        text = template.render(context)
    except jinja2.TemplateSyntaxError as exc:
        where = exc.filename or exc.name or name
        raise TemplateError(f"{where}:{exc.lineno}: {exc.message}") from exc
    except jinja2.TemplateNotFound as exc:
        where = _template_location(exc) or name
        raise TemplateError(f"{where}: card template not found: {exc.name}") from exc
    except jinja2.TemplateError as exc:
        where = _template_location(exc) or name
        raise TemplateError(f"{where}: {exc.message}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise TemplateError(f"{name}: cannot read card template: {exc}") from exc
    if anki_template:  # Anki reads {{…}} in qfmt and afmt only, never in the CSS
        _check_anki_tags(text, template.filename or name)
    return text


def _template_location(exc: BaseException) -> str | None:
    """``file:line`` of the innermost template frame of a render-time error.

    Jinja2 rewrites the traceback so that its frames point at template source lines; for an
    undefined variable in an included file, that file is named, not the including one.
    """
    frames = [
        frame
        for frame in traceback.extract_tb(exc.__traceback__)
        if frame.filename.endswith(TEMPLATE_SUFFIXES)
    ]
    if not frames:
        return None
    return f"{frames[-1].filename}:{frames[-1].lineno}"


def _check_anki_tags(text: str, filename: str) -> None:
    """Anki fields must exist and sections must nest: Anki would only say so on the card."""
    known = {*FIELDS, *_ANKI_SPECIAL_FIELDS}
    open_sections: list[str] = []
    for match in _ANKI_TAG.finditer(text):
        tag = match.group(1).strip()
        line = text.count("\n", 0, match.start()) + 1
        where = f"{filename} (rendered line {line})"
        if tag.startswith("="):  # Anki's delimiter change: what follows is not {{…}} any more
            return
        if tag[:1] in ("#", "^"):
            field = tag[1:].strip()
            open_sections.append(field)
        elif tag.startswith("/"):
            field = tag[1:].strip()
            if not open_sections or open_sections.pop() != field:
                raise TemplateError(f"{where}: Anki tag {{{{/{field}}}}} closes no open section")
            continue
        else:
            field = tag.rsplit(":", 1)[-1].strip()  # {{text:Field}}, {{tts en_US:Field}}
        if field not in known:
            raise TemplateError(
                f"{where}: Anki tag {{{{{tag}}}}} names no field (fields: {', '.join(FIELDS)})"
            )
    if open_sections:
        raise TemplateError(f"{filename}: Anki section {{{{#{open_sections[-1]}}}}} is not closed")
