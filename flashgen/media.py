"""Local media a note refers to: resolved, checked, and named by content for the package.

A file is bundled only when it lies inside the media root after resolving symlinks, has a
media extension, and its first bytes look like that kind of file. Anything else is refused
with a diagnostic and never read into the package.
"""

import hashlib
import os
import posixpath
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from flashgen.discover import NOTE_SUFFIXES, READ_FLAGS, Vault

IMAGE_EXTENSIONS = frozenset({"png", "jpg", "jpeg", "gif", "webp", "svg", "bmp", "avif", "ico"})
AUDIO_EXTENSIONS = frozenset({"mp3", "ogg", "oga", "wav", "m4a", "flac", "opus"})
VIDEO_EXTENSIONS = frozenset({"mp4", "webm", "ogv", "mov", "mkv"})
MEDIA_EXTENSIONS = IMAGE_EXTENSIONS | AUDIO_EXTENSIONS | VIDEO_EXTENSIONS
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):|^//", re.I)
_WEB_SCHEMES = frozenset({"http", "https", "ftp", "data"})
_SNIFF_BYTES = 1024
_CHUNK = 1 << 20


@dataclass(frozen=True)
class MediaFile:
    name: str
    """The name inside the package and in Anki's media folder: ``flashgen-<sha>.<ext>``."""
    path: Path


@dataclass(frozen=True)
class Resolution:
    media: MediaFile | None
    problem: str | None
    """Why a reference was not bundled; None for bundled files and web URLs."""


class MediaStore:
    """Resolves references for one build; remembers each file's content name."""

    def __init__(self, vault: Vault) -> None:
        self.vault = vault
        self._checked: dict[Path, MediaFile | str] = {}
        self.parsed_notes: dict[str, object] = {}
        """Notes parsed for embedding, by relpath (see ``flashgen.render``)."""
        self._notes = {
            relpath.lower(): relpath
            for relpaths in vault.files_by_name.values()
            for relpath in relpaths
            if relpath.lower().endswith(NOTE_SUFFIXES)
        }

    def resolve(self, src: str, note_relpath: str, by_name: bool = False) -> Resolution:
        """Resolve ``src`` as written in the note ``note_relpath``.

        ``by_name``: an Obsidian embed, which falls back to a file of that name anywhere in
        the vault (shortest path first) when the path does not exist.
        """
        target = _target(src)
        if not target:
            return Resolution(None, None)
        if scheme := _SCHEME.match(target):
            name = (scheme.group(1) or "").lower()
            if not name or name in _WEB_SCHEMES:
                return Resolution(None, None)
            if len(name) == 1:
                return Resolution(None, f"media path is a Windows path, not bundled: {src}")
            return Resolution(None, f"{name}: URL refused, not bundled: {src}")
        candidate = self._locate(target, note_relpath, by_name)
        if candidate is None:
            return Resolution(None, f"media not found: {src}")
        checked = self._checked.get(candidate)
        if checked is None:
            checked = self._check(candidate)
            self._checked[candidate] = checked
        if isinstance(checked, str):
            return Resolution(None, f"{checked}: {src}")
        return Resolution(checked, None)

    def locate_note(self, target: str, note_relpath: str) -> str | None:
        """The note an Obsidian embed ``![[target]]`` names, as Obsidian finds it: the path
        from the vault's root, else from the embedding note's folder, else the shortest
        path that ends with it (a file name anywhere in the vault)."""
        wanted = target.strip().lstrip("/")
        if not wanted:
            return None
        names = [wanted] if wanted.lower().endswith(NOTE_SUFFIXES) else [
            wanted + suffix for suffix in NOTE_SUFFIXES
        ]
        note_dir = posixpath.dirname(note_relpath)
        for name in names:
            for relpath in (name, posixpath.normpath(posixpath.join(note_dir, name))):
                if relpath.lower() in self._notes:
                    return self._notes[relpath.lower()]
        for name in names:
            tail = "/" + name.lower()
            for relpath in self.vault.files_by_name.get(name.rsplit("/", 1)[-1].lower(), ()):
                if ("/" + relpath.lower()).endswith(tail):
                    return relpath
        return None

    def probe(self, src: str, note_relpath: str, by_name: bool = False) -> str:
        """What ``resolve`` would find, without reading any file: the located path and its
        size, modification time and inode. Equal probes mean an equal resolution.

        ``[[Note]]`` probes the note an embed transcludes (``locate_note``)."""
        if src.startswith("[[") and src.endswith("]]"):
            relpath = self.locate_note(src[2:-2], note_relpath)
            return "missing" if relpath is None else _stat_probe(self.vault.root / relpath)
        target = _target(src)
        if not target or _SCHEME.match(target):
            return ""
        candidate = self._locate(target, note_relpath, by_name)
        if candidate is None:
            return "missing"
        return _stat_probe(candidate)

    def _locate(self, target: str, note_relpath: str, by_name: bool) -> Path | None:
        note_dir = posixpath.dirname(note_relpath)
        if target.startswith("/"):
            path = self.vault.media_root / target.lstrip("/")
        else:
            path = self.vault.root / note_dir / target
        if _exists(path):
            return path
        if by_name:
            vault_path = self.vault.root / target
            if _exists(vault_path):
                return vault_path
            matches = self.vault.files_by_name.get(target.rsplit("/", 1)[-1].lower(), ())
            for relpath in matches:
                if relpath.lower().endswith(target.lower()):
                    return self.vault.root / relpath
        return None

    def _check(self, path: Path) -> MediaFile | str:
        """The bundled file, or why it is refused (never anything read from a refused file)."""
        try:
            real = path.resolve(strict=True)
        except (OSError, RuntimeError, ValueError):
            return "media not found (broken link?)"
        if not real.is_relative_to(self.vault.media_root):
            return "media outside the media root refused"
        extension = real.suffix.lower().lstrip(".")
        if extension not in MEDIA_EXTENSIONS:
            return "not a media file, refused"
        try:
            digest = _sniff_and_hash(real, extension)
        except _Refused as refused:
            return str(refused)
        except OSError as exc:
            return f"cannot read media ({exc.strerror})"
        return MediaFile(name=f"flashgen-{digest}.{extension}", path=real)


def _target(src: str) -> str:
    """The file path a reference names: no ``#fragment`` or ``?query``, percent-escapes
    decoded, and Windows separators (``..\\images\\a.png``, common in notes written on
    Windows) read as ``/``."""
    target = unquote(src.split("#", 1)[0].split("?", 1)[0]).strip()
    return target.replace("\\", "/") if "\\" in target else target


def _stat_probe(path: Path) -> str:
    try:
        status = os.stat(path)
    except (OSError, ValueError):
        return f"{path}|broken"
    return f"{path}|{status.st_size}|{status.st_mtime_ns}|{status.st_ino}"


class _Refused(Exception):
    """Why a media file's content is refused."""


def _exists(path: Path) -> bool:
    """Like ``path.exists()`` (a dangling symlink counts), but never raises: a 300-character
    name, a NUL byte or a path through a file is simply not there."""
    try:
        os.lstat(path)
    except (OSError, ValueError):
        return False
    return True


def _sniff_and_hash(path: Path, extension: str) -> str:
    """The content hash of a regular file whose first bytes look like ``extension``.

    Opened non-blocking and checked with ``fstat``: a named pipe called ``a.png`` never hangs
    the build. Read in chunks: a large video is never held in memory whole.
    """
    handle = os.open(path, READ_FLAGS)
    try:
        if not stat.S_ISREG(os.fstat(handle).st_mode):
            raise _Refused("not a regular file, refused")
        with os.fdopen(handle, "rb", closefd=False) as reader:
            head = reader.read(_SNIFF_BYTES)
            if not looks_like(extension, head):
                raise _Refused(f"content is not {extension.upper()} media, refused")
            digest = hashlib.sha256(head)
            while chunk := reader.read(_CHUNK):
                digest.update(chunk)
    finally:
        os.close(handle)
    return digest.hexdigest()[:20]


def looks_like(extension: str, head: bytes) -> bool:
    """Sniff the first bytes (up to 1 KiB): a renamed text file or key is not an image."""
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
        return text.startswith(b"<") and b"<svg" in text
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
