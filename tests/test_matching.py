"""Edit kinds → what the rebuild does with the section's identity (design §5).

Each row edits a small vault the way notes are really edited, rebuilds with the lockfile,
and states the outcome for the section under test: its GUID kept or not, and how the change
report counts it. This table is the documentation of the matching rules.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from flashgen.build import BuildOptions, BuildResult, build_deck
from flashgen.config import DeckConfig
from flashgen.fill import NoteContent
from flashgen.identity import sketch, text_hash
from flashgen.lockfile import lock_to_json
from flashgen.plan import REMOVED_TAG, PlannedNote, plan_deck
from tests.anki_support import collection, import_package, notes, review_all
from tests.matching_support import vault_notes

T1, T2 = 1_800_000_000, 1_800_086_400
FINGERPRINT = "0" * 64

CACHE = """---
title: Caches
tags: [hardware]
---
# CPU caches

## 缓存行 / Cache line

The unit of transfer between memory and cache, 64 bytes on x86; two threads writing to
different variables in one line cause false sharing.

## Write-back cache

A write updates only the cache; the dirty line is written to memory when it is evicted,
which saves bandwidth compared to write-through.

## MESI

The four states of a cache line under the MESI protocol: Modified, Exclusive, Shared and
Invalid; a write to a Shared line first invalidates the other copies.
"""
OTHER = """# Memory

## Virtual memory

Each process sees its own address space; the MMU translates pages with the page table.
"""
TARGET = "Write-back cache"


def replace_in(name: str, old: str, new: str) -> Callable[[Path], None]:
    def edit(vault: Path) -> None:
        path = vault / name
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return edit


def append_to(name: str, text: str) -> Callable[[Path], None]:
    def edit(vault: Path) -> None:
        path = vault / name
        path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")

    return edit


def move_target_to_other_file(body_edit: tuple[str, str] | None = None) -> Callable[[Path], None]:
    def edit(vault: Path) -> None:
        cache = (vault / "cache.md").read_text(encoding="utf-8")
        start = cache.index("## Write-back cache")
        end = cache.index("## MESI")
        section = cache[start:end]
        if body_edit:
            section = section.replace(*body_edit)
        (vault / "cache.md").write_text(cache[:start] + cache[end:], encoding="utf-8")
        other = vault / "memory.md"
        other.write_text(other.read_text(encoding="utf-8") + "\n" + section, encoding="utf-8")

    return edit


def both(*edits: Callable[[Path], None]) -> Callable[[Path], None]:
    def edit(vault: Path) -> None:
        for one in edits:
            one(vault)

    return edit


def rename_file(vault: Path) -> None:
    (vault / "cache.md").rename(vault / "cpu-caches.md")


def delete_target(vault: Path) -> None:
    cache = (vault / "cache.md").read_text(encoding="utf-8")
    start, end = cache.index("## Write-back cache"), cache.index("## MESI")
    (vault / "cache.md").write_text(cache[:start] + cache[end:], encoding="utf-8")


def copy_target_to_other_file(vault: Path) -> None:
    cache = (vault / "cache.md").read_text(encoding="utf-8")
    section = cache[cache.index("## Write-back cache") : cache.index("## MESI")]
    other = vault / "memory.md"
    other.write_text(other.read_text(encoding="utf-8") + "\n" + section, encoding="utf-8")


@dataclass(frozen=True)
class Case:
    edit: Callable[[Path], None]
    heading_after: str
    keeps_guid: bool
    counted_as: str
    file_after: str = "cache.md"


CASES = {
    "answer edited": Case(
        replace_in("cache.md", "saves bandwidth", "saves memory bandwidth"),
        TARGET,
        True,
        "changed",
    ),
    "nothing edited": Case(lambda vault: None, TARGET, True, "unchanged"),
    "trailing spaces and blank lines only": Case(
        replace_in("cache.md", "compared to write-through.\n", "compared to write-through. \n\n\n"),
        TARGET,
        True,
        "unchanged",
    ),
    "heading typo fixed": Case(
        replace_in("cache.md", "## Write-back cache", "## Write-back caches"),
        "Write-back caches",
        True,
        "renamed/moved",
    ),
    "heading reworded, body unchanged": Case(
        replace_in("cache.md", "## Write-back cache", "## 写回 / Write-back policy"),
        "写回 / Write-back policy",
        True,
        "renamed/moved",
    ),
    "parent heading renamed": Case(
        replace_in("cache.md", "# CPU caches", "# Caches"),
        TARGET,
        True,
        "renamed/moved",
    ),
    "section moved to another file": Case(
        move_target_to_other_file(), TARGET, True, "renamed/moved", "memory.md"
    ),
    "section moved and its answer edited": Case(
        move_target_to_other_file(("saves bandwidth", "saves a lot of bandwidth")),
        TARGET,
        True,
        "renamed/moved",
        "memory.md",
    ),
    "file renamed": Case(rename_file, TARGET, True, "renamed/moved", "cpu-caches.md"),
    "file renamed and the section's answer rewritten": Case(
        both(
            replace_in(
                "cache.md",
                "A write updates only the cache; the dirty line is written to memory when it "
                "is evicted,\nwhich saves bandwidth compared to write-through.",
                "Stores stay in the cache until eviction flushes the dirty line.",
            ),
            rename_file,
        ),
        TARGET,
        True,
        "renamed/moved",
        "cpu-caches.md",
    ),
    "section moved under another parent and its answer edited": Case(
        both(
            delete_target,
            append_to(
                "cache.md",
                "\n# Policies\n\n## Write-back cache\n\nA write updates only the cache; the "
                "dirty line is written to memory when it is evicted, which often saves bandwidth "
                "compared to write-through.\n",
            ),
        ),
        TARGET,
        True,
        "renamed/moved",
    ),
    "small edit of heading and body together": Case(
        both(
            replace_in("cache.md", "## Write-back cache", "## Write-back caching"),
            replace_in("cache.md", "which saves bandwidth", "which often saves bandwidth"),
        ),
        "Write-back caching",
        True,
        "renamed/moved",
    ),
    "heading and body both rewritten": Case(
        both(
            replace_in("cache.md", "## Write-back cache", "## Dirty bit"),
            replace_in(
                "cache.md",
                "A write updates only the cache; the dirty line is written to memory when it "
                "is evicted,\nwhich saves bandwidth compared to write-through.",
                "Set by the hardware on a store; the OS reads it to know which pages to flush.",
            ),
        ),
        "Dirty bit",
        False,
        "new",
    ),
    "section copied to another file": Case(copy_target_to_other_file, TARGET, True, "unchanged"),
    "tags changed in the frontmatter": Case(
        replace_in("cache.md", "tags: [hardware]", "tags: [hardware, cpu]"),
        TARGET,
        True,
        "changed",
    ),
}


def build(vault: Path, now: int) -> BuildResult:
    config = DeckConfig(name="Match", notes_dir=vault, output=vault.parent / "m.apkg")
    return build_deck(config, BuildOptions(now=now))


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_edit_kind_outcome(case: Case, tmp_path: Path) -> None:
    vault = tmp_path / "notes"
    vault.mkdir()
    (vault / "cache.md").write_text(CACHE, encoding="utf-8")
    (vault / "memory.md").write_text(OTHER, encoding="utf-8")
    before = {n.heading: n.guid for n in build(vault, T1).plan.notes}
    case.edit(vault)
    result = build(vault, T2)
    after = [n for n in result.plan.notes if n.status != "removed"]
    target = [
        n
        for n in after
        if n.heading == case.heading_after and n.location.startswith(case.file_after + ":")
    ]
    assert len(target) == 1, f"no note '{case.heading_after}' in {case.file_after}"
    note = target[0]
    assert (note.guid == before[TARGET]) is case.keeps_guid
    described = f"{note.location}: {note.heading}"
    group = result.plan.report.groups()[case.counted_as]
    assert any(item.startswith(described) for item in group), result.plan.report.groups()
    guids = [n.guid for n in result.plan.notes]
    assert len(guids) == len(set(guids)), "a GUID is never used twice in one package"


def test_deleted_section_is_counted_removed_and_kept_tagged(tmp_path: Path) -> None:
    vault = tmp_path / "notes"
    vault.mkdir()
    (vault / "cache.md").write_text(CACHE, encoding="utf-8")
    guid = {n.heading: n.guid for n in build(vault, T1).plan.notes}[TARGET]
    delete_target(vault)
    result = build(vault, T2)
    assert result.plan.report.summary() == (
        "0 new, 0 changed, 0 renamed/moved, 1 removed, 2 unchanged"
    )
    removed = [n for n in result.plan.notes if n.status == "removed"]
    assert [(n.guid, n.tags, n.mod) for n in removed] == [(guid, ("flashgen::removed",), T2)]


# --- histories: several files, several builds ---------------------------------------------
#
# Each row writes a small vault, builds it, applies one or more edits (a build after each) and
# names the sections that must keep their GUID from the first build to the last, and the ones
# that must not. A section is named by file, heading and a word of its answer (for headings
# that occur twice).


@dataclass(frozen=True)
class Place:
    file: str
    heading: str
    word: str = ""


@dataclass(frozen=True)
class History:
    files: dict[str, str]
    edits: tuple[Callable[[Path], None], ...]
    kept: tuple[tuple[Place, Place], ...]
    """(before, after): the same note."""
    new: tuple[Place, ...] = ()
    """Sections after the last edit that must not continue any note of the first build."""
    warning: str = ""
    """A word every build's warnings must not hold (so a case that is no longer ambiguous
    says so); empty: not checked."""


def move(old: str, new: str) -> Callable[[Path], None]:
    def edit(vault: Path) -> None:
        (vault / new).parent.mkdir(parents=True, exist_ok=True)
        (vault / old).rename(vault / new)

    return edit


def delete(name: str) -> Callable[[Path], None]:
    return lambda vault: (vault / name).unlink()


SORTING = """# Sorting

Notes on comparison sorts.

## Quicksort

Pick a pivot, partition the array around it, recurse on both sides; O(n log n) on average.

### Example

Quicksort on [3, 1, 2]: pivot 2 gives [1] 2 [3], and each side is already sorted.

## Heapsort

Build a max-heap, then swap the root to the end and sift down, n times.
"""
MERGE_EXAMPLE = """### Example

Merge sort on [3, 1, 2]: split into [3] and [1, 2], sort each and merge them to [1, 2, 3].

"""
LOOK_ALIKE = """# {title}

## Introduction

TODO: write this up.

## Links

See the manual.

## {unique}

{body}
"""


SLOW_START = "## Slow start\n\nThe congestion window starts small and doubles every round trip.\n"
DAILY = "## Tasks\n\nTODO\n\n## Log\n\nNothing yet.\n"
QUICKSORT_EXAMPLE = Place("sorting.md", "Example", "Quicksort")


def look_alike(title: str, unique: str, body: str) -> str:
    return LOOK_ALIKE.format(title=title, unique=unique, body=body)


HISTORIES = {
    "two files, each a uniquely named section with a body many share, moved together": History(
        {
            "a/x.md": "## Alpha\n\nTODO\n",
            "a/y.md": "## Beta\n\nTODO\n",
            "z.md": "## Gamma\n\nTODO\n",
        },
        (both(move("a/x.md", "b/x.md"), move("a/y.md", "b/y.md")),),
        (
            (Place("a/x.md", "Alpha"), Place("b/x.md", "Alpha")),
            (Place("a/y.md", "Beta"), Place("b/y.md", "Beta")),
        ),
        warning="ambiguous",
    ),
    "folder renamed: generic headings, look-alike bodies": History(
        {
            "net/tcp.md": look_alike("TCP", "Handshake", "SYN, SYN-ACK, ACK."),
            "net/udp.md": look_alike("UDP", "Datagram", "No connection, no retransmission."),
            "os/proc.md": look_alike("Processes", "Fork", "The child gets a copy of the parent."),
        },
        (both(move("net/tcp.md", "networking/tcp.md"), move("net/udp.md", "networking/udp.md")),),
        tuple(
            (Place(f"net/{name}.md", heading), Place(f"networking/{name}.md", heading))
            for name, unique in (("tcp", "Handshake"), ("udp", "Datagram"))
            for heading in ("Introduction", "Links", unique)
        ),
        warning="ambiguous",
    ),
    "short answer and its heading both slightly edited": History(
        {"tcp.md": SLOW_START},
        (
            both(
                replace_in("tcp.md", "## Slow start", "## TCP slow start"),
                replace_in("tcp.md", "doubles every round", "doubles each round"),
            ),
        ),
        ((Place("tcp.md", "Slow start"), Place("tcp.md", "TCP slow start")),),
    ),
    "folder of 80 daily notes from one template renamed": History(
        {f"daily/2024-03-{day:02d}.md": DAILY for day in range(1, 81)},
        (move("daily", "journal"),),
        tuple(
            (
                Place(f"daily/2024-03-{day:02d}.md", heading),
                Place(f"journal/2024-03-{day:02d}.md", heading),
            )
            for day in range(1, 81)
            for heading in ("Tasks", "Log")
        ),
    ),
    "file renamed while a removed note in its grace period has the same body": History(
        {
            "x.md": "## Alpha\n\nA body the two sections share word for word.\n",
            "old.md": "## Omega\n\nA body the two sections share word for word.\n",
        },
        (delete("old.md"), move("x.md", "y.md")),
        ((Place("x.md", "Alpha"), Place("y.md", "Alpha")),),
    ),
    "file renamed and most of its answers edited": History(
        {"cache.md": CACHE},
        (
            both(
                replace_in("cache.md", "64 bytes on x86", "64 bytes on most CPUs"),
                replace_in("cache.md", "which saves bandwidth", "which saves a lot of bandwidth"),
                replace_in("cache.md", "Modified, Exclusive", "M (Modified), E (Exclusive"),
                move("cache.md", "hardware/caches.md"),
            ),
        ),
        tuple(
            (Place("cache.md", heading), Place("hardware/caches.md", heading))
            for heading in ("缓存行 / Cache line", TARGET, "MESI")
        ),
    ),
    "spacing between Chinese and Latin text added to heading and body": History(
        {"net.md": "## TCP和UDP的区别\n\nTCP面向连接，UDP无连接；TCP保证按序可靠交付。\n"},
        (
            replace_in(
                "net.md",
                "## TCP和UDP的区别\n\nTCP面向连接，UDP无连接；TCP保证按序可靠交付。",
                "## TCP 和 UDP 的区别\n\nTCP 面向连接，UDP 无连接；TCP 保证按序可靠交付。",
            ),
        ),
        ((Place("net.md", "TCP和UDP的区别"), Place("net.md", "TCP 和 UDP 的区别")),),
    ),
    "spacing added to a Chinese body, heading reworded": History(
        {"net.md": "## TCP和UDP的区别\n\nTCP面向连接，UDP无连接；TCP保证按序可靠交付。\n"},
        (
            replace_in(
                "net.md",
                "## TCP和UDP的区别\n\nTCP面向连接，UDP无连接；TCP保证按序可靠交付。",
                "## TCP和UDP的不同\n\nTCP 面向连接，UDP 无连接；TCP 保证按序可靠交付。",
            ),
        ),
        ((Place("net.md", "TCP和UDP的区别"), Place("net.md", "TCP和UDP的不同")),),
    ),
    "a second ### Example inserted before an existing one": History(
        {"sorting.md": SORTING},
        (replace_in("sorting.md", "### Example\n\n", MERGE_EXAMPLE + "### Example\n\n"),),
        ((QUICKSORT_EXAMPLE, QUICKSORT_EXAMPLE),),
        new=(Place("sorting.md", "Example", "Merge"),),
    ),
    "the first of two ### Example deleted": History(
        {"sorting.md": SORTING.replace("### Example\n\n", MERGE_EXAMPLE + "### Example\n\n")},
        (replace_in("sorting.md", MERGE_EXAMPLE, ""),),
        ((QUICKSORT_EXAMPLE, QUICKSORT_EXAMPLE),),
    ),
    "two ### Example swapped by an answer edit keep their order": History(
        {"sorting.md": SORTING.replace("### Example\n\n", MERGE_EXAMPLE + "### Example\n\n")},
        (replace_in("sorting.md", "Merge sort on [3, 1, 2]", "Merge sort on [2, 1, 3]"),),
        (
            (Place("sorting.md", "Example", "Merge"), Place("sorting.md", "Example", "Merge")),
            (Place("sorting.md", "Example", "Quicksort"), Place("sorting.md", "Example", "Quick")),
        ),
    ),
}


def live_notes(result: BuildResult) -> list[PlannedNote]:
    return [note for note in result.plan.notes if note.status != "removed"]


def find(notes: list[PlannedNote], place: Place) -> PlannedNote:
    found = [
        note
        for note in notes
        if note.location.startswith(place.file + ":")
        and note.heading == place.heading
        and place.word in note.fields.answer
    ]
    assert len(found) == 1, f"{place}: {[(n.location, n.heading) for n in notes]}"
    return found[0]


@pytest.mark.parametrize("history", HISTORIES.values(), ids=HISTORIES.keys())
def test_history_outcome(history: History, tmp_path: Path) -> None:
    vault = tmp_path / "notes"
    for name, text in history.files.items():
        (vault / name).parent.mkdir(parents=True, exist_ok=True)
        (vault / name).write_text(text, encoding="utf-8")
    first = build(vault, T1)
    before = live_notes(first)
    results = []
    for step, one in enumerate(history.edits, start=1):
        one(vault)
        results.append(build(vault, T2 + step))
    after = live_notes(results[-1])
    for old, new in history.kept:
        assert find(after, new).guid == find(before, old).guid, f"{old} → {new}"
    old_guids = {note.guid for note in before}
    for place in history.new:
        assert find(after, place).guid not in old_guids, place
    live = [note.guid for note in after]
    assert len(live) == len(set(live)), "no GUID is given to two live sections"
    if history.warning:
        for result in results:
            assert not [d for d in result.diagnostics if history.warning in d.message]


def test_folder_renamed_back_keeps_the_interim_notes_and_warns(tmp_path: Path) -> None:
    """An older flashgen gave a renamed folder new notes (and the user studied those); the
    folder then got its old name back. The interim notes, studied last, are kept."""
    vault = tmp_path / "notes"
    (vault / "net").mkdir(parents=True)
    (vault / "net" / "tcp.md").write_text(look_alike("TCP", "Handshake", "SYN."), encoding="utf-8")
    config = DeckConfig(name="Match", notes_dir=vault, output=tmp_path / "m.apkg")
    original = build(vault, T1).plan
    (vault / "net").rename(vault / "networking")
    config.lockfile.unlink()
    config.output.unlink()  # else the lockfile is recovered from it: the notes would be kept
    interim = build(vault, T2).plan
    lock = replace(
        interim.lock,
        entries=interim.lock.entries
        + tuple(replace(entry, removed=T2) for entry in original.lock.entries),
    )
    config.lockfile.write_text(lock_to_json(lock), encoding="utf-8")
    (vault / "networking").rename(vault / "net")

    back = build(vault, T2 + 60)
    live = {note.heading: note.guid for note in live_notes(back)}
    assert live == {note.heading: note.guid for note in interim.notes}
    removed = {note.guid for note in back.plan.notes if note.status == "removed"}
    assert removed == {note.guid for note in original.notes}
    warnings = [d for d in back.diagnostics if "studied last" in d.message]
    assert [(d.path, d.message.split("'")[1]) for d in warnings] == [
        ("net/tcp.md", heading) for heading in ("Introduction", "Links", "Handshake")
    ]
    keys = [entry.key for entry in back.plan.lock.entries]
    assert len(keys) == len(set(keys)), "the lockfile holds each key once"
    again = build(vault, T2 + 120)
    assert {note.heading: note.guid for note in live_notes(again)} == live


def test_ambiguity_warning_names_each_rival_once(tmp_path: Path) -> None:
    vault = tmp_path / "notes"
    vault.mkdir()
    twins = "## Twin A\n\nSame words in both.\n\n## Twin B\n\nSame words in both.\n"
    (vault / "twins.md").write_text(twins, encoding="utf-8")
    build(vault, T1)
    replace_in("twins.md", "## Twin A", "## Twin one")(vault)
    replace_in("twins.md", "## Twin B", "## Twin two")(vault)
    result = build(vault, T2)
    messages = {d.message.split("'")[1]: d.message for d in result.diagnostics}
    assert messages["Twin one"].count("'Twin two'") == 1, messages["Twin one"]
    assert messages["Twin two"].count("'Twin one'") == 1, messages["Twin two"]
    assert all(m.count("'Twin A'") == 1 and m.count("'Twin B'") == 1 for m in messages.values())


def test_folder_rename_in_real_anki_keeps_notes_and_review_history(tmp_path: Path) -> None:
    """Import, study, rename a folder of look-alike sections, rebuild, import again."""
    vault = tmp_path / "notes"
    files = {
        "net/tcp.md": look_alike("TCP", "Handshake", "SYN, SYN-ACK, ACK."),
        "net/udp.md": look_alike("UDP", "Datagram", "No connection, no retransmission."),
        "os/proc.md": look_alike("Processes", "Fork", "The child gets a copy of the parent."),
    }
    for name, text in files.items():
        (vault / name).parent.mkdir(parents=True, exist_ok=True)
        (vault / name).write_text(text, encoding="utf-8")
    now = int(time.time())
    config = DeckConfig(name="Match", notes_dir=vault, output=tmp_path / "m.apkg")
    collection_path = tmp_path / "collection.anki2"
    build(vault, now - 86_400)
    with collection(collection_path) as col:
        import_package(col, config.output)
        assert review_all(col) >= 9
        studied = notes(col)

    (vault / "net").rename(vault / "networking")
    result = build(vault, now + 3_600)
    assert result.plan.report.summary() == (
        "0 new, 0 changed, 6 renamed/moved, 0 removed, 3 unchanged"
    )
    with collection(collection_path) as col:
        log = import_package(col, config.output)
        after = notes(col)
    assert len(log.new) == 0
    assert set(after) == set(studied), "the same notes, none added"
    for guid, note in after.items():
        assert note.reps == studied[guid].reps > 0, f"review history of {note.fields['Prompt']}"
        assert REMOVED_TAG not in note.tags
    sources = sorted(note.fields["Source"] for note in after.values())
    assert sources == ["networking/tcp.md"] * 3 + ["networking/udp.md"] * 3 + ["os/proc.md"] * 3


# --- bodies with nothing distinctive ------------------------------------------------------
#
# A body that is only a rule or only a link makes no card since the split skips such
# sections, but lockfiles written before hold them, and the matcher must never let such a
# body decide. These cases plan notes whose bodies are set to one directly.


def planned_notes(vault: Path, bodies: dict[str, str]) -> list[NoteContent]:
    """The vault's notes, each heading in ``bodies`` given that body as the matcher sees it."""
    return [
        replace(note, body_hash=text_hash(body), body_sketch=sketch(body))
        if (body := bodies.get(note.heading)) is not None
        else note
        for note in vault_notes(vault)
    ]


NOT_DISTINCTIVE = {
    "two files, each a uniquely named section whose body is ---, moved together": (
        {"a/x.md": "## Alpha\n\nx\n", "a/y.md": "## Beta\n\ny\n", "z.md": "## Gamma\n\nz\n"},
        {"Alpha": "---", "Beta": "---", "Gamma": "---"},
        both(move("a/x.md", "b/x.md"), move("a/y.md", "b/y.md")),
        {("a/x.md", "Alpha"): ("b/x.md", "Alpha"), ("a/y.md", "Beta"): ("b/y.md", "Beta")},
    ),
    "a section whose body is one link, moved alone to another file": (
        {"x.md": "## Alpha\n\nx\n\n## Delta\n\nd\n", "y.md": "## Beta\n\ny\n"},
        {"Alpha": "[the manual](https://example.com)", "Beta": "[the manual](https://example.com)"},
        both(replace_in("x.md", "## Alpha\n\nx\n\n", ""), append_to("y.md", "\n## Alpha\n\nx\n")),
        {("x.md", "Alpha"): ("y.md", "Alpha"), ("y.md", "Beta"): ("y.md", "Beta")},
    ),
    "a section whose body is ---, heading renamed: the body alone does not decide": (
        {"x.md": "## Alpha\n\nx\n"},
        {"Alpha": "---", "Omega": "---"},
        replace_in("x.md", "## Alpha", "## Omega"),
        {},
    ),
}


@pytest.mark.parametrize("case", NOT_DISTINCTIVE.values(), ids=NOT_DISTINCTIVE.keys())
def test_body_with_nothing_distinctive(
    case: tuple[
        dict[str, str],
        dict[str, str],
        Callable[[Path], None],
        dict[tuple[str, str], tuple[str, str]],
    ],
    tmp_path: Path,
) -> None:
    files, bodies, edit, kept = case
    vault = tmp_path / "notes"
    for name, text in files.items():
        (vault / name).parent.mkdir(parents=True, exist_ok=True)
        (vault / name).write_text(text, encoding="utf-8")
    first = plan_deck("Match", planned_notes(vault, bodies), None, FINGERPRINT, T1)
    edit(vault)
    second = plan_deck("Match", planned_notes(vault, bodies), first.lock, FINGERPRINT, T2)
    before = {(n.key.split(" › ")[0], n.heading): n.guid for n in first.notes}
    after = {
        (n.key.split(" › ")[0], n.heading): n.guid for n in second.notes if n.status != "removed"
    }
    assert {old: new for old, new in kept.items() if before[old] == after[new]} == kept
    for place, guid in after.items():
        if place not in kept.values():
            expected = before.get(place)
            assert (guid == expected) if expected else guid not in before.values(), place
    assert not [d for d in second.diagnostics if "ambiguous" in d.message]
