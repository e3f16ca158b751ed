"""The zip container of an ``.apkg``: the collection deflated, the media stored as they are.

Images, audio and video are compressed already: deflating them again took most of a rebuild
of an image-heavy vault (4.8 of 6.1 s for 240 MB) to save a few percent, so they are stored.
The collection is SQLite and deflates to a fifth.

A media file's name in the package is its content hash, so a media entry of the package the
previous build wrote holds the same bytes as the file it names: when that package is given
(``previous``), such entries are copied from it by the kernel, without reading them into
Python or hashing them again; only new media are read from the vault. Entries are written in
the same order, with the same names, headers and data either way, so a package written with
``previous`` is byte for byte the one written without it.

The layout is fixed: ``collection.anki2``, ``media`` (the JSON map), then the media as
``0``, ``1``, … in the plan's order; every entry dated 1980-01-01, mode 0644. A package that
would need ZIP64 (4 GiB or 65,535 entries) is refused with a ``WriteError``.
"""

import hashlib
import json
import os
import shutil
import struct
import zipfile
import zlib
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from flashgen.errors import WriteError
from flashgen.media import MediaFile

_CHUNK = 1 << 20
_LOCAL = struct.Struct("<IHHHHHIIIHH")
_CENTRAL = struct.Struct("<IHHHHHHIIIHHHHHII")
_END = struct.Struct("<IHHHHIIH")
_DOS_DATE = (0 << 9) | (1 << 5) | 1  # 1980-01-01
_DOS_TIME = 0
_MADE_BY = (3 << 8) | 20  # Unix, zip 2.0
_NEEDED = 20
_MODE = 0o100644 << 16
_LIMIT = 0xFFFFFFFF
DEFLATE_LEVEL = 1
"""The collection compresses well at any level; level 6 would only make rebuilds wait."""


@dataclass(frozen=True)
class _Entry:
    name: str
    method: int
    crc: int
    compressed: int
    size: int
    offset: int


@dataclass(frozen=True)
class _Stored:
    """A stored media entry of the previous package: where its data are, and its CRC."""

    data_offset: int
    size: int
    crc: int


def write_package_zip(
    path: Path, collection: Path, media: Sequence[MediaFile], previous: Path | None = None
) -> None:
    """Write the package to ``path`` (a new file). ``previous``: the package the last build
    wrote, whose media entries may be copied instead of read from the vault."""
    reusable = _stored_media(previous) if previous is not None else {}
    entries: list[_Entry] = []
    with ExitStack() as files:
        out = files.enter_context(open(path, "wb"))
        old: BinaryIO | None = None
        if previous is not None and reusable:
            try:
                old = files.enter_context(open(previous, "rb"))
            except OSError:
                old = None
        entries.append(_deflated(out, "collection.anki2", collection))
        media_map = {str(index): item.name for index, item in enumerate(media)}
        entries.append(_stored_bytes(out, "media", json.dumps(media_map, sort_keys=True).encode()))
        for index, item in enumerate(media):
            found = reusable.get(item.name)
            if found is not None and old is not None:
                entries.append(_copied(out, str(index), old, found))
            else:
                entries.append(_stored_file(out, str(index), item))
        _central_directory(out, entries)


def _stored_media(previous: Path) -> dict[str, _Stored]:
    """Stored media entries of ``previous`` by media name; empty when it is not a package
    this module wrote or cannot be read (then every file is read from the vault)."""
    try:
        with zipfile.ZipFile(previous) as archive, open(previous, "rb") as raw:
            names = json.loads(archive.read("media"))
            found: dict[str, _Stored] = {}
            for info in archive.infolist():
                name = names.get(info.filename) if isinstance(names, dict) else None
                if not isinstance(name, str) or info.compress_type != zipfile.ZIP_STORED:
                    continue
                raw.seek(info.header_offset)
                header = _LOCAL.unpack(raw.read(_LOCAL.size))
                if header[0] != 0x04034B50:
                    return {}
                data_offset = info.header_offset + _LOCAL.size + header[9] + header[10]
                found[name] = _Stored(data_offset, info.file_size, info.CRC)
            return found
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, struct.error):
        return {}


def _header(out: BinaryIO, name: str, method: int, crc: int, compressed: int, size: int) -> int:
    """Write a local file header; its offset."""
    if max(compressed, size, out.tell()) >= _LIMIT:
        raise WriteError("the package would be larger than 4 GiB, which flashgen cannot write")
    offset = out.tell()
    encoded = name.encode("ascii")
    out.write(_LOCAL.pack(0x04034B50, _NEEDED, 0, method, _DOS_TIME, _DOS_DATE, crc,
                          compressed, size, len(encoded), 0))
    out.write(encoded)
    return offset


def _deflated(out: BinaryIO, name: str, source: Path) -> _Entry:
    """Deflate ``source`` after a provisional header, then fill in its sizes and CRC."""
    start = out.tell()
    _header(out, name, zipfile.ZIP_DEFLATED, 0, 0, 0)
    compressor = zlib.compressobj(DEFLATE_LEVEL, zlib.DEFLATED, -15)
    crc = size = compressed = 0
    with open(source, "rb") as data:
        while chunk := data.read(_CHUNK):
            crc = zlib.crc32(chunk, crc)
            size += len(chunk)
            packed = compressor.compress(chunk)
            compressed += len(packed)
            out.write(packed)
    packed = compressor.flush()
    compressed += len(packed)
    out.write(packed)
    end = out.tell()
    out.seek(start)
    _header(out, name, zipfile.ZIP_DEFLATED, crc, compressed, size)
    out.seek(end)
    return _Entry(name, zipfile.ZIP_DEFLATED, crc, compressed, size, start)


def _stored_bytes(out: BinaryIO, name: str, data: bytes) -> _Entry:
    crc = zlib.crc32(data)
    offset = _header(out, name, zipfile.ZIP_STORED, crc, len(data), len(data))
    out.write(data)
    return _Entry(name, zipfile.ZIP_STORED, crc, len(data), len(data), offset)


def _stored_file(out: BinaryIO, name: str, item: MediaFile) -> _Entry:
    """A media file from the vault, checked to still be the content its name was made from
    (it was hashed while rendering; an image saved meanwhile would no longer match)."""
    try:
        with open(item.path, "rb") as source:
            size = os.fstat(source.fileno()).st_size
            start = out.tell()
            _header(out, name, zipfile.ZIP_STORED, 0, size, size)
            digest, crc, copied = hashlib.sha256(), 0, 0
            while chunk := source.read(_CHUNK):
                digest.update(chunk)
                crc = zlib.crc32(chunk, crc)
                copied += len(chunk)
                out.write(chunk)
    except OSError as exc:
        raise WriteError(f"cannot read media {item.path}: {exc.strerror}") from exc
    expected = item.name.removeprefix("flashgen-").rsplit(".", 1)[0]
    if copied != size or digest.hexdigest()[: len(expected)] != expected:
        raise WriteError(f"media changed during the build: {item.path}; build again")
    end = out.tell()
    out.seek(start)
    _header(out, name, zipfile.ZIP_STORED, crc, size, size)
    out.seek(end)
    return _Entry(name, zipfile.ZIP_STORED, crc, size, size, start)


def _copied(out: BinaryIO, name: str, old: BinaryIO, found: _Stored) -> _Entry:
    """A media entry's data copied from the previous package, under a fresh header."""
    offset = _header(out, name, zipfile.ZIP_STORED, found.crc, found.size, found.size)
    out.flush()
    _copy_range(old, found.data_offset, found.size, out)
    return _Entry(name, zipfile.ZIP_STORED, found.crc, found.size, found.size, offset)


def _copy_range(source: BinaryIO, offset: int, length: int, out: BinaryIO) -> None:
    """Copy ``length`` bytes at ``offset`` of ``source`` to the end of ``out``: in the
    kernel where it can (``copy_file_range``), else through a buffer."""
    position = out.tell()
    remaining = length
    copy_file_range = getattr(os, "copy_file_range", None)
    try:
        while remaining and copy_file_range is not None:
            done = copy_file_range(source.fileno(), out.fileno(), remaining,
                                   offset + length - remaining, position + length - remaining)
            if done <= 0:
                break
            remaining -= done
    except OSError:
        pass  # another file system, or not supported: copy the rest by hand
    out.seek(position + length - remaining)
    source.seek(offset + length - remaining)
    if remaining:
        shutil.copyfileobj(_Limited(source, remaining), out, _CHUNK)
    out.seek(position + length)


class _Limited:
    """The next ``remaining`` bytes of a file, as a file to read."""

    def __init__(self, source: BinaryIO, remaining: int) -> None:
        self.source, self.remaining = source, remaining

    def read(self, size: int = -1) -> bytes:
        size = self.remaining if size < 0 else min(size, self.remaining)
        data = self.source.read(size)
        if len(data) < size:
            raise WriteError("the previous package is shorter than its directory says")
        self.remaining -= len(data)
        return data


def _central_directory(out: BinaryIO, entries: Sequence[_Entry]) -> None:
    if len(entries) >= 0xFFFF:
        raise WriteError("the package would hold 65,535 files or more, which flashgen "
                         "cannot write")
    start = out.tell()
    for entry in entries:
        encoded = entry.name.encode("ascii")
        out.write(_CENTRAL.pack(0x02014B50, _MADE_BY, _NEEDED, 0, entry.method, _DOS_TIME,
                                _DOS_DATE, entry.crc, entry.compressed, entry.size,
                                len(encoded), 0, 0, 0, 0, _MODE, entry.offset))
        out.write(encoded)
    size = out.tell() - start
    if start >= _LIMIT or size >= _LIMIT:
        raise WriteError("the package would be larger than 4 GiB, which flashgen cannot write")
    out.write(_END.pack(0x06054B50, 0, 0, len(entries), len(entries), size, start, 0))
