"""Property: through any sequence of real-world edits, a section that continues keeps its GUID.

A generated vault of folders and files, each section carrying a hidden identity, is edited
step by step the ways issue 10 saw in real histories: files and folders renamed (also back
to an old name), sections moved between files, a second ``## Example`` inserted anywhere,
spacing added between Chinese and Latin text of a heading and its body, sections deleted.
Many bodies look alike (``---``, one link). After every step the deck is planned against the
lockfile of the step before (written and read back as JSON), and:

- every section that continues (design §5: same place, renamed or moved file or folder,
  moved section with a unique heading or a unique distinctive body, spacing-only edits)
  keeps its GUID;
- no GUID is given to two live sections, and the lockfile holds each key once.
"""

import hashlib
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flashgen.fill import NoteContent
from flashgen.lockfile import Lock, load_lock, lock_to_json
from flashgen.plan import plan_deck
from tests.matching_support import vault_notes

START = 1_800_000_000
FINGERPRINT = hashlib.sha256(b"templates").hexdigest()
FOLDERS = ("net", "os", "db", "networking", "archive")
LOOK_ALIKE = ("---", "[the manual](https://example.com/manual)", "TODO: write this up.")
WORDS = ("缓存", "进程", "socket", "pivot", "索引", "commit", "页表", "lock")
_BOUNDARY = re.compile(r"(?<=[\u4e00-\u9fff])(?=[A-Za-z0-9])|(?<=[A-Za-z0-9])(?=[\u4e00-\u9fff])")


@dataclass
class Section:
    ident: int
    heading: str
    body: str


@dataclass
class Vault:
    files: dict[str, list[Section]] = field(default_factory=dict)
    next_ident: int = 0

    def section(self, draw: st.DrawFn, example: bool = False) -> Section:
        self.next_ident += 1
        ident = self.next_ident
        word = draw(st.sampled_from(WORDS))
        heading = "Example" if example else f"主题{ident}号{word}"
        look_alike = not example and draw(st.integers(0, 2)) == 0
        body = (
            draw(st.sampled_from(LOOK_ALIKE))
            if look_alike
            else (f"事实{ident}: TCP和UDP{word}的区别 number {ident} with {word} and more words")
        )
        return Section(ident, heading, body)

    def write(self, root: Path) -> None:
        for path in root.rglob("*.md"):
            path.unlink()
        for name, sections in self.files.items():
            text = "".join(f"## {s.heading}\n\n{s.body}\n\n" for s in sections)
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_text(text or "<!-- nothing here yet -->\n", encoding="utf-8")


def edit(vault: Vault, draw: st.DrawFn) -> None:
    names = sorted(vault.files)
    kind = draw(
        st.sampled_from(
            [
                "rename file",
                "rename folder",
                "move section",
                "insert example",
                "spacing",
                "delete section",
            ]
        )
    )
    if kind == "rename file":
        old = draw(st.sampled_from(names))
        new = f"{draw(st.sampled_from(FOLDERS))}/{draw(st.sampled_from(['a', 'b', 'c', 'd']))}.md"
        if new not in vault.files:
            vault.files[new] = vault.files.pop(old)
    elif kind == "rename folder":
        folders = sorted({name.split("/")[0] for name in names})
        old, new = draw(st.sampled_from(folders)), draw(st.sampled_from(FOLDERS))
        if new not in folders:
            for name in names:
                if name.startswith(old + "/"):
                    vault.files[new + name[len(old) :]] = vault.files.pop(name)
    elif kind == "move section":
        source, target = draw(st.sampled_from(names)), draw(st.sampled_from(names))
        if vault.files[source] and source != target:
            section = vault.files[source].pop(draw(st.integers(0, len(vault.files[source]) - 1)))
            position = draw(st.integers(0, len(vault.files[target])))
            vault.files[target].insert(position, section)
    elif kind == "insert example":
        target = draw(st.sampled_from(names))
        position = draw(st.integers(0, len(vault.files[target])))
        vault.files[target].insert(position, vault.section(draw, example=True))
    elif kind == "spacing":
        target = draw(st.sampled_from(names))
        for section in vault.files[target]:
            section.heading = _BOUNDARY.sub(" ", section.heading)
            section.body = _BOUNDARY.sub(" ", section.body)
    else:
        target = draw(st.sampled_from(names))
        if vault.files[target]:
            vault.files[target].pop(draw(st.integers(0, len(vault.files[target]) - 1)))


@st.composite
def histories(draw: st.DrawFn) -> list[Vault]:
    """The generated vault, then the vault after each edit."""
    vault = Vault()
    for folder in FOLDERS[:3]:
        for name in draw(st.lists(st.sampled_from("abcd"), min_size=1, max_size=3, unique=True)):
            count = draw(st.integers(1, 4))
            vault.files[f"{folder}/{name}.md"] = [
                vault.section(draw, example=draw(st.booleans())) for _ in range(count)
            ]
    steps = [vault]
    for _ in range(draw(st.integers(1, 6))):
        step = Vault(
            {
                name: [Section(s.ident, s.heading, s.body) for s in sections]
                for name, sections in vault.files.items()
            },
            vault.next_ident,
        )
        edit(step, draw)
        steps.append(step)
        vault = step
    return steps


@contextmanager
def scratch() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as folder:
        yield Path(folder)


def identities(vault: Vault, notes: list[NoteContent]) -> dict[str, int]:
    """Each note's key → the identity of the section it was built from."""
    by_place = {}
    for name, sections in vault.files.items():
        occurrence: dict[str, int] = {}
        for section in sections:
            occurrence[section.heading] = occurrence.get(section.heading, 0) + 1
            by_place[(name, section.heading, occurrence[section.heading])] = section.ident
    found = {}
    seen: dict[tuple[str, str], int] = {}
    for note in notes:
        place = (note.relpath, note.heading)
        seen[place] = seen.get(place, 0) + 1
        found[note.key] = by_place[(*place, seen[place])]
    return found


@settings(deadline=None, max_examples=40, suppress_health_check=[HealthCheck.too_slow])
@given(history=histories())
def test_continuing_sections_keep_their_guid(history: list[Vault]) -> None:
    with scratch() as root:
        notes_dir, lockfile = root / "notes", root / "h.lock.json"
        guid_of: dict[int, str] = {}
        previous: Lock | None = None
        for number, vault in enumerate(history):
            vault.write(notes_dir)
            notes = vault_notes(notes_dir)
            plan = plan_deck("History", notes, previous, FINGERPRINT, START + number * 3600)
            lockfile.write_text(lock_to_json(plan.lock), encoding="utf-8")
            previous = load_lock(lockfile)
            ident_of = identities(vault, notes)
            live = [note for note in plan.notes if note.status != "removed"]
            assert len({note.guid for note in live}) == len(live), "a GUID on two sections"
            assert len({n.guid for n in plan.notes}) == len(plan.notes)
            keys = [entry.key for entry in plan.lock.entries]
            assert len(keys) == len(set(keys)), "a key twice in the lockfile"
            for note in live:
                ident = ident_of[note.key]
                if ident in guid_of:
                    assert note.guid == guid_of[ident], (
                        f"step {number}: {note.key} (section {ident}) lost its note"
                    )
                guid_of[ident] = note.guid
