"""A note's identity: a stable key from where its section lives, and a GUID derived from it.

The key is the file's relative path and the heading path; never the content, so that an
edited answer updates the same Anki note. The GUID hashes the key in a per-deck namespace,
so that the same notes built into two decks never collide, and a build without a lockfile
still gives every unmoved section the GUID it had before.
"""

import base64
import hashlib
import heapq
import re
import zlib

KEY_SEPARATOR = " › "
_WORDS = re.compile(r"\w+", re.U)


def section_key(relpath: str, heading_path: tuple[str, ...], occurrence: int) -> str:
    key = KEY_SEPARATOR.join((relpath, *heading_path))
    return key if occurrence == 1 else f"{key} [{occurrence}]"


def guid_for(namespace: str, key: str) -> str:
    digest = hashlib.sha256(f"{namespace}\x1f{key}".encode()).digest()
    return "fg" + base64.urlsafe_b64encode(digest[:12]).decode("ascii")


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:24]


def normalized_body(body: str) -> str:
    """The body as a match sees it: trailing spaces and blank-line runs do not count."""
    lines = [line.rstrip() for line in body.strip().split("\n")]
    return "\n".join(line for line in lines if line)


SKETCH_SIZE = 12


def sketch(text: str) -> str:
    """A bottom-k MinHash of word 3-shingles, as hex: close texts share most of its values.

    Each word is hashed once and a shingle's value mixes its three word hashes, which is
    several times cheaper than hashing every shingle's text.
    """
    hashes = [zlib.crc32(word.encode()) for word in _WORDS.findall(text.casefold())]
    if len(hashes) < 3:
        hashes += [0] * (3 - len(hashes)) if hashes else []
    values = {
        ((a * 0x9E3779B1) ^ (b * 0x85EBCA77) ^ c) & 0xFFFFFFFF
        for a, b, c in zip(hashes, hashes[1:], hashes[2:], strict=False)
    }
    return "".join(f"{value:08x}" for value in heapq.nsmallest(SKETCH_SIZE, values))


def similarity(a: str, b: str) -> float:
    """Estimated Jaccard similarity of the texts behind two sketches (0.0 to 1.0)."""
    if not a or not b:
        return 1.0 if a == b else 0.0
    set_a = {a[i : i + 8] for i in range(0, len(a), 8)}
    set_b = {b[i : i + 8] for i in range(0, len(b), 8)}
    union = sorted(set_a | set_b)[:SKETCH_SIZE]
    return sum(1 for value in union if value in set_a and value in set_b) / len(union)
