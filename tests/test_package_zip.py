"""The package's zip container: media stored, the collection deflated, media entries of the
previous package copied instead of read again, and the same bytes either way."""

import hashlib
import zipfile
from pathlib import Path

import pytest

from flashgen.errors import WriteError
from flashgen.media import MediaFile
from flashgen.package_zip import write_package_zip

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 64


def media_file(folder: Path, name: str, data: bytes) -> MediaFile:
    path = folder / name
    path.write_bytes(data)
    return MediaFile(f"flashgen-{hashlib.sha256(data).hexdigest()[:16]}.png", path)


@pytest.fixture
def collection(tmp_path: Path) -> Path:
    path = tmp_path / "collection.anki2"
    path.write_bytes(b"SQLite format 3\x00" + b"notes and cards " * 4096)
    return path


def test_media_are_stored_and_the_collection_deflated(tmp_path: Path, collection: Path) -> None:
    media = [media_file(tmp_path, "a.png", PNG), media_file(tmp_path, "b.png", PNG[::-1])]
    write_package_zip(tmp_path / "out.apkg", collection, media)
    with zipfile.ZipFile(tmp_path / "out.apkg") as archive:
        assert archive.testzip() is None
        kinds = {info.filename: info.compress_type for info in archive.infolist()}
        assert kinds == {"collection.anki2": zipfile.ZIP_DEFLATED, "media": zipfile.ZIP_STORED,
                         "0": zipfile.ZIP_STORED, "1": zipfile.ZIP_STORED}
        assert archive.read("collection.anki2") == collection.read_bytes()
        assert archive.read("1") == PNG[::-1]


def test_reused_media_come_from_the_previous_package_and_give_the_same_bytes(
    tmp_path: Path, collection: Path
) -> None:
    kept = media_file(tmp_path, "kept.png", PNG)
    first = tmp_path / "first.apkg"
    write_package_zip(first, collection, [kept])
    added = media_file(tmp_path, "added.png", PNG[::-1])
    clean = tmp_path / "clean.apkg"
    write_package_zip(clean, collection, [added, kept])
    # The vault's copy of the kept image is gone: only the previous package still has it.
    kept.path.write_bytes(b"\x89PNG\r\n\x1a\nsaved over since")
    again = tmp_path / "again.apkg"
    write_package_zip(again, collection, [added, kept], previous=first)
    assert again.read_bytes() == clean.read_bytes()
    with pytest.raises(WriteError, match="media changed during the build"):
        write_package_zip(tmp_path / "unaided.apkg", collection, [added, kept])


def test_a_previous_package_that_is_no_package_is_ignored(
    tmp_path: Path, collection: Path
) -> None:
    media = [media_file(tmp_path, "a.png", PNG)]
    write_package_zip(tmp_path / "clean.apkg", collection, media)
    (tmp_path / "junk.apkg").write_bytes(b"PK\x03\x04 not really a zip")
    write_package_zip(tmp_path / "out.apkg", collection, media, previous=tmp_path / "junk.apkg")
    write_package_zip(tmp_path / "none.apkg", collection, media, previous=tmp_path / "gone")
    clean = (tmp_path / "clean.apkg").read_bytes()
    assert (tmp_path / "out.apkg").read_bytes() == clean
    assert (tmp_path / "none.apkg").read_bytes() == clean
