"""Raw HTML in notes is kept, minus what would run inside Anki (which executes card JavaScript)."""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser

DROPPED_ELEMENTS = frozenset(
    {"script", "object", "embed", "applet", "base", "meta", "frame", "frameset", "link"}
)
"""Removed with their content: they run code, fetch from elsewhere (``<link>`` stylesheets)
or change how the rest of the card is read (``<base>``, ``<meta http-equiv>``)."""
URL_ATTRIBUTES = frozenset(
    {"href", "src", "action", "formaction", "xlink:href", "poster", "data", "background", "srcset"}
)
MEDIA_ELEMENTS = frozenset({"img", "audio", "video", "source"})
VOID_ELEMENTS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
     "source", "track", "wbr"}
)
"""Elements without an end tag: dropping one must not drop what follows it."""
FRAME_ELEMENTS = frozenset({"iframe"})
"""Elements whose ``src`` is a page of its own, run in the card: only ``https:`` pages."""
_REMOTE_STYLE = re.compile(r"@(?:import|\\)[^;]*;?", re.I)
"""``@import`` (also spelled with CSS escapes, ``@\\69mport``) up to the end of its rule."""
_UNSAFE_URL = re.compile(r"^(?:javascript|vbscript|data:text/html|data:application)", re.I)
_UNSAFE_URL_IN_LIST = re.compile(
    r"(?:^|[;,])(?:javascript|vbscript|data:text/html|data:application)", re.I
)
_URL_NOISE = re.compile(r"[\x00-\x20]+")
_UNSAFE_STYLE = re.compile(r"expression\s*\(|javascript:|behavior\s*:", re.I)

MediaRewriter = Callable[[str], str]


def _framed_page(name: str, value: str) -> bool:
    """Is this the address of a framed page that is not ``https:`` (``data:``, ``http:``, a
    relative path: anything that could be a script or a page of the collection)?"""
    return name in ("src", "data") and not _URL_NOISE.sub("", value).lower().startswith(
        "https://"
    )


def is_unsafe_url(url: str) -> bool:
    return bool(_UNSAFE_URL.match(_URL_NOISE.sub("", url)))


@dataclass
class CleanResult:
    html: str
    removed: list[str] = field(default_factory=list)
    """What was taken out, e.g. ``<script>``, ``onerror=``, ``javascript: URL``."""


def clean_html(html: str, rewrite_media: MediaRewriter | None, allow_unsafe: bool) -> CleanResult:
    """Re-emit ``html`` without comments; unless allowed, without scripts and handlers.

    ``rewrite_media`` maps the ``src`` of ``<img>``, ``<audio>``, ``<video>`` and ``<source>``
    to the bundled file's name.
    """
    cleaner = _Cleaner(rewrite_media, allow_unsafe)
    cleaner.feed(html)
    cleaner.close()
    return CleanResult("".join(cleaner.out), cleaner.removed)


class _Cleaner(HTMLParser):
    def __init__(self, rewrite_media: MediaRewriter | None, allow_unsafe: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.rewrite_media = rewrite_media
        self.allow_unsafe = allow_unsafe
        self.out: list[str] = []
        self.removed: list[str] = []
        self.dropping: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, self_closing=False)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, self_closing=True)

    def _start(self, tag: str, attrs: list[tuple[str, str | None]], self_closing: bool) -> None:
        if self.dropping:
            return
        if not self.allow_unsafe and tag in DROPPED_ELEMENTS:
            self.removed.append(f"<{tag}>")
            if not self_closing and tag not in VOID_ELEMENTS:
                self.dropping.append(tag)
            return
        parts = [tag]
        for name, value in attrs:
            value = value or ""
            if not self.allow_unsafe and (reason := self._unsafe_attribute(name, value)):
                self.removed.append(reason)
                continue
            if not self.allow_unsafe and tag in FRAME_ELEMENTS and _framed_page(name, value):
                self.removed.append(f"<{tag}> of a page not on https:")
                continue
            if name == "src" and tag in MEDIA_ELEMENTS and self.rewrite_media:
                value = self.rewrite_media(value)
            parts.append(f'{name}="{escape(value, quote=True)}"')
        self.out.append("<" + " ".join(parts) + (" />" if self_closing else ">"))

    @staticmethod
    def _unsafe_attribute(name: str, value: str) -> str | None:
        if name == "style" and _REMOTE_STYLE.search(value):
            return "@import in style="
        if name.startswith("on"):
            return f"{name}="
        if name in URL_ATTRIBUTES and is_unsafe_url(value):
            return f"{_URL_NOISE.sub('', value).split(':', 1)[0].lower()}: URL"
        if _UNSAFE_URL_IN_LIST.search(_URL_NOISE.sub("", value)):
            # SVG <animate values="javascript:…"> or <set to=…> can turn any href into one.
            return f"{name}= holding a script URL"
        if name == "srcdoc":
            return "srcdoc="
        if name == "style" and _UNSAFE_STYLE.search(value):
            return "script in style="
        return None

    def handle_endtag(self, tag: str) -> None:
        if self.dropping:
            if tag == self.dropping[-1]:
                self.dropping.pop()
            return
        if not self.allow_unsafe and tag in DROPPED_ELEMENTS:
            return
        self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        """Text arrives with its character references decoded and leaves escaped again, so
        that ``&ipt`` stays text and cleaning twice changes nothing; the content of
        ``<style>`` (raw text in HTML) leaves as it came."""
        if self.dropping:
            return
        raw_text = self.cdata_elem is not None
        if raw_text and not self.allow_unsafe and _REMOTE_STYLE.search(data):
            self.removed.append("@import")
            data = _REMOTE_STYLE.sub("", data)
        self.out.append(data if raw_text else escape(data, quote=False))

    def handle_comment(self, data: str) -> None:
        pass

    def handle_decl(self, decl: str) -> None:
        pass

    def handle_pi(self, data: str) -> None:
        pass

    def unknown_decl(self, data: str) -> None:
        pass
