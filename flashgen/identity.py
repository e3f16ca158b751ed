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
_OCCURRENCE = re.compile(r" \[\d+\]\Z")
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af\U00020000-\U0002ffff"
# A CJK character is a token of its own, anything else a run of word characters: so
# "TCP和UDP" and "TCP 和 UDP" give the same tokens, and a run of Chinese gives character
# 3-grams instead of one "word". Text without CJK tokenizes as \w+ always did, so the
# sketches stored in older lockfiles stay valid for it.
_TOKENS = re.compile(rf"[{_CJK}]|[^\W{_CJK}]+")
_LINK = re.compile(
    r"(?<!!)\[\[[^\]\n]*\]\]"  # [[wiki link]] (an image names its file: that counts)
    r"|(?<!!)\[[^\]\n]*\]\([^)\n]*\)"  # [text](url)
    r"|(?<!!)\[[^\]\n]*\]\[[^\]\n]*\]"  # [text][ref]
    r"|^ {0,3}\[[^\]\n]+\]:.*$"  # [ref]: url
    r"|<(?:https?|mailto):[^>\s]*>|https?://\S+",
    re.M,
)
_TAG = re.compile(r"<[^>\n]*>")


def section_key(relpath: str, heading_path: tuple[str, ...], occurrence: int) -> str:
    key = KEY_SEPARATOR.join((relpath, *heading_path))
    return key if occurrence == 1 else f"{key} [{occurrence}]"


def heading_path_of(key: str, relpath: str) -> str:
    """The heading path part of a section key, without its occurrence number."""
    return _OCCURRENCE.sub("", key.removeprefix(relpath + KEY_SEPARATOR))


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


def distinctive(body: str) -> bool:
    """Whether a body says anything by itself: not empty, not only a rule, not one link.

    Many sections share such a body (``---``, a lone "see [the docs](…)"), so an equal one
    is no evidence that two sections are the same.
    """
    links = 0

    def drop(match: re.Match[str]) -> str:
        nonlocal links
        links += 1
        return " "

    rest = _TAG.sub(" ", _LINK.sub(drop, body))
    return links > 1 or any(character.isalnum() for character in rest)


def sketch(text: str) -> str:
    """A bottom-k MinHash of token 3-shingles, as hex: close texts share most of its values.

    Empty for a body that is not ``distinctive``: such bodies are never similar to anything.
    Each token is hashed once and a shingle's value mixes its three token hashes, which is
    several times cheaper than hashing every shingle's text.
    """
    if not distinctive(text):
        return ""
    hashes = [zlib.crc32(token.encode()) for token in _TOKENS.findall(text.casefold())]
    if len(hashes) < 3:
        hashes += [0] * (3 - len(hashes)) if hashes else []
    values = {
        ((a * 0x9E3779B1) ^ (b * 0x85EBCA77) ^ c) & 0xFFFFFFFF
        for a, b, c in zip(hashes, hashes[1:], hashes[2:], strict=False)
    }
    return "".join(f"{value:08x}" for value in heapq.nsmallest(SKETCH_SIZE, values))


def sketch_values(value: str) -> list[str]:
    return [value[i : i + 8] for i in range(0, len(value), 8)]


def similarity(a: str, b: str) -> float:
    """Estimated Jaccard similarity of the texts behind two sketches (0.0 to 1.0); a body
    with nothing distinctive (an empty sketch) is similar to nothing."""
    if not a or not b:
        return 0.0
    set_a, set_b = set(sketch_values(a)), set(sketch_values(b))
    union = sorted(set_a | set_b)[:SKETCH_SIZE]
    return sum(1 for value in union if value in set_a and value in set_b) / len(union)
