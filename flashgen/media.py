"""Local media a note refers to: resolved, checked, and named by content for the package.

A file is bundled only when it lies inside the media root after resolving symlinks, has a
media extension, and its first bytes look like that kind of file. Anything else is refused
with a diagnostic and never read into the package.
"""

import hashlib
import os
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from flashgen.discover import Vault

IMAGE_EXTENSIONS = frozenset({"png", "jpg", "jpeg", "gif", "webp", "svg", "bmp", "avif", "ico"})
AUDIO_EXTENSIONS = frozenset({"mp3", "ogg", "oga", "wav", "m4a", "flac", "opus"})
VIDEO_EXTENSIONS = frozenset({"mp4", "webm", "ogv", "mov", "mkv"})
MEDIA_EXTENSIONS = IMAGE_EXTENSIONS | AUDIO_EXTENSIONS | VIDEO_EXTENSIONS
_REMOTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//)", re.I)
_SNIFF_BYTES = 64


@dataclass(frozen=True)
class MediaFile:
    name: str
    """The name inside the package and in Anki's media folder: ``flashgen-<sha>.<ext>``."""
    path: Path


@dataclass(frozen=True)
class Resolution:
    media: MediaFile | None
    problem: str | None
    """Why a local reference was not bundled; None for bundled files and remote URLs."""


class MediaStore:
    """Resolves references for one build; remembers each file's content name."""

    def __init__(self, vault: Vault) -> None:
        self.vault = vault
        self._names: dict[Path, MediaFile | str] = {}

    def resolve(self, src: str, note_relpath: str, by_name: bool = False) -> Resolution:
        """Resolve ``src`` as written in the note ``note_relpath``.

        ``by_name``: an Obsidian embed, which falls back to a file of that name anywhere in
        the vault (shortest path first) when the path does not exist.
        """
        target = unquote(src.split("#", 1)[0].split("?", 1)[0]).strip()
        if not target or _REMOTE.match(target):
            return Resolution(None, None)
        candidate = self._locate(target, note_relpath, by_name)
        if candidate is None:
            return Resolution(None, f"media not found: {src}")
        cached = self._names.get(candidate)
        if cached is None:
            cached = self._check(candidate, src)
            self._names[candidate] = cached
        if isinstance(cached, str):
            return Resolution(None, cached)
        return Resolution(cached, None)

    def _locate(self, target: str, note_relpath: str, by_name: bool) -> Path | None:
        note_dir = posixpath.dirname(note_relpath)
        if target.startswith("/"):
            path = self.vault.media_root / target.lstrip("/")
        else:
            path = self.vault.root / note_dir / target
        if path.exists() or path.is_symlink():
            return path
        if by_name:
            vault_path = self.vault.root / target
            if vault_path.exists():
                return vault_path
            matches = self.vault.files_by_name.get(target.rsplit("/", 1)[-1].lower(), ())
            for relpath in matches:
                if relpath.lower().endswith(target.lower()):
                    return self.vault.root / relpath
        return None

    def _check(self, path: Path, src: str) -> MediaFile | str:
        try:
            real = path.resolve(strict=True)
        except (OSError, RuntimeError):
            return f"media not found (broken link?): {src}"
        if not real.is_relative_to(self.vault.media_root):
            return f"media outside the media root refused: {src}"
        extension = real.suffix.lower().lstrip(".")
        if extension not in MEDIA_EXTENSIONS or not real.is_file():
            return f"not a media file, refused: {src}"
        try:
            with open(real, "rb") as handle:
                content = handle.read()
        except OSError as exc:
            return f"cannot read media {src}: {exc.strerror}"
        if not looks_like(extension, content[:_SNIFF_BYTES]):
            return f"content is not {extension.upper()} media, refused: {src}"
        digest = hashlib.sha256(content).hexdigest()[:20]
        return MediaFile(name=f"flashgen-{digest}.{extension}", path=real)


def looks_like(extension: str, head: bytes) -> bool:
    """Sniff the first bytes: a renamed text file or key is not an image."""
    if extension == "png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if extension in ("jpg", "jpeg"):
        return head.startswith(b"\xff\xd8\xff")
    if extension == "gif":
        return head.startswith((b"GIF87a", b"GIF89a"))
    if extension == "webp":
        return head.startswith(b"RIFF") and head[8:12] == b"WEBP"
    if extension == "bmp":
        return head.startswith(b"BM")
    if extension == "ico":
        return head.startswith(b"\x00\x00\x01\x00")
    if extension == "svg":
        text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
        return text.startswith((b"<svg", b"<?xml", b"<!--", b"<!doctype svg"))
    if extension in ("avif", "mp4", "m4a", "mov"):
        return head[4:8] == b"ftyp"
    if extension in ("ogg", "oga", "ogv", "opus"):
        return head.startswith(b"OggS")
    if extension == "wav":
        return head.startswith(b"RIFF") and head[8:12] == b"WAVE"
    if extension == "flac":
        return head.startswith(b"fLaC")
    if extension == "mp3":
        return head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] >= 0xE0)
    if extension in ("webm", "mkv"):
        return head.startswith(b"\x1a\x45\xdf\xa3")
    return False


def is_media_name(name: str) -> bool:
    return os.path.splitext(name)[1].lower().lstrip(".") in MEDIA_EXTENSIONS
